import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * A piece of a body: text (sent as UTF-8), or bytes already encoded (a list
 * read sends an all-ASCII chunk so: copying Latin-1 bytes costs a fraction of
 * encoding the text as UTF-8, and for ASCII the two are the same bytes).
 */
export type BodyChunk = string | Uint8Array;

/**
 * How long a reader may read nothing at all while its socket buffer is full
 * before it is cut: a client that stops reading must not hold a slice of the
 * fleet in memory for ever (fifty stalled readers of a large fleet held
 * hundreds of MB). A slow reader that still takes bytes is never cut.
 */
export const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Writes `chunks` to `res` one at a time, pulling the next only after the
 * event loop has had a full turn (so requests queued behind a long read, a
 * heartbeat say, are served between its chunks) and, when the socket's
 * buffer is full, after it drained (so a slow reader holds one chunk, not
 * the whole body) — or cutting the connection when for `drainTimeoutMs` not
 * a byte of it was taken. Resolves false, having stopped pulling, when the client
 * went away, was cut, or `res` was ended meanwhile (the server closing).
 * Does not end `res`.
 */
export async function writeChunks(res: ServerResponse, chunks: Iterator<BodyChunk>, drainTimeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
  for (;;) {
    if (res.destroyed || res.writableEnded) return false;
    const next = chunks.next();
    if (next.done) return true;
    if (next.value.length > 0 && !res.write(next.value) && !(await drained(res, drainTimeoutMs))) return false;
    // Always a turn, also after a drain: a socket that takes each chunk at once drains on
    // the next tick, and a loop of write-drain would never let the poll phase run.
    await nextTurn();
  }
}

/**
 * Resolves true once `res` drained; false if it closed first, or took not a
 * byte for `timeoutMs` (then it is cut). Progress is what is left to send
 * shrinking: `drain` comes only once it is all sent, which for a slow reader
 * of a large slice can take longer than the deadline.
 */
function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let unsent = res.writableLength;
    const done = (ok: boolean) => {
      clearInterval(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setInterval(() => {
      const now = res.writableLength;
      if (now < unsent) {
        unsent = now;
        return;
      }
      done(false);
      res.destroy();
    }, timeoutMs);
    timer.unref();
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
