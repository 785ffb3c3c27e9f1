import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';
import { request } from '../../../support/http-client';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture({ allowedHosts: ['fleet.test'] });
});
afterEach(async () => {
  await f.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const snapshot = () => JSON.stringify([f.db.prepare('SELECT * FROM agents ORDER BY id').all(), f.db.prepare('SELECT * FROM status_events ORDER BY id').all()]);

describe('agent endpoints', () => {
  it('GET /healthz answers 200 without a token', async () => {
    const res = await request(f.port.port, { path: '/healthz' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('POST heartbeat registers an unknown agent and answers the Agent shape', async () => {
    const t = f.clock.now();
    const res = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: { name: 'Agent 1', labels: { team: 'infra' } } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({
      agent: {
        id: 'a1', name: 'Agent 1', status: 'idle', status_since: iso(t), last_heartbeat: iso(t), exhausted_at: null,
        recovery_at: null, exhaust_reason: null, labels: { team: 'infra' }, created_at: iso(t),
        recovery_source: null, exhaust_excerpt: null, usage: {}, waiting: null, last_seen: iso(t),
      },
    });
  });

  it('heartbeat body is optional', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    expect(res.status).toBe(200);
    expect(res.json.agent.status).toBe('idle');
  });

  it('busy with slot work / on_call, then idle', async () => {
    expect((await f.call({ method: 'POST', path: '/v1/agents/w/busy', body: { slot_type: 'work' } })).json.agent.status).toBe('busy');
    expect((await f.call({ method: 'POST', path: '/v1/agents/c/busy', body: { slot_type: 'on_call' } })).json.agent.status).toBe('on_call');
    const idle = await f.call({ method: 'POST', path: '/v1/agents/w/idle' });
    expect(idle.status).toBe(200);
    expect(idle.json.agent.status).toBe('idle');
  });

  it('a first idle from an unknown agent is its registration: 200', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/fresh/idle' });
    expect(res.status).toBe(200);
    expect(res.json.agent.status).toBe('idle');
  });

  it('a refused move answers 409 in the reference format and the registration stands', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } });
    const res = await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: { code: 'invalid_transition', message: "Agent 'a1' is busy; expected one of [idle]" } });
    const idle = await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    expect(idle.status).toBe(200);
    const again = await f.call({ method: 'POST', path: '/v1/agents/a2/idle' });
    expect(again.status).toBe(409);
    expect((await f.call({ path: '/v1/agents/a2' })).status).toBe(200);
  });

  it('exhausted: explicit recovery_at beats headers; headers beat the default; default is now + FLEET_DEFAULT_RECOVERY_S', async () => {
    const t = f.clock.now();
    const explicit = await f.call({
      method: 'POST', path: '/v1/agents/x/exhausted',
      body: { reason: 'billing', recovery_at: '2026-01-01T13:00:00+00:00', headers: { 'retry-after': '60' } },
    });
    expect(explicit.json.agent).toMatchObject({ status: 'exhausted', exhaust_reason: 'billing', recovery_at: '2026-01-01T13:00:00.000Z' });
    const fromHeaders = await f.call({ method: 'POST', path: '/v1/agents/h/exhausted', body: { reason: 'rate_limit', headers: { 'Retry-After': '120' } } });
    expect(fromHeaders.json.agent.recovery_at).toBe(iso(t + 120_000));
    const unparsed = await f.call({ method: 'POST', path: '/v1/agents/d/exhausted', body: { reason: 'rate_limit', headers: { 'retry-after': 'soon' } } });
    expect(unparsed.json.agent.recovery_at).toBe(iso(t + 5 * 3_600_000));
    expect(unparsed.json.agent.exhausted_at).toBe(iso(t));
  });

  it('recovery_at takes every RFC 3339 form: lower-case t and z, offsets, a leap second', async () => {
    const cases: [string, string][] = [
      ['2026-01-01t13:00:00z', '2026-01-01T13:00:00.000Z'],
      ['2026-01-01T14:30:00+01:30', '2026-01-01T13:00:00.000Z'],
      ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ];
    for (const [given, stored] of cases) {
      const res = await f.call({ method: 'POST', path: '/v1/agents/t/exhausted', body: { reason: 'billing', recovery_at: given } });
      expect(res.json.agent.recovery_at).toBe(stored);
    }
  });
});

