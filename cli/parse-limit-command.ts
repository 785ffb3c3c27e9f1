/**
 * `fleet-monitor parse-limit "text" [--tz Z] [--json]`: what the limit-text
 * parser makes of a text, for operators checking why an agent's message gave
 * the recovery time it did. The same parser the port runs; nothing is sent.
 */
import { parseLimit, type LimitReading } from '../shared/limit-text';
import { localZone } from '../shared/zoned-time';

/** The parser's answer as lines for a terminal, or as JSON with `--json`. */
export function describeLimit(text: string, options: { now: number; tz?: string | undefined; json?: boolean | undefined }): string[] {
  const zone = options.tz ?? localZone();
  const reading = parseLimit(text, { now: options.now, tz: zone });
  if (options.json) return [JSON.stringify(toJson(reading))];
  if (!reading.limit) return ['not a limit'];
  return [
    `limit: ${reading.reason}`,
    reading.recoveryAt === null
      ? 'recovers: no time in the text (the port uses its default delay)'
      : `recovers: ${new Date(reading.recoveryAt).toISOString()} (${localTime(reading.recoveryAt, zone)}, in ${inWords(reading.recoveryAt - options.now)})`,
    `excerpt: ${reading.excerpt}`,
  ];
}

function toJson(reading: LimitReading) {
  if (!reading.limit) return { limit: false };
  return {
    limit: true,
    reason: reading.reason,
    recovery_at: reading.recoveryAt === null ? null : new Date(reading.recoveryAt).toISOString(),
    excerpt: reading.excerpt,
  };
}

function localTime(ms: number, zone: string): string {
  const text = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(ms);
  return `${text} ${zone}`;
}

function inWords(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 1) return `${Math.ceil(ms / 1000)} s`;
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor(minutes / 60) % 24, minutes % 60];
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}
