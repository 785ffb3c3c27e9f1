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
  readonly to: 'offline' | 'exhausted';
  readonly detail: string;
}

/**
 * Turns status changes into desktop alerts for the two that need the
 * operator: an agent going offline or exhausted. Changes within one window
 * become one alert naming the count, so a fleet going offline at once is one
 * notification, not a thousand.
 */
export class StatusAlerts implements Disposable {
  private pending: Pending[] = [];
  private timer: unknown;

  constructor(
    private readonly notify: (alert: Alert) => void,
    private readonly timers: TimeoutHost,
    private readonly windowMs = ALERT_WINDOW_MS,
  ) {}

  readonly accept = (changes: readonly AgentChange[]): void => {
    for (const change of changes) {
      if (change.type !== 'upsert' || !change.event) continue;
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
  if (batch.length === 1) return { title: `${only.name} is ${only.to}`, body: only.detail };
  const offline = batch.filter((p) => p.to === 'offline').length;
  const exhausted = batch.length - offline;
  const parts = [offline && `${offline} offline`, exhausted && `${exhausted} exhausted`].filter(Boolean);
  const names = batch.slice(0, 3).map((p) => p.name).join(', ');
  return { title: `${batch.length} agents need attention: ${parts.join(', ')}`, body: batch.length > 3 ? `${names} and ${batch.length - 3} more` : names };
}
