import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

describe('npm run serve (headless entry)', () => {
  const tempDir = useTempDir();

  it.each(['SIGINT', 'SIGTERM'] as const)('opens the database, runs, and on %s closes cleanly with exit 0', async (signal) => {
    const db = path.join(tempDir(), 'nested', 'fleet.db');
    const serve = ServeProcess.start([], { FLEET_DB: db, FLEET_SWEEP_INTERVAL_MS: '50' });
    await serve.waitForLine(/^Fleet Monitor sweeping every 50 ms/);
    serve.child.kill(signal);
    expect(await serve.exit()).toBe(0);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    check.close();
  });

  it('marks a silent agent offline with the real rules at a short timeout', async () => {
    const db = path.join(tempDir(), 'fleet.db');
    const seed = new Database(db);
    seed.close();
    const serve = ServeProcess.start(['--heartbeat-timeout-s', '1'], { FLEET_DB: db, FLEET_SWEEP_INTERVAL_MS: '50' });
    await serve.waitForLine(/^Fleet Monitor sweeping/);
    const writer = new Database(db);
    const now = Date.now();
    writer
      .prepare("INSERT INTO agents (id, status, status_since, last_heartbeat, created_at) VALUES ('a1', 'busy', ?, ?, ?)")
      .run(now, now, now);
    const read = writer.prepare<[], { status: string }>("SELECT status FROM agents WHERE id = 'a1'");
    // Wait on the observable outcome, bounded: the rule says offline within timeout + one interval.
    const deadline = Date.now() + 5_000;
    while (read.get()?.status !== 'offline' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(read.get()?.status).toBe('offline');
    writer.close();
    serve.child.kill('SIGTERM');
    expect(await serve.exit()).toBe(0);
  });

  it('refuses a bad value at start, naming the variable, exit 2', async () => {
    const serve = ServeProcess.start([], { FLEET_DB: path.join(tempDir(), 'x.db'), FLEET_SWEEP_INTERVAL_MS: 'fast' });
    expect(await serve.exit()).toBe(2);
    expect(serve.stderr.join('\n')).toContain('FLEET_SWEEP_INTERVAL_MS="fast": must be a number');
  });

  it('refuses a database from a newer version with one clear line, exit 1', async () => {
    const db = path.join(tempDir(), 'fleet.db');
    const future = new Database(db);
    future.pragma('user_version = 999');
    future.close();
    const serve = ServeProcess.start([], { FLEET_DB: db });
    expect(await serve.exit()).toBe(1);
    expect(serve.stderr.join('\n')).toMatch(/^fleet-monitor: The database was written by a newer version/m);
  });
});
