import { once } from 'node:events';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

describe('agent port: faults', () => {
  it('a database that cannot take writes answers 503 storage_error; reads keep working', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    f.db.pragma('query_only = ON');
    const write = await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } });
    expect(write.status).toBe(503);
    expect(write.json.error.code).toBe('storage_error');
    expect(write.json.error.message).toMatch(/cannot be written right now \(SQLITE_READONLY\)/);
    expect((await f.call({ path: '/v1/agents/a1' })).json.agent.status).toBe('idle');
    f.db.pragma('query_only = OFF');
    expect((await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } })).status).toBe(200);
  });

  it('a full disk (SQLITE_FULL) fails writes with a clear 503 while reads keep working; writes resume when space returns', async () => {
    for (let i = 0; i < 20; i++) await f.call({ method: 'POST', path: `/v1/agents/seed-${i}/heartbeat` });
    // Cap the file at its current size: the next new page cannot be had, as on a full disk.
    const pages = f.db.pragma('page_count', { simple: true }) as number;
    f.db.pragma(`max_page_count = ${pages}`);
    let full: { status: number; json: { error: { code: string; message: string } } } | undefined;
    for (let i = 0; i < 500 && !full; i++) {
      const res = await f.call({ method: 'POST', path: `/v1/agents/${'x'.repeat(100)}-${i}/heartbeat`, body: { name: 'n'.repeat(190) } });
      if (res.status !== 200) full = res;
    }
    expect(full?.status).toBe(503);
    expect(full?.json.error).toEqual({ code: 'storage_error', message: 'The database cannot be written right now (SQLITE_FULL); try again later' });
    const count = f.service.count();
    expect((await f.call({ path: '/v1/agents' })).json.agents).toHaveLength(count);
    expect((await f.call({ path: '/v1/agents/seed-1' })).status).toBe(200);
    f.db.pragma('max_page_count = 1073741823');
    expect((await f.call({ method: 'POST', path: '/v1/agents/after-space/heartbeat', body: { name: 'n'.repeat(190) } })).status).toBe(200);
    expect(f.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a client trickling its headers is cut by the header timeout with a 408, and others are served meanwhile', async () => {
    const slow = net.connect(f.port.port, '127.0.0.1');
    await once(slow, 'connect');
    const started = Date.now();
    slow.write(`POST /v1/agents/slow/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\n`);
    const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 100);
    // Writes racing the server's close may fail (EPIPE); only the answer and the close matter here.
    slow.on('error', () => {});
    let answer = '';
    slow.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => slow.on('close', () => resolve(Date.now())));
    try {
      const res = await f.call({ method: 'POST', path: '/v1/agents/fast/heartbeat' });
      expect(res.status).toBe(200);
      // The fixture's header timeout is 1 s, checked every 0.5 s.
      expect((await closed) - started).toBeLessThan(3_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408 [^]*\r\n\r\n\{"error":\{"code":"request_timeout",/);
    } finally {
      clearInterval(drip);
      slow.destroy();
    }
    expect(f.service.list().map((a) => a.id)).toEqual(['fast']);
  });

  it('a client trickling its body is cut by the request timeout with a 408', async () => {
    const slow = net.connect(f.port.port, '127.0.0.1');
    await once(slow, 'connect');
    const started = Date.now();
    slow.on('error', () => {});
    let answer = '';
    slow.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    slow.write(
      `POST /v1/agents/slow/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const drip = setInterval(() => slow.writable && slow.write(' '), 100);
    const closed = new Promise<number>((resolve) => slow.on('close', () => resolve(Date.now())));
    try {
      // The fixture's request timeout is 2 s, checked every 0.5 s.
      expect((await closed) - started).toBeLessThan(4_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408 [^]*\r\n\r\n\{"error":\{"code":"request_timeout",/);
    } finally {
      clearInterval(drip);
      slow.destroy();
    }
    expect(f.service.count()).toBe(0);
  });
});
