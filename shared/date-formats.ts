/**
 * The two timestamp formats agents send: RFC 3339 (request bodies, Anthropic's
 * reset headers) and HTTP-date (`Retry-After`). Both parse to epoch
 * milliseconds, or null when the text is not a valid timestamp of the format.
 * Written out rather than left to `Date.parse`, which accepts much more than
 * either format, reads some forms as local time, and refuses leap seconds.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;

/**
 * Epoch ms of a UTC date and time, or null when a field is out of range.
 * Second 60 is a leap second, valid only as the last second of a UTC day
 * (`utcMinuteShift` moves a local time to UTC first); epoch time has no room
 * for it, so it reads as the instant after second 59.
 */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, utcMinuteShift = 0): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return null; // 31 April, 29 February of a common year
  if (second === 60 && (((hour * 60 + minute + utcMinuteShift) % 1440) + 1440) % 1440 !== 1439) return null;
  date.setUTCHours(hour, minute, Math.min(second, 59));
  return date.getTime() + (second === 60 ? 1000 : 0);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 §5.6 `date-time`: `2026-01-01T12:00:00Z`, with an optional
 * fraction and `Z` or a numeric offset; `t` and `z` may be lower case (as
 * §5.6 allows). A space for the `T` (the §5.6 note) only with `allowSpace`.
 * Fractions finer than a millisecond are cut, as `Date.parse` does.
 */
export function parseRfc3339(text: string, options: { allowSpace?: boolean } = {}): number | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [, year, month, day, separator, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] = match;
  if (separator === ' ' && !options.allowSpace) return null;
  let offset = 0;
  if (!zulu) {
    if (Number(offsetHour) > 23 || Number(offsetMinute) > 59) return null;
    offset = (sign === '-' ? -1 : 1) * (Number(offsetHour) * 60 + Number(offsetMinute));
  }
  const local = utcMs(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), -offset);
  if (local === null) return null;
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  return local + ms - offset * 60_000;
}

const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`);

/**
 * RFC 9110 §5.6.7 HTTP-date, in all three forms a recipient must accept:
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`,
 * which is UTC too). A two-digit year more than 50 years after `now` is the
 * most recent past year with those digits, as §5.6.7 says.
 */
export function parseHttpDate(text: string, now: number): number | null {
  const month = (name: string | undefined) => MONTHS.indexOf(name!) + 1;
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, name, year, hour, minute, second] = match;
    return utcMs(Number(year), month(name), Number(day), Number(hour), Number(minute), Number(second));
  }
  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day, name, shortYear, hour, minute, second] = match;
    const thisYear = new Date(now).getUTCFullYear();
    let year = thisYear - (thisYear % 100) + Number(shortYear);
    if (year > thisYear + 50) year -= 100;
    return utcMs(year, month(name), Number(day), Number(hour), Number(minute), Number(second));
  }
  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, name, day, hour, minute, second, year] = match;
    return utcMs(Number(year), month(name), Number(day), Number(hour), Number(minute), Number(second));
  }
  return null;
}
