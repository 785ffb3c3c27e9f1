import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

describe('npm run serve (headless entry)', () => {
  const tempDir = useTempDir();

  it.each(['SIGINT', 'SIGTERM'] as const)('opens the database, runs, and on %s closes cleanly with exit 0', async (signal) => {
    const db = path.join(tempDir(), 'nested', 'fleet.db');
    const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: db, FLEET_SWEEP_INTERVAL_MS: '50' });
    await serve.waitForLine(/^Fleet Monitor sweeping every 50 ms/);
    await serve.waitForLine(/^Fleet Monitor listening on http:\/\/127\.0\.0\.1:\d+$/);
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
    const serve = ServeProcess.start(['--heartbeat-timeout-s', '1', '--port', '0'], { FLEET_DB: db, FLEET_SWEEP_INTERVAL_MS: '50' });
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

  it('serves the agent port: prints the URL and the tokens file, and a heartbeat over HTTP lands in the database', async () => {
    const dir = tempDir();
    const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db') });
    const line = await serve.waitForLine(/^Fleet Monitor listening on /);
    expect(await serve.waitForLine(/^Fleet Monitor tokens in /)).toBe(`Fleet Monitor tokens in ${path.join(dir, 'tokens.json')}`);
    const url = line.replace('Fleet Monitor listening on ', '');
    const { agent_token } = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string };
    const res = await fetch(`${url}/v1/agents/a1/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${agent_token}` } });
    expect(res.status).toBe(200);
    serve.child.kill('SIGTERM');
    expect(await serve.exit()).toBe(0);
    const check = new Database(path.join(dir, 'fleet.db'), { readonly: true });
    expect(check.prepare('SELECT status FROM agents WHERE id = ?').pluck().get('a1')).toBe('idle');
    check.close();
  });

  it.each([
    ['generated in tokens.json', {}],
    ['from the environment', { FLEET_AGENT_TOKEN: 'agent-from-env-0123456789', FLEET_OPERATOR_TOKEN: 'operator-from-env-0123456789' }],
  ])('with tokens %s, prints a one-time sign-in link and no token anywhere; the code is traded once', async (_source, env: Record<string, string>) => {
    const dir = tempDir();
    const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db'), ...env });
    const line = await serve.waitForLine(/^Fleet Monitor UI: /);
    expect(line).toMatch(/^Fleet Monitor UI: http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]{43}$/);
    const [base, code] = line.replace('Fleet Monitor UI: ', '').split('/#code=') as [string, string];
    const trade = () => fetch(`${base}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const first = await trade();
    const tokens = env.FLEET_OPERATOR_TOKEN
      ? { agent_token: env.FLEET_AGENT_TOKEN!, operator_token: env.FLEET_OPERATOR_TOKEN }
      : (JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string; operator_token: string });
    expect(await first.json()).toEqual({ token: tokens.operator_token });
    expect((await trade()).status).toBe(401);
    serve.child.kill('SIGTERM');
    expect(await serve.exit()).toBe(0);
    const output = [...serve.stdout, ...serve.stderr].join('\n');
    expect(output).toContain('Fleet Monitor stopped');
    expect(output).not.toContain(tokens.operator_token);
    expect(output).not.toContain(tokens.agent_token);
  });

  it('a port already in use stops the start with one line saying what to do, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const serve = ServeProcess.start(['--port', String(port)], { FLEET_DB: path.join(tempDir(), 'fleet.db') });
      expect(await serve.exit()).toBe(1);
      expect(serve.stderr.join('\n')).toContain(`fleet-monitor: port ${port} on 127.0.0.1 is in use; set FLEET_PORT`);
    } finally {
      blocker.close();
    }
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
    const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: db });
    expect(await serve.exit()).toBe(1);
    expect(serve.stderr.join('\n')).toMatch(/^fleet-monitor: The database was written by a newer version/m);
  });
});
