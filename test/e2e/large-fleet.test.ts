/**
 * The grid at 10,000 agents in real Chromium: virtualized, so the DOM stays
 * small however large the fleet, and live changes still reach the tiles.
 * (Timings are the benchmark's business, not this test's.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../electron/core/store/open-database';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

const FLEET = 10_000;
const STATUSES = ['idle', 'busy', 'on_call', 'offline', 'exhausted'] as const;

// Skipped, with one line saying how to get a browser, only where none can be had (and never with CI=true).
requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('grid with 10,000 agents', () => {
  const tempDir = useTempDir('fleet-large-');
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(inject('chromium'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps only visible tiles in the DOM and stays live', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'fleet.db'));
    const now = Date.now();
    const insert = db.prepare(
      `INSERT INTO agents (id, name, status, status_since, last_heartbeat, exhausted_at, recovery_at, exhaust_reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < FLEET; i++) {
        const status = STATUSES[i % STATUSES.length]!;
        const exhausted = status === 'exhausted';
        insert.run(`agent-${i}`, `Agent ${i}`, status, now, now, exhausted ? now : null, exhausted ? now + 3_600_000 : null, exhausted ? 'rate_limit' : null, now);
      }
    })();
    db.close();

    const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db') });
    try {
      const ui = (await serve.waitForLine(/^Fleet Monitor UI: /)).replace('Fleet Monitor UI: ', '');
      const url = ui.split('/#')[0]!;
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(ui);
      await page.getByRole('button', { name: /^all 10000$/i }).waitFor({ timeout: 8_000 });
      await page.locator('[data-agent-id]').first().waitFor({ timeout: 5_000 });

      const tiles = await page.locator('[data-agent-id]').count();
      const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
      expect(tiles).toBeGreaterThan(0);
      expect(tiles).toBeLessThan(200);
      expect(nodes).toBeLessThan(3_000);

      // Scrolling far down shows other agents, still few at a time.
      await page.locator('.grid-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
      await page.waitForFunction(() => !document.querySelector('[data-agent-id="agent-0"]'), undefined, { timeout: 5_000 });
      expect(await page.locator('[data-agent-id]').count()).toBeLessThan(200);

      // A live change to a visible agent reaches its tile (the top rows: exhausted first).
      await page.locator('.grid-scroller').evaluate((el) => el.scrollTo(0, 0));
      await page.waitForFunction(() => document.querySelector('.grid-scroller')?.scrollTop === 0);
      const visible = await page.locator('[data-agent-id][data-status="exhausted"]').first().getAttribute('data-agent-id', { timeout: 5_000 });
      const { agent_token } = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string };
      const res = await fetch(`${url}/v1/agents/${visible}/exhausted`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent_token}`, 'content-type': 'application/json' },
        body: '{"reason":"billing"}',
      });
      expect(res.status).toBe(200);
      await page.locator(`[data-agent-id="${visible}"]`).getByText('billing').waitFor({ timeout: 5_000 });
      await page.close();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exit();
    }
  });
});
