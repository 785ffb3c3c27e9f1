import type { Clock } from '../../shared/clock';
import type { TimerHost } from '../../electron/core/sweeper';

/**
 * A clock the test moves by hand. `advance` moves wall and monotonic time
 * together, as when the machine runs (or the process is paused: then no timer
 * fires until {@link FakeTimers.advance} is next called); `suspend` moves only
 * the wall clock, as when it sleeps; `setWall` jumps the wall clock alone.
 */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }

  suspend(ms: number): void {
    this.wall += ms;
  }

  setWall(ms: number): void {
    this.wall = ms;
  }
}

/** Timers that fire only when the test says so, driven by a {@link FakeClock}. */
export class FakeTimers implements TimerHost {
  private readonly intervals = new Map<number, { fn: () => void; ms: number; next: number }>();
  private nextId = 1;

  constructor(private readonly clock: FakeClock) {}

  setInterval(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.intervals.set(id, { fn, ms, next: this.clock.monotonic() + ms });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number);
  }

  get active(): number {
    return this.intervals.size;
  }

  /**
   * Advances the clock by `ms` in steps, firing each interval when due. An
   * interval already overdue (the clock was moved past it without firing, as
   * when the process is paused) fires once at once and is rescheduled from
   * then, as Node does.
   */
  advance(ms: number): void {
    const end = this.clock.monotonic() + ms;
    for (;;) {
      const due = [...this.intervals.values()].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      if (due.next > this.clock.monotonic()) this.clock.advance(due.next - this.clock.monotonic());
      due.next = this.clock.monotonic() + due.ms;
      due.fn();
    }
    this.clock.advance(end - this.clock.monotonic());
  }
}
