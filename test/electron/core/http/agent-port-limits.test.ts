/**
 * Exhaustion from what agents print, through the real port: `message`,
 * `error` and `tz` on both exhaust endpoints, the inferred reason, the
 * recovery-time precedence (recovery_at > headers > message/error > default),
 * `recovery_source` and the event's excerpt, Anthropic's representative claim,
 * and usage windows on heartbeats (group-committed) and exhaustions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const snapshot = () => JSON.stringify([f.db.prepare('SELECT * FROM agents ORDER BY id').all(), f.db.prepare('SELECT * FROM status_events ORDER BY id').all()]);
const exhaust = (id: string, body: unknown) => f.call({ method: 'POST', path: `/v1/agents/${id}/exhausted`, body });
const lastEvent = async (id: string) => (await f.call({ path: `/v1/agents/${id}/events?limit=1` })).json.events[0];

describe('exhausted with a message', () => {
  it('takes the reset time from the message (its own zone), infers the reason, and records source and excerpt', async () => {
    const t = f.clock.now(); // 2026-01-01T12:00:00Z
    const message = "⎿  You've hit your limit · resets 11:30pm (Asia/Dhaka)";
    const res = await exhaust('cc', { message });
    expect(res.status).toBe(200);
    // 23:30 in Dhaka (UTC+6) is 17:30Z, later the same day.
    expect(res.json.agent).toMatchObject({
      status: 'exhausted', exhaust_reason: 'rate_limit', exhausted_at: iso(t),
      recovery_at: '2026-01-01T17:30:00.000Z', recovery_source: 'message',
      exhaust_excerpt: "You've hit your limit · resets 11:30pm (Asia/Dhaka)",
    });
    expect((await lastEvent('cc')).detail).toEqual({
      reason: 'rate_limit', recovery_at: '2026-01-01T17:30:00.000Z', recovery_source: 'message',
      excerpt: "You've hit your limit · resets 11:30pm (Asia/Dhaka)",
    });
  });

  it("reads a clock time without a zone in the reporter's tz", async () => {
    const message = "■ You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), or try again at 3:28 PM.";
    const res = await exhaust('codex', { message, tz: 'America/New_York' });
    expect(res.json.agent).toMatchObject({ recovery_at: '2026-01-01T20:28:00.000Z', recovery_source: 'message', exhaust_reason: 'rate_limit' });
  });

  it('a billing text makes the reason billing, with the default recovery', async () => {
    const t = f.clock.now();
    const res = await exhaust('b', { message: 'Credit balance is too low' });
    expect(res.json.agent).toMatchObject({ exhaust_reason: 'billing', recovery_at: iso(t + 5 * HOUR), recovery_source: 'default', exhaust_excerpt: 'Credit balance is too low' });
  });

  it('a given reason stands even where the text says otherwise', async () => {
    const res = await exhaust('r', { reason: 'rate_limit', message: 'Your credit balance is too low to access the Anthropic API.' });
    expect(res.json.agent.exhaust_reason).toBe('rate_limit');
  });

  it('with neither reason nor text the agent is exhausted for a rate limit, by default for 5 hours', async () => {
    const t = f.clock.now();
    const res = await exhaust('bare', {});
    expect(res.json.agent).toMatchObject({ status: 'exhausted', exhaust_reason: 'rate_limit', recovery_at: iso(t + 5 * HOUR), recovery_source: 'default', exhaust_excerpt: null });
  });

  it('a text that is not a limit still exhausts the agent (it said so), with the default recovery and no excerpt', async () => {
    const t = f.clock.now();
    const res = await exhaust('warn', { message: "You've used 90% of your session limit · resets 3pm" });
    expect(res.json.agent).toMatchObject({ status: 'exhausted', exhaust_reason: 'rate_limit', recovery_at: iso(t + 5 * HOUR), recovery_source: 'default', exhaust_excerpt: null });
  });

  it('reads a provider error body given as JSON in "error"', async () => {
    const t = f.clock.now();
    const error = {
      error: {
        message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29500, Requested 900. Please try again in 1m30s.',
        type: 'tokens', param: null, code: 'rate_limit_exceeded',
      },
    };
    const res = await exhaust('oa', { error });
    expect(res.json.agent).toMatchObject({ exhaust_reason: 'rate_limit', recovery_at: iso(t + 90_000), recovery_source: 'message' });
    const billing = await exhaust('oq', { error: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } } });
    expect(billing.json.agent).toMatchObject({ exhaust_reason: 'billing', recovery_source: 'default' });
  });

  it('any JSON is a valid error body, even one that says nothing', async () => {
    for (const error of [null, 42, 'text', [1, 2], { deep: { deeper: true } }]) {
      expect((await exhaust('any', { error })).status).toBe(200);
    }
  });
});

describe('recovery time precedence', () => {
  const message = 'Claude usage limit reached. Your limit will reset at 3pm (UTC).';
  it('recovery_at beats headers and message', async () => {
    const res = await exhaust('p1', { recovery_at: '2026-01-01T13:00:00Z', headers: { 'retry-after': '120' }, message });
    expect(res.json.agent).toMatchObject({ recovery_at: '2026-01-01T13:00:00.000Z', recovery_source: 'given' });
    // The excerpt is recorded all the same: it is what the agent said.
    expect(res.json.agent.exhaust_excerpt).toBe(message);
  });

  it('headers beat the message', async () => {
    const t = f.clock.now();
    const res = await exhaust('p2', { headers: { 'retry-after': '120' }, message });
    expect(res.json.agent).toMatchObject({ recovery_at: iso(t + 120_000), recovery_source: 'headers' });
  });

  it('headers that give no usable time leave it to the message', async () => {
    const res = await exhaust('p3', { headers: { 'retry-after': 'soon' }, message });
    expect(res.json.agent).toMatchObject({ recovery_at: '2026-01-01T15:00:00.000Z', recovery_source: 'message' });
  });

  it('the message beats the error body', async () => {
    const error = { type: 'error', error: { type: 'rate_limit_error', message: 'rate limited' }, retry_after: 60 };
    const res = await exhaust('p4', { message, error });
    expect(res.json.agent).toMatchObject({ recovery_at: '2026-01-01T15:00:00.000Z', recovery_source: 'message' });
  });

  it('a message time beyond the 7-day horizon counts as none: the default applies', async () => {
    const t = f.clock.now();
    const res = await exhaust('p5', { message: "You've hit your weekly limit · resets Mar 24, 9am (UTC)" });
    expect(res.json.agent).toMatchObject({ recovery_at: iso(t + 5 * HOUR), recovery_source: 'default' });
    expect(res.json.agent.exhaust_excerpt).toContain('weekly limit');
  });
});

describe("Anthropic's unified headers", () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
  const headers = (claim?: string) => ({
    'anthropic-ratelimit-unified-5h-utilization': '1.0',
    'anthropic-ratelimit-unified-5h-reset': String(t0 + 2 * 3600),
    'anthropic-ratelimit-unified-7d-utilization': '0.4',
    'anthropic-ratelimit-unified-7d-reset': String(t0 + 3 * 86_400),
    ...(claim ? { 'anthropic-ratelimit-unified-representative-claim': claim } : {}),
  });

  it('the representative claim picks which window resets the agent', async () => {
    expect((await exhaust('c5', { headers: headers('five_hour') })).json.agent.recovery_at).toBe(iso((t0 + 2 * 3600) * 1000));
    expect((await exhaust('c7', { headers: headers('seven_day') })).json.agent.recovery_at).toBe(iso((t0 + 3 * 86_400) * 1000));
    // Without a claim the latest reset wins, as for every reset header.
    expect((await exhaust('cn', { headers: headers() })).json.agent.recovery_at).toBe(iso((t0 + 3 * 86_400) * 1000));
  });

  it('fill the usage windows (5h → five_hour, 7d → seven_day, a 0–1 fraction as a percentage)', async () => {
    const res = await exhaust('u', { headers: { ...headers('five_hour'), 'anthropic-ratelimit-unified-7d_opus-utilization': '0.125' } });
    expect(res.json.agent.usage).toEqual({
      five_hour: { used_percent: 100, resets_at: iso((t0 + 2 * 3600) * 1000) },
      seven_day: { used_percent: 40, resets_at: iso((t0 + 3 * 86_400) * 1000) },
      '7d_opus': { used_percent: 12.5, resets_at: null },
    });
  });

  it("the body's usage windows beat the headers' for the same window", async () => {
    const res = await exhaust('ub', { headers: headers(), usage: { five_hour: { used_percent: 97, resets_at: null } } });
    expect(res.json.agent.usage.five_hour).toEqual({ used_percent: 97, resets_at: null });
    expect(res.json.agent.usage.seven_day.used_percent).toBe(40);
  });
});

describe('the operator action with a message', () => {
  it('reads the pasted message for the time, recording source and excerpt', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/op/heartbeat' });
    const res = await f.operator({ method: 'POST', path: '/v1/agents/op/actions/exhaust', body: { reason: 'rate_limit', message: "You've hit your session limit · resets 4:15pm", tz: 'Europe/Berlin' } });
    expect(res.status).toBe(200);
    // 16:15 in Berlin (UTC+1 in January) is 15:15Z.
    expect(res.json.agent).toMatchObject({ recovery_at: '2026-01-01T15:15:00.000Z', recovery_source: 'message' });
    expect((await lastEvent('op')).cause).toBe('operator');
  });

  it('still requires the reason', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/op/heartbeat' });
    const before = snapshot();
    const res = await f.operator({ method: 'POST', path: '/v1/agents/op/actions/exhaust', body: { message: 'Credit balance is too low' } });
    expect(res.status).toBe(400);
    expect(snapshot()).toBe(before);
  });
});

describe('recovery_source follows the exhaustion', () => {
  it('is null before, set while exhausted, cleared with it (idle or recovery)', async () => {
    expect((await f.call({ method: 'POST', path: '/v1/agents/s/heartbeat' })).json.agent.recovery_source).toBeNull();
    await exhaust('s', { message: 'Please retry in 30s' });
    const idle = await f.call({ method: 'POST', path: '/v1/agents/s/idle' });
    expect(idle.json.agent).toMatchObject({ status: 'idle', recovery_source: null, exhaust_excerpt: null });
    await exhaust('s', { message: 'Please retry in 30s' });
    f.clock.advance(31_000);
    f.service.sweep(null);
    expect((await f.call({ path: '/v1/agents/s' })).json.agent).toMatchObject({ status: 'idle', recovery_source: null, exhaust_excerpt: null });
  });
});

describe('bad input is 400 bad_request and changes nothing', () => {
  it.each([
    ['an unknown tz', { message: 'Please retry in 30s', tz: 'Mars/Olympus_Mons' }],
    ['a tz that is not a name', { tz: 'UTC+5' }],
    ['a message that is not a string', { message: { text: 'limit' } }],
    ['a message over 16 KiB', { message: 'é'.repeat(8193) }],
    ['more than 8 usage windows', { usage: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`w${i}`, { used_percent: 1 }])) }],
    ['used_percent over 100', { usage: { five_hour: { used_percent: 101 } } }],
    ['used_percent not a number', { usage: { five_hour: { used_percent: '50' } } }],
    ['a bad resets_at', { usage: { five_hour: { used_percent: 5, resets_at: 'tomorrow' } } }],
    ['a bad window name', { usage: { 'five hour': { used_percent: 5 } } }],
    ['a __proto__ window', JSON.parse('{"usage": {"__proto__": {"used_percent": 5}}}')],
  ])('exhausted with %s', async (_name, body) => {
    await f.call({ method: 'POST', path: '/v1/agents/keep/heartbeat' });
    const before = snapshot();
    const res = await exhaust('keep', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(snapshot()).toBe(before);
  });

  it('an unknown tz on the operator action too', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/keep/heartbeat' });
    const res = await f.operator({ method: 'POST', path: '/v1/agents/keep/actions/exhaust', body: { reason: 'billing', tz: 'Nowhere/Land' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
  });

  it('a message of exactly 16 KiB is taken', async () => {
    expect((await exhaust('big', { message: 'x'.repeat(16 * 1024) })).status).toBe(200);
  });
});

describe('usage on heartbeats', () => {
  it('a heartbeat sets the usage windows (RFC 3339 or epoch seconds); a heartbeat without usage keeps them', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/h/heartbeat', body: { usage: { five_hour: { used_percent: 42.5, resets_at: 1767290400 }, seven_day: { used_percent: 7, resets_at: '2026-01-05T00:00:00+02:00' } } } });
    expect(res.json.agent.usage).toEqual({
      five_hour: { used_percent: 42.5, resets_at: '2026-01-01T18:00:00.000Z' },
      seven_day: { used_percent: 7, resets_at: '2026-01-04T22:00:00.000Z' },
    });
    const plain = await f.call({ method: 'POST', path: '/v1/agents/h/heartbeat' });
    expect(Object.keys(plain.json.agent.usage)).toEqual(['five_hour', 'seven_day']);
    const replaced = await f.call({ method: 'POST', path: '/v1/agents/h/heartbeat', body: { usage: { five_hour: { used_percent: 50, resets_at: null } } } });
    expect(replaced.json.agent.usage).toEqual({ five_hour: { used_percent: 50, resets_at: null } });
  });

  it('the same bad usage is 400 on heartbeats', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/h/heartbeat', body: { usage: { five_hour: { used_percent: -1 } } } });
    expect(res.status).toBe(400);
    expect(f.service.count()).toBe(0);
  });
});

describe('usage on group-committed heartbeats', () => {
  let g: PortFixture;
  beforeEach(async () => {
    g = await startPortFixture({ groupCommit: true });
  });
  afterEach(async () => {
    await g.stop();
  });
  const storedUsage = (id: string) => g.db.prepare('SELECT usage FROM agents WHERE id = ?').pluck().get(id);

  it('a heartbeat that only moves usage is answered at once and written by the next group commit', async () => {
    await g.call({ method: 'POST', path: '/v1/agents/a/heartbeat', body: { name: 'A' } });
    const usage = { five_hour: { used_percent: 61, resets_at: null } };
    const beat = await g.call({ method: 'POST', path: '/v1/agents/a/heartbeat', body: { name: 'A', usage } });
    expect(beat.json.agent.usage).toEqual(usage);
    expect((await g.call({ path: '/v1/agents/a' })).json.agent.usage).toEqual(usage);
    expect(storedUsage('a')).toBe('{}');
    g.timeouts.runAll();
    expect(JSON.parse(storedUsage('a') as string)).toEqual({ five_hour: { usedPercent: 61, resetsAt: null } });
    // The stream hears it with the write.
    expect(g.batches.at(-1)?.[0]).toMatchObject({ type: 'upsert', agent: { id: 'a', usage: { five_hour: { usedPercent: 61 } } } });
  });
});

describe('usage windows from headers alone', () => {
  it('update the windows they name and keep the others', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/k/heartbeat', body: { usage: { five_hour: { used_percent: 80 }, seven_day: { used_percent: 30 } } } });
    const res = await exhaust('k', { headers: { 'anthropic-ratelimit-unified-5h-utilization': '1', 'anthropic-ratelimit-unified-5h-reset': String(Date.UTC(2026, 0, 1, 14) / 1000) } });
    expect(res.json.agent.usage).toEqual({
      five_hour: { used_percent: 100, resets_at: '2026-01-01T14:00:00.000Z' },
      seven_day: { used_percent: 30, resets_at: null },
    });
  });

  it('a claim names a window such as seven_day_opus by its header name 7d_opus', async () => {
    const t0 = Date.UTC(2026, 0, 1, 12) / 1000;
    const res = await exhaust('o', {
      headers: {
        'anthropic-ratelimit-unified-5h-reset': String(t0 + 3600),
        'anthropic-ratelimit-unified-7d_opus-reset': String(t0 + 7200),
        'anthropic-ratelimit-unified-7d-reset': String(t0 + 86_400),
        'anthropic-ratelimit-unified-representative-claim': 'seven_day_opus',
      },
    });
    expect(res.json.agent.recovery_at).toBe(new Date((t0 + 7200) * 1000).toISOString());
  });
});

describe('recovery_source is null whenever the agent is not exhausted', () => {
  it('an exhausted agent that goes offline keeps recovery_at (as the reference does) but not source or excerpt', async () => {
    await exhaust('gone', { message: 'Please retry in 10 minutes' });
    const res = await f.call({ method: 'POST', path: '/v1/agents/gone/offline' });
    expect(res.json.agent).toMatchObject({ status: 'offline', recovery_source: null, exhaust_excerpt: null });
    expect(res.json.agent.recovery_at).not.toBeNull();
  });
});

describe('the recovery horizon (FLEET_MAX_RECOVERY_S, 7 days by default)', () => {
  const DAY = 86_400_000;
  const REFUSAL = { error: { code: 'bad_request', message: 'recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)' } };

  it('a recovery_at more than 7 days ahead is 400 for the agent and the operator alike, and nothing is written', async () => {
    await exhaust('known', { reason: 'billing', recovery_at: iso(f.clock.now() + HOUR) });
    const before = snapshot();
    const far = iso(f.clock.now() + 7 * DAY + 1000);
    for (const id of ['known', 'fresh']) {
      const res = await exhaust(id, { reason: 'rate_limit', recovery_at: far });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(REFUSAL);
    }
    const year9999 = await exhaust('known', { recovery_at: '9999-12-31T23:59:59Z' });
    expect(year9999.json).toEqual(REFUSAL);
    const action = await f.operator({ method: 'POST', path: '/v1/agents/known/actions/exhaust', body: { reason: 'billing', recovery_at: far } });
    expect(action.status).toBe(400);
    expect(action.json).toEqual(REFUSAL);
    expect(snapshot()).toBe(before);
  });

  it('exactly 7 days ahead, and past times, are taken', async () => {
    const edge = iso(f.clock.now() + 7 * DAY);
    expect((await exhaust('a', { recovery_at: edge })).json.agent).toMatchObject({ recovery_at: edge, recovery_source: 'given' });
    const past = iso(f.clock.now() - DAY);
    const action = await f.operator({ method: 'POST', path: '/v1/agents/a/actions/exhaust', body: { reason: 'billing', recovery_at: past } });
    expect(action.json.agent).toMatchObject({ status: 'exhausted', recovery_at: past });
  });

  it('a time read from a message beyond a shorter horizon is clamped to it, not refused', async () => {
    await f.stop();
    f = await startPortFixture({ maxRecoveryS: 3_600 });
    const res = await exhaust('m', { message: 'Rate limit exceeded. Please try again in 3 hours.' });
    expect(res.status).toBe(200);
    expect(res.json.agent).toMatchObject({ recovery_at: iso(f.clock.now() + HOUR), recovery_source: 'message' });
    const given = await exhaust('g', { recovery_at: iso(f.clock.now() + 2 * HOUR) });
    expect(given.json.error.message).toBe('recovery_at must be at most 1 hour ahead (FLEET_MAX_RECOVERY_S)');
  });
});
