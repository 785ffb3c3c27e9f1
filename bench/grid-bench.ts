import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser';
import { seedDatabase, startServe } from './support';

export interface GridFigures {
  readonly firstRenderMs: number;
  /** The longest task while the grid first rendered and the rest of the fleet loaded (reported; the target is about the load). */
  readonly firstRenderLongestTaskMs: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  /** Every node in the document (elements, text, comments). */
  readonly domNodes: number;
  /** Changes the load was to send: `rate` a second for `seconds`. */
  readonly changesPlanned: number;
  /** Changes sent, scheduled by the clock. */
  readonly changesSent: number;
  /** Of those, the ones the port accepted (200). */
  readonly changesAccepted: number;
  /** Accepted changes per second, from the load's start to its last answer. */
  readonly changesPerSecond: number;
}

/** The UI's views (renderer/src/store/view.ts; the bench's tsconfig does not reach the renderer). */
export type ViewMode = 'tiles' | 'table' | 'map';
/** Where the UI keeps the chosen view (renderer/src/lib/view-preference.ts). */
const VIEW_STORAGE_KEY = 'fleet-monitor.view';

/** What shows that a view has drawn its first agents: a tile or row, or the map's canvas (painted in the same commit). */
export const FIRST_AGENT: Record<ViewMode, string> = { tiles: '[data-agent-id]', table: '[data-agent-id]', map: '.map-cells canvas' };

/** Makes a page open in `view`, as if the operator had chosen it last time. */
export const chooseView = (view: ViewMode) => ({ key: VIEW_STORAGE_KEY, view });

/**
 * Opens the UI in `view` on a new page that records its long tasks, and
 * resolves once the whole fleet (`fleet` agents) is shown: when the first
 * agents appeared, and when all were on screen (ms from navigation). The
 * view refreshes a moment after the last page arrives (it is coalesced), so
 * the whole fleet is shown once "All" counts it, a frame later.
 */
export async function openFleet(
  browser: Browser,
  server: { url: string; operatorToken: string },
  view: ViewMode,
  fleet: number,
  viewport: { width: number; height: number },
): Promise<{ page: Page; firstAgentMs: number; wholeFleetMs: number }> {
  const page = await browser.newPage({ viewport });
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
  await page.locator('.count-all .count-value', { hasText: new RegExp(`^${fleet}$`) }).waitFor({ timeout: 60_000 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  return { page, firstAgentMs, wholeFleetMs: performance.now() - started };
}

/**
 * A view (the tiles grid unless told) in real Chromium against headless mode
 * with `fleet` agents while `rate` heartbeats a second arrive (each one a
 * pushed change).
 */
export async function benchGrid(fleet = 10_000, rate = 500, seconds = 5, view: ViewMode = 'tiles'): Promise<GridFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-grid-'));
  const browser = await launchChromium();
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, fleet);
  const server = await startServe(file);
  try {
    const { page, firstAgentMs: firstRenderMs } = await openFleet(browser, server, view, fleet, { width: 1280, height: 800 });
    const firstRenderTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));

    // `rate` changes a second, scheduled by the clock (timers drift): four in five are
    // heartbeats, one in five a status change (busy ↔ idle), which also moves the tile
    // in a grid sorted by status. Only changes the port accepted count.
    const busy = new Set<string>();
    let accepted = 0;
    let sent = 0;
    const post = (id: string, move: string, body?: string) =>
      fetch(`${server.url}/v1/agents/${id}/${move}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.agentToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      })
        .then((res) => {
          if (res.ok) accepted++;
          return res.body?.cancel();
        })
        .catch(() => {});
    const loadStarted = performance.now();
    const inFlight: Promise<unknown>[] = [];
    const total = rate * seconds;
    const sendDue = (due: number) => {
      for (; sent < Math.min(due, total); sent++) {
        const id = `agent-${Math.floor(Math.random() * fleet)}`;
        if (sent % 5 !== 4) {
          inFlight.push(post(id, 'heartbeat'));
        } else if (busy.delete(id)) {
          inFlight.push(post(id, 'idle'));
        } else {
          busy.add(id);
          inFlight.push(post(id, 'busy', '{"slot_type":"work"}'));
        }
      }
    };
    const timer = setInterval(() => sendDue(Math.floor(((performance.now() - loadStarted) / 1000) * rate)), 20);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    clearInterval(timer);
    sendDue(total); // what the last interval left
    await Promise.all(inFlight);
    // Until the last answer: a port that falls behind shows as a lower rate.
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const { tasks, nodes } = await page.evaluate(() => {
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
      let count = 0;
      while (walker.nextNode()) count++;
      return { tasks: (window as unknown as { longTasks: number[] }).longTasks, nodes: count };
    });
    return {
      firstRenderMs,
      firstRenderLongestTaskMs: Math.max(0, ...firstRenderTasks),
      longTasks: tasks.length,
      longestTaskMs: Math.max(0, ...tasks),
      domNodes: nodes,
      changesPlanned: total,
      changesSent: sent,
      changesAccepted: accepted,
      changesPerSecond: accepted / loadSeconds,
    };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
