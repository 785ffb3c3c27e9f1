import { describe, expect, it } from 'vitest';
import { instantOf, isIanaZone, resolveZone, wallTimeAt } from '../../shared/zoned-time';

const at = (iso: string) => Date.parse(iso);
const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute, second: 0 });

describe('instantOf', () => {
  it('reads a wall time in its zone, POSIX-signed Etc zones included', () => {
    expect(instantOf(wall(2026, 9, 21, 13), 'Etc/GMT+5')).toBe(at('2026-09-21T18:00:00Z'));
    expect(instantOf(wall(2026, 9, 21, 13), 'Etc/GMT-8')).toBe(at('2026-09-21T05:00:00Z'));
    expect(instantOf(wall(2026, 1, 15, 9, 30), 'Asia/Kolkata')).toBe(at('2026-01-15T04:00:00Z'));
  });

  it('a time a spring-forward skips moves forward by the gap (New York, Lord Howe’s 30 minutes)', () => {
    expect(instantOf(wall(2026, 3, 8, 2, 30), 'America/New_York')).toBe(at('2026-03-08T07:30:00Z')); // 03:30 EDT
    expect(instantOf(wall(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toBe(at('2026-10-03T15:45:00Z')); // 02:45 +11
  });

  it('a time that happens twice in the autumn overlap is the first of the two', () => {
    expect(instantOf(wall(2026, 11, 1, 1, 30), 'America/New_York')).toBe(at('2026-11-01T05:30:00Z')); // 01:30 EDT, not EST
    expect(instantOf(wall(2026, 10, 25, 2, 30), 'Europe/Berlin')).toBe(at('2026-10-25T00:30:00Z')); // 02:30 CEST
  });

  it('refuses a date that does not exist', () => {
    expect(instantOf(wall(2026, 2, 30, 1), 'UTC')).toBeNull();
    expect(instantOf(wall(2026, 13, 1, 1), 'UTC')).toBeNull();
  });

  it('round-trips with wallTimeAt on either side of a DST change', () => {
    for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T00:59:00Z', '2026-10-25T01:00:00Z']) {
      const w = wallTimeAt(at(iso), 'Europe/London');
      const back = instantOf(w, 'Europe/London');
      expect(wallTimeAt(back!, 'Europe/London')).toEqual(w);
    }
  });
});

describe('zone names', () => {
  it.each([
    ['UTC', 'UTC'], ['gmt', 'UTC'], ['Z', 'UTC'], ['Asia/Dhaka', 'Asia/Dhaka'], ['Etc/GMT+5', 'Etc/GMT+5'],
    ['UTC+5:30', 'UTC+5:30'], ['GMT-3', 'UTC-3'], ['UTC−2', 'UTC-2'],
  ])('%s resolves to %s', (name, zone) => expect(resolveZone(name)).toBe(zone));

  it.each(['Mars/Olympus', 'UTC+15', '', '../etc/passwd', 'Asia/Dhaka; drop'])('%j is no zone', (name) => expect(resolveZone(name)).toBeNull());

  it('the tz fields take IANA names only', () => {
    expect(isIanaZone('America/Los_Angeles')).toBe(true);
    expect(isIanaZone('Etc/GMT-14')).toBe(true);
    expect(isIanaZone('UTC+5')).toBe(false);
    expect(isIanaZone('Nowhere/Land')).toBe(false);
  });
});
