import type { AgentChange } from '../../shared/agent';
import { DeltaBuilder, PUSH_INTERVAL_MS } from '../../shared/delta-builder';
import type { Disposable } from '../../shared/disposable';
import type { AgentDelta } from '../../shared/fleet-api';

/** One-shot timers, injected so tests run the clock by hand. */
export interface TimeoutHost {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Coalesces committed changes on their way to the UI: at most one delta per
 * interval, holding each changed agent's latest state once. A burst of
 * 10,000 heartbeats costs the renderer a handful of messages.
 */
export class PushBatcher implements Disposable {
  private readonly pending = new DeltaBuilder();
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly send: (delta: AgentDelta) => void,
    private readonly timers: TimeoutHost,
    private readonly intervalMs = PUSH_INTERVAL_MS,
  ) {}

  /** Takes a batch of committed changes (an `onDidChange` listener). */
  readonly accept = (changes: readonly AgentChange[]): void => {
    if (this.disposed) return;
    for (const change of changes) {
      if (change.type === 'upsert') this.pending.upsert(change.agent);
      else this.pending.remove(change.agentId);
    }
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.intervalMs);
  };

  /** Sends what is pending now. */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const delta = this.pending.take();
    if (delta) this.send(delta);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
