/**
 * The time grammar of limit messages: when an agent's quota comes back, as
 * the agents print it. Two families:
 *
 * - a delay: `34.074824224s`, `7m12s`, `84ms` (Go / protobuf durations), or
 *   English `4 days 6 hours 37 minutes`, `1 hour and 5 minutes`, `60 sec`;
 * - a moment: a clock time (`3:45pm`, `9am`, `15:00`, `noon`), optionally with
 *   a date (`Sep 24`, `Sep 11th, 2026`, `24 September`, `2026-09-24`), a
 *   weekday (`Mon`), `today` / `tomorrow`, and a zone (`(Asia/Dhaka)`,
 *   `(Etc/GMT+5)`, `UTC`, `(PST)`); or an RFC 3339 / ISO 8601 timestamp.
 *
 * A moment without a zone is read in the reporter's zone, else the monitor's.
 * Pure: the caller passes `now` and the zones.
 */
import { parseRfc3339 } from './date-formats';
import { parseGoDuration } from './rate-limit-headers';
import { addDays, instantsOf, resolveZone, wallTimeAt } from './zoned-time';

const UNIT_MS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:ms|msecs?|millis|milliseconds?)$/, 1],
  [/^(?:s|secs?|seconds?)$/, 1000],
  [/^(?:m|mins?|minutes?)$/, 60_000],
  [/^(?:h|hrs?|hours?)$/, 3_600_000],
  [/^(?:d|days?)$/, 86_400_000],
  [/^(?:w|wks?|weeks?)$/, 604_800_000],
];

function unitMs(unit: string): number | null {
  for (const [pattern, ms] of UNIT_MS) if (pattern.test(unit)) return ms;
  return null;
}

/** One `<amount> <unit>` of an English delay; amounts may be `a`, `an`, `one`. */
const ENGLISH_PART = /^(\d+(?:\.\d+)?|an?|one)\s*(milliseconds?|millis|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b/i;
const SEPARATOR = /^(?:\s*,\s*|\s+and\s+|\s+)/i;
const GO_LIKE = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+(?![A-Za-z0-9])/;

/** One part of a delay at the start of `text`: a Go-style run (`7m12s`) or an English `<amount> <unit>`. */
function readDelayPart(text: string): { ms: number; length: number } | null {
  const go = GO_LIKE.exec(text);
  if (go) {
    const ms = parseGoDuration(go[0]);
    if (ms !== null) return { ms, length: go[0].length };
  }
  const part = ENGLISH_PART.exec(text);
  const unit = part ? unitMs(part[2]!.toLowerCase()) : null;
  if (!part || unit === null) return null;
  return { ms: (/^\d/.test(part[1]!) ? Number(part[1]) : 1) * unit, length: part[0].length };
}

/**
 * A delay at the start of `text`: its length in ms and how many characters it
 * took, or null. Parts may be Go-style or English and come one after another,
 * with spaces, commas or "and" between (`1h 30m`, `4 days 6 hours and 37 minutes`).
 */
export function readDelay(text: string): { ms: number; length: number } | null {
  const lead = /^(?:about|approximately|approx\.?|roughly|~)\s*/i.exec(text)?.[0] ?? '';
  const rest = text.slice(lead.length);
  let total = 0;
  let at = 0;
  let parts = 0;
  for (;;) {
    const part = readDelayPart(rest.slice(at));
    if (!part) break;
    total += part.ms;
    at += part.length;
    parts++;
    const separator = SEPARATOR.exec(rest.slice(at));
    // Only step over a separator that another part follows.
    if (!separator || !readDelayPart(rest.slice(at + separator[0].length))) break;
    at += separator[0].length;
  }
  return parts > 0 && Number.isFinite(total) ? { ms: total, length: lead.length + at } : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTH_NAME = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const WEEKDAY_NAME = String.raw`(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?`;
const ORDINAL = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;

/** The pieces of a moment; each is tried at the current position, in any order. */
const PIECES = {
  iso: /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?![\d-])/i,
  monthDay: new RegExp(String.raw`^${MONTH_NAME}\s+${ORDINAL}(?:\s*,?\s*(\d{4}))?(?![\d:])`, 'i'),
  dayMonth: new RegExp(String.raw`^${ORDINAL}\s+(?:of\s+)?${MONTH_NAME}(?:\s*,?\s*(\d{4}))?(?![\d:])`, 'i'),
  weekday: new RegExp(String.raw`^${WEEKDAY_NAME}(?![a-z])`, 'i'),
  relativeDay: /^(today|tonight|tomorrow)\b/i,
  clock: /^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?![\d:a-z])/i,
  noon: /^(noon|midday|midnight)\b/i,
  parenZone: /^\(\s*([A-Za-z][A-Za-z0-9_/+\-−: ]{0,63}?)\s*\)/,
  bareZone: /^(?:UTC|GMT|Z)(?:\s*[+\-−]\s*\d{1,2}(?::?\d{2})?)?(?![A-Za-z0-9])/i,
  connector: /^(?:at|on|,|@|\bthe\b)\s*/i,
} as const;

