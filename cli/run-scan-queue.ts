/**
 * Scans output lines after the output has moved on, never in its way: lines
 * wait here and are read a few milliseconds per turn of the event loop. The
 * limit parser takes microseconds a line, so a command that floods its
 * output (a build log, `cat` of a big file) would otherwise be slowed to the
 * parser's pace; when output outruns it, the newest lines are kept (a limit
 * message is what a command prints last) and the oldest are not read.
 */

/** Scanning time per turn of the event loop. */
const SLICE_MS = 4;
/** Characters of lines kept waiting at most. */
export const MAX_BACKLOG_CHARS = 256 * 1024;

export class ScanQueue {
  private lines: string[] = [];
  private head = 0;
  private chars = 0;
  private scheduled = false;
  private dropped = 0;

  constructor(
    private readonly scan: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A line to read soon. */
  push(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    while (this.chars > MAX_BACKLOG_CHARS && this.lines.length - this.head > 1) {
      this.chars -= this.lines[this.head]!.length;
      this.lines[this.head++] = '';
      this.dropped++;
    }
    this.compact();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain(SLICE_MS));
    }
  }

  /** Reads every waiting line now (the command has exited: there is nothing left to be in the way of). */
  flush(): void {
    this.drain(Infinity);
  }

  /** Lines never read because output outran the scanning. */
  get droppedLines(): number {
    return this.dropped;
  }

  private drain(budgetMs: number): void {
    this.scheduled = false;
    const end = this.now() + budgetMs;
    while (this.head < this.lines.length) {
      const line = this.lines[this.head]!;
      this.lines[this.head++] = '';
      this.chars -= line.length;
      this.scan(line);
      if (this.now() >= end) break;
    }
    this.compact();
    if (this.head < this.lines.length) {
      this.scheduled = true;
      setImmediate(() => this.drain(SLICE_MS));
    }
  }

  /** Lets go of lines already read or dropped, now and then (an array's shift is linear). */
  private compact(): void {
    if (this.head === this.lines.length) {
      this.lines = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}
