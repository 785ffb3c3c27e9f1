import type { Agent } from '../../../shared/agent';
import type { AlertTrigger } from '../../../shared/alerts';
import type { Clock } from '../../../shared/clock';
import type { Disposable } from '../../../shared/disposable';
import { toRfc3339, toWireAgent } from '../../../shared/wire';
import type { TimeoutHost } from '../push-batcher';
import { alertPayload, CHANGES_PER_KIND, requestFor, type AlertPayload } from './alert-message';
import type { AlertOutbox } from './alert-outbox';
import { runCommand, sendHttp, SEND_TIMEOUT_MS, type SendResult } from './alert-send';
import { newAlertId, type AlertStore, type SendableChannel, type StoredDelivery } from './alert-store';
import { matchesSelector } from './alert-triggers';

/** A delivery is retried for a day, then it has failed. */
export const RETRY_FOR_MS = 24 * 3_600_000;
/** The first retry comes within seconds; each after waits twice as long, up to an hour. */
export const FIRST_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 3_600_000;
/** Attempts under way at once, in all and per channel: a dead receiver holds two, never the rest. */
export const MAX_IN_FLIGHT = 8;
export const MAX_IN_FLIGHT_PER_CHANNEL = 2;
/** Deliveries kept waiting for one channel; beyond it the oldest fails (a receiver down for long, a fleet in turmoil). */
export const MAX_PENDING_PER_CHANNEL = 1_000;
/** Reminders made per wake, so a fleet's worth of them never holds the loop. */
const REMINDERS_PER_WAKE = 1_000;
/** After the store refused a write, wait this long before trying again (rather than spin). */
const STORE_RETRY_MS = 5_000;
/** The longest the dispatcher sleeps between looks (timers cap at 24.8 days; clocks jump). */
const MAX_SLEEP_MS = 3_600_000;

/**
 * The wait before attempt `failures + 1`: 2 s, 4 s, 8 s… up to an hour, each
 * drawn at random from its upper half (jitter, so a receiver back from an
 * outage is not hit by every sender at once).
 */
