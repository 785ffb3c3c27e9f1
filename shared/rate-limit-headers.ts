/**
 * Recovery time from a provider's rate-limit response headers. Pure: the
 * agent port passes the headers an agent saw and the current time.
 *
 * Selection: a `retry-after` / `retry-after-ms` value wins when there is one
 * (it is the provider's direct instruction); then, when Anthropic names the
 * window that limits the agent (`anthropic-ratelimit-unified-representative-claim:
 * five_hour`), that window's reset; otherwise the latest of the resets (the
 * agent is blocked until every exhausted limit has reset). A time in the past
 * or more than 7 days away counts as unparsed. Never throws.
 */
import { unifiedWindowName } from './usage';

import { parseHttpDate, parseRfc3339 } from './date-formats';

/** Headers as an agent saw them on a provider's response: names case-insensitive. */
export type ResponseHeaders = Readonly<Record<string, string | readonly string[]>>;

/** Resets further away than this are treated as nonsense. */
export const MAX_RECOVERY_HORIZON_MS = 7 * 24 * 60 * 60 * 1000;

const DECIMAL = /^\d+(\.\d+)?$/;
const GO_DURATION = /^(?:(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** Delay in seconds written as a plain non-negative decimal (no sign, no exponent). */
function parseSeconds(text: string): number | null {
  return DECIMAL.test(text) ? Number(text) * 1000 : null;
}

/** Go's `time.Duration` text as OpenAI sends it: "6m0s", "1s", "20ms", "1h2m3.5s". In ms. */
export function parseGoDuration(text: string): number | null {
  if (!GO_DURATION.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(GO_PART)) total += Number(amount) * (UNIT_MS[unit!] ?? NaN);
  return Number.isFinite(total) ? total : null;
}

function parseRetryAfter(text: string, now: number): number | null {
  const delay = parseSeconds(text);
  if (delay !== null) return now + delay;
  return parseHttpDate(text, now);
}

/** Anthropic's resets; a space for the `T` is taken too (RFC 3339 §5.6 allows it by agreement). */
function parseResetTime(text: string): number | null {
  return parseRfc3339(text, { allowSpace: true });
}

function parseEpochSeconds(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) * 1000 : null;
}

/** The IETF draft's structured `RateLimit` field: `"default";r=0;t=30`, possibly a list. Latest `t` wins. */
function parseStructured(text: string, now: number): number | null {
  let latest: number | null = null;
  for (const item of text.split(',')) {
    for (const param of item.split(';').slice(1)) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key !== 't' || value === undefined || !/^\d+$/.test(value)) continue;
      const at = now + Number(value) * 1000;
      latest = latest === null ? at : Math.max(latest, at);
    }
  }
  return latest;
}

type Parser = (text: string, now: number) => number | null;

/** Reset headers, by exact (lower-case) name. */
const RESET_PARSERS: Readonly<Record<string, Parser>> = {
  'x-ratelimit-reset-requests': (t, now) => nullOr(parseGoDuration(t), (ms) => now + ms),
  'x-ratelimit-reset-tokens': (t, now) => nullOr(parseGoDuration(t), (ms) => now + ms),
  'anthropic-ratelimit-requests-reset': parseResetTime,
  'anthropic-ratelimit-tokens-reset': parseResetTime,
  'anthropic-ratelimit-input-tokens-reset': parseResetTime,
  'anthropic-ratelimit-output-tokens-reset': parseResetTime,
  // Epoch seconds when it looks like a timestamp, else a delay (GitHub vs. others).
  'x-ratelimit-reset': (t, now) => nullOr(parseSeconds(t), (ms) => (ms > 1e12 ? ms : now + ms)),
  'ratelimit-reset': (t, now) => nullOr(parseSeconds(t), (ms) => now + ms),
  ratelimit: parseStructured,
};
const UNIFIED_RESET = /^anthropic-ratelimit-unified-(.+)-reset$/;
const REPRESENTATIVE_CLAIM = 'anthropic-ratelimit-unified-representative-claim';

/** A claim and a header window name the same window: `seven_day_opus` is the `7d_opus` window. */
function claimKey(name: string): string {
  return unifiedWindowName(name).replace(/^5h(?=_)/, 'five_hour').replace(/^7d(?=_)/, 'seven_day');
}

function nullOr(value: number | null, then: (v: number) => number): number | null {
  return value === null ? null : then(value);
}

/** Returns the recovery time (epoch ms UTC) the headers give, or null when nothing usable parses. */
export function recoveryFromHeaders(headers: ResponseHeaders, now: number): number | null {
  const usable = (at: number | null): at is number =>
    at !== null && Number.isFinite(at) && at >= now && at <= now + MAX_RECOVERY_HORIZON_MS;
  let retryAfter: number | null = null;
  let retryAfterMs: number | null = null;
  let latestReset: number | null = null;
  let claim: string | undefined;
  const unifiedResets = new Map<string, number>();

  for (const [rawName, rawValue] of Object.entries(headers)) {
    const value = (typeof rawValue === 'string' ? rawValue : Array.isArray(rawValue) ? rawValue[0] : undefined)?.trim();
    if (typeof value !== 'string' || value === '') continue;
    const name = rawName.toLowerCase();
    if (name === 'retry-after') {
      const at = parseRetryAfter(value, now);
      if (usable(at)) retryAfter = at;
    } else if (name === 'retry-after-ms') {
      const at = nullOr(parseSeconds(value), (s) => now + s / 1000);
      if (usable(at)) retryAfterMs = at;
    } else if (name === REPRESENTATIVE_CLAIM) {
      claim = claimKey(value);
    } else {
      const unified = UNIFIED_RESET.exec(name);
      const parser = Object.hasOwn(RESET_PARSERS, name) ? RESET_PARSERS[name] : unified ? parseEpochSeconds : undefined;
      const at = parser ? parser(value, now) : null;
      if (!usable(at)) continue;
      if (unified) unifiedResets.set(claimKey(unified[1]!), at);
      latestReset = latestReset === null ? at : Math.max(latestReset, at);
    }
  }
  const claimed = claim === undefined ? undefined : unifiedResets.get(claim);
  // retry-after-ms is the same instruction as retry-after, at a finer grain: prefer it.
  const chosen = retryAfterMs ?? retryAfter ?? claimed ?? latestReset;
  return chosen === null ? null : Math.ceil(chosen);
}
