/**
 * What an agent's limit message means: given what the agent printed or the
 * provider answered — a line, a block of terminal output, a JSON error body as
 * text or as a value — say whether it is a quota, rate-limit or billing limit,
 * which of the two reasons, when it resets, and the text that said so.
 *
 * The phrases are in `limit-patterns.ts`, the time grammar in `limit-time.ts`.
 * Pure and total: any input gives an answer, never an exception, and any
 * recovery time lies between `now` and the 7-day horizon.
 */
import {
  BILLING,
  BILLING_UNLESS_TIMED,
  DAILY_QUOTA,
  DAILY_QUOTA_ZONE,
  DELAY_TRIGGER,
  EPOCH_SUFFIX,
  MOMENT_TRIGGER,
  NOT_A_LIMIT,
  RATE_LIMIT,
  normalizeLine,
} from './limit-patterns';
import { readDelay, readMomentAt } from './limit-time';
import { MAX_RECOVERY_HORIZON_MS } from './rate-limit-headers';
import { parseRfc3339 } from './date-formats';
import type { ExhaustReason } from './status';
import { addDays, instantOf, localZone, resolveZone, wallTimeAt } from './zoned-time';

export interface LimitParseOptions {
  /** The time now, epoch ms. */
  readonly now: number;
  /** The reporter's IANA zone: clock times without a zone of their own are read in it. */
  readonly tz?: string | undefined;
  /** The monitor's own zone, when the reporter gave none (default: this runtime's). */
  readonly defaultTz?: string | undefined;
}

export type LimitReading =
  | { readonly limit: false }
  | {
      readonly limit: true;
      readonly reason: ExhaustReason;
      /** Epoch ms, or null when the text gives no usable time. */
      readonly recoveryAt: number | null;
      /** The text that said so, whitespace collapsed, at most {@link MAX_EXCERPT_LENGTH} characters. */
      readonly excerpt: string;
    };

export const MAX_EXCERPT_LENGTH = 200;
/** The longest limit message the port takes in a request, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** UTF-8 length, counted without allocating the encoded bytes (the port's check and the dialog's are this one). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
/** Terminal output can be long; the newest part is what matters. */
const MAX_TEXT_LENGTH = 64 * 1024;
/** Bounds on walking a JSON value: nodes visited, depth, embedded bodies parsed. */
const MAX_NODES = 2000;
const MAX_DEPTH = 24;
const MAX_EMBEDDED = 8;
/** Lines after a limit line that may still carry its reset time ("Please retry in 34s"). */
export const TIME_LOOKAHEAD_LINES = 6;

const NOT_A_LIMIT_READING: LimitReading = { limit: false };

type CodeVerdict = 'rate_limit' | 'billing' | 'not_limit';

/** Error codes and types providers put in their bodies. */
const NAMED_CODES: Readonly<Record<string, CodeVerdict>> = {
  rate_limit_error: 'rate_limit',
  rate_limit_exceeded: 'rate_limit',
  rate_limit: 'rate_limit',
  ratelimitexceeded: 'rate_limit',
  resource_exhausted: 'rate_limit',
  too_many_requests: 'rate_limit',
  usage_limit_reached: 'rate_limit',
  throttlingexception: 'rate_limit',
  quota_exceeded: 'rate_limit',
  insufficient_quota: 'billing',
  billing_error: 'billing',
  billing_hard_limit_reached: 'billing',
  billing_not_active: 'billing',
  payment_required: 'billing',
  credit_balance_too_low: 'billing',
  insufficient_credits: 'billing',
  insufficient_funds: 'billing',
  overloaded_error: 'not_limit',
  overloaded: 'not_limit',
  context_length_exceeded: 'not_limit',
  request_too_large: 'not_limit',
};
/** Keys whose string value is a code to look up; `code` and `status` may also be HTTP numbers. */
const CODE_KEYS = new Set(['type', 'code', 'status', 'reason', 'error', 'error_type', 'errorType']);
const NUMERIC_CODES: Readonly<Record<number, CodeVerdict>> = { 429: 'rate_limit', 402: 'billing', 529: 'not_limit' };
/** Keys whose value is a delay: seconds (numbers), or a duration text ("34s", "900ms"). */
const DELAY_SECONDS_KEYS = new Set(['retryDelay', 'retry_delay', 'retry_after', 'retryAfter', 'retry_after_seconds', 'resets_in_seconds', 'resetsInSeconds']);
const DELAY_MS_KEYS = new Set(['retry_after_ms', 'retryAfterMs']);
/** Keys whose value is the reset moment: epoch seconds or ms, or RFC 3339. */
const MOMENT_KEYS = new Set(['resets_at', 'reset_at', 'resetsAt', 'resetAt', 'reset_time', 'resetTime']);

