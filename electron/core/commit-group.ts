import type { AgentChange } from '../../shared/agent';
import type { PendingBeat } from './pending-beats';

/** One task's outcome in a group: its value, or what it threw. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * The state of one group of writes that share a transaction (see
 * FleetService.runGrouped): opened by the first task that commits, each
 * task's commit a savepoint in it, and what the commits wrote held back —
 * changes not announced, heartbeats not counted as written — until the group's
 * COMMIT succeeds.
 */
export class CommitGroup {
  /** Whether the group's transaction is open (a task has committed into it). */
  open = false;
  /** What the tasks' commits wrote, in order: announced after the COMMIT. */
  readonly changes: AgentChange[] = [];
  /** Heartbeats the tasks' commits wrote (with whether their usage went too): pending again if the group is lost. */
  readonly beats = new Map<string, PendingBeat>();
  /** The tasks (by index) that committed into the open transaction: they fail with it. */
  readonly members = new Set<number>();
  /** The task running now. */
  current = -1;

  /** Forgets the lost transaction's writes, for the tasks after it to start a new one. */
  reset(): void {
    this.open = false;
    this.changes.length = 0;
    this.beats.clear();
    this.members.clear();
  }
}