describe('read endpoints', () => {
  beforeEach(async () => {
    await f.call({ method: 'POST', path: '/v1/agents/b/busy', body: { slot_type: 'work' } });
    f.clock.advance(1000);
    await f.call({ method: 'POST', path: '/v1/agents/b/idle' });
    await f.call({ method: 'POST', path: '/v1/agents/a/heartbeat' });
  });

  it('GET /v1/agents lists every agent', async () => {
    const res = await f.call({ path: '/v1/agents' });
    expect(res.status).toBe(200);
    expect(res.json.agents.map((a: { id: string }) => a.id)).toEqual(['a', 'b']);
  });

  it('GET /v1/agents/{id} answers the agent, 404 when unknown', async () => {
    expect((await f.call({ path: '/v1/agents/b' })).json.agent.id).toBe('b');
    const missing = await f.call({ path: '/v1/agents/zz' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'not_found', message: "Agent 'zz' not found" } });
  });

  it('GET events: the Event shape, newest first, limited', async () => {
    const res = await f.call({ path: '/v1/agents/b/events?limit=1' });
    expect(res.status).toBe(200);
    expect(res.json.events).toEqual([
      { id: 2, agent_id: 'b', from: 'busy', to: 'idle', cause: 'agent', at: iso(f.clock.now()), detail: null },
    ]);
    expect((await f.call({ path: '/v1/agents/b/events' })).json.events.map((e: { to: string }) => e.to)).toEqual(['idle', 'busy']);
  });

  it.each(['0', '1001', 'abc', '1.5'])('GET events?limit=%s is 400', async (limit) => {
    const res = await f.call({ path: `/v1/agents/b/events?limit=${limit}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
  });
});

describe('operator endpoints', () => {
  beforeEach(async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } });
  });

  it.each([
    ['POST', '/v1/agents/a1/actions/exhaust', { reason: 'billing' }],
    ['POST', '/v1/agents/a1/actions/recover', undefined],
    ['DELETE', '/v1/agents/a1', undefined],
    ['GET', '/v1/stream', undefined],
  ])('%s %s with the agent token is 403 and changes nothing', async (method, path, body) => {
    const before = snapshot();
    const res = await f.call({ method, path, body });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect(snapshot()).toBe(before);
  });

  it('force exhaust, then recover, with cause operator in history', async () => {
    const exhaust = await f.operator({ method: 'POST', path: '/v1/agents/a1/actions/exhaust', body: { reason: 'rate_limit', recovery_at: '2026-01-01T18:00:00Z' } });
    expect(exhaust.status).toBe(200);
    expect(exhaust.json.agent).toMatchObject({ status: 'exhausted', recovery_at: '2026-01-01T18:00:00.000Z', exhaust_reason: 'rate_limit' });
    const recover = await f.operator({ method: 'POST', path: '/v1/agents/a1/actions/recover' });
    expect(recover.json.agent).toMatchObject({ status: 'idle', recovery_at: null });
    const events = (await f.operator({ path: '/v1/agents/a1/events' })).json.events;
    expect(events.slice(0, 2).map((e: { cause: string; to: string }) => [e.to, e.cause])).toEqual([['idle', 'operator'], ['exhausted', 'operator']]);
  });

  it('recover on an idle agent is 409; on an unknown agent 404 without registering it', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/idle' });
    expect((await f.operator({ method: 'POST', path: '/v1/agents/a1/actions/recover' })).status).toBe(409);
    expect((await f.operator({ method: 'POST', path: '/v1/agents/nobody/actions/recover' })).status).toBe(404);
    expect((await f.operator({ path: '/v1/agents/nobody' })).status).toBe(404);
  });

  it('DELETE forgets the agent: 200 with the agent as it was, then 404', async () => {
    const res = await f.operator({ method: 'DELETE', path: '/v1/agents/a1' });
    expect(res.status).toBe(200);
    expect(res.json.agent).toMatchObject({ id: 'a1', status: 'busy' });
    expect((await f.operator({ path: '/v1/agents/a1' })).status).toBe(404);
    expect((await f.operator({ method: 'DELETE', path: '/v1/agents/a1' })).status).toBe(404);
  });

  it('GET /v1/stream sends event: agent with the Agent after each change', async () => {
    const received: string[] = [];
    const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: f.port.port, path: '/v1/stream', headers: { authorization: `Bearer ${'operator-token-0123456789abcdef'}` } },
        resolve,
      );
      req.on('error', reject);
    });
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const twoEvents = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        received.push(chunk.toString('utf8'));
        if ((received.join('').match(/^event: /gm) ?? []).length >= 2) resolve();
      });
    });
    await f.call({ method: 'POST', path: '/v1/agents/a1/idle' });
    await f.operator({ method: 'DELETE', path: '/v1/agents/a1' });
    await twoEvents;
    stream.destroy();
    const frames = received.join('').split('\n\n').filter((frame) => frame.startsWith('event:'));
    expect(frames[0]).toMatch(/^event: agent\ndata: /);
    expect(JSON.parse(frames[0]!.split('data: ')[1]!)).toMatchObject({ id: 'a1', status: 'idle' });
    expect(frames[1]).toBe('event: agent_removed\ndata: {"id":"a1"}');
  });
});

/** Sends `text` on a fresh connection; the raw answer, read until the server closes. */
async function rawExchange(text: string): Promise<{ head: string; body: string }> {
  const socket = net.connect(f.port.port, '127.0.0.1');
  socket.on('error', () => {});
  socket.end(text);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  const raw = Buffer.concat(chunks).toString('latin1');
  const split = raw.indexOf('\r\n\r\n');
  return { head: raw.slice(0, split + 2), body: raw.slice(split + 4) };
}

describe('errors and bad input', () => {
  it.each([
    ['no token', undefined],
    ['a wrong token', 'Bearer nope-nope-nope-nope'],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
  ])('%s is 401 with WWW-Authenticate', async (_name, authorization) => {
    const res = await request(f.port.port, { method: 'POST', path: '/v1/agents/a1/heartbeat', headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(f.service.count()).toBe(0);
  });

  it('an unknown path is 404, a wrong method 405 with Allow', async () => {
    expect((await f.call({ path: '/v1/nothing' })).json.error.code).toBe('not_found');
    const res = await f.call({ method: 'PUT', path: '/v1/agents/a1/heartbeat' });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe('method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });

  it.each([
    ['malformed JSON', '{"slot_type": ', /not valid JSON/],
    ['a JSON array', '[]', /expected object/i],
    ['wrong type', { slot_type: 7 }, /slot_type/],
    ['unknown slot type', { slot_type: 'night' }, /slot_type must be one of work, on_call/],
    ['missing slot type', {}, /slot_type/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /UTF-8/],
  ])('busy with %s is 400 and changes nothing', async (_name, body, message) => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    const before = snapshot();
    const res = await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(res.json.error.message).toMatch(message);
    expect(snapshot()).toBe(before);
  });

  it.each([
    ['unknown reason', { reason: 'tired' }],
    ['bad time', { reason: 'billing', recovery_at: 'tomorrow' }],
    ['time without offset', { reason: 'billing', recovery_at: '2026-01-01T12:00:00' }],
    ['a day that does not exist', { reason: 'billing', recovery_at: '2026-02-30T12:00:00Z' }],
    ['headers of the wrong type', { reason: 'billing', headers: ['retry-after', '5'] }],
  ])('exhausted with %s is 400 and registers nothing', async (_name, body) => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/new/exhausted', body });
    expect(res.status).toBe(400);
    expect(f.service.count()).toBe(0);
  });

  it.each(['a%20b', 'a%2Fb', 'x'.repeat(129), '%E0%A4%A', 'caf%C3%A9'])('agent id %s is 400', async (id) => {
    const res = await f.call({ method: 'POST', path: `/v1/agents/${id}/heartbeat` });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('agent id');
    expect(f.service.count()).toBe(0);
  });

  it('ids may use every allowed character', async () => {
    const id = 'Az09._:@-';
    expect((await f.call({ method: 'POST', path: `/v1/agents/${id}/heartbeat` })).json.agent.id).toBe(id);
  });

  it('a body over 64 KiB is 413; a non-JSON body is 415; neither changes anything', async () => {
    const big = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: { name: 'x'.repeat(70_000) } });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('payload_too_large');
    const text = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('unsupported_media_type');
    expect(f.service.count()).toBe(0);
  });

  it('a non-JSON body is 415 on routes that read none too, and the call does nothing', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    const before = snapshot();
    const res = await f.operator({ method: 'DELETE', path: '/v1/agents/a1', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('unsupported_media_type');
    expect(snapshot()).toBe(before);
  });

  it('an empty agent id is 400, not an unknown path; a trailing slash is still an unknown path', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents//heartbeat' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('agent id');
    expect(f.service.count()).toBe(0);
    for (const method of ['GET', 'POST', 'DELETE']) expect((await f.operator({ method, path: '/v1/agents/' })).status).toBe(404);
  });

  it('the event stream refuses a body that is not JSON too (415)', async () => {
    const res = await f.operator({ path: '/v1/stream', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });

  it('bytes that fail to parse after a whole request leave that request its own answer, then the connection closes', async () => {
    const answer = await rawExchange(
      `POST /v1/agents/a1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\n\r\n` + 'NOT HTTP AT ALL\r\n\r\n',
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.head).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(answer.body).agent.id).toBe('a1');
    expect(f.service.count()).toBe(1);
  });

  it('a HEAD request Node cannot parse gets its 400 without a body', async () => {
    const answer = await rawExchange(`HEAD  HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\n\r\n`);
    expect(answer.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.body).toBe('');
  });

  it.each([
    ['a malformed request line', `GET /v1/agents/a b HTTP/1.1\r\nHost: HOST\r\n\r\n`, 400, 'bad_request'],
    ['headers over the size limit', `GET /v1/agents HTTP/1.1\r\nHost: HOST\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
  ])('%s that Node refuses is answered in the JSON error shape too, then closed', async (_name, text, status, code) => {
    const answer = await rawExchange(text.replace('HOST', `127.0.0.1:${f.port.port}`));
    expect(answer.head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer.head).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer.head).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control (newline)', 'api\nprod'],
    ['DEL', 'api\u007f'],
    ['a C1 control', 'api\u0085'],
    ['a lone high surrogate', 'api\ud800'],
    ['a lone low surrogate', '\udc00api'],
    ['a right-to-left override', 'api\u202eipa'],
    ['a left-to-right isolate', '\u2066api'],
    ['a right-to-left mark', 'api\u200f'],
    ['the Arabic letter mark', 'api\u061c'],
    ['a zero-width space', 'api\u200b'],
    ['a zero-width joiner', 'a\u200dpi'],
    ['the word joiner', 'a\u2060pi'],
    ['a byte-order mark', '\ufeffapi'],
    ['a soft hyphen', 'a\u00adpi'],
    ['a line separator', 'a\u2028pi'],
  ])('a name or label value with %s is 400 and writes nothing', async (_what, text) => {
    await f.call({ method: 'POST', path: '/v1/agents/known/heartbeat', body: { name: 'api', labels: { team: 'infra' } } });
    const before = snapshot();
    // Escaped in the JSON text, so a lone surrogate travels as it is (raw UTF-8 could not carry it).
    const bodies = [`{"name": ${JSON.stringify(text)}}`, `{"labels": {"team": ${JSON.stringify(text)}}}`];
    for (const [path, extra] of [['heartbeat', ''], ['busy', ', "slot_type": "work"'], ['idle', ''], ['exhausted', '']] as const) {
      for (const id of ['known', 'fresh']) {
        for (const body of bodies) {
          const res = await f.call({ method: 'POST', path: `/v1/agents/${id}/${path}`, body: `${body.slice(0, -1)}${extra}}` });
          expect(res.status, `${path} ${body}`).toBe(400);
          expect(res.json.error.code).toBe('bad_request');
          expect(res.json.error.message).toMatch(/^(name|labels\.team): .*must not contain control, invisible format \(bidi, zero-width\) or lone surrogate characters$/);
        }
      }
    }
    expect(snapshot()).toBe(before);
  });

  it('names and labels in any script, emoji (surrogate pairs) included, are taken as they are', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/u/heartbeat', body: { name: 'Ünïcödé 日本語 😀 עברית', labels: { team: 'ядро 🚀' } } });
    expect(res.status).toBe(200);
    expect(res.json.agent).toMatchObject({ name: 'Ünïcödé 日本語 😀 עברית', labels: { team: 'ядро 🚀' } });
  });

  it('one agent\'s name and labels are bounded: 200 characters, 32 labels of 256, 16 KiB of labels together', async () => {
    const ascii = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${String(i).padStart(2, '0')}${'x'.repeat(60)}`, 'v'.repeat(256)]));
    expect((await f.call({ method: 'POST', path: '/v1/agents/big/heartbeat', body: { name: 'n'.repeat(200), labels: ascii } })).status).toBe(200);
    const refusals: [unknown, RegExp][] = [
      [{ name: 'n'.repeat(201) }, /^name: /],
      [{ labels: { ...ascii, one: 'more' } }, /^labels: at most 32 labels$/],
      [{ labels: { k: 'v'.repeat(257) } }, /^labels\.k: label values are at most 256 characters$/],
      // 32 values of 256 three-byte characters: 24 KiB and more.
      [{ labels: Object.fromEntries(Object.keys(ascii).map((k) => [k, '語'.repeat(256)])) }, /^labels: labels are at most 16 KiB together/],
    ];
    for (const [body, message] of refusals) {
      const res = await f.call({ method: 'POST', path: '/v1/agents/other/heartbeat', body });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(message);
    }
    expect(f.service.find('other')).toBeUndefined();
  });

  it('labels with unsafe keys are refused', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: '{"labels": {"__proto__": "x"}}' });
    expect(res.status).toBe(400);
    expect(f.service.count()).toBe(0);
  });
});

describe('the front door: Host, Origin, CORS', () => {
  it.each(['HTTP/1.0', 'HTTP/1.1'])('a %s request with no Host at all is 403 before auth, in the JSON error shape', async (version) => {
    const answer = await rawExchange(`POST /v1/agents/a1/heartbeat ${version}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nConnection: close\r\n\r\n`);
    expect(answer.head).toMatch(/^HTTP\/1\.1 403 /);
    expect(JSON.parse(answer.body).error.code).toBe('forbidden');
    expect(f.service.count()).toBe(0);
  });

  it.each(['evil.example:80', `attacker.test:${0}`, '127.0.0.1', 'localhost:1'])('Host %j is 403 before auth', async (host) => {
    const res = await request(f.port.port, { method: 'POST', path: '/v1/agents/a1/heartbeat', headers: { host } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect(f.service.count()).toBe(0);
  });

  it('answers to the listening address, localhost:PORT, [::1]:PORT and configured hosts', async () => {
    for (const host of [`127.0.0.1:${f.port.port}`, `localhost:${f.port.port}`, `[::1]:${f.port.port}`, `fleet.test:${f.port.port}`, `LOCALHOST:${f.port.port}`]) {
      expect((await f.call({ path: '/v1/agents', headers: { host } })).status).toBe(200);
    }
  });

  it('a foreign Origin is 403 even with a valid token; the server’s own origin is fine', async () => {
    const foreign = await f.operator({ method: 'POST', path: '/v1/agents/a1/heartbeat', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const nullOrigin = await f.operator({ method: 'POST', path: '/v1/agents/a1/heartbeat', headers: { origin: 'null' } });
    expect(nullOrigin.status).toBe(403);
    expect(f.service.count()).toBe(0);
    const own = await f.operator({ method: 'POST', path: '/v1/agents/a1/heartbeat', headers: { origin: `http://127.0.0.1:${f.port.port}` } });
    expect(own.status).toBe(200);
  });

  it.each([
    ['twice the same', (port: number) => `Host: 127.0.0.1:${port}\r\nHost: 127.0.0.1:${port}`],
    ['a foreign one after ours', (port: number) => `Host: 127.0.0.1:${port}\r\nhost: evil.example`],
    ['differently cased', (port: number) => `HOST: localhost:${port}\r\nhost: 127.0.0.1:${port}`],
  ])('a second Host header (%s) is 400 before auth, and nothing is written', async (_name, hosts) => {
    const answer = await rawExchange(
      `POST /v1/agents/a1/heartbeat HTTP/1.1\r\n${hosts(f.port.port)}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.body).error).toEqual({ code: 'bad_request', message: 'The request has more than one Host header' });
    expect(f.service.count()).toBe(0);
  });

  it('a CORS preflight is never answered permissively', async () => {
    const res = await request(f.port.port, {
      method: 'OPTIONS',
      path: '/v1/agents/a1/heartbeat',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const own = await request(f.port.port, { method: 'OPTIONS', path: '/v1/agents/a1/heartbeat', headers: { origin: `http://127.0.0.1:${f.port.port}` } });
    expect(own.status).toBe(405);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the cap on agents', () => {
  it('a registration beyond FLEET_MAX_AGENTS is 429 too_many_agents, by agents and hooks alike; nothing is written; known agents go on', async () => {
    await f.stop();
    f = await startPortFixture({ maxAgents: 2 });
    for (const id of ['a', 'b']) expect((await f.call({ method: 'POST', path: `/v1/agents/${id}/heartbeat` })).status).toBe(200);
    const before = snapshot();
    const batches = f.batches.length;
    const message = "Agent 'c' cannot be registered: the fleet holds its maximum of 2 agents (FLEET_MAX_AGENTS); forget some first";
    for (const [path, body] of [['heartbeat', {}], ['busy', { slot_type: 'work' }], ['idle', {}], ['exhausted', {}], ['offline', {}]] as const) {
      const res = await f.call({ method: 'POST', path: `/v1/agents/c/${path}`, body });
      expect(res.status, path).toBe(429);
      expect(res.json).toEqual({ error: { code: 'too_many_agents', message } });
    }
    for (const [path, body] of [
      ['/v1/hooks/claude-code', { hook_event_name: 'SessionStart', session_id: 's1', cwd: '/src/api' }],
      ['/v1/hooks/codex', { type: 'agent-turn-complete', 'thread-id': 't1', cwd: '/src/api' }],
    ] as const) {
      const res = await f.call({ method: 'POST', path, body });
      expect(res.status, path).toBe(429);
      expect(res.json.error.code).toBe('too_many_agents');
    }
    expect(snapshot()).toBe(before);
    expect(f.batches).toHaveLength(batches);
    expect((await f.call({ method: 'POST', path: '/v1/agents/a/busy', body: { slot_type: 'work' } })).status).toBe(200);
    // Forgetting one makes room.
    expect((await f.operator({ method: 'DELETE', path: '/v1/agents/b' })).status).toBe(200);
    expect((await f.call({ method: 'POST', path: '/v1/agents/c/heartbeat' })).status).toBe(200);
  });
});