/** What the JSON parts of an input said in fields rather than words. */
interface Structured {
  readonly texts: string[];
  readonly codes: CodeVerdict[];
  /** Whether a named code (not just an HTTP number) gave each verdict. */
  readonly named: Set<CodeVerdict>;
  times: number[];
}

interface LimitLine {
  readonly text: string;
  readonly norm: string;
  /** Set aside: a warning, an overload, a too-long context (NOT_A_LIMIT). */
  readonly vetoed: boolean;
  readonly verdict: 'rate_limit' | 'billing' | 'billing_unless_timed' | null;
  /** Where the limit phrase begins. */
  readonly matchIndex: number;
  /** Only a "retry in 34s": a limit line of its own, or the reset time of the line above. */
  readonly weak?: boolean;
}

/** Reads a limit message. See the module comment. */
export function parseLimit(input: unknown, options: LimitParseOptions): LimitReading {
  const { now } = options;
  const zone = (options.tz && resolveZone(options.tz)) || (options.defaultTz && resolveZone(options.defaultTz)) || localZone();
  const structured: Structured = { texts: [], codes: [], named: new Set(), times: [] };
  const budget = { nodes: MAX_NODES, embedded: MAX_EMBEDDED };
  if (typeof input === 'string') readText(input, structured, budget, now, 0);
  else if (typeof input === 'object' && input !== null) walk(input, undefined, structured, budget, now, 0);
  else return NOT_A_LIMIT_READING;

  if (structured.codes.includes('not_limit')) return NOT_A_LIMIT_READING;
  const lines = structured.texts.flatMap((text) => vetoWrapped(text.split(/\r\n|[\n\r\u2028\u2029]/).map(classifyLine)));
  const positives = lines.filter((line) => line.verdict !== null);
  const codeVerdict = structured.named.has('billing') ? 'billing' : structured.named.has('rate_limit') ? 'rate_limit' : structured.codes[0];
  if (positives.length === 0 && (codeVerdict === undefined || lines.some((line) => line.vetoed))) return NOT_A_LIMIT_READING;

  const usable = (at: number | null): at is number => at !== null && Number.isFinite(at) && at >= now && at <= now + MAX_RECOVERY_HORIZON_MS;
  // The newest limit line that gives its reset time, else the newest limit line.
  const strong = positives.filter((line) => !line.weak);
  const pool = strong.length > 0 ? strong : positives;
  let recoveryAt: number | null = structured.times.find(usable) ?? null;
  let chosen = pool.at(-1);
  let timeLine = chosen ? lines.indexOf(chosen) : -1;
  if (recoveryAt === null) {
    for (const line of [...pool].reverse()) {
      const found = timeNear(lines, lines.indexOf(line), now, zone, usable);
      if (found) {
        ({ at: recoveryAt, line: timeLine } = found);
        chosen = line;
        break;
      }
    }
  }
  if (recoveryAt === null && lines.some((line) => !line.vetoed && DAILY_QUOTA.test(line.norm))) {
    recoveryAt = nextMidnight(now, DAILY_QUOTA_ZONE);
  }

  const reason = decideReason(chosen?.verdict ?? null, codeVerdict, structured.named, recoveryAt !== null);
  const excerpt = chosen ? excerptOf(lines, lines.indexOf(chosen), Math.max(timeLine, lines.indexOf(chosen))) : codeExcerpt(structured, reason);
  return { limit: true, reason, recoveryAt, excerpt };
}