export function retryDelay(failures: number, random: () => number): number {
  const ceiling = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface AlertDispatcherOptions {
  readonly clock: Clock;
  readonly timeouts: TimeoutHost;
  /** The jitter's source (tests fix it). */
  readonly random?: () => number;
  /** One attempt's bound (tests shorten it). */
  readonly sendTimeoutMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Sends what the outbox holds, after the commit that wrote it: closes each
 * rule's coalescing window into one delivery (its id fixed from then on),
 * makes the reminders of rules that repeat, and sends due deliveries,
 * retrying with backoff for a day. Everything it needs is in the database,
 * so after a crash it carries on where the last commit left it: a change
 * committed but not sent is sent, a delivery in flight is sent again, with
 * the same id. Sends are asynchronous and bounded in number, so a slow or
 * dead receiver never holds up the agent port or the sweeper.
 */
export class AlertDispatcher implements Disposable {
  private timer: unknown;
  private timerAt: number | null = null;
  private readonly inFlight = new Map<string, string>();
  /** Attempts under way (the test helper waits for them). */
  private readonly running = new Set<Promise<void>>();
  private disposed = false;
  private readonly random: () => number;
  private readonly sendTimeoutMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly store: AlertStore,
    private readonly outbox: AlertOutbox,
    /** The agent as it stands (reminders are of agents still offline or exhausted). */
    private readonly find: (id: string) => Agent | undefined,
    private readonly options: AlertDispatcherOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.sendTimeoutMs = options.sendTimeoutMs ?? SEND_TIMEOUT_MS;
    this.onError = options.onError ?? ((error) => console.error('fleet-monitor: alerts:', error));
  }

  /** Looks at the outbox now: what was due while the monitor was down goes at once. */
  start(): void {
    this.wake();
  }

  /** Something was written to the outbox: look again when it is due. */
  poke(): void {
    this.scheduleNext();
  }

  /** Resolves once no attempt is under way (tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /**
   * Sends a channel's test message now, once, and answers how it went: it is
   * recorded like any delivery but never retried, and a success turns a
   * channel the receiver had turned off back on.
   */
  async test(channel: SendableChannel, payload: (id: string, at: number) => AlertPayload): Promise<StoredDelivery> {
    const now = this.options.clock.now();
    const id = newAlertId('dl');
    const body = payload(id, now);
    // Leased like an attempt under way, so the loop leaves it alone.
    this.store.insertDelivery({ id, channelId: channel.id, ruleId: null, summary: body.summary, payload: JSON.stringify(body), test: true, now, nextAttemptAt: now + this.lease() });
    const result = await this.send(channel, this.store.delivery(id)!);
    if (!this.disposed) this.record(this.store.delivery(id)!, channel, result);
    return this.store.delivery(id)!;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.options.timeouts.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private lease(): number {
    return this.sendTimeoutMs + 1_000;
  }

  private wake(): void {
    this.timer = undefined;
    this.timerAt = null;
    if (this.disposed) return;
    let blocked = false;
    try {
      const now = this.options.clock.now();
      this.remind(now);
      this.closeWindows(now);
      blocked = this.sendDue(now);
    } catch (error) {
      this.onError(error);
      this.at(this.options.clock.now() + STORE_RETRY_MS);
      return;
    }
    this.scheduleNext(blocked);
  }

  /** Sleeps until the next thing is due: a window to close, a reminder, a delivery (unless every due one waits for a free slot). */
  private scheduleNext(deliveriesBlocked = false): void {
    if (this.disposed) return;
    const candidates = [this.store.nextChangeDue(), this.store.nextEpisodeDue()];
    if (this.inFlight.size < MAX_IN_FLIGHT) {
      const due = this.store.nextDeliveryDue();
      if (due !== null && !(deliveriesBlocked && due <= this.options.clock.now())) candidates.push(due);
    }
    const next = candidates.reduce<number | null>((min, due) => (due === null ? min : min === null ? due : Math.min(min, due)), null);
    if (next !== null) this.at(next);
  }

  private at(due: number): void {
    if (this.timerAt !== null && this.timerAt <= due) return;
    if (this.timer !== undefined) this.options.timeouts.clearTimeout(this.timer);
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, due - this.options.clock.now()));
    this.timerAt = due;
    this.timer = this.options.timeouts.setTimeout(() => this.wake(), delay);
  }

  /** Reminders of agents still offline or exhausted, written to the outbox like the changes they repeat. */
  private remind(now: number): void {
    const due = this.store.episodesDue(now, REMINDERS_PER_WAKE);
    if (due.length === 0) return;
    this.store.transaction(() => {
      const rules = new Map(this.store.rules().map((rule) => [rule.id, rule]));
      const enabled = new Set(this.store.channels().filter((c) => c.enabled).map((c) => c.id));
      for (const { ruleId, agentId, status } of due) {
        const rule = rules.get(ruleId);
        const agent = this.find(agentId);
        if (!rule || !enabled.has(rule.channelId) || !agent || agent.status !== status || !matchesSelector(agent.labels, rule.selector)) {
          this.store.endEpisode(ruleId, agentId);
          continue;
        }
        this.store.insertChange({
          ruleId,
          trigger: status as AlertTrigger,
          agentId,
          agentJson: JSON.stringify(toWireAgent(agent)),
          from: status,
          to: status,
          cause: 'reminder',
          at: now,
          dueAt: now + rule.coalesceS * 1000,
        });
        this.store.tellEpisode(ruleId, agentId, now);
      }
    });
  }

  /** Each rule whose window has closed: its changes become one delivery, and leave the outbox in the same transaction. */
  private closeWindows(now: number): void {
    for (const ruleId of this.store.dueRules(now)) {
      this.store.transaction(() => {
        const tally = this.store.ruleTally(ruleId);
        if (tally.length === 0) return;
        const last = Math.max(...tally.map((t) => t.last));
        const rule = this.store.rule(ruleId);
        const channel = rule && this.store.channel(rule.channelId);
        if (channel?.enabled) {
          const id = newAlertId('dl');
          const { payload } = alertPayload(id, now, this.store.ruleChanges(ruleId, CHANGES_PER_KIND), tally);
          if (this.store.pendingCount(channel.id) >= MAX_PENDING_PER_CHANNEL) {
            this.store.dropOldestPending(channel.id, `Dropped: more than ${MAX_PENDING_PER_CHANNEL} deliveries were waiting for this channel`);
          }
          this.store.insertDelivery({ id, channelId: channel.id, ruleId, summary: payload.summary, payload: JSON.stringify(payload), test: false, now, nextAttemptAt: now });
        }
        this.store.deleteRuleChanges(ruleId, last);
      });
    }
  }

  /** Starts the due deliveries there are slots for; true when attempts are under way (what is still due waits for them). */
  private sendDue(now: number): boolean {
    let free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return true;
    const perChannel = new Map<string, number>();
    for (const channel of this.inFlight.values()) perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
    const busy = () => [...perChannel].filter(([, n]) => n >= MAX_IN_FLIGHT_PER_CHANNEL).map(([channel]) => channel);
    while (free > 0) {
      const due = this.store.dueDeliveries(now, busy(), free).filter((d) => !this.inFlight.has(d.id));
      if (due.length === 0) break;
      let started = 0;
      for (const delivery of due) {
        const n = perChannel.get(delivery.channelId) ?? 0;
        if (n >= MAX_IN_FLIGHT_PER_CHANNEL) continue;
        perChannel.set(delivery.channelId, n + 1);
        this.attempt(delivery, now);
        started++;
        free--;
      }
      if (started === 0) break;
    }
    // Anything still due waits for a slot (its channel's, or any): it goes when an attempt ends, which looks again.
    return this.inFlight.size > 0;
  }

  private attempt(delivery: StoredDelivery, now: number): void {
    const channel = this.store.channel(delivery.channelId);
    if (!channel) return; // deleted: its deliveries went with it
    if (!channel.enabled) {
      this.store.recordAttempt(delivery.id, { state: 'failed', lastError: 'The channel is turned off', nextAttemptAt: null, sentAt: null });
      return;
    }
    // A lease: should the monitor stop before the answer, the delivery is due again soon after the restart.
    this.store.lease(delivery.id, now + this.lease());
    this.inFlight.set(delivery.id, channel.id);
    const run = this.send(channel, delivery)
      .then((result) => {
        if (this.disposed) return;
        try {
          this.record(delivery, channel, result);
        } catch (error) {
          this.onError(error);
        }
      })
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.running.delete(run);
        if (!this.disposed) this.wakeSoon();
      });
    this.running.add(run);
  }

  /** After an attempt: look again at once (a free slot, deliveries waiting for it). */
  private wakeSoon(): void {
    this.at(this.options.clock.now());
  }

  private send(channel: SendableChannel, delivery: StoredDelivery): Promise<SendResult> {
    if (channel.kind === 'command') return runCommand(channel.command!, delivery.payload, delivery.id, this.sendTimeoutMs);
    const payload = JSON.parse(delivery.payload) as AlertPayload;
    return sendHttp(channel.url!, requestFor(channel.kind, payload, channel.secret), this.options.clock.now(), this.sendTimeoutMs);
  }

  /** One attempt's outcome, written: sent; the channel turned off (410); failed for good; or due again after a backoff. */
  private record(delivery: StoredDelivery, channel: SendableChannel, result: SendResult): void {
    const now = this.options.clock.now();
    if (result.ok) {
      this.store.recordAttempt(delivery.id, { state: 'sent', lastError: null, nextAttemptAt: null, sentAt: now });
      if (delivery.test && !channel.enabled) {
        this.store.setEnabled(channel.id, true, null);
        this.outbox.reload();
      }
      this.store.pruneFinished();
      return;
    }
    if (result.gone) {
      this.store.transaction(() => {
        this.store.recordAttempt(delivery.id, { state: 'failed', lastError: result.error, nextAttemptAt: null, sentAt: null });
        this.store.setEnabled(channel.id, false, `The receiver answered 410 Gone at ${toRfc3339(now)}: it wants no more messages`);
        this.store.failPending(channel.id, 'The channel was turned off: its receiver answered 410 Gone');
      });
      this.outbox.reload();
      return;
    }
    const failures = delivery.attempts + 1;
    const next = now + (result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, MAX_RETRY_MS) : retryDelay(failures, this.random));
    if (delivery.test || next > delivery.createdAt + RETRY_FOR_MS) {
      const error = delivery.test ? result.error : `${result.error} (gave up after ${failures} attempts over 24 h)`;
      this.store.recordAttempt(delivery.id, { state: 'failed', lastError: error, nextAttemptAt: null, sentAt: null });
      this.store.pruneFinished();
      return;
    }
    this.store.recordAttempt(delivery.id, { state: 'pending', lastError: result.error, nextAttemptAt: next, sentAt: null });
  }
}