/** Zone abbreviations agents print, read as the region they name (its DST applies). */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles', PT: 'America/Los_Angeles',
  MST: 'America/Denver', MDT: 'America/Denver', MT: 'America/Denver',
  CST: 'America/Chicago', CDT: 'America/Chicago', CT: 'America/Chicago',
  EST: 'America/New_York', EDT: 'America/New_York', ET: 'America/New_York',
  BST: 'Europe/London', CET: 'Europe/Paris', CEST: 'Europe/Paris', JST: 'Asia/Tokyo',
};

function zoneName(text: string): string | null {
  const cleaned = text.replace(/−/g, '-').replace(/\s+/g, '');
  return ABBREVIATIONS[cleaned.toUpperCase()] ?? resolveZone(cleaned);
}

interface Moment {
  year?: number;
  month?: number;
  day?: number;
  weekday?: number;
  dayOffset?: number;
  hour?: number;
  minute?: number;
  second?: number;
  zone?: string;
  /** A zone was named in parentheses that we cannot read: the moment cannot be placed. */
  unknownZone?: boolean;
  /** A timestamp that already names its instant (RFC 3339 with an offset). */
  instant?: number;
}

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

/** A clock reading: 12-hour with am/pm, or 24-hour with minutes. */
function clockOf(hourText: string, minuteText: string | undefined, secondText: string | undefined, meridiem: string | undefined) {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  const second = secondText === undefined ? 0 : Number(secondText);
  if (minute > 59 || second > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (/^p/i.test(meridiem) ? 12 : 0);
  } else if (minuteText === undefined || hour > 23) {
    return null; // a bare number is not a time
  }
  return { hour, minute, second };
}

/**
 * Reads a moment at the start of `text`: the pieces it found and how many
 * characters they took, or null when nothing there names a time or a date.
 */
function readMoment(text: string): { moment: Moment; length: number } | null {
  const rfc = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})/.exec(text);
  if (rfc) {
    const instant = parseRfc3339(rfc[0], { allowSpace: true });
    if (instant !== null) return { moment: { instant }, length: rfc[0].length };
  }
  const moment: Moment = {};
  let at = 0;
  let consumed = 0;
  let found = false;
  for (let guard = 0; guard < 12; guard++) {
    const rest = text.slice(at);
    const step = readPiece(rest, moment);
    if (step === null) break;
    at += step.length;
    if (step.meaningful) {
      found = true;
      consumed = at;
    }
  }
  return found ? { moment, length: consumed } : null;
}

