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

/** Countdown to a moment: "in 4 min", or "due" once it has come. */
export function formatCountdown(at: number, now: number): string {
  return at <= now ? 'due' : `in ${formatDuration(at - now + 999)}`;
}

/** Local date and time, for history rows and tooltips. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Human words for wire values: "on_call" → "on call", "rate_limit" → "rate limit". */
export function humanize(value: string): string {
  return value.replace(/_/g, ' ');
}
