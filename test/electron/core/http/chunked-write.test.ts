import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { writeChunks } from '../../../../electron/core/http/chunked-write';

/** A response whose socket buffer is full from the first write and drains only when told. */
class FullSocketResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  /** Bytes written and not yet taken by the (pretend) reader. */
  writableLength = 0;
  readonly written: string[] = [];
  write(chunk: string): boolean {
    this.written.push(chunk);
    this.writableLength += chunk.length;
    return false;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function* numbered(): Generator<string> {
  for (let i = 0; ; i++) yield `chunk ${i};`;
}

describe('writeChunks', () => {
  it('waits for each drain before the next chunk', async () => {
    const res = new FullSocketResponse();
    const writing = writeChunks(res as unknown as ServerResponse, ['a', 'b', 'c'][Symbol.iterator](), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(res.written).toEqual(['a']);
    res.emit('drain');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(res.written).toEqual(['a', 'b']);
    res.emit('drain');
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.emit('drain');
    expect(await writing).toBe(true);
    expect(res.listenerCount('drain') + res.listenerCount('close')).toBe(0);
  });

  it('cuts a reader that leaves its socket full past the deadline, and pulls no more', async () => {
    const res = new FullSocketResponse();
    const started = Date.now();
    expect(await writeChunks(res as unknown as ServerResponse, numbered(), 50)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(res.destroyed).toBe(true);
    expect(res.written).toEqual(['chunk 0;']);
    expect(res.listenerCount('drain') + res.listenerCount('close')).toBe(0);
  });

  it('never cuts a slow reader that still takes bytes, however long one chunk takes', async () => {
    const res = new FullSocketResponse();
    const writing = writeChunks(res as unknown as ServerResponse, ['x'.repeat(1_000), 'y'][Symbol.iterator](), 40);
    // 200 ms for the first chunk, five deadlines' worth, a little at a time.
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.writableLength -= 100;
    }
    expect(res.destroyed).toBe(false);
    res.emit('drain');
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.emit('drain');
    expect(await writing).toBe(true);
    expect(res.written).toEqual(['x'.repeat(1_000), 'y']);
  });

  it('stops when the client goes away while it waits', async () => {
    const res = new FullSocketResponse();
    const writing = writeChunks(res as unknown as ServerResponse, numbered(), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    res.destroy();
    expect(await writing).toBe(false);
    expect(res.written).toHaveLength(1);
  });
});
