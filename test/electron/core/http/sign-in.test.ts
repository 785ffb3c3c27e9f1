import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SIGN_IN_CODES, SignInCodes, SIGN_IN_CODE_TTL_MS } from '../../../../electron/core/http/sign-in';
import { FakeClock } from '../../../support/fake-clock';
import { request } from '../../../support/http-client';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

/** A fresh code, as the printed link carries it. */
function mintCode(): string {
  const link = f.port.signInUrl();
  expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${f.port.port}/#code=[A-Za-z0-9_-]{43}$`));
  return link.split('#code=')[1]!;
}

/** Trades `code` as the page does: no bearer token, same-origin. */
const trade = (code: unknown, headers: Record<string, string | undefined> = {}) =>
  request(f.port.port, { method: 'POST', path: '/v1/session', body: { code }, headers: { origin: `http://127.0.0.1:${f.port.port}`, ...headers } });

describe('one-time sign-in codes (POST /v1/session)', () => {
  it('a code is traded once for the operator token; a second use is refused, saying it was used', async () => {
    const code = mintCode();
    const first = await trade(code);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ token: OPERATOR_TOKEN });
    expect(first.headers['cache-control']).toBe('no-store');

    const again = await trade(code);
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('invalid_code');
    expect(again.json.error.message).toContain('already used');
    expect(again.text).not.toContain(OPERATOR_TOKEN);
  });

  it('a code expires 10 minutes after it was made, by the injected clock', async () => {
    const justInTime = mintCode();
    const late = mintCode();
    f.clock.advance(SIGN_IN_CODE_TTL_MS - 1);
    expect((await trade(justInTime)).status).toBe(200);
    f.clock.advance(1);
    const refused = await trade(late);
    expect(refused.status).toBe(401);
    expect(refused.json.error).toEqual({ code: 'invalid_code', message: expect.stringContaining('expired') });
  });

  it('a code made before the machine slept expires by the wall clock, and setting the wall clock back does not revive one', async () => {
    const slept = mintCode();
    f.clock.suspend(SIGN_IN_CODE_TTL_MS);
    expect((await trade(slept)).json.error.message).toContain('expired');

    const rewound = mintCode();
    f.clock.advance(SIGN_IN_CODE_TTL_MS);
    f.clock.setWall(f.clock.now() - 3_600_000);
    expect((await trade(rewound)).json.error.message).toContain('expired');
  });

  it('an unknown code is refused, saying it was not made by this server', async () => {
    mintCode();
    const res = await trade('not-a-code-this-server-made');
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({ code: 'invalid_code', message: expect.stringContaining('not made by this server') });
  });

  it('neither token is a code, and a code is no bearer token', async () => {
    const code = mintCode();
    expect((await trade(OPERATOR_TOKEN)).json.error.code).toBe('invalid_code');
    expect((await trade(AGENT_TOKEN)).json.error.code).toBe('invalid_code');
    const asBearer = await request(f.port.port, { path: '/v1/settings', headers: { authorization: `Bearer ${code}` } });
    expect(asBearer.status).toBe(401);
    expect((await trade(code)).status).toBe(200);
  });

  it('passes the front door only from this server: a foreign Origin or Host is refused and the code stays good', async () => {
    const code = mintCode();
    const foreign = await trade(code, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('forbidden');
    const rebound = await trade(code, { host: 'evil.example', origin: undefined });
    expect(rebound.status).toBe(403);
    expect((await trade(code)).status).toBe(200);
  });

  it('bad requests are refused with a stable code and spend nothing', async () => {
    const code = mintCode();
    expect((await request(f.port.port, { path: '/v1/session' })).status).toBe(405);
    expect((await request(f.port.port, { path: '/v1/session' })).headers.allow).toBe('POST');
    expect((await request(f.port.port, { method: 'POST', path: '/v1/session', body: '{"code":', headers: { 'content-type': 'application/json' } })).json.error.code).toBe('bad_request');
    expect((await request(f.port.port, { method: 'POST', path: '/v1/session', body: {} })).json.error.code).toBe('bad_request');
    expect((await trade(42)).json.error.code).toBe('bad_request');
    expect((await trade('x'.repeat(2_000))).status).toBe(413);
    expect((await request(f.port.port, { method: 'POST', path: '/v1/session', body: `code=${code}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await trade(code)).status).toBe(200);
  });
});

describe('SignInCodes', () => {
  it('remembers a bounded number of codes: the oldest are forgotten, the newest stay good', () => {
    const codes = new SignInCodes(new FakeClock());
    const made = Array.from({ length: MAX_SIGN_IN_CODES * 4 }, () => codes.mint());
    expect(codes.size).toBe(MAX_SIGN_IN_CODES);
    expect(codes.redeem(made[0]!)).toBe('unknown');
    expect(codes.redeem(made.at(-1)!)).toBeNull();
    expect(codes.redeem(made.at(-1)!)).toBe('used');
    expect(codes.size).toBe(MAX_SIGN_IN_CODES);
  });

  it('makes a different code each time, 256 bits each', () => {
    const codes = new SignInCodes(new FakeClock());
    const made = new Set(Array.from({ length: 8 }, () => codes.mint()));
    expect(made.size).toBe(8);
    for (const code of made) expect(Buffer.from(code, 'base64url')).toHaveLength(32);
  });
});

describe('a fresh sign-in link (POST /v1/session/codes)', () => {
  it('the operator token gets a new one-time link, good for 10 minutes; the agent token and no token are refused', async () => {
    const res = await f.operator({ method: 'POST', path: '/v1/session/codes' });
    expect(res.status).toBe(200);
    expect(res.json.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${f.port.port}/#code=[A-Za-z0-9_-]{43}$`));
    expect(res.json.expires_at).toBe(new Date(f.clock.now() + SIGN_IN_CODE_TTL_MS).toISOString());
    expect(res.text).not.toContain(OPERATOR_TOKEN);
    const code = (res.json.url as string).split('#code=')[1]!;
    expect((await trade(code)).json).toEqual({ token: OPERATOR_TOKEN });
    expect((await trade(code)).json.error.code).toBe('invalid_code');

    expect((await f.call({ method: 'POST', path: '/v1/session/codes' })).status).toBe(403);
    expect((await request(f.port.port, { method: 'POST', path: '/v1/session/codes' })).status).toBe(401);
    expect((await f.operator({ path: '/v1/session/codes' })).status).toBe(405);
  });
});
