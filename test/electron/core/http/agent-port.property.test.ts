/**
 * Hostile input: thousands of generated requests (methods, paths, ids,
 * headers, bodies) against the real port. Never a 5xx, never a crash, and a
 * rejected request changes nothing (a 409 may leave only the registration it
 * made, as the contract says), and every answer comes within 1 s.
FC_HTTP_RUNS sets the count (default 10,000).
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  f = await startPortFixture();
});
afterAll(async () => {
  agent.destroy();
  await f.stop();
});

function send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: f.port.port, method, path, headers, agent, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const ids = fc.oneof(
  fc.constantFrom('a1', 'a2', 'known', 'Az09._:@-'),
  fc.string({ maxLength: 140 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '..', '%2e%2e', '__proto__', 'constructor', '%00', 'x'.repeat(129)),
);
const paths = fc.oneof(
  fc.tuple(ids, fc.constantFrom('heartbeat', 'busy', 'idle', 'exhausted', 'events', 'actions/exhaust', 'actions/recover', '', 'nope')).map(
    ([id, tail]) => `/v1/agents/${id}${tail ? `/${tail}` : ''}`,
  ),
  fc.constantFrom('/v1/agents', '/healthz', '/', '/v1', '/v1/agents/', '//v1/agents', '/v1/agents/a1/events?limit=-1', '/v1/agents/a1/events?limit=1e9'),
  fc.webPath(),
);
const jsonish = fc.oneof(
  fc.record(
    {
      slot_type: fc.oneof(fc.constantFrom('work', 'on_call', 'night'), fc.anything()),
      reason: fc.oneof(fc.constantFrom('rate_limit', 'billing'), fc.anything()),
      recovery_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer()),
      headers: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
      name: fc.oneof(fc.string(), fc.anything()),
      labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
    },
    { requiredKeys: [] },
  )
    // A `__proto__` key can't be generated as an object key (it sets the prototype), so it is written into the text.
    .chain((o) => fc.tuple(fc.constant(JSON.stringify(o)), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined, freq: 2 })))
    .map(([text, proto]) => Buffer.from(proto === undefined ? text : `{"__proto__":${JSON.stringify(proto)}${text === '{}' ? '' : ','}${text.slice(1)}`)),
  fc.jsonValue({ maxDepth: 30 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.string().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from(`{"name":"${'x'.repeat(70_000)}"}`)),
  fc.constant(Buffer.from('['.repeat(5_000))),
  fc.constant(Buffer.from('{"labels":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"x":1}}}')),
);
/** `common` most of the time, one of `rare` otherwise: most requests get past the door to the routes behind it. */
const mostly = <T>(common: T, ...rare: T[]) => fc.oneof({ arbitrary: fc.constant(common), weight: 3 * rare.length }, fc.constantFrom(...rare));
const hostile = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE'), fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD')),
  path: paths,
  token: fc.oneof(fc.constantFrom(AGENT_TOKEN, OPERATOR_TOKEN), fc.constantFrom('wrong-token-wrong-token', '')),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'APPLICATION/JSON', ''),
  host: mostly('own', 'localhost', 'evil.example', ''),
  origin: mostly(undefined, 'own', 'https://evil.example', 'null'),
  body: fc.option(jsonish, { nil: undefined }),
});
/** Well-formed agent and operator calls on a few agents: moves that succeed, and moves the rules refuse (409). */
const wellFormed = fc.record({
  method: fc.constant('POST'),
  path: fc
    .tuple(fc.constantFrom('a1', 'a2', 'known'), fc.constantFrom('heartbeat', 'busy', 'idle', 'exhausted', 'actions/exhaust', 'actions/recover'))
    .map(([id, tail]) => `/v1/agents/${id}/${tail}`),
  token: fc.constant(OPERATOR_TOKEN),
  contentType: fc.constant('application/json'),
  host: fc.constant('own'),
  origin: fc.constant(undefined),
  body: fc
    .constantFrom({ slot_type: 'work' }, { slot_type: 'on_call' }, { reason: 'billing' }, { reason: 'rate_limit', headers: { 'retry-after': '60' } }, {})
    .map((body) => Buffer.from(JSON.stringify(body))),
});
const request = fc.oneof({ arbitrary: hostile, weight: 4 }, { arbitrary: wellFormed, weight: 1 });

const snapshot = () =>
  JSON.stringify([f.db.prepare('SELECT * FROM agents ORDER BY id').all(), f.db.prepare('SELECT * FROM status_events ORDER BY id').all()]);
const eventCount = () => f.db.prepare('SELECT count(*) FROM status_events').pluck().get();

describe('agent port under generated hostile input', () => {
  const numRuns = Number(process.env.FC_HTTP_RUNS ?? 10_000);
  // Room for slow machines: some 2 ms a request is typical, 10 ms allowed.
  it('never answers 5xx, never crashes, answers within 1 s, and rejected requests change nothing', { timeout: Math.max(180_000, numRuns * 10) }, async () => {
    await f.call({ method: 'POST', path: '/v1/agents/known/busy', body: { slot_type: 'work' } });
    let slowest = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const port = f.port.port;
        const headers: Record<string, string> = {
          host: r.host === 'own' ? `127.0.0.1:${port}` : r.host === 'localhost' ? `localhost:${port}` : r.host,
        };
        if (r.token) headers.authorization = `Bearer ${r.token}`;
        if (r.origin) headers.origin = r.origin === 'own' ? `http://127.0.0.1:${port}` : r.origin;
        if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
        const before = snapshot();
        const events = eventCount();
        const started = performance.now();
        const status = await send(r.method, r.path, headers, r.body);
        slowest = Math.max(slowest, performance.now() - started);
        expect(performance.now() - started).toBeLessThan(1_000);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
        if (status === 409) expect(eventCount()).toBe(events);
        else if (status >= 400) expect(snapshot()).toBe(before);
        // nothing leaks onto shared prototypes
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns },
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.info(`hostile input: ${total} generated requests, answers ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest.toFixed(1)} ms`);
    expect(total).toBe(numRuns);
    // the generators reach both sides of the door
    for (const status of [200, 400, 401, 403, 404, 405, 409, 415]) expect(statuses.get(status) ?? 0, `answers ${status}`).toBeGreaterThan(0);
  });
});
