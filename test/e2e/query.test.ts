/**
 * Finding and grouping end to end in real Chromium against `out/main/serve.js`
 * (headless mode): several status filters at once, groups by a label key,
 * the view in the URL (bookmark, reload, Back), `?agent=` and the no-match state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { postTo, startUiServer, type UiServer as Server } from '../support/ui-server';



async function post(server: Server, p: string, body: unknown = {}): Promise<void> {
  expect((await postTo(server, p, body)).status, p).toBe(200);
}

/** Every URL in the tab's session history, as the browser keeps it. */
async function historyUrls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send('Page.getNavigationHistory');
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

const tiles = (page: Page) => page.locator('[data-agent-id]');
const shownIds = async (page: Page) => (await tiles(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-agent-id')))).sort();
const filter = (page: Page, name: RegExp) => page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name });
const query = (page: Page) => page.evaluate(() => window.location.search);
const waitForQuery = (page: Page, expected: string) => page.waitForFunction((q) => window.location.search === q, expected);

const ALL = ['infra-1', 'infra-2', 'loner', 'web-1', 'web-2'];

requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('finding and grouping in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-e2e-query-'));
    server = await startUiServer(dir);
    await post(server, '/v1/agents/web-1/heartbeat', { name: 'Web one', labels: { team: 'web' } });
    await post(server, '/v1/agents/web-2/heartbeat', { name: 'Web two', labels: { team: 'web' } });
    await post(server, '/v1/agents/web-2/offline');
    await post(server, '/v1/agents/infra-1/heartbeat', { name: 'Infra one', labels: { team: 'infra', region: 'eu' } });
    await post(server, '/v1/agents/infra-1/exhausted', { reason: 'rate_limit' });
    await post(server, '/v1/agents/infra-2/heartbeat', { name: 'Infra two', labels: { team: 'infra' } });
    await post(server, '/v1/agents/infra-2/busy', { slot_type: 'work' });
    await post(server, '/v1/agents/loner/heartbeat', { name: 'Loner', labels: { region: 'us' } });
    browser = await launchChromium(inject('chromium'));
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.ui);
    await page.locator('[data-agent-id="loner"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    server?.serve.child.kill('SIGTERM');
    await server?.serve.exit();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Each test starts from the plain view, as a fresh page would. */
  beforeEach(async () => {
    await page.goto(`${server.url}/`);
    await page.locator('[data-agent-id="loner"]').waitFor();
  });

  it('several statuses at once: an agent passing any selected filter is shown; "All" clears them', async () => {
    await filter(page, /^offline 1$/i).click();
    await filter(page, /^exhausted 1$/i).click();
    await page.locator('[data-agent-id="web-1"]').waitFor({ state: 'detached' });
    expect(await shownIds(page)).toEqual(['infra-1', 'web-2']);
    expect(await filter(page, /^offline/i).getAttribute('aria-pressed')).toBe('true');
    expect(await filter(page, /^exhausted/i).getAttribute('aria-pressed')).toBe('true');
    expect(await filter(page, /^all/i).getAttribute('aria-pressed')).toBe('false');
    expect(await query(page)).toBe('?status=offline,exhausted');
    // "Needs attention" joins them: the same two; Busy adds infra-2.
    await filter(page, /^busy 1$/i).click();
    await page.locator('[data-agent-id="infra-2"]').waitFor();
    expect(await shownIds(page)).toEqual(['infra-1', 'infra-2', 'web-2']);
    await filter(page, /^all 5$/i).click();
    await page.locator('[data-agent-id="web-1"]').waitFor();
    expect(await shownIds(page)).toEqual(ALL);
    expect(await query(page)).toBe('');
  });

  it('groups by a label key: a header per value with its size and per-status counts; groups fold and open', async () => {
    const select = page.getByRole('combobox', { name: 'Group by' });
    expect(await select.locator('option').allTextContents()).toEqual(['None', 'region', 'team']);
    await select.selectOption('team');
    await waitForQuery(page, '?group=team');
    const header = (name: RegExp) => page.getByRole('heading').getByRole('button', { name });
    const infra = header(/^infra 2 agents/);
    await infra.waitFor();
    expect(await infra.textContent()).toMatch(/infra\s*2 agents\s*1 exhausted, 1 busy/);
    expect(await header(/^web 2 agents/).textContent()).toMatch(/1 offline, 1 idle/);
    expect(await header(/^\(no team\) 1 agent 1 idle$/).count()).toBe(1);
    // Groups in order of their values, the agents without the key last; each group's tiles under its header.
    const order = await page.locator('.grid-group, [data-agent-id]').evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-agent-id') ?? el.querySelector('.group-value')!.textContent),
    );
    expect(order).toEqual(['infra', 'infra-1', 'infra-2', 'web', 'web-2', 'web-1', '(no team)', 'loner']);

    expect(await header(/^web/).getAttribute('aria-expanded')).toBe('true');
    await header(/^web/).click();
    await page.locator('[data-agent-id="web-1"]').waitFor({ state: 'detached' });
    expect(await header(/^web/).getAttribute('aria-expanded')).toBe('false');
    expect(await shownIds(page)).toEqual(['infra-1', 'infra-2', 'loner']);
    // Folded, the header still counts its agents; live changes reach the counts.
    await post(server, '/v1/agents/web-1/busy', { slot_type: 'work' });
    await header(/^web 2 agents 1 offline, 1 busy$/).waitFor();
    await header(/^web/).press('Enter');
    await page.locator('[data-agent-id="web-1"]').waitFor();
    expect(await header(/^web/).getAttribute('aria-expanded')).toBe('true');
    await post(server, '/v1/agents/web-1/idle');
    await header(/^web 2 agents 1 offline, 1 idle$/).waitFor();

    await select.selectOption('');
    await page.locator('.grid-group').first().waitFor({ state: 'detached' });
    expect(await query(page)).toBe('');
  });

  it('the view set in the UI is in the URL exactly; loaded again it comes back; Back undoes each step', async () => {
    await filter(page, /^offline/i).click();
    await waitForQuery(page, '?status=offline');
    await filter(page, /^exhausted/i).click();
    await waitForQuery(page, '?status=offline,exhausted');
    const historyBefore = await page.evaluate(() => window.history.length);
    await page.getByRole('searchbox', { name: 'Search agents' }).pressSequentially('team=infra');
    await waitForQuery(page, '?status=offline,exhausted&q=team%3Dinfra');
    // Typing replaced the entry: no entry per keystroke.
    expect(await page.evaluate(() => window.history.length)).toBe(historyBefore);
    await page.getByRole('combobox', { name: 'Group by' }).selectOption('team');
    await page.locator('[data-agent-id="infra-1"]').click();
    await page.getByRole('complementary', { name: 'Details of Infra one' }).waitFor();
    await waitForQuery(page, '?status=offline,exhausted&q=team%3Dinfra&group=team&agent=infra-1');
    expect(page.url()).toBe(`${server.url}/?status=offline,exhausted&q=team%3Dinfra&group=team&agent=infra-1`);

    // A reload keeps it all.
    await page.reload();
    await page.getByRole('complementary', { name: 'Details of Infra one' }).waitFor();
    expect(await query(page)).toBe('?status=offline,exhausted&q=team%3Dinfra&group=team&agent=infra-1');
    expect(await shownIds(page)).toEqual(['infra-1']);
    expect(await page.getByRole('searchbox', { name: 'Search agents' }).inputValue()).toBe('team=infra');
    expect(await page.getByRole('combobox', { name: 'Group by' }).inputValue()).toBe('team');

    // Back: the details close, then the grouping goes, then the filters one by one.
    await page.goBack();
    await page.getByRole('complementary').waitFor({ state: 'detached' });
    expect(await query(page)).toBe('?status=offline,exhausted&q=team%3Dinfra&group=team');
    await page.goBack();
    await page.locator('.grid-group').first().waitFor({ state: 'detached' });
    expect(await page.getByRole('combobox', { name: 'Group by' }).inputValue()).toBe('');
    expect(await query(page)).toBe('?status=offline,exhausted&q=team%3Dinfra');
    await page.goBack();
    expect(await query(page)).toBe('?status=offline');
    await page.locator('[data-agent-id="web-2"]').waitFor();
    expect(await shownIds(page)).toEqual(['web-2']);
    expect(await filter(page, /^exhausted/i).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('searchbox', { name: 'Search agents' }).inputValue()).toBe('');
    // And Forward again.
    await page.goForward();
    await page.locator('[data-agent-id="infra-1"]').waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search agents' }).inputValue()).toBe('team=infra');
  });

  it('a shared URL shows its view: filters, search, grouping, sort and the open agent; what it cannot know is dropped', async () => {
    const shared = '?view=table&status=offline,exhausted&q=team%3Dinfra&sort=name&dir=desc&group=team&agent=infra-1';
    await page.goto(`${server.url}/${shared}&colour=red&status=bogus`);
    await page.getByRole('complementary', { name: 'Details of Infra one' }).waitFor();
    expect(await query(page)).toBe(shared);
    expect(await filter(page, /^offline/i).getAttribute('aria-pressed')).toBe('true');
    expect(await filter(page, /^exhausted/i).getAttribute('aria-pressed')).toBe('true');
    expect(await filter(page, /^all/i).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('searchbox', { name: 'Search agents' }).inputValue()).toBe('team=infra');
    expect(await page.getByRole('combobox', { name: 'Sort by' }).inputValue()).toBe('name');
    expect(await page.getByRole('combobox', { name: 'Group by' }).inputValue()).toBe('team');
  });

  it('?agent= in a sign-in link opens that agent once the fleet arrives; the link’s token stays out of every entry', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await fresh.goto(`${server.url}/?agent=loner#token=${server.operatorToken}`);
      await fresh.getByRole('complementary', { name: 'Details of Loner' }).waitFor();
      expect(fresh.url()).toBe(`${server.url}/?agent=loner`);
      await fresh.getByRole('button', { name: 'Close details' }).click();
      await fresh.waitForFunction(() => window.location.search === '');
      expect(await historyUrls(fresh)).not.toContainEqual(expect.stringContaining(server.operatorToken));
      await fresh.goBack();
      await fresh.getByRole('complementary', { name: 'Details of Loner' }).waitFor();
      // An agent that is not in the fleet: nothing opens, and the URL lets it go once the fleet is in.
      await fresh.goto(`${server.url}/?agent=nobody&group=team`);
      await fresh.locator('[data-agent-id="loner"]').waitFor();
      await fresh.waitForFunction(() => window.location.search === '?group=team');
      expect(await fresh.getByRole('complementary').count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('a search or filter that matches nothing says so, and one button clears both', async () => {
    // In Tiles (a bare address keeps the view chosen last, which the tests above left at Table).
    await page.getByRole('radiogroup', { name: 'View' }).getByRole('radio', { name: 'Tiles' }).check();
    await filter(page, /^busy/i).click();
    await page.getByRole('searchbox', { name: 'Search agents' }).fill('team=web');
    const none = page.getByRole('heading', { name: 'No agents match the search “team=web” and the filter busy' });
    await none.waitFor();
    expect(await tiles(page).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await page.locator('[data-agent-id="web-1"]').waitFor();
    expect(await shownIds(page)).toEqual(ALL);
    expect(await page.getByRole('searchbox', { name: 'Search agents' }).inputValue()).toBe('');
    expect(await filter(page, /^all/i).getAttribute('aria-pressed')).toBe('true');
    expect(await query(page)).toBe('');
    expect(await none.count()).toBe(0);
  });

  it('in the desktop window’s file:// page too: the query is written, read at load, kept by a reload, and Back works', async () => {
    // The desktop window loads out/renderer/index.html from a file:// URL with the preload's bridge; here the same
    // page, with a bridge of two agents in its place (module scripts from file:// need file access, as Electron has).
    const desktop = await chromium.launch({
      executablePath: inject('chromium')!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--allow-file-access-from-files'],
    });
    try {
      const win = await desktop.newPage({ viewport: { width: 1280, height: 900 } });
      await win.addInitScript(() => {
        const ok = (value: unknown) => Promise.resolve({ ok: true, value });
        const agent = (id: string, status: string, labels: Record<string, string>) => ({
          id, name: null, labels, status, statusSince: 0, lastHeartbeat: 0, exhaustedAt: null, recoveryAt: null,
          exhaustReason: null, createdAt: 0, recoverySource: null, exhaustExcerpt: null, usage: {}, waiting: null,
        });
        const agents = [agent('desk-1', 'idle', { team: 'desk' }), agent('desk-2', 'offline', {})];
        (window as unknown as { fleet: unknown }).fleet = {
          listAgentsPage: () => ok({ agents, nextCursor: null }),
          onAgentsChanged: () => () => {},
          history: () => ok([]),
          getSettings: () => new Promise(() => {}),
        };
      });
      const page = pathToFileURL(path.resolve('out/renderer/index.html')).href;
      await win.goto(`${page}?group=team&agent=desk-1`);
      await win.getByRole('complementary', { name: 'Details of desk-1' }).waitFor();
      await win.getByRole('button', { name: /^desk 1 agent 1 idle$/ }).waitFor();
      await filter(win, /^offline 1$/i).click();
      await win.waitForFunction(() => window.location.search === '?status=offline&group=team&agent=desk-1');
      expect(win.url()).toBe(`${page}?status=offline&group=team&agent=desk-1`);
      await win.reload();
      await win.getByRole('button', { name: /^\(no team\) 1 agent 1 offline$/ }).waitFor();
      expect(await shownIds(win)).toEqual(['desk-2']);
      await win.goBack();
      await win.locator('[data-agent-id="desk-1"]').waitFor();
      expect(win.url()).toBe(`${page}?group=team&agent=desk-1`);
    } finally {
      await desktop.close();
    }
  });
});
