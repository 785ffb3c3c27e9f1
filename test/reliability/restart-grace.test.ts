/**
 * Monitor downtime is not agent downtime, through the real process: agents
 * that were beating before a crash are not marked offline before the grace
 * after the restart runs out; agents that stay silent are, once it does.
 * (Suspend/resume clock jumps are covered with a fake clock in the sweeper tests.)
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

const TIMEOUT_S = 2;

describe('grace after a restart', () => {
  const tempDir = useTempDir('fleet-grace-');

  it('does not mark the fleet offline on restart, then marks the silent agents offline after the timeout', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'fleet.db');
    const args = ['--port', '0', '--heartbeat-timeout-s', String(TIMEOUT_S)];
    const env = { FLEET_DB: dbFile, FLEET_SWEEP_INTERVAL_MS: '50' };

    const first = ServeProcess.start(args, env);
    const url = (await first.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
    const token = (JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string }).agent_token;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/v1/agents/beater-${i}/busy`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"slot_type":"work"}',
      });
      expect(res.status).toBe(200);
    }
    first.child.kill('SIGKILL');
    await first.exit();

    // Down for longer than the timeout: without grace, everyone would be offline at the first sweep.
    await new Promise((resolve) => setTimeout(resolve, (TIMEOUT_S + 1) * 1000));
    const restarted = Date.now();
    const second = ServeProcess.start(args, env);
    await second.waitForLine(/^Fleet Monitor listening on /);
    const db = new Database(dbFile, { readonly: true });
    const statuses = () => db.prepare('SELECT status FROM agents ORDER BY id').pluck().all() as string[];
    try {
      // Well inside the grace (many sweeps have run by now):
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (Date.now() - restarted < TIMEOUT_S * 1000) expect(statuses()).toEqual(Array(5).fill('busy'));
      // Past it, the silent agents go offline, within one sweep interval or so.
      const deadline = Date.now() + 10_000;
      while (statuses().some((s) => s !== 'offline') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statuses()).toEqual(Array(5).fill('offline'));
      const first = db.prepare("SELECT min(at) FROM status_events WHERE to_status = 'offline'").pluck().get() as number;
      expect(first - restarted).toBeGreaterThan(TIMEOUT_S * 1000);
    } finally {
      db.close();
      second.child.kill('SIGTERM');
      await second.exit();
    }
  }, 30_000);
});
