/** One Server-Sent Event. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Incremental parser of an SSE byte stream already decoded to text. Feed it
 * chunks as they arrive; it returns the events each chunk completes.
 * Follows the HTML spec's field rules for `event` and `data`; comments and
 * other fields are skipped.
 *
 * Linear in the stream's length: each chunk is scanned once, and an event's
 * text is joined once, when it ends. The first event of a stream is the whole
 * fleet (megabytes, in a hundred chunks or more); re-scanning the growing
 * buffer for every chunk made that quadratic, and slowed the grid's first
 * render by most of a second.
 */
export class SseParser {
  /** The text of the event being received, in the pieces it arrived in. */
  private pieces: string[] = [];
  /** Whether that text ends with a line end, so a chunk starting with one ends the event. */
  private endsWithNewline = false;
  /** Whether the last chunk ended with a CR: an LF starting the next one belongs to that CRLF. */
  private afterCr = false;

  push(chunk: string): SseEvent[] {
    let text = this.afterCr && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    this.afterCr = text.endsWith('\r');
    text = text.replace(/\r\n?/g, '\n');
    if (text === '') return [];

    const events: SseEvent[] = [];
    let from = 0;
    if (this.endsWithNewline && text.startsWith('\n')) {
      this.dispatch(this.take(''), events);
      from = 1;
    }
    for (let end = text.indexOf('\n\n', from); end >= 0; end = text.indexOf('\n\n', from)) {
      this.dispatch(this.take(text.slice(from, end)), events);
      from = end + 2;
    }
    if (from < text.length) {
      this.pieces.push(from === 0 ? text : text.slice(from));
      this.endsWithNewline = text.endsWith('\n');
    }
    return events;
  }

  /** The event's whole text, ending with `tail`; starts the next one. */
  private take(tail: string): string {
    const block = this.pieces.length === 0 ? tail : this.pieces.join('') + tail;
    this.pieces = [];
    this.endsWithNewline = false;
    return block;
  }

  private dispatch(block: string, events: SseEvent[]): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
}
