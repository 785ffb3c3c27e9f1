import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/disposable';
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
  /** Where a failed sweep is reported; the timer keeps running. */
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_JUMP_THRESHOLD_MS = 2_000;

/**
 * Drives the fleet's timed rules: each tick marks silent agents offline and
 * recovers exhausted agents whose time has come.
 *
 * Monitor downtime is not agent downtime. While the monitor was not running,
 * or the machine slept, no heartbeat could have arrived; so from a "grace
 * moment" (start, resume, or a detected clock jump) each agent's deadline is
 * max(last heartbeat, grace moment) + timeout. Recoveries are not graced: a
 * quota that reset while we slept is reset.
 */
export class Sweeper implements Disposable {
  private handle: unknown;
  private graceFrom: number;
  private lastWall: number;
  private lastMono: number;
  private readonly jumpThresholdMs: number;

  constructor(
    private readonly service: Pick<FleetService, 'sweep'>,
    private readonly clock: Clock,
    private readonly timers: TimerHost,
    private readonly options: SweeperOptions,
  ) {
    this.jumpThresholdMs = options.jumpThresholdMs ?? DEFAULT_JUMP_THRESHOLD_MS;
    this.lastWall = clock.now();
    this.lastMono = clock.monotonic();
    this.graceFrom = this.lastWall;
  }

  /** Starts ticking. The start itself is a grace moment: agents get a full timeout from now. */
  start(): void {
    if (this.handle !== undefined) return;
    this.resetGrace();
    this.handle = this.timers.setInterval(() => this.safeTick(), this.options.intervalMs);
  }

  /**
   * Begins a new grace period now. The shell calls it on OS resume and unlock
   * events; the tick's own jump detection is the backstop for when those
   * events do not come.
   */
  resetGrace(): void {
    this.graceFrom = this.clock.now();
    this.lastWall = this.graceFrom;
    this.lastMono = this.clock.monotonic();
  }

  /** When the current grace period began (epoch ms). */
  get graceStartedAt(): number {
    return this.graceFrom;
  }

  /** One sweep. Public so tests and the shell can run it outside the timer. */
  tick(): SweepResult {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const wallDelta = wall - this.lastWall;
    const monoDelta = mono - this.lastMono;
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(wallDelta - monoDelta) >= this.jumpThresholdMs) this.graceFrom = wall;

    // Due iff max(lastHeartbeat, graceFrom) < now - timeout: while the grace
    // moment is itself within the timeout, nobody is due.
    const cutoff = wall - this.options.heartbeatTimeoutMs;
    return this.service.sweep(this.graceFrom < cutoff ? cutoff : null);
  }

  dispose(): void {
    if (this.handle === undefined) return;
    this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }

  private safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      (this.options.onError ?? console.error)(error);
    }
  }
}
