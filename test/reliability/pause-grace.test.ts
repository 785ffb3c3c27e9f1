/**
 * A paused process is monitor downtime, not agent downtime, through the real
 * process: `serve` is stopped with SIGSTOP for longer than the heartbeat
 * timeout while agents keep beating (their requests queue in the sockets),
 * then continued. None of the beating agents may go offline, not even for a
 * moment; an agent that really is silent goes offline once a full timeout has
 * passed after the resume.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

const TIMEOUT_S = 2;
const BEATERS = 10;
const BEAT_EVERY_MS = 300;
/** Well past the timeout, as the reported 150 s pause was past 120 s. */
const PAUSE_MS = 3_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(process.platform === 'win32')('a paused monitor process (SIGSTOP / SIGCONT)', () => {
  const tempDir = useTempDir('fleet-pause-');

  it('marks none of the agents that kept beating offline; a silent one goes offline a timeout after the resume', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'fleet.db');
    const server = ServeProcess.start(['--port', '0', '--host', '127.0.0.1', '--heartbeat-timeout-s', String(TIMEOUT_S)], {
      FLEET_DB: dbFile,
      FLEET_SWEEP_INTERVAL_MS: '100',
    });
    const url = (await server.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
    const token = (JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string }).agent_token;
    const beat = async (id: string) => {
      const res = await fetch(`${url}/v1/agents/${id}/heartbeat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(PAUSE_MS + 5_000),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    };

    const db = new Database(dbFile, { readonly: true });
    let beating = true;
    /** Per agent, when its last beat was answered (test-process wall clock, the server's too). */
    const answered = new Map<string, number>();
    const loops = Array.from({ length: BEATERS }, async (_, i) => {
      const id = `beater-${i}`;
      while (beating) {
        await beat(id);
        answered.set(id, Date.now());
        await sleep(BEAT_EVERY_MS);
      }
    });
    try {
      while (answered.size < BEATERS) await sleep(20);
      await sleep(2 * BEAT_EVERY_MS);
      await beat('silent');

      server.child.kill('SIGSTOP');
      await sleep(PAUSE_MS);
      server.child.kill('SIGCONT');
      const resumed = Date.now();

      // Wait on the event that proves sweeps ran for a whole timeout after the resume:
      // the silent agent going offline.
      const offlineAt = db.prepare("SELECT min(at) FROM status_events WHERE agent_id = 'silent' AND to_status = 'offline'").pluck();
      const deadline = Date.now() + 8_000;
      while (offlineAt.get() === null && Date.now() < deadline) await sleep(50);
      const silentOffline = offlineAt.get() as number | null;

      const falseOffline = db
        .prepare("SELECT agent_id, at, cause FROM status_events WHERE agent_id LIKE 'beater-%' AND to_status = 'offline'")
        .all();
      expect(falseOffline).toEqual([]);
      expect(db.prepare("SELECT status FROM agents WHERE id LIKE 'beater-%'").pluck().all()).toEqual(Array(BEATERS).fill('idle'));
      // The beats queued across the pause were answered, after it.
      for (let i = 0; i < BEATERS; i++) expect(answered.get(`beater-${i}`)).toBeGreaterThan(resumed);

      expect(silentOffline, 'the silent agent went offline').not.toBeNull();
      expect(silentOffline! - resumed).toBeGreaterThan(TIMEOUT_S * 1000 - 50);
      expect(silentOffline! - resumed).toBeLessThan(TIMEOUT_S * 1000 + 2_500);
    } finally {
      beating = false;
      await Promise.allSettled(loops);
      db.close();
      server.child.kill('SIGCONT');
      server.child.kill('SIGTERM');
      await server.exit();
    }
  }, 20_000);
});