function decideReason(
  line: LimitLine['verdict'],
  code: CodeVerdict | undefined,
  named: ReadonlySet<CodeVerdict>,
  timed: boolean,
): ExhaustReason {
  if (named.has('billing')) return 'billing';
  if (named.has('rate_limit')) return 'rate_limit';
  switch (line) {
    case 'billing':
      return 'billing';
    case 'billing_unless_timed':
      // A quota that names its reset comes back by itself: a rate limit.
      return timed ? 'rate_limit' : 'billing';
    case 'rate_limit':
      return 'rate_limit';
    case null:
      return code === 'billing' ? 'billing' : 'rate_limit';
  }
}

/**
 * A terminal wraps long lines: "(not your usage" / "limit) · Rate limited".
 * Two neighbours that make a set-aside phrase together are both set aside.
 */
function vetoWrapped(lines: LimitLine[]): LimitLine[] {
  for (let i = 1; i < lines.length; i++) {
    const [prev, line] = [lines[i - 1]!, lines[i]!];
    if (prev.vetoed && line.vetoed) continue;
    const joined = `${prev.norm.trimEnd()} ${line.norm.trimStart()}`;
    // Only a phrase that neither line holds alone: a warning line must not set aside the limit line under it.
    if (NOT_A_LIMIT.some((pattern) => pattern.test(joined) && !pattern.test(prev.norm) && !pattern.test(line.norm))) {
      lines[i - 1] = setAside(prev);
      lines[i] = setAside(line);
    }
  }
  return lines;
}

function setAside(line: LimitLine): LimitLine {
  return { text: line.text, norm: line.norm, vetoed: true, verdict: null, matchIndex: -1 };
}

function classifyLine(text: string): LimitLine {
  const norm = normalizeLine(text);
  if (NOT_A_LIMIT.some((pattern) => pattern.test(norm))) return { text, norm, vetoed: true, verdict: null, matchIndex: -1 };
  const first = (patterns: readonly RegExp[]) => {
    let index = -1;
    for (const pattern of patterns) {
      const at = norm.search(pattern);
      if (at >= 0 && (index < 0 || at < index)) index = at;
    }
    return index;
  };
  const billing = first(BILLING);
  if (billing >= 0) return { text, norm, vetoed: false, verdict: 'billing', matchIndex: billing };
  const unlessTimed = first(BILLING_UNLESS_TIMED);
  const rate = first(RATE_LIMIT);
  if (unlessTimed >= 0) return { text, norm, vetoed: false, verdict: 'billing_unless_timed', matchIndex: rate >= 0 ? Math.min(rate, unlessTimed) : unlessTimed };
  if (rate >= 0) return { text, norm, vetoed: false, verdict: 'rate_limit', matchIndex: rate };
  // "Please retry in 34.07s" on its own is the provider telling the agent to wait: a rate limit.
  // A number it is: "try again in a minute" after a server error is a courtesy, not a limit.
  const delay = /\b(?:please )?(?:try again|retry) (?:in|after) (?=~?\s*\d)/.exec(norm);
  if (delay && readDelay(text.slice(delay.index + delay[0].length))) {
    return { text, norm, vetoed: false, verdict: 'rate_limit', matchIndex: delay.index, weak: true };
  }
  return { text, norm, vetoed: false, verdict: null, matchIndex: -1 };
}

/** The first usable time in the limit line or the few lines after it (until another limit line or a set-aside one). */
function timeNear(lines: readonly LimitLine[], start: number, now: number, zone: string, usable: (at: number | null) => at is number) {
  for (let index = start; index < lines.length && index <= start + TIME_LOOKAHEAD_LINES; index++) {
    const line = lines[index]!;
    if (index > start && (line.vetoed || (line.verdict !== null && !line.weak))) break;
    const at = timeIn(line, now, zone, usable);
    if (at !== null) return { at, line: index };
  }
  return null;
}

