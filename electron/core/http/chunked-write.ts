import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How long a reader may leave a full socket buffer unread before it is cut:
 * a client that stops reading must not hold a slice of the fleet in memory
 * for ever (fifty stalled readers of a large fleet held hundreds of MB).
 */
export const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Writes `chunks` to `res` one at a time, pulling the next only after the
 * event loop has had a full turn (so requests queued behind a long read, a
 * heartbeat say, are served between its chunks) and, when the socket's
 * buffer is full, after it drained (so a slow reader holds one chunk, not
 * the whole body) — or cutting the connection when it does not drain within
 * `drainTimeoutMs`. Resolves false, having stopped pulling, when the client
 * went away, was cut, or `res` was ended meanwhile (the server closing).
 * Does not end `res`.
 */
export async function writeChunks(res: ServerResponse, chunks: Iterator<string>, drainTimeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
  for (;;) {
    if (res.destroyed || res.writableEnded) return false;
    const next = chunks.next();
    if (next.done) return true;
    if (next.value !== '' && !res.write(next.value) && !(await drained(res, drainTimeoutMs))) return false;
    // Always a turn, also after a drain: a socket that takes each chunk at once drains on
    // the next tick, and a loop of write-drain would never let the poll phase run.
    await nextTurn();
  }
}

/** Resolves true once `res` drained; false if it closed first, or did not drain in time (then it is cut). */
function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => {
      done(false);
      res.destroy();
    }, timeoutMs);
    timer.unref();
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
