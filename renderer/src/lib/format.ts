/** "12 s", "4 min", "3 h 5 min", "2 d 4 h": compact, for dense tiles. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "12 s ago", or "never". */
export function formatAgo(then: number | null, now: number): string {
  return then === null ? 'never' : `${formatDuration(now - then)} ago`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Countdown to a moment, never saying it is nearer than it is: "in 45 s",
 * "in 1 min 55 s" (seconds while under 10 min), "in 12 min" (rounded up to
 * the minute from there, "in 3 h 5 min"; to the hour from a day on), or
 * "due" once it has come. A floor would say "in 1 min" with 1:55 left.
 */
export function formatCountdown(at: number, now: number): string {
  if (at <= now) return 'due';
  const left = Math.ceil((at - now) / 1000) * 1000;
  if (left < 10 * MINUTE) {
    const m = Math.floor(left / MINUTE);
    const s = (left % MINUTE) / 1000;
    return m === 0 ? `in ${s} s` : s === 0 ? `in ${m} min` : `in ${m} min ${s} s`;
  }
  const unit = left < DAY ? MINUTE : HOUR;
  return `in ${formatDuration(Math.ceil(left / unit) * unit)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, 24-hour with leading zeros: "09:05:07". */
export function formatClock24(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local date and time, for history rows and tooltips. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Human words for wire values: "on_call" → "on call", "rate_limit" → "rate limit". */
export function humanize(value: string): string {
  return value.replace(/_/g, ' ');
}
