import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../renderer/src/transport/sse-parser';

/** Feeds `chunks` one by one; every event they complete, in order. */
function parse(chunks: readonly string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/**
 * The oracle: the HTML spec's algorithm as written, line by line over the
 * whole stream at once (a blank line dispatches; an event with no data
 * field dispatches nothing; an unfinished event at the end is dropped).
 */
function specEvents(stream: string): SseEvent[] {
  const events: SseEvent[] = [];
  let event = '';
  let data: string[] | null = null;
  const lines = stream.split(/\r\n|\r|\n/);
  lines.pop(); // text after the last line end is not a whole line yet
  for (const line of lines) {
    if (line === '') {
      if (data) events.push({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = null;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') (data ??= []).push(value);
  }
  return events;
}

/** Splits `text` at the given cut points. */
function cut(text: string, points: readonly number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of at) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

const line = fc.constantFrom('event: snapshot', 'event: agent', 'event:agent_removed', 'data: {"id":"a1"}', 'data:x', 'data', 'data:  two', ': keep-alive', 'retry: 2000', 'id: 7', '');
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
const stream = fc.array(fc.tuple(line, lineEnd), { maxLength: 40 }).map((lines) => lines.map(([text, end]) => text + end).join(''));

describe('SseParser', () => {
  it('gives the events of a stream with their type and data, and skips comments and other fields', () => {
    const events = parse(['retry: 2000\n\n', ': hi\nevent: agent\ndata: {"id":"a1"}\n\n', 'data: one\ndata: two\nid: 3\n\n']);
    expect(events).toEqual([
      { event: 'agent', data: '{"id":"a1"}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('keeps an event that arrives in many chunks whole, and yields it once its blank line arrives', () => {
    const data = 'x'.repeat(100_000);
    const text = `event: snapshot\ndata: ${data}\n\n`;
    const parser = new SseParser();
    const seen: SseEvent[] = [];
    for (let i = 0; i < text.length - 1; i += 997) seen.push(...parser.push(text.slice(i, Math.min(i + 997, text.length - 1))));
    expect(seen).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'snapshot', data }]);
  });

  it('ends an event whose blank line is split across chunks, CRLF and CR included', () => {
    expect(parse(['data: a\n', '\n'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(parse(['data: a\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(parse(['data: a\r', '\r'])).toEqual([{ event: 'message', data: 'a' }]);
    // A CR then the LF of the same CRLF is one line end, not a blank line.
    expect(parse(['data: a\r', '\ndata: b\n\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event the stream ends before finishing', () => {
    expect(parse(['data: a\n\ndata: b\n'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('gives the spec’s events however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (text, points) => {
        expect(parse(cut(text, points))).toEqual(specEvents(text));
      }),
      { numRuns: 2000 },
    );
  });
});
