import type { AgentChange } from '../../shared/agent';
import type { Disposable } from '../../shared/disposable';
import type { TimeoutHost } from './push-batcher';

/** One desktop notification's text. */
export interface Alert {
  readonly title: string;
  readonly body: string;
}

export const ALERT_WINDOW_MS = 1_000;

interface Pending {
  readonly id: string;
  readonly name: string;
  readonly to: 'offline' | 'exhausted' | 'waiting';
  readonly detail: string;
}

/**
 * Turns changes into desktop alerts for those that need the operator: an
 * agent going offline or exhausted, or starting to wait for its operator (a
 * permission, input, an answer). Changes within one window become one alert
 * naming the count, so a fleet going offline at once is one notification,
 * not a thousand.
 */
export class StatusAlerts implements Disposable {
  private pending: Pending[] = [];
  private timer: unknown;
  /** Agents known to be waiting, so that each wait is told once, not at every heartbeat. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly notify: (alert: Alert) => void,
    private readonly timers: TimeoutHost,
    private readonly windowMs = ALERT_WINDOW_MS,
  ) {}

  /** Agents already waiting when the app starts: told before it stopped, not again at their next heartbeat. */
  knownWaiting(ids: Iterable<string>): void {
    for (const id of ids) this.waiting.add(id);
  }

  readonly accept = (changes: readonly AgentChange[]): void => {
    for (const change of changes) {
      if (change.type === 'removed') {
        this.waiting.delete(change.agentId);
        continue;
      }
      const { agent: waiter } = change;
      if (waiter.waiting && !this.waiting.has(waiter.id)) {
        this.waiting.add(waiter.id);
        this.pending.push({ id: waiter.id, name: waiter.name ?? waiter.id, to: 'waiting', detail: `${waiter.waiting.kind}: ${waiter.waiting.message}` });
      } else if (!waiter.waiting) {
        this.waiting.delete(waiter.id);
      }
      if (!change.event) continue;
      const { to, from } = change.event;
      if (from === to || (to !== 'offline' && to !== 'exhausted')) continue;
      const agent = change.agent;
      const detail =
        to === 'exhausted'
          ? `${agent.exhaustReason === 'billing' ? 'billing' : 'rate limit'}${agent.recoveryAt ? `, back at ${new Date(agent.recoveryAt).toLocaleTimeString()}` : ''}`
          : 'no heartbeat';
      this.pending.push({ id: agent.id, name: agent.name ?? agent.id, to, detail });
    }
    if (this.pending.length > 0) this.timer ??= this.timers.setTimeout(() => this.flush(), this.windowMs);
  };

  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    const alert = summarize(batch);
    if (alert) this.notify(alert);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

/** The text for a batch: one agent by name, else counts per status. */
export function summarize(batch: readonly Pending[]): Alert | null {
  const [only] = batch;
  if (!only) return null;
  if (batch.length === 1) return { title: only.to === 'waiting' ? `${only.name} needs you` : `${only.name} is ${only.to}`, body: only.detail };
  const offline = batch.filter((p) => p.to === 'offline').length;
  const exhausted = batch.filter((p) => p.to === 'exhausted').length;
  const waiting = batch.length - offline - exhausted;
  const parts = [offline && `${offline} offline`, exhausted && `${exhausted} exhausted`, waiting && `${waiting} waiting for you`].filter(Boolean);
  const names = batch.slice(0, 3).map((p) => p.name).join(', ');
  return { title: `${batch.length} agents need attention: ${parts.join(', ')}`, body: batch.length > 3 ? `${names} and ${batch.length - 3} more` : names };
}
