import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Writes `chunks` to `res` one at a time, pulling the next only after the
 * event loop has had a full turn (so requests queued behind a long read, a
 * heartbeat say, are served between its chunks) and, when the socket's
 * buffer is full, after it drained (so a slow reader holds one chunk, not
 * the whole body). Resolves false, having stopped pulling, when the client
 * went away or `res` was ended meanwhile (the server closing). Does not end `res`.
 */
export async function writeChunks(res: ServerResponse, chunks: Iterator<string>): Promise<boolean> {
  for (;;) {
    if (res.destroyed || res.writableEnded) return false;
    const next = chunks.next();
    if (next.done) return true;
    if (next.value !== '' && !res.write(next.value) && !(await drained(res))) return false;
    // Always a turn, also after a drain: a socket that takes each chunk at once drains on
    // the next tick, and a loop of write-drain would never let the poll phase run.
    await nextTurn();
  }
}

/** Resolves true once `res` drained, false if it closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
