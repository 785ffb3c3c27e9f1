import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchChromium } from '../test/support/browser';
import { seedDatabase, startServe } from './support';

export interface GridFigures {
  readonly firstRenderMs: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  readonly domNodes: number;
  readonly changesPushed: number;
}

/**
 * The grid in real Chromium against headless mode with `fleet` agents while
 * `rate` heartbeats a second arrive (each one a pushed change).
 */
export async function benchGrid(fleet = 10_000, rate = 500, seconds = 5): Promise<GridFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-grid-'));
  const browser = await launchChromium();
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, fleet);
  const server = await startServe(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const started = performance.now();
    await page.goto(`${server.url}/#token=${server.operatorToken}`);
    await page.locator('[data-agent-id]').first().waitFor();
    const firstRenderMs = performance.now() - started;
    // Only what happens under load counts for responsiveness.
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks.length = 0));

    let pushed = 0;
    const perTick = rate / 10;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const id = `agent-${Math.floor(Math.random() * fleet)}`;
        pushed++;
        void fetch(`${server.url}/v1/agents/${id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${server.agentToken}` } }).catch(() => {});
      }
    }, 100);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    clearInterval(timer);
    const { tasks, nodes } = await page.evaluate(() => ({
      tasks: (window as unknown as { longTasks: number[] }).longTasks,
      nodes: document.querySelectorAll('*').length,
    }));
    return { firstRenderMs, longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks), domNodes: nodes, changesPushed: pushed };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