/** The first usable reset time a line gives: an epoch suffix, a delay or a moment after a trigger. */
function timeIn(line: LimitLine, now: number, zone: string, usable: (at: number | null) => at is number): number | null {
  const epoch = EPOCH_SUFFIX.exec(line.text);
  if (epoch) {
    const at = epochMs(Number(epoch[1]));
    if (usable(at)) return at;
  }
  const candidates: { index: number; end: number; delay: boolean }[] = [];
  for (const match of line.norm.matchAll(DELAY_TRIGGER)) candidates.push({ index: match.index, end: match.index + match[0].length, delay: true });
  for (const match of line.norm.matchAll(MOMENT_TRIGGER)) candidates.push({ index: match.index, end: match.index + match[0].length, delay: false });
  candidates.sort((a, b) => a.index - b.index || Number(b.delay) - Number(a.delay));
  for (const candidate of candidates) {
    const rest = line.text.slice(candidate.end);
    let at: number | null = null;
    if (candidate.delay) {
      const delay = readDelay(rest);
      if (delay) at = now + delay.ms;
    } else {
      at = readMomentAt(rest, now, zone)?.at ?? null;
    }
    if (usable(at)) return Math.ceil(at);
  }
  return null;
}

function epochMs(value: number): number {
  return value < 1e12 ? value * 1000 : value;
}

function nextMidnight(now: number, zone: string): number | null {
  const today = wallTimeAt(now, zone);
  return instantOf({ ...addDays(today, 1), hour: 0, minute: 0, second: 0 }, zone);
}

/** Whitespace collapsed, as the excerpt shows text, without a terminal's leading marks (`⎿`, `■`, `✕ [`). */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/^[^\p{L}\p{N}]+(?=[\p{L}\p{N}])/u, '');
}

/** The limit line (through the line its time came from), cut to the limit around the phrase. */
function excerptOf(lines: readonly LimitLine[], from: number, to: number): string {
  const line = lines[from]!;
  const lead = collapse(line.text.slice(0, Math.max(0, line.matchIndex))).length;
  const text = collapse(lines.slice(from, to + 1).map((l) => l.text).join(' '));
  if (text.length <= MAX_EXCERPT_LENGTH) return text;
  const start = Math.max(0, Math.min(lead - 40, text.length - MAX_EXCERPT_LENGTH));
  return cutSurrogates(text.slice(start, start + MAX_EXCERPT_LENGTH)).trim();
}

/** No half of a surrogate pair at either end of a cut. */
function cutSurrogates(text: string): string {
  return text.replace(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/g, '');
}

function codeExcerpt(structured: Structured, reason: ExhaustReason): string {
  const text = structured.texts.map(collapse).find((t) => t.length > 0);
  const excerpt = text ?? (reason === 'billing' ? 'billing error' : 'rate limit error');
  return cutSurrogates(excerpt.slice(0, MAX_EXCERPT_LENGTH)).trim();
}

