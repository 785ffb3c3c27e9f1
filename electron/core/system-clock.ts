import { performance } from 'node:perf_hooks';
import type { Clock } from '../../shared/clock';
import type { TimeoutHost } from './push-batcher';
import type { TimerHost } from './sweeper';

/** The real clock: `Date.now()` for wall time, `performance.now()` (monotonic) for deltas. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** The real timers. A running sweeper keeps the headless process alive, as a server should. */
export const systemTimers: TimerHost = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** The real one-shot timers. */
export const systemTimeouts: TimeoutHost = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
