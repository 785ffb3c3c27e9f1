import { create } from 'zustand';

/**
 * One shared ticking "now" for everything that shows elapsed time, so a
 * thousand tiles share one timer instead of owning one each.
 */
export const useNow = create<number>()(() => Date.now());

let ticker: ReturnType<typeof setInterval> | undefined;

/** Starts the once-a-second tick; returns how to stop it. */
export function startClock(intervalMs = 1000): () => void {
  if (ticker === undefined) ticker = setInterval(() => useNow.setState(Date.now(), true), intervalMs);
  return () => {
    clearInterval(ticker);
    ticker = undefined;
  };
}
