import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from '../../../support/http-client';
import { OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';
import { useTempDir } from '../../../support/temp-dir';

describe('agent port: what the operator UI uses', () => {
  const tempDir = useTempDir();
  let f: PortFixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });

  function uiDir(): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Fleet Monitor</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not served');
    return dir;
  }

  it('the page and its assets are sent with Cross-Origin-Opener-Policy: same-origin', async () => {
    f = await startPortFixture({ uiDir: uiDir() });
    for (const p of ['/', '/index.html', '/assets/app-1234.js']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await request(f.port.port, { method, path: p });
        expect(res.status, `${method} ${p}`).toBe(200);
        expect(res.headers['cross-origin-opener-policy'], `${method} ${p}`).toBe('same-origin');
      }
    }
  });

  it('serves the built UI at / without a token, with a strict CSP, and nothing outside its files', async () => {
    f = await startPortFixture({ uiDir: uiDir() });
    const page = await request(f.port.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toContain('<title>Fleet Monitor</title>');
    const script = await request(f.port.port, { path: '/assets/app-1234.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    for (const p of ['/notes.txt', '/../package.json', '/assets/../../etc/passwd', '/%2e%2e/etc/passwd', '/favicon.ico']) {
      expect((await request(f.port.port, { path: p })).status).toBe(404);
    }
  });

  it('the UI is behind the same Host check', async () => {
    f = await startPortFixture({ uiDir: uiDir() });
    expect((await request(f.port.port, { path: '/', headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('GET /v1/settings: port, agent token and timings, for the operator only', async () => {
    f = await startPortFixture();
    const res = await f.operator({ path: '/v1/settings' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      url: `http://127.0.0.1:${f.port.port}`,
      port: f.port.port,
      agent_token: 'agent-token-0123456789abcdef',
      operator_token: 'operator-token-0123456789abcdef',
      heartbeat_timeout_s: 120,
      sweep_interval_ms: 1000,
      default_recovery_s: 18_000,
      max_agents: 100_000,
      max_streams: 64,
      history_per_agent: 1_000,
      history_days: 90,
      forget_offline_days: 30,
      max_recovery_s: 604_800,
    });
    expect((await f.call({ path: '/v1/settings' })).status).toBe(403);
  });

  it('GET /v1/stream?snapshot=1 starts with the whole fleet, then one event per change', async () => {
    f = await startPortFixture();
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    await f.call({ method: 'POST', path: '/v1/agents/a2/busy', body: { slot_type: 'on_call' } });
    const port = f.port.port;
    const stream = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/v1/stream?snapshot=1', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }, resolve).on('error', reject),
    );
    let text = '';
    const twoEvents = new Promise<void>((resolve) =>
      stream.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if ((text.match(/^event: /gm) ?? []).length >= 2) resolve();
      }),
    );
    await f.call({ method: 'POST', path: '/v1/agents/a2/idle' });
    await twoEvents;
    stream.destroy();
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('event:'));
    expect(frames[0]).toMatch(/^event: snapshot\ndata: /);
    const snapshot = JSON.parse(frames[0]!.slice(frames[0]!.indexOf('data: ') + 6)) as { agents: { id: string; status: string }[] };
    expect(snapshot.agents.map((a) => [a.id, a.status])).toEqual([['a1', 'idle'], ['a2', 'on_call']]);
    expect(frames[1]).toMatch(/^event: agent\ndata: \{"id":"a2","name":null,"status":"idle"/);
  });

  it('paths outside /v1 are 404 without asking for a token', async () => {
    f = await startPortFixture();
    const res = await request(f.port.port, { path: '/admin' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });
});
