/**
 * Lines out of a wrapped command's byte stream, for scanning only: the bytes
 * themselves are passed on untouched elsewhere. A line ends at LF, CR or CRLF
 * (terminal programs redraw a line with a bare CR), may arrive split across
 * chunks, and is cut at {@link MAX_SCANNED_LINE_BYTES}: a 100 MB line without
 * a newline costs that much memory here, never more.
 */

/** The longest line kept for scanning, in bytes; the rest of a longer line is skipped. */
export const MAX_SCANNED_LINE_BYTES = 8 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** The last chunk ended in CR: an LF first thing in the next one belongs to it. */
  private afterCr = false;
  // Split bytes, decode whole lines: no UTF-8 sequence contains CR or LF, so a cut
  // between lines never splits a character (one cut at the length bound may).
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes = MAX_SCANNED_LINE_BYTES,
  ) {}

  /** Takes the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let start = 0;
    if (this.afterCr && chunk[0] === LF) start = 1;
    this.afterCr = false;
    // indexOf runs natively; each end is searched again only once it has been passed.
    let lf = chunk.indexOf(LF, start);
    let cr = chunk.indexOf(CR, start);
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      this.take(chunk, start, end);
      this.emit();
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) this.afterCr = true;
        else if (chunk[start] === LF) start++;
      }
      if (lf >= 0 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr >= 0 && cr < start) cr = chunk.indexOf(CR, start);
    }
    this.take(chunk, start, chunk.length);
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.size > 0) this.emit();
  }

  /** Bytes held for the line in progress (at most the bound). */
  get bufferedBytes(): number {
    return this.size;
  }

  private take(chunk: Uint8Array, from: number, to: number): void {
    const room = this.maxBytes - this.size;
    const length = Math.min(to - from, room);
    if (length <= 0) return;
    // A copy: a view would keep the whole (often 64 KiB) chunk alive for a few bytes.
    this.parts.push(Buffer.from(chunk.subarray(from, from + length)));
    this.size += length;
  }

  private emit(): void {
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.onLine(this.decoder.decode(bytes));
  }
}
