import type { Agent } from './agent';
import type { AgentDelta } from './fleet-api';

/**
 * The UI takes at most one delta per this interval, on both transports (the
 * desktop's IPC pushes and the headless page's event stream): a burst of
 * changes costs it a handful of updates, not one per change.
 */
export const PUSH_INTERVAL_MS = 100;

/**
 * Coalesces a run of changes into one {@link AgentDelta}: the last state of
 * each agent wins, and a removal cancels earlier upserts of that agent (and an
 * upsert after a removal brings it back), so the delta can be applied in any
 * order. Used wherever changes are batched on their way to the UI.
 */
export class DeltaBuilder {
  private upserts = new Map<string, Agent>();
  private removed = new Set<string>();
  private reset = false;
  private loading: boolean | undefined;

  upsert(agent: Agent): void {
    this.removed.delete(agent.id);
    this.upserts.set(agent.id, agent);
  }

  remove(id: string): void {
    this.upserts.delete(id);
    this.removed.add(id);
  }

  /** Everything so far is superseded by `agents`, the whole fleet. */
  replaceAll(agents: readonly Agent[]): void {
    this.upserts = new Map(agents.map((a) => [a.id, a]));
    this.removed = new Set();
    this.reset = true;
  }

  /** Whether more of the fleet is still to come (see {@link AgentDelta.loading}); the last call wins. */
  setLoading(loading: boolean): void {
    this.loading = loading;
  }

  /** Whether what is pending replaces the whole fleet. */
  get isReset(): boolean {
    return this.reset;
  }

  get isEmpty(): boolean {
    return !this.reset && this.loading === undefined && this.upserts.size === 0 && this.removed.size === 0;
  }

  /** The delta so far, or null when there is none; the builder starts empty again. */
  take(): AgentDelta | null {
    if (this.isEmpty) return null;
    const delta: AgentDelta = {
      upserts: [...this.upserts.values()],
      removed: [...this.removed],
      ...(this.reset ? { reset: true } : {}),
      ...(this.loading === undefined ? {} : { loading: this.loading }),
    };
    this.upserts = new Map();
    this.removed = new Set();
    this.reset = false;
    this.loading = undefined;
    return delta;
  }
}
