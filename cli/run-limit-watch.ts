/**
 * Watches a wrapped command's output, line by line, for limit messages
 * ("You've hit your limit · resets 3:45pm", "Please retry in 30s") with the
 * same parser the port runs, and says when one is worth reporting. The port
 * reads the reason and reset time again from the message it is sent, so what
 * is sent is the limit line with a little context: the lines just before it
 * (a terminal may have wrapped a warning across two lines) or, when its time
 * comes a line or two later, the lines after it.
 *
 * Terminal programs redraw: one limit may be printed many times, or count
 * down ("retry in 30s", "29s"…). A watch lives as long as one run of the
 * command and reports each limit once: a line already reported is not
 * reported again (a redrawn "resets 3pm" read after 3 pm would mean
 * tomorrow), nor a reading that says what an earlier one said.
 */
import { MAX_MESSAGE_BYTES, parseLimit, TIME_LOOKAHEAD_LINES, type LimitReading } from '../shared/limit-text';

export type LimitFound = Extract<LimitReading, { limit: true }>;

export interface LimitHit {
  /** The text to send the port, at most {@link MAX_MESSAGE_BYTES} UTF-8 bytes. */
  readonly message: string;
  /** What this side read from it (the port reads it again, with its own clock). */
  readonly reading: LimitFound;
}

export interface LimitWatchOptions {
  /** Epoch ms. */
  readonly now: () => number;
  /** The zone clock times in the output are read in. */
  readonly tz: string;
  readonly onLimit: (hit: LimitHit) => void;
  /** Whether the agent stands exhausted now: then a limit without a time adds nothing to one with a time. */
  readonly isExhausted: () => boolean;
}

/** Lines before a limit line sent with it. */
const CONTEXT_LINES = 3;
/** Two readings whose reset times are this close are the same limit (a countdown, a rounding). */
const SAME_LIMIT_MS = 60_000;
const MAX_REMEMBERED = 64;

// Colours, cursor moves, titles, and other control characters: a terminal
// program's output is full of them, and they would hide the words.
// eslint-disable-next-line no-control-regex -- terminal escape sequences are control characters
const TERMINAL_CODES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]/g;

/** The text a terminal would show, without escape sequences and control characters. */
export function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODES, '');
}

export class LimitWatch {
  private readonly recent: string[] = [];
  /** The last limit line and the lines after it, while its time may still follow. */
  private block: string[] | null = null;
  private readonly reportedLines = new Set<string>();
  private readonly reported: LimitFound[] = [];

  constructor(private readonly options: LimitWatchOptions) {}

  /** The next line of output. */
  feed(raw: string): void {
    const line = stripTerminalCodes(raw).trimEnd();
    if (line.trim() === '') return;
    this.recent.push(line);
    if (this.recent.length > CONTEXT_LINES + 1) this.recent.shift();

    if (this.read(line).limit) {
      // Read again with the lines before: two neighbours may make a set-aside phrase ("not your usage / limit").
      const reading = this.read(this.recent.join('\n'));
      this.block = reading.limit ? [line] : null;
      if (reading.limit) this.offer(this.recent, reading, 'last', collapse(line));
      return;
    }
    if (this.block) {
      this.block.push(line);
      const reading = this.read(this.block.join('\n'));
      if (reading.limit) this.offer(this.block, reading, 'first', null);
      if (this.block.length > TIME_LOOKAHEAD_LINES /* the parser's own look-ahead for a reset time */) this.block = null;
    }
  }

  private read(text: string): LimitReading {
    return parseLimit(text, { now: this.options.now(), tz: this.options.tz });
  }

  private offer(lines: readonly string[], reading: LimitFound, keep: 'first' | 'last', key: string | null): void {
    if (key !== null) {
      if (this.reportedLines.has(key)) return;
      remember(this.reportedLines, key);
    }
    if (this.reported.some((earlier) => sameLimit(earlier, reading))) return;
    const timedBefore = this.reported.some((earlier) => earlier.reason === reading.reason && earlier.recoveryAt !== null);
    if (reading.recoveryAt === null && timedBefore && this.options.isExhausted()) return;
    this.reported.push(reading);
    if (this.reported.length > MAX_REMEMBERED) this.reported.shift();
    this.options.onLimit({ message: fit(lines, keep), reading });
  }
}

function sameLimit(a: LimitFound, b: LimitFound): boolean {
  if (a.reason !== b.reason) return false;
  if (a.recoveryAt === null || b.recoveryAt === null) return a.recoveryAt === b.recoveryAt && a.excerpt === b.excerpt;
  return Math.abs(a.recoveryAt - b.recoveryAt) <= SAME_LIMIT_MS;
}

function collapse(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

function remember(set: Set<string>, key: string): void {
  set.add(key);
  // A Set iterates in insertion order: the first is the oldest.
  if (set.size > MAX_REMEMBERED) set.delete(set.values().next().value!);
}

/** The lines as one message within the port's size limit, keeping the limit line (`keep`) and as many of its neighbours as fit. */
function fit(lines: readonly string[], keep: 'first' | 'last'): string {
  const ordered = keep === 'first' ? [...lines] : [...lines].reverse();
  // A UTF-16 unit is at most 3 UTF-8 bytes: a line this long always fits.
  const first = ordered[0]!.slice(0, Math.floor(MAX_MESSAGE_BYTES / 3));
  const taken = [first];
  let bytes = Buffer.byteLength(first);
  for (const line of ordered.slice(1)) {
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > MAX_MESSAGE_BYTES) break;
    taken.push(line);
  }
  return (keep === 'first' ? taken : taken.reverse()).join('\n');
}
