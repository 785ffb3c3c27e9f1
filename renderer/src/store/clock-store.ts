import { create } from 'zustand';

/** Where the renderer reads the wall clock; tests replace it ({@link setClockSource}). */
let source: () => number = () => Date.now();

/** The wall clock's time now, epoch ms: every renderer reading of the time goes through here. */
export function readClock(): number {
  return source();
}

/** Replaces the wall clock (tests); returns how to put the real one back. */
export function setClockSource(next: () => number): () => void {
  const previous = source;
  source = next;
  return () => {
    source = previous;
  };
}

/**
 * One shared ticking "now" for everything that shows elapsed time, so a
 * thousand tiles share one timer instead of owning one each.
 */
export const useNow = create<number>()(() => readClock());

let ticker: ReturnType<typeof setInterval> | undefined;
/** While disconnected, the moment the shown fleet is as of: ages stop there instead of counting on as if live. */
let frozenAt: number | null = null;

/** Starts the once-a-second tick; returns how to stop it. */
export function startClock(intervalMs = 1000): () => void {
  ticker ??= setInterval(() => {
    if (frozenAt === null) useNow.setState(readClock(), true);
  }, intervalMs);
  return () => {
    clearInterval(ticker);
    ticker = undefined;
  };
}

/**
 * Stops `now` at `at` (the connection dropped: what is shown is the fleet as
 * of then, and a heartbeat age counting on would claim a silence the monitor
 * cannot see). {@link thawClock} starts it again.
 */
export function freezeClock(at: number): void {
  frozenAt = at;
  useNow.setState(at, true);
}

/** Lets `now` follow the wall clock again (the stream is back), at once. */
export function thawClock(): void {
  if (frozenAt === null) return;
  frozenAt = null;
  useNow.setState(readClock(), true);
}

/** Whether `now` is stopped ({@link freezeClock}). */
export function isClockFrozen(): boolean {
  return frozenAt !== null;
}
