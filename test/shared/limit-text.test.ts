/**
 * The reading rules the corpus does not isolate: which line of a block wins,
 * lines a terminal wrapped, excerpts, bounds, and the order of precedence
 * between an error body's fields and its words.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EXCERPT_LENGTH, parseLimit } from '../../shared/limit-text';

const NOW = Date.UTC(2026, 8, 21, 10, 30); // Monday
const read = (input: unknown, tz?: string) => parseLimit(input, { now: NOW, tz, defaultTz: 'UTC' });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('blocks of terminal output', () => {
  it('a warning right above a real limit does not hide it, nor lend it its time', () => {
    const r = read("You've used 90% of your session limit · resets 3pm\nYou've hit your session limit · resets 4pm");
    expect(r).toMatchObject({ limit: true, reason: 'rate_limit', excerpt: "You've hit your session limit · resets 4pm" });
    expect(r.limit && iso(r.recoveryAt)).toBe('2026-09-21T16:00:00.000Z');
  });

  it('the newest limit line wins', () => {
    const r = read("You've hit your limit · resets 1pm\n…later…\nYou've hit your limit · resets 2pm");
    expect(r.limit && iso(r.recoveryAt)).toBe('2026-09-21T14:00:00.000Z');
  });

  it('a reset time on a line after the limit line belongs to it; the excerpt spans both', () => {
    const r = read('✕ You exceeded your current quota, please check your plan and billing details.\n  Please retry in 20s.');
    expect(r).toMatchObject({ limit: true, reason: 'rate_limit', excerpt: 'You exceeded your current quota, please check your plan and billing details. Please retry in 20s.' });
  });

  it('a set-aside phrase a terminal wrapped over two lines is still set aside', () => {
    expect(read('API Error: Server is temporarily limiting requests (not your usage\n     limit) · Rate limited')).toEqual({ limit: false });
  });

  it('a time after an unrelated word is no reset time', () => {
    const r = read("You've hit your limit.\nBuild finished at 3:45pm");
    expect(r).toMatchObject({ limit: true, recoveryAt: null });
  });
});

describe('error bodies', () => {
  it('an overload code wins over any words', () => {
    expect(read({ type: 'error', error: { type: 'overloaded_error', message: 'rate limit' } })).toEqual({ limit: false });
  });

  it('a named billing code wins over rate-limit words', () => {
    expect(read({ error: { code: 'insufficient_quota', message: 'Rate limit reached' } })).toMatchObject({ reason: 'billing' });
  });

  it("a body's reset field wins over a time in its words", () => {
    const r = read({ error: { type: 'usage_limit_reached', message: 'try again in 2 hours', resets_in_seconds: 600 } });
    expect(r.limit && r.recoveryAt).toBe(NOW + 600_000);
  });

  it('reads a body nested as the text of a message (as Gemini CLI prints it)', () => {
    const inner = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '26s' }] } });
    const r = read({ error: { message: inner } });
    expect(r).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: NOW + 26_000 });
  });

  it('a body embedded in a line of text is read for its fields', () => {
    const r = read('API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"retry_after":30}');
    expect(r).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: NOW + 30_000 });
  });
});

describe('bounds', () => {
  it('an excerpt is at most 200 characters and centred on the phrase', () => {
    const r = read(`${'x'.repeat(500)} You've hit your limit · resets 3pm ${'y'.repeat(500)}`);
    expect(r.limit && r.excerpt.length).toBeLessThanOrEqual(MAX_EXCERPT_LENGTH);
    expect(r.limit && r.excerpt).toContain("You've hit your limit · resets 3pm");
  });

  it('reads the newest 64 KiB of a long output, and deep JSON without overflowing', () => {
    const long = `${'noise\n'.repeat(100_000)}You've hit your limit · resets 3pm`;
    expect(read(long)).toMatchObject({ limit: true });
    let deep: unknown = { error: { type: 'rate_limit_error' } };
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    expect(() => read(deep)).not.toThrow();
    expect(() => read('{'.repeat(100_000))).not.toThrow();
  });

  it('not text nor JSON object: not a limit', () => {
    for (const value of [undefined, null, 42, true]) expect(read(value)).toEqual({ limit: false });
  });
});

describe('zones and windows the reader cannot place', () => {
  it('a clock time with a zone it cannot read gives no time rather than a guess', () => {
    expect(read("You've hit your limit · resets 3pm (AEST)", 'UTC')).toMatchObject({ limit: true, recoveryAt: null });
    expect(read("You've hit your limit · resets 3pm (Mars/Base)", 'UTC')).toMatchObject({ limit: true, recoveryAt: null });
    // A parenthesis that is no zone is no reason to drop the time.
    const r = read("You've hit your limit · resets 3pm (in about 4 hours)", 'UTC');
    expect(r.limit && iso(r.recoveryAt)).toBe('2026-09-21T15:00:00.000Z');
  });

  it("midnight Pacific is Gemini's daily reset, not every provider's per-day limit", () => {
    expect(read('Quota exceeded for quota metric generativelanguage.googleapis.com/generate_requests_per_model_per_day')).toMatchObject({ limit: true, recoveryAt: Date.UTC(2026, 8, 22, 7) });
    expect(read('Rate limit reached for gpt-4o on requests per day (RPD): Limit 10000. Try again later.')).toMatchObject({ limit: true, recoveryAt: null });
  });

  it('an HTTP 402 alone is billing, and its excerpt says so', () => {
    expect(read({ error: { code: 402 } })).toEqual({ limit: true, reason: 'billing', recoveryAt: null, excerpt: 'billing error' });
  });
});

describe('what an independent review found', () => {
  it('the excerpt is the limit line with its time, not a hint line under it', () => {
    const seoul = read('  ⎿  Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade\n     /upgrade to increase your usage limit.');
    expect(seoul).toMatchObject({ limit: true, excerpt: 'Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade', recoveryAt: Date.UTC(2026, 8, 22, 1) });
    const berlin = read("You've hit your limit · resets 3pm (Europe/Berlin)\n…\n> /rate-limit-options");
    expect(berlin).toMatchObject({ excerpt: "You've hit your limit · resets 3pm (Europe/Berlin)", recoveryAt: Date.UTC(2026, 8, 21, 13) });
  });

  it('529 is an overload only as a status, not as a token count', () => {
    const r = read('Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM): Limit 30000, Used 29471, Requested 529. Please try again in 1.146s.');
    expect(r).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: NOW + 1146 });
    expect(read('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toEqual({ limit: false });
  });

  it.each([
    ['Try again in 1h 30m.', 90],
    ['resets in 3h 20m', 200],
    ['Please retry in 2m 30s.', 2.5],
    ['try again in 1 hour, 5 minutes and 30 seconds', 65.5],
  ])('compact parts separated by spaces add up: %s', (text, minutes) => {
    expect(read(`You've hit your usage limit. ${text}`)).toMatchObject({ recoveryAt: NOW + minutes * 60_000 });
  });

  it('on a fall-back night, "the next 1:30am" may be the second one, an hour later', () => {
    const now = Date.UTC(2026, 10, 1, 5, 45); // 01:45 EDT; 01:30 EST comes at 06:30Z
    expect(parseLimit("You've hit your limit · resets 1:30am (America/New_York)", { now })).toMatchObject({ recoveryAt: Date.UTC(2026, 10, 1, 6, 30) });
  });

  it("reads a body a Python SDK printed as a dict", () => {
    const text = "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. {'error': {'code': 429, 'message': 'You exceeded your current quota, please check your plan and billing details.', 'status': 'RESOURCE_EXHAUSTED', 'details': [{'@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': '51s'}], 'ok': False, 'x': None}}";
    expect(read(text)).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: NOW + 51_000 });
  });

  it('"reached your … limit" is a limit', () => {
    expect(read("You've reached your session limit · resets 6pm")).toMatchObject({ limit: true, recoveryAt: Date.UTC(2026, 8, 21, 18) });
    expect(read("You've reached your weekly limit. Resets Mon 9am.")).toMatchObject({ limit: true, recoveryAt: Date.UTC(2026, 8, 28, 9) });
  });

  it.each([
    'I added rate limiting to the API client and a retry on 429 Too Many Requests.',
    'The throttling logic now backs off exponentially.',
    'Claude Opus 4 limit reached, now using Sonnet 4',
    'Internal server error. Please try again in a minute.',
    'I updated the usage limit docs.',
  ])('prose and fallbacks are not limits: %s', (text) => {
    expect(read(text)).toEqual({ limit: false });
  });

  it('a retryDelay written out as a protobuf object', () => {
    expect(read({ error: { code: 429, details: [{ retryDelay: { seconds: 34, nanos: 500_000_000 } }] } })).toMatchObject({ recoveryAt: NOW + 34_500 });
  });
});
