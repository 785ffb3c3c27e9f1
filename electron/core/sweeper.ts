import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/disposable';
import { heartbeatCutoff } from '../../shared/state-machine';
import type { FleetService, SweepResult } from './fleet-service';

/** Timer functions, injected so tests advance time by hand. */
export interface TimerHost {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SweeperOptions {
  readonly intervalMs: number;
  readonly heartbeatTimeoutMs: number;
  /** A wall-clock vs monotonic disagreement this large between ticks means a suspend or clock jump. */
  readonly jumpThresholdMs?: number;
  /**
   * A tick coming this much later than its interval after the last tick
   * ended means the process did not run
   * (SIGSTOP, a blocked event loop, a paused VM): a grace moment. Default
   * {@link defaultStallThresholdMs}.
   */
  readonly stallThresholdMs?: number;
  /** Where a failed sweep is reported; the timer keeps running. */
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_JUMP_THRESHOLD_MS = 2_000;

/** The longest a tick may be late before it counts as a stall, whatever the timeout. */
export const MAX_STALL_THRESHOLD_MS = 2_000;

/**
 * How late a tick must be to count as a stall: 2 s, or half the timeout when
 * that is shorter. Late enough that everyday hiccups (a GC pause, a slow
 * write, a busy loop: milliseconds to a few hundred) never count, since each
 * stall postpones every deadline by a whole timeout; early enough that a
 * shorter stall cannot make an agent that beats at least every half timeout
 * look silent (its beat plus the stall stay within the timeout).
 */
export function defaultStallThresholdMs(heartbeatTimeoutMs: number): number {
  return Math.min(MAX_STALL_THRESHOLD_MS, heartbeatTimeoutMs / 2);
}

/**
 * Drives the fleet's timed rules: each tick marks silent agents offline and
 * recovers exhausted agents whose time has come.
 *
 * Monitor downtime is not agent downtime. While the monitor was not running,
 * the machine slept, or the process did not run (paused, blocked), no
 * heartbeat could have been read — after a pause the beats wait in the
 * sockets, and the first timer to run may well come before the first socket
 * is read. So from a "grace moment" (start, resume, a detected clock jump, a
 * detected stall) each agent's deadline is max(last heartbeat, grace moment) +
 * timeout: nobody goes offline until a full timeout after the process ran
 * again, time enough to read whatever was waiting. Recoveries are not graced:
 * a quota that reset while we slept is reset.
 *
 * After the wall clock went back, heartbeats recorded before are "in the
 * future"; they are settled to now (see {@link FleetService.settleFutureTimes})
 * so a silent agent still goes offline one timeout after the jump was
 * noticed, not when the clock catches up.
 */
export class Sweeper implements Disposable {
  private handle: unknown;
  private graceFrom: number;
  private lastWall: number;
  private lastMono: number;
  /** When the last tick ended (monotonic): lateness counts from there, so a long sweep is not a stall. */
  private lastEndMono: number;
  /** While times ahead of the clock may exist (after start, a backward jump): where settling goes on. */
  private settleFrom: number | null = null;
  private readonly jumpThresholdMs: number;
  private readonly stallThresholdMs: number;

  constructor(
    private readonly service: Pick<FleetService, 'sweep' | 'settleFutureTimes'>,
    private readonly clock: Clock,
    private readonly timers: TimerHost,
    private readonly options: SweeperOptions,
  ) {
    this.jumpThresholdMs = options.jumpThresholdMs ?? DEFAULT_JUMP_THRESHOLD_MS;
    this.stallThresholdMs = options.stallThresholdMs ?? defaultStallThresholdMs(options.heartbeatTimeoutMs);
    this.lastWall = clock.now();
    this.lastMono = clock.monotonic();
    this.lastEndMono = this.lastMono;
    this.graceFrom = this.lastWall;
  }

  /**
   * Starts ticking. The start itself is a grace moment: agents get a full
   * timeout from now; and times the store holds ahead of the clock (it was
   * set back while we were down) are settled now.
   */
  start(): void {
    if (this.handle !== undefined) return;
    this.resetGrace();
    this.settleFrom = 0;
    this.safely(() => this.settle());
    this.handle = this.timers.setInterval(() => this.safely(() => this.tick()), this.options.intervalMs);
  }

  /**
   * Begins a new grace period now. The shell calls it on OS resume and unlock
   * events; the tick's own jump and stall detection is the backstop for when
   * those events do not come.
   */
  resetGrace(): void {
    this.graceFrom = this.clock.now();
    this.lastWall = this.graceFrom;
    this.lastMono = this.clock.monotonic();
    this.lastEndMono = this.lastMono;
  }

  /** When the current grace period began (epoch ms). */
  get graceStartedAt(): number {
    return this.graceFrom;
  }

  /**
   * One sweep. Public so tests and the shell can run it outside the timer;
   * whoever runs it, a tick coming the stall threshold later than its
   * interval after the last tick ended is a grace moment.
   */
  tick(): SweepResult {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const skew = wall - this.lastWall - (mono - this.lastMono);
    // From the end of the last tick: a sweep that itself took seconds (a mass offline) delays
    // the next tick by as much, but no heartbeat waited unread because of it.
    const late = mono - this.lastEndMono - this.options.intervalMs;
    this.lastWall = wall;
    this.lastMono = mono;
    // A paused or blocked process moves both clocks alike, so only the tick's lateness shows it.
    if (Math.abs(skew) >= this.jumpThresholdMs || late >= this.stallThresholdMs) this.graceFrom = wall;
    if (skew <= -this.jumpThresholdMs) this.settleFrom = 0;
    try {
      this.settle();
      return this.service.sweep(heartbeatCutoff(wall, this.options.heartbeatTimeoutMs, this.graceFrom));
    } finally {
      // Also after a failure: a failing store must not make the next tick look like a stall.
      this.lastEndMono = this.clock.monotonic();
    }
  }

  dispose(): void {
    if (this.handle === undefined) return;
    this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }

  /**
   * Settles one batch of times ahead of the clock while any may be left; the
   * rest wait for the next ticks (until settled, such an agent's deadline is
   * only later, never earlier). A failure leaves the batch for the next tick.
   */
  private settle(): void {
    if (this.settleFrom === null) return;
    this.settleFrom = this.service.settleFutureTimes(this.settleFrom).next;
  }

  private safely(work: () => unknown): void {
    try {
      work();
    } catch (error) {
      (this.options.onError ?? console.error)(error);
    }
  }
}