/** A text, and any JSON error bodies inside it (`API Error: 429 {"type":"error",…}`). */
function readText(text: string, into: Structured, budget: { nodes: number; embedded: number }, now: number, depth: number): void {
  const input = text.length > MAX_TEXT_LENGTH ? text.slice(-MAX_TEXT_LENGTH) : text;
  const trimmed = input.trim();
  if (/^[[{]/.test(trimmed) && budget.embedded > 0) {
    budget.embedded--;
    const whole = tryJson(trimmed);
    if (whole !== undefined && typeof whole === 'object' && whole !== null) {
      walk(whole, undefined, into, budget, now, depth + 1);
      return;
    }
  }
  into.texts.push(input);
  let from = 0;
  while (budget.embedded > 0) {
    const open = input.indexOf('{', from);
    if (open < 0) break;
    const close = matchingBrace(input, open);
    if (close < 0) break;
    budget.embedded--;
    const segment = input.slice(open, close + 1);
    // Python SDKs print the body as a dict: `{'error': {'code': 429, …}}`.
    const body = tryJson(segment) ?? tryJson(pythonToJson(segment));
    if (body !== undefined && typeof body === 'object' && body !== null) {
      // Its words are already in the text; take its fields (codes, reset times).
      const fields: Structured = { texts: [], codes: into.codes, named: into.named, times: into.times };
      walk(body, undefined, fields, budget, now, depth + 1);
    }
    from = close + 1;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The index of the `}` that closes the `{` at `open`, skipping strings in either quote; -1 when unbalanced. Linear. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A Python literal (dict, list, str in either quote, True/False/None) rewritten as JSON; a best effort, checked by JSON.parse. */
function pythonToJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let value = '';
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[++i]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        } else value += text[i];
      }
      out += JSON.stringify(value);
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_]\w*/.exec(text.slice(i))![0];
      out += word === 'True' ? 'true' : word === 'False' ? 'false' : word === 'None' ? 'null' : word;
      i += word.length - 1;
    } else out += c;
  }
  return out;
}

function walk(value: unknown, key: string | undefined, into: Structured, budget: { nodes: number; embedded: number }, now: number, depth: number): void {
  if (budget.nodes-- <= 0 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (key !== undefined && readField(key, value, into, now)) return;
    // Gemini nests a whole error body as the text of `message`.
    readText(value, into, budget, now, depth);
    return;
  }
  if (typeof value === 'number') {
    if (key !== undefined) readField(key, value, into, now);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (key !== undefined && DELAY_SECONDS_KEYS.has(key) && !Array.isArray(value)) {
    // A protobuf Duration written out as an object: {"seconds": 34, "nanos": 74824224}.
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = Number(seconds ?? 0);
    const n = Number(nanos ?? 0);
    if ((seconds !== undefined || nanos !== undefined) && Number.isFinite(s) && Number.isFinite(n) && s >= 0 && n >= 0) {
      into.times.push(Math.ceil(now + s * 1000 + n / 1e6));
      return;
    }
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, key, into, budget, now, depth + 1);
    return;
  }
  for (const [childKey, child] of Object.entries(value)) walk(child, childKey, into, budget, now, depth + 1);
}

/** A field with a known meaning: a code, a delay or a reset moment. True when it was one. */
function readField(key: string, value: string | number, into: Structured, now: number): boolean {
  if (CODE_KEYS.has(key)) {
    const verdict = typeof value === 'number' ? NUMERIC_CODES[value] : NAMED_CODES[value.trim().toLowerCase()];
    if (verdict) {
      into.codes.push(verdict);
      if (typeof value === 'string') into.named.add(verdict);
      return true;
    }
    return typeof value === 'number' || /^[a-z0-9_.-]{1,64}$/i.test(value.trim()) ? true : false;
  }
  let at: number | null = null;
  if (DELAY_SECONDS_KEYS.has(key) || DELAY_MS_KEYS.has(key)) {
    const unit = DELAY_MS_KEYS.has(key) ? 1 : 1000;
    if (typeof value === 'number') at = now + value * unit;
    else if (/^\d+(?:\.\d+)?$/.test(value.trim())) at = now + Number(value.trim()) * unit;
    else {
      const delay = readDelay(value.trim());
      at = delay && delay.length === value.trim().length ? now + delay.ms : null;
    }
  } else if (MOMENT_KEYS.has(key)) {
    if (typeof value === 'number') at = epochMs(value);
    else if (/^\d{9,13}$/.test(value.trim())) at = epochMs(Number(value.trim()));
    else at = parseRfc3339(value.trim(), { allowSpace: true });
  } else {
    return false;
  }
  if (at !== null && Number.isFinite(at)) into.times.push(Math.ceil(at));
  return true;
}