/** One piece of a moment at the start of `rest`, written into `moment`. */
function readPiece(rest: string, moment: Moment): { length: number; meaningful: boolean } | null {
  const space = /^[\s,]*/.exec(rest)![0].length;
  const body = rest.slice(space);
  const took = (length: number, meaningful = true) => ({ length: space + length, meaningful });
  let m: RegExpExecArray | null;
  if (moment.month === undefined && (m = PIECES.iso.exec(body))) {
    Object.assign(moment, { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
    if (m[4] !== undefined) Object.assign(moment, { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) });
    return took(m[0].length);
  }
  if (moment.month === undefined && ((m = PIECES.monthDay.exec(body)) || (m = PIECES.dayMonth.exec(body)))) {
    const monthFirst = /^[a-z]/i.test(m[0]);
    Object.assign(moment, { month: monthIndex(monthFirst ? m[1]! : m[2]!), day: Number(monthFirst ? m[2] : m[1]) });
    if (m[3] !== undefined) moment.year = Number(m[3]);
    return took(m[0].length);
  }
  if (moment.weekday === undefined && moment.dayOffset === undefined && (m = PIECES.weekday.exec(body))) {
    moment.weekday = WEEKDAYS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1;
    return took(m[0].length);
  }
  if (moment.dayOffset === undefined && moment.weekday === undefined && (m = PIECES.relativeDay.exec(body))) {
    moment.dayOffset = /^tomorrow/i.test(m[1]!) ? 1 : 0;
    return took(m[0].length);
  }
  if (moment.hour === undefined && (m = PIECES.noon.exec(body))) {
    Object.assign(moment, { hour: /^midn/i.test(m[1]!) ? 0 : 12, minute: 0, second: 0 });
    if (/^midn/i.test(m[1]!) && moment.dayOffset === undefined && moment.weekday === undefined && moment.month === undefined) moment.dayOffset = 1;
    return took(m[0].length);
  }
  if (moment.hour === undefined && (m = PIECES.clock.exec(body))) {
    const clock = clockOf(m[1]!, m[2], m[3], m[4]);
    if (clock) {
      Object.assign(moment, clock);
      return took(m[0].length);
    }
  }
  if (moment.zone === undefined && (moment.hour !== undefined || moment.month !== undefined)) {
    if ((m = PIECES.parenZone.exec(body))) {
      const zone = zoneName(m[1]!);
      if (zone) moment.zone = zone;
      // Only what is shaped like a zone (`Area/City`, `AEST`) is an unknown zone; "(in 2 hours)" is no zone at all.
      else if (/^(?:[A-Za-z_]+\/[A-Za-z0-9_/+-]+|[A-Z]{2,5})$/.test(m[1]!.trim())) moment.unknownZone = true;
      else return null;
      return took(m[0].length);
    }
    if ((m = PIECES.bareZone.exec(body))) {
      const zone = zoneName(m[0]);
      if (zone) {
        moment.zone = zone;
        return took(m[0].length);
      }
    }
    const abbreviation = /^([A-Z]{2,4})(?![A-Za-z])/.exec(body);
    if (abbreviation && ABBREVIATIONS[abbreviation[1]!]) {
      moment.zone = ABBREVIATIONS[abbreviation[1]!]!;
      return took(abbreviation[0].length);
    }
  }
  if ((m = PIECES.connector.exec(body)) && m[0].length > 0) return took(m[0].length, false);
  return null;
}

/** The instant a moment names, as the next occurrence after `now` where it leaves the date open. */
function resolveMoment(moment: Moment, now: number, zone: string): number | null {
  if (moment.instant !== undefined) return moment.instant;
  // "resets 3pm (AEST)": a zone was named; reading the time in another would be a guess.
  if (moment.unknownZone) return null;
  const z = moment.zone ?? zone;
  const today = wallTimeAt(now, z);
  const time = { hour: moment.hour ?? 0, minute: moment.minute ?? 0, second: moment.second ?? 0 };
  const all = (date: { year: number; month: number; day: number }) => instantsOf({ ...date, ...time }, z);
  // The first of the date's instants (two on a fall-back night) still to come.
  const next = (date: { year: number; month: number; day: number }) => all(date).find((instant) => instant > now) ?? null;

  if (moment.month !== undefined && moment.day !== undefined) {
    if (moment.year !== undefined) return all({ year: moment.year, month: moment.month, day: moment.day })[0] ?? null;
    for (const year of [today.year, today.year + 1]) {
      const instant = next({ year, month: moment.month, day: moment.day });
      if (instant !== null) return instant;
    }
    return null;
  }
  const base = { year: today.year, month: today.month, day: today.day };
  if (moment.dayOffset !== undefined) return all(addDays(base, moment.dayOffset))[0] ?? null;
  if (moment.weekday !== undefined) {
    for (let ahead = 0; ahead <= 7; ahead++) {
      if ((today.weekday - 1 + ahead) % 7 !== moment.weekday - 1) continue;
      const instant = next(addDays(base, ahead));
      if (instant !== null) return instant;
    }
    return null;
  }
  if (moment.hour === undefined) return null;
  for (const ahead of [0, 1, 2]) {
    const instant = next(addDays(base, ahead));
    if (instant !== null) return instant;
  }
  return null;
}

/** Read a moment at the start of `text` and resolve it: the instant (or null) and the characters it took. */
export function readMomentAt(text: string, now: number, zone: string): { at: number | null; length: number } | null {
  const read = readMoment(text);
  if (!read) return null;
  return { at: resolveMoment(read.moment, now, zone), length: read.length };
}
