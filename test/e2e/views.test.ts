/**
 * The three views in real Chromium against `out/main/serve.js` (headless
 * mode) with a fleet reported over HTTP: the View control and its memory,
 * the table's sorting and keyboard, the map's pointer and keyboard, and
 * axe-core over each view in the light and the dark theme.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { ServeProcess } from '../support/serve-process';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Status = 'idle' | 'busy' | 'on_call' | 'offline' | 'exhausted';
interface FleetAgent {
  id: string;
  name: string;
  status: Status;
  team: string;
}

/** 30 agents: names that sort naturally ("Agent 9" before "Agent 10"), every status, two teams. */
const FLEET: FleetAgent[] = Array.from({ length: 30 }, (_, i) => {
  const n = i + 1;
  const status = (['busy', 'idle', 'on_call', 'offline', 'exhausted', 'busy'] as const)[i % 6]!;
  return { id: `views-${String(n).padStart(2, '0')}`, name: `Agent ${n}`, status, team: n % 2 ? 'infra' : 'web' };
});
const byNameAsc = [...FLEET].sort((a, b) => Number(a.name.slice(6)) - Number(b.name.slice(6)));

// Skipped, with one line saying how to get a browser, only where none can be had (and never with CI=true).
requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('views in Chromium', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let dir: string;
  let page: Page;
  let base: string;

  const agentToken = () => (JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string }).agent_token;
  const post = async (id: string, move: string, body: unknown = {}) => {
    const res = await fetch(`${base}/v1/agents/${id}/${move}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, `${move} ${id}`).toBeLessThan(300);
  };
  const chooseView = async (name: 'Tiles' | 'Table' | 'Map') => {
    await page.getByRole('radiogroup', { name: 'View' }).getByRole('radio', { name }).check();
  };
  const table = () => page.getByRole('grid', { name: 'Agents' });
  const bodyRows = () => table().locator('[role="row"][data-agent-id]');
  const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-agent-id') ?? null);

  beforeAll(async () => {
    browser = await launchChromium(inject('chromium'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-e2e-views-'));
    serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db') });
    base = (await serve.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
    const ui = (await serve.waitForLine(/^Fleet Monitor UI: /)).replace('Fleet Monitor UI: ', '');
    for (const agent of FLEET) {
      await post(agent.id, 'heartbeat', { name: agent.name, labels: { team: agent.team } });
      if (agent.status === 'busy') await post(agent.id, 'busy', { slot_type: 'work' });
      if (agent.status === 'on_call') await post(agent.id, 'busy', { slot_type: 'on_call' });
      if (agent.status === 'offline') await post(agent.id, 'offline');
      if (agent.status === 'exhausted') await post(agent.id, 'exhausted', { reason: 'rate_limit' });
    }
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(8_000);
    await page.goto(ui);
    await page.getByRole('button', { name: /^all 30$/i }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exit();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the View control offers Tiles, Table and Map; tiles and table rows carry data-agent-id and data-status', async () => {
    const control = page.getByRole('radiogroup', { name: 'View' });
    expect(await control.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent))).toEqual(['Tiles', 'Table', 'Map']);
    expect(await control.getByRole('radio', { name: 'Tiles' }).isChecked()).toBe(true);
    for (const agent of FLEET.slice(0, 6)) {
      expect(await page.locator(`article[data-agent-id="${agent.id}"]`).getAttribute('data-status')).toBe(agent.status);
    }

    await chooseView('Table');
    await bodyRows().first().waitFor();
    expect(await page.locator('article[data-agent-id]').count()).toBe(0);
    expect(await table().getAttribute('aria-rowcount')).toBe('31');
    for (const agent of FLEET.slice(0, 6)) {
      const row = table().locator(`[role="row"][data-agent-id="${agent.id}"]`);
      expect(await row.getAttribute('data-status')).toBe(agent.status);
      expect(await row.getByRole('gridcell').nth(2).textContent()).toBe(agent.name);
      expect(await row.getByRole('checkbox', { name: `Select ${agent.id}` }).isChecked()).toBe(false);
    }
    // The arrow keys move between the options (native radio buttons).
    await control.getByRole('radio', { name: 'Table' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await control.getByRole('radio', { name: 'Map' }).isChecked()).toBe(true);
    await page.getByRole('application', { name: 'Status map of 30 agents' }).waitFor();
    await chooseView('Tiles');
  });

  it('the chosen view survives a reload', async () => {
    await chooseView('Table');
    await page.reload();
    await bodyRows().first().waitFor();
    expect(await page.getByRole('radio', { name: 'Table' }).isChecked()).toBe(true);
    await chooseView('Map');
    await page.reload();
    await page.getByRole('application', { name: /^Status map/ }).waitFor();
    expect(await page.getByRole('radio', { name: 'Map' }).isChecked()).toBe(true);
    await chooseView('Tiles');
    await page.reload();
    await page.locator('article[data-agent-id]').first().waitFor();
  });

  it('the table sorts by a column, and a second click reverses it (aria-sort says which way)', async () => {
    await chooseView('Table');
    const header = (name: string) => table().getByRole('columnheader', { name, exact: true });
    const names = async () => (await bodyRows().evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute('aria-rowindex')), r.querySelector('.col-name')!.textContent!] as const))).sort((a, b) => a[0] - b[0]).map(([, n]) => n);
    // By default: status, problems first.
    expect(await header('Status').getAttribute('aria-sort')).toBe('ascending');
    expect(await bodyRows().first().getAttribute('data-status')).toBe('exhausted');

    await header('Name').getByRole('button').click();
    expect(await header('Name').getAttribute('aria-sort')).toBe('ascending');
    expect(await header('Status').getAttribute('aria-sort')).toBeNull();
    expect(await names()).toEqual(byNameAsc.map((a) => a.name));

    await header('Name').getByRole('button').click();
    expect(await header('Name').getAttribute('aria-sort')).toBe('descending');
    expect(await names()).toEqual(byNameAsc.map((a) => a.name).reverse());

    await header('Id').getByRole('button').click();
    expect(await header('Id').getAttribute('aria-sort')).toBe('ascending');
    expect(await bodyRows().first().getAttribute('data-agent-id')).toBe('views-01');
    await header('Id').getByRole('button').click();
    expect(await bodyRows().first().getAttribute('data-agent-id')).toBe('views-30');
  });

  it('the table moves a focused row with the arrow keys, Home/End and PageUp/PageDown; Enter opens the details', async () => {
    await chooseView('Table');
    // Id, ascending: views-01 … views-30.
    const idHeader = table().getByRole('columnheader', { name: 'Id', exact: true });
    if ((await idHeader.getAttribute('aria-sort')) !== 'ascending') await idHeader.getByRole('button').click();
    if ((await idHeader.getAttribute('aria-sort')) !== 'ascending') await idHeader.getByRole('button').click();
    expect(await idHeader.getAttribute('aria-sort')).toBe('ascending');

    // One row is in the tab order: the first; Tab from the last header reaches it.
    expect(await table().locator('[role="row"][tabindex="0"]').getAttribute('data-agent-id')).toBe('views-01');
    await table().getByRole('columnheader', { name: 'Recovery' }).getByRole('button').focus();
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('views-01');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedId()).toBe('views-03');
    await page.keyboard.press('ArrowUp');
    expect(await focusedId()).toBe('views-02');
    await page.keyboard.press('End');
    await expect.poll(focusedId).toBe('views-30');
    await page.keyboard.press('Home');
    await expect.poll(focusedId).toBe('views-01');
    await page.keyboard.press('PageDown');
    const paged = await focusedId();
    expect(Number(paged!.slice(6))).toBeGreaterThan(10);
    await page.keyboard.press('PageUp');
    await expect.poll(focusedId).toBe('views-01');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Details of Agent 2' }).waitFor();
    // Focus went into the details; Escape closes them and gives it back to the row.
    await page.keyboard.press('Escape');
    await page.getByRole('complementary', { name: 'Details of Agent 2' }).waitFor({ state: 'detached' });
    await expect.poll(focusedId).toBe('views-02');
    // The rows' boxes are out of the tab order (one stop for the table): Tab leaves it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="grid"]') === null)).toBe(true);
  });

  describe('map', () => {
    let cells: Locator;
    /** The middle of cell `index`, in page pixels. */
    const cellPoint = async (index: number) => {
      const box = (await cells.boundingBox())!;
      const pitch = Number(await cells.getAttribute('data-pitch'));
      const columns = Number(await cells.getAttribute('data-columns'));
      return { x: box.x + ((index % columns) + 0.5) * pitch, y: box.y + (Math.floor(index / columns) + 0.5) * pitch };
    };

    beforeAll(async () => {
      await chooseView('Map');
      cells = page.locator('.map-cells');
      await cells.waitFor();
      // Back to the default order (status: problems first).
      await page.getByLabel('Sort by').selectOption('status');
    });

    it('fits the fleet on the screen in status order; hovering a cell names its agent', async () => {
      const canvas = page.getByRole('application', { name: 'Status map of 30 agents' });
      const box = (await canvas.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(900);
      const tooltip = page.getByRole('tooltip');
      const seen: { id: string; status: string }[] = [];
      for (let i = 0; i < FLEET.length; i++) {
        const { x, y } = await cellPoint(i);
        await page.mouse.move(x, y);
        await tooltip.waitFor();
        const id = (await tooltip.getAttribute('data-agent-id'))!;
        if (seen.at(-1)?.id === id) await expect.poll(() => tooltip.getAttribute('data-agent-id')).not.toBe(id);
        seen.push({ id: (await tooltip.getAttribute('data-agent-id'))!, status: (await tooltip.getAttribute('data-status'))! });
      }
      // Every agent once, each with its own status, problems first and idle last.
      expect(new Set(seen.map((s) => s.id)).size).toBe(30);
      for (const s of seen) expect(s.status).toBe(FLEET.find((a) => a.id === s.id)!.status);
      expect(seen[0]!.status).toBe('exhausted');
      expect(seen.at(-1)!.status).toBe('idle');
      const agent = FLEET.find((a) => a.id === seen[7]!.id)!;
      await page.mouse.move(...Object.values(await cellPoint(7)) as [number, number]);
      await expect.poll(() => tooltip.textContent()).toContain(agent.name);
      // Past the last cell: no agent, no tooltip.
      const { x, y } = await cellPoint(FLEET.length + 2);
      await page.mouse.move(x, y);
      await tooltip.waitFor({ state: 'detached' });
    });

    it('a click on a cell opens that agent’s details', async () => {
      const { x, y } = await cellPoint(4);
      await page.mouse.move(x, y);
      const id = await page.getByRole('tooltip').getAttribute('data-agent-id');
      const agent = FLEET.find((a) => a.id === id)!;
      await page.mouse.click(x, y);
      await page.getByRole('complementary', { name: `Details of ${agent.name}` }).waitFor();
      await page.locator('.details .close').click();
    });

    it('the keyboard moves a focus cell whose agent is named (tooltip and live text); Enter opens its details', async () => {
      await page.mouse.move(0, 0);
      const canvas = page.getByRole('application', { name: /^Status map/ });
      await canvas.focus();
      const live = page.locator('.status-map [aria-live="polite"]');
      const tooltip = page.getByRole('tooltip');
      // The focus cell is where the last click left it (the fifth); Home goes to the first.
      await expect.poll(() => live.textContent()).toMatch(/; 5 of 30$/);
      await page.keyboard.press('Home');
      await expect.poll(() => live.textContent()).toMatch(/; 1 of 30$/);
      const first = (await tooltip.getAttribute('data-agent-id'))!;
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => live.textContent()).toMatch(/; 2 of 30$/);
      const second = (await tooltip.getAttribute('data-agent-id'))!;
      expect(second).not.toBe(first);
      const agent = FLEET.find((a) => a.id === second)!;
      expect(await live.textContent()).toContain(`${agent.name} (${agent.id}), ${agent.status.replace('_', ' ')}`);
      await page.keyboard.press('End');
      await expect.poll(() => live.textContent()).toMatch(/; 30 of 30$/);
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await page.getByRole('complementary', { name: `Details of ${agent.name}` }).waitFor();
      await page.locator('.details .close').click();
    });

    it('each cell has its own `Select <id>` box, on its cell: ticking it ticks that agent and opens nothing', async () => {
      await page.mouse.move(0, 0);
      const boxes = cells.getByRole('checkbox');
      expect(await boxes.count()).toBe(FLEET.length);
      const agent = FLEET[11]!;
      const box = cells.getByRole('checkbox', { name: `Select ${agent.id}` });
      // Hovering the box is hovering its cell: the tooltip names the box's agent.
      await box.hover();
      await expect.poll(() => page.getByRole('tooltip').getAttribute('data-agent-id')).toBe(agent.id);
      await box.check();
      await expect.poll(() => page.locator('.selection-count').textContent()).toMatch(/^1 selected/);
      expect(await page.locator('.details').count()).toBe(0);
      // The boxes are out of the tab order (the map is one stop; the table's rows the same).
      expect(await box.getAttribute('tabindex')).toBe('-1');
      await box.uncheck();
      await expect.poll(() => page.locator('.selection-bar').textContent()).not.toMatch(/1 selected/);
      await page.mouse.move(0, 0);
    });

    it('grouped, each group has its header band (size and per-status counts); its cells follow it; folding one takes its cells out', async () => {
      await page.mouse.move(0, 0);
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('team');
      const infra = cells.getByRole('button', { name: /^infra 15 agents/ });
      const web = cells.getByRole('button', { name: /^web 15 agents/ });
      await infra.waitFor();
      await web.waitFor();
      expect(await infra.textContent()).toContain('15 agents 5 exhausted, 5 busy, 5 on call');
      // The first cell after a band is one of its group's agents.
      const tooltip = page.getByRole('tooltip');
      const bands = cells.locator('.map-band');
      for (const [band, team] of [[bands.nth(0), 'infra'], [bands.nth(1), 'web']] as const) {
        const box = (await band.boundingBox())!;
        const pitch = Number(await cells.getAttribute('data-pitch'));
        await page.mouse.move(box.x + pitch / 2, box.y + box.height + pitch / 2);
        await tooltip.waitFor();
        const id = await tooltip.getAttribute('data-agent-id');
        expect(FLEET.find((a) => a.id === id)!.team).toBe(team);
      }
      await page.mouse.move(0, 0);
      expect(await infra.getAttribute('aria-expanded')).toBe('true');
      await infra.click();
      await page.getByRole('application', { name: 'Status map of 15 agents' }).waitFor();
      expect(await infra.getAttribute('aria-expanded')).toBe('false');
      await infra.click();
      await page.getByRole('application', { name: 'Status map of 30 agents' }).waitFor();
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('');
      await cells.locator('.map-band').first().waitFor({ state: 'detached' });
    });

    it('after a search that matches nothing is cleared, the map is laid out and painted again as before', async () => {
      await page.mouse.move(0, 0);
      const layout = async () => ({ columns: await cells.getAttribute('data-columns'), pitch: await cells.getAttribute('data-pitch') });
      const painted = () => page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.map-cells canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      const before = await layout();
      const pixels = await painted();
      expect(pixels).toBeGreaterThan(0);
      const search = page.getByRole('searchbox', { name: 'Search agents' });
      await search.fill('zzz-nothing-matches');
      await page.getByText(/match/i).first().waitFor();
      await search.fill('');
      await page.getByRole('application', { name: 'Status map of 30 agents' }).waitFor();
      await expect.poll(layout).toEqual(before);
      await expect.poll(painted).toBe(pixels);
    });

    it('the current cell names only an agent on the map, and each agent on it has exactly one box', async () => {
      await page.mouse.move(0, 0);
      const canvas = page.getByRole('application', { name: /^Status map/ });
      await canvas.focus();
      await page.keyboard.press('Home');
      const first = (await page.getByRole('tooltip').getAttribute('data-agent-id'))!;
      const other = FLEET.find((a) => a.id !== first)!;
      const bar = page.getByRole('group', { name: 'Current cell' });
      await page.getByRole('searchbox', { name: 'Search agents' }).fill(other.id);
      await page.getByRole('application', { name: 'Status map of 1 agents' }).waitFor();
      // The focus agent left the map: the bar no longer names it (the keys act on the first cell).
      await expect.poll(() => bar.textContent()).not.toContain(first);
      await page.mouse.click(...(Object.values(await cellPoint(0)) as [number, number]));
      await page.getByRole('complementary', { name: `Details of ${other.name}` }).waitFor();
      await page.locator('.details .close').click();
      await expect.poll(() => bar.textContent()).toContain(other.id);
      expect(await page.getByRole('checkbox', { name: `Select ${other.id}` }).count()).toBe(1);
      await page.getByRole('searchbox', { name: 'Search agents' }).fill('');
      await page.getByRole('application', { name: 'Status map of 30 agents' }).waitFor();
    });

    it('Space ticks the focus cell’s agent, whose one `Select <id>` box (in a small map, the cell’s own) says so; the selection bar counts it', async () => {
      const canvas = page.getByRole('application', { name: /^Status map/ });
      await canvas.focus();
      await page.keyboard.press('Home');
      const live = page.locator('.status-map [aria-live="polite"]');
      await expect.poll(() => live.textContent()).toMatch(/; 1 of 30$/);
      const id = (await page.getByRole('tooltip').getAttribute('data-agent-id'))!;
      await page.keyboard.press('Space');
      // Page-wide, and strict: one box per agent (the current cell shows none while cells have their own).
      const box = page.getByRole('checkbox', { name: `Select ${id}` });
      expect(await box.isChecked()).toBe(true);
      expect(await page.getByRole('group', { name: 'Current cell' }).getByRole('checkbox').count()).toBe(0);
      await expect.poll(() => page.locator('.selection-count').textContent()).toMatch(/^1 selected/);
      await box.uncheck();
      await expect.poll(() => page.locator('.selection-bar').textContent()).not.toMatch(/1 selected/);
    });
  });

  it('the bulk exhaust dialog is above a screenful of tiles, and axe finds nothing serious in it, light or dark', async () => {
    await chooseView('Tiles');
    await page.locator('article[data-agent-id]').first().waitFor();
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('button', { name: 'Exhaust selected' }).click();
    const confirm = page.getByRole('button', { name: 'Exhaust selected agents' });
    // A trial click runs Playwright's hit test: it fails if a tile covers the button.
    await confirm.click({ trial: true, timeout: 3_000 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const { violations } = await (window as unknown as { axe: { run: (c: Document) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run(document);
        return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(violations, colorScheme).toEqual([]);
    }
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
  });

  for (const view of ['Tiles', 'Table', 'Map'] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`axe-core finds no serious or critical violation: ${view}, ${colorScheme}`, async () => {
        await page.emulateMedia({ colorScheme });
        await chooseView(view);
        await page.locator(view === 'Map' ? '.map-cells canvas' : '[data-agent-id]').first().waitFor();
        await page.mouse.move(0, 0);
        if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const { violations } = await (window as unknown as { axe: { run: (c: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe.run(document);
          return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
        });
        expect(violations).toEqual([]);
      });
    }
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation: Map grouped by team (bands and boxes), ${colorScheme}`, async () => {
      await page.emulateMedia({ colorScheme });
      await chooseView('Map');
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('team');
      await page.locator('.map-band').first().waitFor();
      await page.mouse.move(0, 0);
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const { violations } = await (window as unknown as { axe: { run: (c: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
        return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      expect(violations).toEqual([]);
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('');
    });
  }
});
