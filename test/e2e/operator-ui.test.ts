/**
 * End to end in real Chromium against `out/main/serve.js` (headless mode) on
 * port 0 with a temp database: what an operator sees and does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { postTo as post, startUiServer, type UiServer as Server } from '../support/ui-server';
import { useTempDir } from '../support/temp-dir';




const tile = (page: Page, id: string) => page.locator(`[data-agent-id="${id}"]`);

/** Every URL in the tab's session history, as the browser keeps it (not only what the page can see). */
async function historyUrls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send('Page.getNavigationHistory');
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

// Skipped, with one line saying how to get a browser, only where none can be had (and never with CI=true).
requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('operator UI in Chromium', () => {
  const tempDir = useTempDir('fleet-e2e-');
  let browser: Browser;
  let server: Server;
  let page: Page;
  let mainDir: string;

  beforeAll(async () => {
    browser = await launchChromium(inject('chromium'));
    mainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-e2e-main-'));
    server = await startUiServer(mainDir);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Every CSP violation of the session, checked once the other tests have used the page.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(server.ui);
    await page.getByRole('heading', { name: 'No agents yet' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    server?.serve.child.kill('SIGTERM');
    await server?.serve.exit();
    fs.rmSync(mainDir, { recursive: true, force: true });
  });

  it('signs in with the printed one-time code; neither the address bar nor any history entry keeps it', async () => {
    expect(server.ui).toMatch(/\/#code=[A-Za-z0-9_-]{43}$/);
    const code = server.ui.split('#code=')[1]!;
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.evaluate(() => window.location.href)).not.toContain(code);
    expect(await historyUrls(page)).not.toContainEqual(expect.stringContaining(code));
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(1);
  });

  it('the printed link works once: opened again it says it was used, and the token field signs in, refusing the agent token with the reason', async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(server.ui);
      await fresh.getByText(/^This sign-in link was already used/).waitFor();
      expect(fresh.url()).toBe(`${server.url}/`);
      await fresh.getByLabel('Operator token').fill(server.agentToken);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByText("That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json).").waitFor();
      await fresh.getByLabel('Operator token').fill(server.operatorToken);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByRole('button', { name: 'Settings' }).waitFor();
      const urls = await historyUrls(fresh);
      for (const secret of [server.ui.split('#code=')[1]!, server.operatorToken, server.agentToken]) {
        expect(urls).not.toContainEqual(expect.stringContaining(secret));
      }
    } finally {
      await fresh.close();
    }
  });

  it('heartbeats posted over HTTP appear in the grid without a reload', async () => {
    for (const [id, name] of [['build-bot', 'Build bot'], ['review-bot', 'Review bot'], ['docs-bot', 'Docs bot']]) {
      expect((await post(server, `/v1/agents/${id}/heartbeat`, { name, labels: { team: id === 'docs-bot' ? 'docs' : 'eng' } })).status).toBe(200);
    }
    await tile(page, 'build-bot').waitFor();
    await tile(page, 'docs-bot').waitFor();
    expect(await tile(page, 'build-bot').getAttribute('data-status')).toBe('idle');
    await post(server, '/v1/agents/review-bot/busy', { slot_type: 'work' });
    await page.locator('[data-agent-id="review-bot"][data-status="busy"]').waitFor();
  });

  it('Force exhaust → dialog → "Exhaust agent" turns the tile exhausted, and the API agrees', async () => {
    await tile(page, 'build-bot').getByRole('button', { name: 'Force exhaust' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Billing').check();
    await dialog.getByRole('button', { name: 'Exhaust agent' }).click();
    await page.locator('[data-agent-id="build-bot"][data-status="exhausted"]').waitFor();
    expect(await dialog.count()).toBe(0);
    const res = await fetch(`${server.url}/v1/agents/build-bot`, { headers: { authorization: `Bearer ${server.agentToken}` } });
    const { agent } = (await res.json()) as { agent: { status: string; exhaust_reason: string; recovery_at: string } };
    expect(agent).toMatchObject({ status: 'exhausted', exhaust_reason: 'billing' });
    const hours = (Date.parse(agent.recovery_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(4.9);
    expect(hours).toBeLessThanOrEqual(5);
    await expect(tile(page, 'build-bot').getByText('billing').count()).resolves.toBe(1);
  });

  it('the dialog answers the keyboard: Escape closes it', async () => {
    await tile(page, 'docs-bot').getByRole('button', { name: 'Force exhaust' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await tile(page, 'docs-bot').getAttribute('data-status')).toBe('idle');
  });

  it('"Recover" brings it back to idle', async () => {
    await tile(page, 'build-bot').getByRole('button', { name: 'Recover' }).click();
    await page.locator('[data-agent-id="build-bot"][data-status="idle"]').waitFor();
    const events = await fetch(`${server.url}/v1/agents/build-bot/events`, { headers: { authorization: `Bearer ${server.agentToken}` } });
    const body = (await events.json()) as { events: { to: string; cause: string }[] };
    expect(body.events[0]).toMatchObject({ to: 'idle', cause: 'operator' });
  });

  it("an agent's limit message shows on its tile: where the time came from, its words, and its usage", async () => {
    const message = 'Claude usage limit reached. Your limit will reset at 11:59pm (Etc/GMT-14).';
    const usage = { five_hour: { used_percent: 100, resets_at: null }, seven_day: { used_percent: 35, resets_at: null } };
    expect((await post(server, '/v1/agents/limit-bot/exhausted', { name: 'Limit bot', message, usage })).status).toBe(200);
    const t = tile(page, 'limit-bot');
    await page.locator('[data-agent-id="limit-bot"][data-status="exhausted"]').waitFor();
    await t.getByText(/from the agent's message$/).waitFor();
    expect(await t.locator('q').textContent()).toBe(message);
    expect(await t.getByRole('meter', { name: '5h usage' }).getAttribute('aria-valuenow')).toBe('100');
    await post(server, '/v1/agents/limit-bot/idle');
    await page.locator('[data-agent-id="limit-bot"][data-status="idle"]').waitFor();
    expect(await t.getByText(/from the agent's message$/).count()).toBe(0);
    await fetch(`${server.url}/v1/agents/limit-bot`, { method: 'DELETE', headers: { authorization: `Bearer ${server.operatorToken}` } });
    await t.waitFor({ state: 'detached' });
  });

  it('"Paste the agent\'s message" in the dialog fills it, and the port records the time from the message', async () => {
    await tile(page, 'docs-bot').getByRole('button', { name: 'Force exhaust' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel("Paste the agent's message").fill('Quota exceeded for quota metric. Please retry in 45 minutes.');
    await dialog.getByRole('status').getByText(/^Read as rate limit, resets /).waitFor();
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Exhaust agent' }).click();
    await page.locator('[data-agent-id="docs-bot"][data-status="exhausted"]').waitFor();
    const res = await fetch(`${server.url}/v1/agents/docs-bot`, { headers: { authorization: `Bearer ${server.agentToken}` } });
    const { agent } = (await res.json()) as { agent: { recovery_at: string; recovery_source: string; exhaust_reason: string; exhaust_excerpt: string } };
    expect(agent).toMatchObject({ recovery_source: 'message', exhaust_reason: 'rate_limit' });
    expect(agent.exhaust_excerpt).toContain('Please retry in 45 minutes');
    const minutes = (Date.parse(agent.recovery_at) - before) / 60_000;
    expect(minutes).toBeGreaterThan(44.9);
    expect(minutes).toBeLessThan(45.5);
    await tile(page, 'docs-bot').getByRole('button', { name: 'Recover' }).click();
    await page.locator('[data-agent-id="docs-bot"][data-status="idle"]').waitFor();
  });

  it('a Claude Code session connected by its hooks: busy, then "Needs you: permission" on the tile and in the header, cleared by work', async () => {
    const session = { session_id: 'e2e-session-1', cwd: '/home/dev/src/payments-api', transcript_path: '/tmp/t.jsonl' };
    const hook = (body: unknown) => post(server, '/v1/hooks/claude-code', body);
    expect(await (await hook({ ...session, hook_event_name: 'UserPromptSubmit', prompt: 'go' })).json()).toEqual({});
    const t = tile(page, 'cc-e2e-session-1');
    await page.locator('[data-agent-id="cc-e2e-session-1"][data-status="busy"]').waitFor();
    expect(await t.getByRole('button', { name: /payments-api/ }).count()).toBe(1);
    await hook({ ...session, hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'npm test' } });
    await t.getByText('Needs you: permission').waitFor();
    await page.getByRole('button', { name: /^needs you 1$/i }).waitFor();
    await hook({ ...session, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_response: {} });
    await t.getByText('Needs you: permission').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^needs you 0$/i }).waitFor();
    await hook({ ...session, hook_event_name: 'SessionEnd', reason: 'exit' });
    await page.locator('[data-agent-id="cc-e2e-session-1"][data-status="offline"]').waitFor();
    await fetch(`${server.url}/v1/agents/cc-e2e-session-1`, { method: 'DELETE', headers: { authorization: `Bearer ${server.operatorToken}` } });
    await t.waitFor({ state: 'detached' });
  });

  it('filters and search narrow the grid', async () => {
    await page.getByRole('button', { name: /^busy 1$/i }).click();
    await tile(page, 'build-bot').waitFor({ state: 'detached' });
    expect(await page.locator('[data-agent-id]').count()).toBe(1);
    expect(await tile(page, 'review-bot').count()).toBe(1);
    await page.getByRole('button', { name: /^all 3$/i }).click();
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('team=docs');
    await tile(page, 'review-bot').waitFor({ state: 'detached' });
    expect(await page.locator('[data-agent-id]').count()).toBe(1);
    expect(await tile(page, 'docs-bot').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('');
    await tile(page, 'review-bot').waitFor();
  });

  it('clicking a tile opens its history, newest first', async () => {
    // Anywhere on the tile, not only its name button: here its status badge.
    await tile(page, 'build-bot').locator('.badge').click();
    const history = page.getByRole('list', { name: 'History' });
    await history.waitFor();
    const first = await history.getByRole('listitem').first().textContent();
    expect(first).toMatch(/exhausted → idle.*by operator/);
    await page.getByRole('button', { name: 'Close details' }).click();
  });

  it('saves a screenshot of the populated grid', async () => {
    await post(server, '/v1/agents/oncall-bot/busy', { slot_type: 'on_call', name: 'On-call bot' });
    for (let i = 1; i <= 6; i++) {
      await post(server, `/v1/agents/coder-${i}/heartbeat`, { name: `Coding agent ${i}`, labels: { team: 'eng' } });
      if (i % 2 === 0) await post(server, `/v1/agents/coder-${i}/busy`, { slot_type: 'work' });
    }
    await post(server, '/v1/agents/quota-bot/exhausted', {
      name: 'Quota bot',
      message: "You've hit your session limit · resets 11:59pm (Etc/GMT-14)",
      usage: { five_hour: { used_percent: 100, resets_at: Math.floor(Date.now() / 1000) + 5400 }, seven_day: { used_percent: 64, resets_at: null } },
    });
    await post(server, '/v1/hooks/claude-code', { session_id: 'shot', cwd: '/home/dev/src/payments-api', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'npm test' } });
    await page.locator('[data-agent-id="quota-bot"][data-status="exhausted"]').waitFor();
    await tile(page, 'quota-bot').getByRole('button', { name: /Quota bot/ }).click();
    await page.getByRole('list', { name: 'History' }).waitFor();
    const file = path.resolve('out/e2e/grid.png');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    await page.getByRole('button', { name: 'Close details' }).click();
  });

  it('Settings shows the port, the agent token to copy and a ready-to-paste curl heartbeat', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.waitFor();
    const text = (await settings.textContent()) ?? '';
    expect(text).toContain(server.url);
    expect(text).toContain('2 min without a heartbeat');
    expect(text).toContain(`curl -sS -X POST ${server.url}/v1/agents/my-agent/heartbeat -H 'Authorization: Bearer ${server.agentToken}'`);
    expect(await settings.getByRole('button', { name: 'Copy Agent token' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Fleet' }).click();
    await tile(page, 'docs-bot').waitFor();
  });

  it('"Forget agent" asks first, then removes the agent from the grid and the API', async () => {
    await tile(page, 'docs-bot').getByRole('button', { name: /Docs bot/ }).click();
    await page.getByRole('button', { name: 'Forget agent' }).click();
    await page.getByRole('button', { name: 'Forget', exact: true }).click();
    await tile(page, 'docs-bot').waitFor({ state: 'detached' });
    const res = await fetch(`${server.url}/v1/agents/docs-bot`, { headers: { authorization: `Bearer ${server.agentToken}` } });
    expect(res.status).toBe(404);
  });

  it('the page has run every test above under its strict CSP (no inline styles or scripts) without a violation', async () => {
    const csp = (await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'))) ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('a page without the token shows the sign-in message and nothing else', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(server.url);
    await fresh.getByRole('alert').waitFor();
    expect(await fresh.getByRole('alert').textContent()).toContain('Sign in with the link Fleet Monitor printed');
    expect(await fresh.locator('[data-agent-id]').count()).toBe(0);
    await fresh.close();
  });

  it('a page with a wrong token shows the sign-in message', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${server.url}/#token=not-the-operator-token`);
    await fresh.getByRole('alert').waitFor();
    expect(await fresh.getByRole('alert').textContent()).toContain('Sign in');
    await fresh.close();
  });

  it('a page with the agent token instead of the operator’s shows the sign-in message and why', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${server.url}/#token=${server.agentToken}`);
    await fresh.getByText("That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json).").waitFor();
    expect(fresh.url()).toBe(`${server.url}/`);
    expect(await fresh.getByRole('alert').textContent()).toContain('Sign in with the link Fleet Monitor printed');
    expect(await fresh.locator('[data-agent-id]').count()).toBe(0);
    expect(await fresh.getByRole('button', { name: 'Settings' }).count()).toBe(0);
    await fresh.close();
  });

  it('an agent that stops beating turns offline in the UI', async () => {
    const quick = await startUiServer(tempDir(), { args: ['--heartbeat-timeout-s', '1'] });
    const p = await browser.newPage();
    try {
      await p.goto(quick.ui);
      await post(quick, '/v1/agents/quiet-bot/heartbeat');
      await p.locator('[data-agent-id="quiet-bot"][data-status="idle"]').waitFor();
      await p.locator('[data-agent-id="quiet-bot"][data-status="offline"]').waitFor({ timeout: 5_000 });
      await post(quick, '/v1/agents/quiet-bot/heartbeat');
      await p.locator('[data-agent-id="quiet-bot"][data-status="idle"]').waitFor();
    } finally {
      await p.close();
      quick.serve.child.kill('SIGTERM');
      await quick.serve.exit();
    }
  });
});
