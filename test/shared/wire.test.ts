import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toRfc3339 } from '../../shared/wire';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
// Every time Date can hold, and times around now (where the kept day is reused).
const anyTime = fc.integer({ min: -8.64e15, max: 8.64e15 });
const nearNow = fc.integer({ min: NOW - 3 * 86_400_000, max: NOW + 3 * 86_400_000 });

describe('toRfc3339', () => {
  it('writes exactly what Date#toISOString writes, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyTime, nearNow), { minLength: 1, maxLength: 50 }), (times) => {
        for (const ms of times) expect(toRfc3339(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('gets the edges of a day right', () => {
    const midnight = Date.UTC(2026, 10, 25);
    for (const ms of [midnight, midnight - 1, midnight + 1, midnight + 86_399_999, midnight + 86_400_000, 0, -1, 253402300799999, 253402300800000]) {
      expect(toRfc3339(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses an invalid time as Date does', () => {
    expect(() => toRfc3339(Number.NaN)).toThrow(RangeError);
    expect(() => toRfc3339(8.64e15 + 1)).toThrow(RangeError);
  });
});
