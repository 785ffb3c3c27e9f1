/**
 * Recovery time from provider headers, with header values as each provider
 * documents them (OpenAI, Azure OpenAI, Anthropic, GitHub-style, IETF draft).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECOVERY_HORIZON_MS, parseGoDuration, recoveryFromHeaders } from '../../shared/rate-limit-headers';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;
const epochS = (ms: number) => String(Math.floor(ms / 1000));

describe('recoveryFromHeaders: each documented form', () => {
  it.each([
    ['retry-after delay-seconds (Anthropic, Azure)', { 'retry-after': '30' }, NOW + 30 * S],
    ['retry-after 0', { 'retry-after': '0' }, NOW],
    ['retry-after HTTP-date', { 'retry-after': 'Thu, 01 Jan 2026 12:05:00 GMT' }, NOW + 300 * S],
    ['retry-after HTTP-date, obsolete RFC 850 form', { 'retry-after': 'Thursday, 01-Jan-26 12:05:00 GMT' }, NOW + 300 * S],
    ['retry-after HTTP-date, obsolete asctime form', { 'retry-after': 'Thu Jan  1 12:05:00 2026' }, NOW + 300 * S],
    ['retry-after-ms (OpenAI, Azure)', { 'retry-after-ms': '1500' }, NOW + 1500],
    ['x-ratelimit-reset-requests "1s" (OpenAI)', { 'x-ratelimit-reset-requests': '1s' }, NOW + S],
    ['x-ratelimit-reset-tokens "6m0s" (OpenAI)', { 'x-ratelimit-reset-tokens': '6m0s' }, NOW + 360 * S],
    ['x-ratelimit-reset-tokens "20ms"', { 'x-ratelimit-reset-tokens': '20ms' }, NOW + 20],
    ['x-ratelimit-reset-requests "1h2m3.5s"', { 'x-ratelimit-reset-requests': '1h2m3.5s' }, NOW + 3723.5 * S],
    ['x-ratelimit-reset-tokens "2m59.56s"', { 'x-ratelimit-reset-tokens': '2m59.56s' }, NOW + 179_560],
    ['anthropic-ratelimit-requests-reset RFC 3339', { 'anthropic-ratelimit-requests-reset': '2026-01-01T12:01:00Z' }, NOW + 60 * S],
    ['anthropic-ratelimit-requests-reset RFC 3339, lower-case t and z', { 'anthropic-ratelimit-requests-reset': '2026-01-01t12:01:00z' }, NOW + 60 * S],
    ['anthropic-ratelimit-tokens-reset with fraction', { 'anthropic-ratelimit-tokens-reset': '2026-01-01T12:00:30.250Z' }, NOW + 30_250],
    ['anthropic-ratelimit-input-tokens-reset with offset', { 'anthropic-ratelimit-input-tokens-reset': '2026-01-01T14:00:10+02:00' }, NOW + 10 * S],
    ['anthropic-ratelimit-output-tokens-reset', { 'anthropic-ratelimit-output-tokens-reset': '2026-01-01T12:00:45Z' }, NOW + 45 * S],
    ['anthropic-ratelimit-unified-5h-reset epoch seconds', { 'anthropic-ratelimit-unified-5h-reset': epochS(NOW + 5 * 3600 * S) }, NOW + 5 * 3600 * S],
    ['anthropic-ratelimit-unified-7d-reset epoch seconds', { 'anthropic-ratelimit-unified-7d-reset': epochS(NOW + 6 * 86_400 * S) }, NOW + 6 * 86_400 * S],
    ['any anthropic-ratelimit-unified-*-reset', { 'anthropic-ratelimit-unified-opus-reset': epochS(NOW + 600 * S) }, NOW + 600 * S],
    ['x-ratelimit-reset epoch seconds (GitHub)', { 'x-ratelimit-reset': epochS(NOW + 900 * S) }, NOW + 900 * S],
    ['x-ratelimit-reset small delay-seconds', { 'x-ratelimit-reset': '45' }, NOW + 45 * S],
    ['ratelimit-reset delay-seconds (IETF draft)', { 'ratelimit-reset': '30' }, NOW + 30 * S],
    ['ratelimit structured field (IETF draft)', { ratelimit: '"default";r=0;t=30' }, NOW + 30 * S],
    ['ratelimit list: latest t wins', { ratelimit: '"default";r=50;t=30, "daily";r=0;t=3600' }, NOW + 3600 * S],
  ])('%s', (_name, headers, expected) => {
    expect(recoveryFromHeaders(headers, NOW)).toBe(expected);
  });
});

describe('recoveryFromHeaders: selection', () => {
  it('retry-after beats a later reset', () => {
    expect(recoveryFromHeaders({ 'retry-after': '10', 'x-ratelimit-reset-tokens': '6m0s' }, NOW)).toBe(NOW + 10 * S);
  });

  it('retry-after-ms beats retry-after (same instruction, finer grain)', () => {
    expect(recoveryFromHeaders({ 'retry-after': '2', 'retry-after-ms': '1500' }, NOW)).toBe(NOW + 1500);
  });

  it('without retry-after, the latest reset wins', () => {
    const headers = {
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-reset-tokens': '6m0s',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T12:02:00Z',
    };
    expect(recoveryFromHeaders(headers, NOW)).toBe(NOW + 360 * S);
  });

  it('an unparsable retry-after falls through to the resets', () => {
    expect(recoveryFromHeaders({ 'retry-after': 'soon', 'ratelimit-reset': '30' }, NOW)).toBe(NOW + 30 * S);
  });

  it('names are case-insensitive and a list value uses its first element', () => {
    expect(recoveryFromHeaders({ 'Retry-After': '5' }, NOW)).toBe(NOW + 5 * S);
    expect(recoveryFromHeaders({ 'X-RateLimit-Reset-Tokens': ['1s', '9s'] }, NOW)).toBe(NOW + S);
  });
});

describe('recoveryFromHeaders: unusable values', () => {
  it.each([
    ['nothing', {}],
    ['unrelated headers', { 'content-type': 'application/json' }],
    ['a reset in the past', { 'anthropic-ratelimit-requests-reset': '2025-12-31T12:00:00Z' }],
    ['more than 7 days away', { 'retry-after': String(8 * 86_400) }],
    ['epoch in the past', { 'x-ratelimit-reset': epochS(NOW - 60 * S) }],
    ['negative', { 'retry-after': '-5' }],
    ['exponent', { 'retry-after': '1e3' }],
    ['garbage', { 'retry-after': 'abc', 'x-ratelimit-reset-tokens': '6 minutes', ratelimit: 'nonsense' }],
    ['empty', { 'retry-after': '', 'retry-after-ms': '   ' }],
    ['a date that is not an HTTP-date', { 'retry-after': '2026-01-01 12:05' }],
    ['RFC 3339 without offset', { 'anthropic-ratelimit-requests-reset': '2026-01-01T12:01:00' }],
    ['unified without a middle part', { 'anthropic-ratelimit-unified-reset': epochS(NOW + 60 * S) }],
    ['prototype-ish names', { __proto__: '5', constructor: '5', toString: '5' }],
  ])('%s gives null', (_name, headers) => {
    expect(recoveryFromHeaders(headers as Record<string, string>, NOW)).toBeNull();
  });

  it('exactly 7 days away is still usable', () => {
    expect(recoveryFromHeaders({ 'retry-after': String(7 * 86_400) }, NOW)).toBe(NOW + MAX_RECOVERY_HORIZON_MS);
  });

  it('never throws and stays within [now, now + 7 days] for arbitrary header maps', () => {
    const names = fc.oneof(
      fc.constantFrom('retry-after', 'retry-after-ms', 'x-ratelimit-reset', 'x-ratelimit-reset-tokens', 'ratelimit', 'ratelimit-reset',
        'anthropic-ratelimit-tokens-reset', 'anthropic-ratelimit-unified-5h-reset', '__proto__', 'constructor'),
      fc.string(),
    );
    const values = fc.oneof(fc.string(), fc.nat().map(String), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.dictionary(names, values), (headers) => {
        const at = recoveryFromHeaders(headers, NOW);
        return at === null || (Number.isInteger(at) && at >= NOW && at <= NOW + MAX_RECOVERY_HORIZON_MS);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['1s', 1000], ['6m0s', 360_000], ['20ms', 20], ['1h2m3.5s', 3_723_500], ['100us', 0.1], ['100µs', 0.1], ['1h', 3_600_000], ['0.5s', 500],
  ])('%s = %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 's', '1', '1 s', '-1s', '1x', '1s ', 'abc'])('%j is not a duration', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});
