/**
 * Wall-clock times in named time zones, for reading reset times that agents
 * print ("resets 3:45pm (America/Los_Angeles)"). The zone arithmetic (DST gaps
 * and overlaps, `Etc/GMT+5` being UTC−5) is Luxon's, over the platform's Intl
 * data, so the main side and the browser read a text the same way.
 */
import { DateTime, IANAZone } from 'luxon';

/** A wall-clock reading in some zone. Month 1–12, weekday 1 (Monday) – 7 (Sunday). */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const UTC_ALIASES = new Map([
  ['utc', 'UTC'],
  ['gmt', 'UTC'],
  ['z', 'UTC'],
  ['zulu', 'UTC'],
]);

/**
 * The canonical zone for a name agents use: an IANA name (`Asia/Dhaka`,
 * `Etc/GMT+5`), `UTC` / `GMT`, or a fixed offset `UTC+5:30` / `GMT-3`
 * (ordinary sign, unlike `Etc/`). Null when the name is not a known zone.
 */
export function resolveZone(name: string): string | null {
  const trimmed = name.trim();
  const alias = UTC_ALIASES.get(trimmed.toLowerCase());
  if (alias) return alias;
  const offset = /^(?:UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(trimmed);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    if (hours > 14 || minutes > 59) return null;
    const sign = offset[1] === '+' ? '+' : '-';
    return `UTC${sign}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
  }
  // Only names shaped like IANA ones reach Intl: it also takes odd aliases we don't want to promise.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(trimmed)) return null;
  return IANAZone.isValidZone(trimmed) ? trimmed : null;
}

/** Whether `name` is an IANA time-zone name (what the `tz` fields accept). */
export function isIanaZone(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(name) && IANAZone.isValidZone(name);
}

/** The zone this runtime is set to, or UTC when it cannot tell. */
export function localZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
}

/** The wall clock in `zone` at the instant `ms`. */
export function wallTimeAt(ms: number, zone: string): WallTime {
  const t = DateTime.fromMillis(ms, { zone });
  return { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second, weekday: t.weekday };
}

/** The zone's offset from UTC at the instant `ms`, in minutes (UTC−5 is −300). */
function offsetAt(ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

/**
 * The instant a wall-clock time in `zone` names, as Temporal's `compatible`
 * disambiguation has it: a time that a DST change skips (02:30 on a
 * spring-forward night) moves forward by the gap; a time that happens twice
 * (the autumn overlap) is the first of the two. Null for a date that does not
 * exist (30 February) or a field out of range.
 */
export function instantOf(wall: Omit<WallTime, 'weekday'>, zone: string): number | null {
  return instantsOf(wall, zone)[0] ?? null;
}

/**
 * Every instant a wall-clock time in `zone` names, earliest first: one as a
 * rule, two in an autumn overlap, one moved past the gap in a spring-forward
 * night, none for a date that does not exist. "The next 1:30am" on a
 * fall-back night may be the second of two.
 */
export function instantsOf(wall: Omit<WallTime, 'weekday'>, zone: string): number[] {
  const { year, month, day, hour, minute, second } = wall;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return [];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(asUtc).getUTCDate() !== day) return [];
  // A zone changes its offset at most once within a day around any instant, so
  // the offsets a day before and after are the only candidates.
  const before = offsetAt(asUtc - DAY_MS, zone);
  const after = offsetAt(asUtc + DAY_MS, zone);
  const matches = [...new Set([before, after])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((at) => at - asUtc + offsetAt(at, zone) * MINUTE_MS === 0)
    .sort((a, b) => a - b);
  // No match: the time falls in a gap. Read with the offset from before the gap, it lands after it.
  return matches.length > 0 ? matches : [asUtc - before * MINUTE_MS];
}

/** `days` calendar days after the given date (month and year roll over). */
export function addDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const t = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: 'UTC' }).plus({ days });
  return { year: t.year, month: t.month, day: t.day };
}
