import type { Agent } from '../../shared/agent';
import type { TimeoutHost } from './push-batcher';

/** A heartbeat held for the group commit: the agent as it will be, and whether its usage windows moved too. */
export interface PendingBeat {
  readonly agent: Agent;
  readonly usage: boolean;
}

/**
 * The heartbeats answered but not yet written: the group commit's half of
 * the fleet service. A plain heartbeat (one that moves nothing but the time
 * and the usage windows of a known agent) is held here and written with the
 * others at most `intervalMs` later, in one transaction; every other write
 * writes them first (FleetService.commit), so everything that reads the
 * table sees them. Reads of the service see them at once ({@link get}).
 */
export class PendingBeats {
  private beats = new Map<string, PendingBeat>();
  private timer: unknown;
  /**
   * Set when the last group commit failed (disk full, read-only): until a write
   * succeeds again, heartbeats commit before their reply like every other
   * write, so they fail with a clear error instead of being answered and held.
   */
  failing = false;

  /** `write`: writes what is pending (a failure keeps it pending). */
  constructor(
    private readonly batching: { readonly timers: TimeoutHost; readonly intervalMs: number } | undefined,
    private readonly write: () => void,
  ) {}

  /** Whether a heartbeat may be held now: batching is on and the last group commit worked. */
  get holding(): boolean {
    return this.batching !== undefined && !this.failing;
  }

  get size(): number {
    return this.beats.size;
  }

  /** The agent as its pending heartbeat makes it, if one is pending. */
  get(id: string): Agent | undefined {
    return this.beats.get(id)?.agent;
  }

  /** Holds `agent`'s heartbeat for the next group commit (`usage`: its usage windows are written too); a newer beat replaces an older. */
  hold(agent: Agent, usage: boolean): void {
    const before = this.beats.get(agent.id);
    this.beats.set(agent.id, { agent, usage: usage || (before?.usage ?? false) });
    if (this.batching) this.timer ??= this.batching.timers.setTimeout(() => this.due(), this.batching.intervalMs);
  }

  /** What the next commit writes. */
  pending(): ReadonlyMap<string, PendingBeat> {
    return this.beats;
  }

  /** The beats {@link pending} gave were written in a transaction (or a group's savepoint): no longer pending. */
  taken(): void {
    if (this.beats.size > 0) this.beats = new Map();
  }

  /** A lost transaction's beats are pending again, but where a newer beat came since. */
  restore(beats: ReadonlyMap<string, PendingBeat>): void {
    for (const [id, beat] of beats) if (!this.beats.has(id)) this.beats.set(id, beat);
  }

  /** After a COMMIT: writes work again, and the timer stops if it wrote the beats and none came since. */
  committed(wroteBeats: boolean): void {
    this.failing = false;
    if (wroteBeats && this.beats.size === 0 && this.timer !== undefined) {
      this.batching?.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** The group-commit timer: a failed write (disk full, say) keeps the beats and tries again. */
  private due(): void {
    this.timer = undefined;
    try {
      this.write();
    } catch (error) {
      this.failing = true;
      console.error(`fleet-monitor: writing heartbeats failed (${(error as Error).message}); retrying`);
      if (this.batching && this.beats.size > 0) this.timer ??= this.batching.timers.setTimeout(() => this.due(), this.batching.intervalMs);
    }
  }
}
