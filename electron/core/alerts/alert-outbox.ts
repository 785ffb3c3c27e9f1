import type { Agent } from '../../../shared/agent';
import { REPEATABLE_TRIGGERS, type AlertRule, type AlertTrigger } from '../../../shared/alerts';
import type { EventCause } from '../../../shared/status';
import { toWireAgent } from '../../../shared/wire';
import type { ChangeOutbox } from '../fleet-service';
import type { AlertStore } from './alert-store';
import { matchesSelector, triggersOf } from './alert-triggers';

const REPEATABLE: ReadonlySet<AlertTrigger> = new Set(REPEATABLE_TRIGGERS);

/**
 * The outbox's writer, called by the fleet service inside the transaction of
 * every status write: each change a live rule matches is written to
 * `alert_changes` there, so it commits — or rolls back — with the change
 * itself, and no alert is lost between the commit and the send. It reads no
 * row: the live rules are held here, loaded again whenever rules or channels
 * change. With no rules it costs one length check per write.
 */
export class AlertOutbox implements ChangeOutbox {
  /** Rules whose channel is enabled. */
  private rules: readonly AlertRule[] = [];
  /** Whether any live rule repeats (then a status move ends the agent's episodes). */
  private repeats = false;
  /** Set when a change was written since the dispatcher last looked. */
  private written = false;

  constructor(private readonly store: AlertStore) {}

  /** Takes the live rules (those of enabled channels) from the store. */
  reload(): void {
    const enabled = new Set(this.store.channels().filter((c) => c.enabled).map((c) => c.id));
    this.rules = this.store.rules().filter((rule) => enabled.has(rule.channelId));
    this.repeats = this.rules.some((rule) => rule.repeatAfterS !== null);
  }

  record(before: Agent, after: Agent, cause: EventCause, now: number): void {
    if (this.rules.length === 0) return;
    if (this.repeats && before.status !== after.status) this.store.endEpisodes(after.id);
    const fired = triggersOf(before, after, cause);
    if (fired.length === 0) return;
    let agentJson: string | undefined;
    for (const rule of this.rules) {
      if (!matchesSelector(after.labels, rule.selector)) continue;
      for (const trigger of fired) {
        if (!rule.on.includes(trigger)) continue;
        agentJson ??= JSON.stringify(toWireAgent(after));
        this.store.insertChange({
          ruleId: rule.id,
          trigger,
          agentId: after.id,
          agentJson,
          from: before.status,
          to: after.status,
          cause,
          at: now,
          dueAt: now + rule.coalesceS * 1000,
        });
        if (rule.repeatAfterS !== null && REPEATABLE.has(trigger)) this.store.upsertEpisode(rule.id, after.id, after.status, now);
        this.written = true;
      }
    }
  }

  /** Whether changes were written since the last call (they may since have rolled back: the dispatcher reads the table). */
  takeWritten(): boolean {
    const written = this.written;
    this.written = false;
    return written;
  }
}
