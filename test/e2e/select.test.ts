/**
 * End to end in real Chromium against `out/main/serve.js` (headless mode):
 * acting on many (select all, both bulk actions, the server's state checked
 * over HTTP), focus, and a UI that never lies when the port goes away.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { postTo as post, startUiServer, type UiServer as Server } from '../support/ui-server';



async function stop(server: Server): Promise<void> {
  server.serve.child.kill('SIGTERM');
  await server.serve.exit();
}


interface WireAgent {
  id: string;
  status: string;
  exhaust_reason: string | null;
  recovery_at: string | null;
}

/** The fleet as the server holds it, read with the operator token. */
async function serverAgents(server: Server): Promise<Map<string, WireAgent>> {
  const res = await fetch(`${server.url}/v1/agents?limit=1000`, { headers: { authorization: `Bearer ${server.operatorToken}` } });
  expect(res.status).toBe(200);
  const { agents } = (await res.json()) as { agents: WireAgent[] };
  return new Map(agents.map((a) => [a.id, a]));
}

const tile = (page: Page, id: string) => page.locator(`[data-agent-id="${id}"]`);
const tileWith = (page: Page, id: string, status: string) => page.locator(`[data-agent-id="${id}"][data-status="${status}"]`);

/** Where focus is: the agent whose tile holds it and the control's `data-action`, or the focused element's tag. */
const focusAt = (page: Page) =>
  page.evaluate(() => {
    const at = document.activeElement;
    const agent = at?.closest('[data-agent-id]')?.getAttribute('data-agent-id');
    return agent ? `${agent}:${at?.getAttribute('data-action') ?? at?.tagName}` : (at?.tagName ?? 'none');
  });

requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('acting on many, focus, and the disconnected state in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium(inject('chromium'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-e2e-select-'));
    server = await startUiServer(dir);
    for (const id of ['bulk-1', 'bulk-2', 'bulk-3']) expect((await post(server, `/v1/agents/${id}/heartbeat`, { labels: { team: 'bulk' } })).status).toBe(200);
    expect((await post(server, '/v1/agents/bystander/heartbeat', { labels: { team: 'other' } })).status).toBe(200);
    for (const id of ['bulk-1', 'bulk-2']) expect((await post(server, `/v1/agents/${id}/exhausted`, { reason: 'rate_limit' })).status).toBe(200);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.ui);
    await tileWith(page, 'bulk-2', 'exhausted').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"Select all" ticks what the search shows; "Recover selected" moves what the rules allow and says what it skipped; the server agrees', async () => {
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('team=bulk');
    await tile(page, 'bystander').waitFor({ state: 'detached' });
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    for (const id of ['bulk-1', 'bulk-2', 'bulk-3']) expect(await page.getByRole('checkbox', { name: `Select ${id}` }).isChecked()).toBe(true);
    await page.getByText('3 selected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Recover selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Recovered 2 agents; 1 skipped: already idle (1)' }).waitFor();
    await tileWith(page, 'bulk-1', 'idle').waitFor();
    const agents = await serverAgents(server);
    expect(['bulk-1', 'bulk-2', 'bulk-3', 'bystander'].map((id) => agents.get(id)?.status)).toEqual(['idle', 'idle', 'idle', 'idle']);
  });

  it('"Exhaust selected": one dialog for the selection, its reason and time on every ticked agent, and no other', async () => {
    await page.getByRole('checkbox', { name: 'Select bulk-3' }).uncheck();
    await page.getByText('2 selected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Exhaust selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Exhaust 2 selected agents' });
    await dialog.getByLabel('Billing').check();
    await dialog.getByLabel('in 1 hour').check();
    await dialog.getByText(/^Recovers at \d\d:\d\d \(.+\)$|^Recovers at .+ \d\d:\d\d \(.+\)$/).waitFor();
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Exhaust selected agents' }).click();
    await page.getByRole('status').filter({ hasText: 'Exhausted 2 agents.' }).waitFor();
    expect(await dialog.count()).toBe(0);
    // Focus is back on the button that opened the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Exhaust selected');
    const agents = await serverAgents(server);
    for (const id of ['bulk-1', 'bulk-2']) {
      expect(agents.get(id)).toMatchObject({ status: 'exhausted', exhaust_reason: 'billing' });
      const minutes = (Date.parse(agents.get(id)!.recovery_at!) - before) / 60_000;
      expect(minutes).toBeGreaterThan(59.9);
      expect(minutes).toBeLessThan(60.5);
    }
    expect(agents.get('bulk-3')!.status).toBe('idle');
    expect(agents.get('bystander')!.status).toBe('idle');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByText('0 selected', { exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('');
    await tile(page, 'bystander').waitFor();
  });

  it('after Force exhaust, focus returns to the button that opened it, in the tile that re-sorted to the top', async () => {
    // Enough agents that the last one sits rows below the first: exhausted sorts first, into another row (a re-mount).
    for (let i = 1; i <= 12; i++) await post(server, `/v1/agents/focus-${String(i).padStart(2, '0')}/heartbeat`);
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('focus');
    await tile(page, 'focus-12').waitFor();
    const opener = tile(page, 'focus-12').getByRole('button', { name: 'Force exhaust' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Exhaust agent' }).click();
    await tileWith(page, 'focus-12', 'exhausted').waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('[data-agent-id]').first().getAttribute('data-agent-id')).toBe('focus-12');
    await expect.poll(() => focusAt(page)).toBe('focus-12:force-exhaust');
  });

  it('opening details moves focus into the panel; Escape closes it and gives focus back to the tile', async () => {
    await tile(page, 'focus-03').getByRole('button', { name: /focus-03/ }).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Details of focus-03' });
    await panel.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('aside')?.getAttribute('aria-label'))).toBe('Details of focus-03');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => focusAt(page)).toBe('focus-03:open-details');
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('');
  });

  it('a 128-character id, a 200-character name and 32 labels neither clip the tile\'s buttons nor overflow the details', async () => {
    const id = `long-${'x'.repeat(123)}`;
    const name = `مرحبا ${'Long agent name '.repeat(12)}`.slice(0, 200);
    const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`label-key-${i}`, `a-rather-long-label-value-${i}-${'v'.repeat(40)}`]));
    expect((await post(server, `/v1/agents/${id}/exhausted`, { name, labels, reason: 'rate_limit', message: "You've hit your limit · resets 11:59pm (Etc/GMT-14)" })).status).toBe(200);
    const t = tile(page, id);
    await t.waitFor();
    const box = (await t.boundingBox())!;
    for (const control of [t.getByRole('button', { name: 'Force exhaust' }), t.getByRole('button', { name: 'Recover' }), t.getByRole('checkbox', { name: `Select ${id}` })]) {
      const b = (await control.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(box.x);
      expect(b.y).toBeGreaterThanOrEqual(box.y);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width);
      expect(b.y + b.height).toBeLessThanOrEqual(box.y + box.height);
    }
    await t.getByRole('button', { name: /Long agent name/ }).click();
    const panel = page.getByRole('complementary', { name: /^Details of/ });
    await panel.waitFor();
    const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const file = path.resolve('out/e2e/select-long.png');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    await page.getByRole('button', { name: 'Close details' }).click();
  });

  it('when the port goes away: the banner with the time, every action at rest; all back once it returns', async () => {
    await tile(page, 'bulk-1').getByRole('button', { name: 'bulk-1' }).click();
    await page.getByRole('complementary', { name: 'Details of bulk-1' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select bulk-3' }).check();
    const port = Number(new URL(server.url).port);
    await stop(server);
    const banner = page.getByRole('alert').filter({ hasText: /^Disconnected — showing the fleet as of \d\d:\d\d:\d\d$/ });
    await banner.waitFor();
    for (const name of ['Recover', 'Force exhaust', 'Forget agent', 'Recover selected', 'Exhaust selected']) {
      const buttons = await page.getByRole('button', { name, exact: true }).all();
      expect(buttons.length, name).toBeGreaterThan(0);
      for (const button of buttons) expect(await button.isDisabled(), name).toBe(true);
    }
    // The ages stop where the stream dropped: "In status" reads the same two seconds on.
    const inStatus = tile(page, 'bulk-2').locator('dt', { hasText: 'In status' }).locator('xpath=following-sibling::dd[1]');
    const frozen = await inStatus.textContent();
    await page.waitForTimeout(2_100);
    expect(await inStatus.textContent()).toBe(frozen);
    server = await startUiServer(dir, { port });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByText('Live', { exact: true }).waitFor();
    // And count again once it is back.
    await expect.poll(() => inStatus.textContent(), { timeout: 5_000 }).not.toBe(frozen);
    expect(await tile(page, 'bulk-1').getByRole('button', { name: 'Recover' }).isDisabled()).toBe(false);
    expect(await page.getByRole('button', { name: 'Recover selected' }).isDisabled()).toBe(false);
  });
});
