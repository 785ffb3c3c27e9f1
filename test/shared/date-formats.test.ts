import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRfc3339 } from '../../shared/date-formats';

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `ms` written as RFC 3339 in the local time of `offsetMinutes` east of UTC. */
function rfc3339At(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1); // yyyy-mm-ddThh:mm:ss.sss
  const zone = offsetMinutes === 0 ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${local}${zone}`;
}

describe('parseRfc3339', () => {
  it('reads any instant written in any offset back to the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (date, offset) => {
          expect(parseRfc3339(rfc3339At(date.getTime(), offset))).toBe(date.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2026-01-01T12:00:00Z', Date.UTC(2026, 0, 1, 12)],
    ['2026-01-01t12:00:00z', Date.UTC(2026, 0, 1, 12)],
    ['2026-01-01T12:00:00.5+01:30', Date.UTC(2026, 0, 1, 10, 30, 0, 500)],
    ['2026-01-01T12:00:00.123456789-00:00', Date.UTC(2026, 0, 1, 12, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    // A leap second is the instant after 23:59:59 UTC, in any offset.
    ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)],
    ['2017-01-01T08:59:60+09:00', Date.UTC(2017, 0, 1)],
  ])('%s is %i', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    '2026-01-01T12:00:00', // no offset
    '2026-01-01 12:00:00Z', // a space for the T only where allowed
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T12:60:00Z',
    '2026-01-01T12:00:00+24:00',
    '2026-01-01T12:00:60Z', // a leap second not at the end of a UTC day
    '2026-1-01T12:00:00Z',
    '2026-01-01T12:00:00.Z',
    ' 2026-01-01T12:00:00Z',
    'tomorrow',
  ])('refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });

  it('takes a space for the T when asked to', () => {
    expect(parseRfc3339('2026-01-01 12:00:00Z', { allowSpace: true })).toBe(Date.UTC(2026, 0, 1, 12));
  });
});

describe('parseHttpDate', () => {
  const now = Date.UTC(2026, 10, 25);
  const example = Date.UTC(1994, 10, 6, 8, 49, 37);

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
  ])('reads the %s form of RFC 9110’s example', (_form, text) => {
    expect(parseHttpDate(text, now)).toBe(example);
  });

  it('reads a two-digit year as at most 50 years ahead, else the last century', () => {
    expect(parseHttpDate('Thursday, 26-Nov-26 21:30:00 GMT', now)).toBe(Date.UTC(2026, 10, 26, 21, 30));
    expect(parseHttpDate('Friday, 01-Jan-76 00:00:00 GMT', now)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Wednesday, 01-Jan-77 00:00:00 GMT', now)).toBe(Date.UTC(1977, 0, 1));
  });

  it('reads every instant written as IMF-fixdate back', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const second = Math.floor(date.getTime() / 1000) * 1000;
        expect(parseHttpDate(new Date(second).toUTCString(), now)).toBe(second);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['Sun, 06 Nov 1994 08:49:37 UTC', 'Sun, 31 Apr 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun Nov 6 08:49:37 1994', '1994-11-06T08:49:37Z', '120'])(
    'refuses %j',
    (text) => {
      expect(parseHttpDate(text, now)).toBeNull();
    },
  );
});
