import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchChromium } from '../test/support/browser';
import { chooseView, FIRST_AGENT, type ViewMode } from './grid-bench';
import { seedDatabase, startServe } from './support';

export interface FirstRenderFigures {
  /** From navigation to the view's first agents on screen (the first page of the fleet). */
  readonly firstAgentMs: number;
  /** From navigation to the whole fleet loaded and shown (the header says "Live"). */
  readonly wholeFleetMs: number;
  /** The longest task from navigation to the whole fleet shown. */
  readonly longestTaskMs: number;
  /** Every node in the document once the whole fleet is shown. */
  readonly domNodes: number;
  /** The map only: its cell pitch (CSS px), and whether every cell is on the screen without scrolling. */
  readonly map?: { readonly pitch: number; readonly fitsScreen: boolean };
}

/**
 * The first render of `fleet` agents in one view, in real Chromium against
 * headless mode, at 1440×900; each view in a fresh page and server.
 */
export async function benchFirstRender(view: ViewMode, fleet = 10_000): Promise<FirstRenderFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-bench-${view}-`));
  const browser = await launchChromium();
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, fleet);
  const server = await startServe(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(({ key, view }) => localStorage.setItem(key, view), chooseView(view));
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const started = performance.now();
    await page.goto(`${server.url}/#token=${server.operatorToken}`);
    await page.locator(FIRST_AGENT[view]).first().waitFor({ timeout: 60_000 });
    const firstAgentMs = performance.now() - started;
    await page.locator('.connection-live', { hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    // The view refreshes a moment after the last page (it is coalesced): the whole fleet is shown once "All" counts it.
    await page.locator('.count-all .count-value', { hasText: new RegExp(`^${fleet}$`) }).waitFor({ timeout: 60_000 });
    // One frame later it is on screen.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    const wholeFleetMs = performance.now() - started;
    const { tasks, nodes } = await page.evaluate(() => {
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
      let count = 0;
      while (walker.nextNode()) count++;
      return { tasks: (window as unknown as { longTasks: number[] }).longTasks, nodes: count };
    });
    const map =
      view === 'map'
        ? await page.evaluate(() => {
            const scroller = document.querySelector('.map-scroller')!;
            const cells = document.querySelector<HTMLElement>('.map-cells')!;
            return { pitch: Number(cells.dataset.pitch), fitsScreen: scroller.scrollHeight <= scroller.clientHeight && cells.getBoundingClientRect().bottom <= window.innerHeight };
          })
        : undefined;
    return { firstAgentMs, wholeFleetMs, longestTaskMs: Math.max(0, ...tasks), domNodes: nodes, ...(map ? { map } : {}) };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
