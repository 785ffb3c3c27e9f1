/**
 * Time as the domain sees it. Injected everywhere so tests drive time by hand.
 * `now` is wall-clock milliseconds since the epoch (UTC); `monotonic` is a
 * clock that never jumps with wall-clock changes and, on most platforms, does
 * not advance while the machine sleeps: comparing the two reveals a suspend.
 */
export interface Clock {
  now(): number;
  monotonic(): number;
}
