import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../test/support/browser';
import { openFleet, type ViewMode } from './grid-bench';
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
    const { page, firstAgentMs, wholeFleetMs } = await openFleet(browser, server, view, fleet, { width: 1440, height: 900 });
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
