import type { Agent, AgentChange } from '../../../shared/agent';
import type { AlertChannel, AlertDelivery, AlertRule, NewAlertChannel, NewAlertRule } from '../../../shared/alerts';
import type { Clock } from '../../../shared/clock';
import { DisposableStore, type Disposable } from '../../../shared/disposable';
import type { Event } from '../../../shared/emitter';
import { FleetError } from '../../../shared/errors';
import type { TimeoutHost } from '../push-batcher';
import type { SqliteDatabase } from '../store/open-database';
import { AlertDispatcher, type AlertDispatcherOptions } from './alert-dispatcher';
import { testPayload } from './alert-message';
import { AlertOutbox } from './alert-outbox';
import { AlertStore, publicChannel, publicDelivery } from './alert-store';

export interface AlertsOptions {
  readonly clock: Clock;
  readonly timeouts: TimeoutHost;
  readonly random?: AlertDispatcherOptions['random'];
  readonly sendTimeoutMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** The deliveries list's default length. */
export const DEFAULT_DELIVERY_PAGE = 100;

/**
 * Alerts that leave the machine: the channels and rules the operator sets
 * up, the outbox the fleet service writes to in each status transaction, and
 * the dispatcher that sends what it holds. The desktop app and `serve` reach
 * it through the core (IPC and `/v1/alerts/*`).
 */
export class Alerts implements Disposable {
  private readonly store: AlertStore;
  /** Given to the fleet service, which calls it inside every status write. */
  readonly outbox: AlertOutbox;
  private dispatcher: AlertDispatcher | undefined;
  private readonly owned = new DisposableStore();

  constructor(
    db: SqliteDatabase,
    private readonly options: AlertsOptions,
  ) {
    this.store = new AlertStore(db);
    this.outbox = new AlertOutbox(this.store);
    this.outbox.reload();
  }

  /**
   * Starts sending: after each commit that wrote to the outbox, and now for
   * what was left from before a stop (a crash between a commit and its send).
   */
  start(find: (id: string) => Agent | undefined, onDidChange: Event<readonly AgentChange[]>): void {
    const dispatcher = (this.dispatcher = this.owned.add(
      new AlertDispatcher(this.store, this.outbox, find, {
        clock: this.options.clock,
        timeouts: this.options.timeouts,
        ...(this.options.random ? { random: this.options.random } : {}),
        ...(this.options.sendTimeoutMs ? { sendTimeoutMs: this.options.sendTimeoutMs } : {}),
        ...(this.options.onError ? { onError: this.options.onError } : {}),
      }),
    ));
    this.owned.add(
      onDidChange(() => {
        if (this.outbox.takeWritten()) dispatcher.poke();
      }),
    );
    dispatcher.start();
  }

  channels(): AlertChannel[] {
    return this.store.channels().map(publicChannel);
  }

  createChannel(channel: NewAlertChannel): AlertChannel {
    return publicChannel(this.store.insertChannel(channel, this.options.clock.now()));
  }

  /** Deletes the channel, its rules (and what they held in the outbox) and its deliveries. */
  deleteChannel(id: string): AlertChannel {
    const channel = this.store.channel(id);
    if (!channel) throw channelNotFound(id);
    this.store.deleteChannel(id);
    this.outbox.reload();
    return publicChannel(channel);
  }

  /** Sends the channel a test message now (once, never retried) and answers the delivery as it ended. */
  async testChannel(id: string): Promise<AlertDelivery> {
    const channel = this.store.channel(id);
    if (!channel) throw channelNotFound(id);
    if (!this.dispatcher) throw new FleetError('internal', 'Alerts are not started');
    const delivery = await this.dispatcher.test(channel, (deliveryId, at) => testPayload(deliveryId, at, channel.name));
    return publicDelivery(delivery);
  }

  rules(): AlertRule[] {
    return this.store.rules();
  }

  createRule(rule: NewAlertRule): AlertRule {
    if (!this.store.channel(rule.channelId)) throw new FleetError('bad_request', `channel_id: no alert channel '${rule.channelId}'`);
    const created = this.store.insertRule(rule, this.options.clock.now());
    this.outbox.reload();
    return created;
  }

  /** Deletes the rule, and the changes it held in the outbox not yet sent. */
  deleteRule(id: string): AlertRule {
    const rule = this.store.rule(id);
    if (!rule) throw new FleetError('not_found', `No alert rule '${id}'`);
    this.store.deleteRule(id);
    this.outbox.reload();
    return rule;
  }

  /** The newest `limit` deliveries, newest first. */
  deliveries(limit = DEFAULT_DELIVERY_PAGE): AlertDelivery[] {
    return this.store.deliveries(limit).map(publicDelivery);
  }

  /** Resolves once no attempt is under way (tests, a clean stop). */
  settled(): Promise<void> {
    return this.dispatcher?.settled() ?? Promise.resolve();
  }

  dispose(): void {
    this.owned.dispose();
  }
}

const channelNotFound = (id: string) => new FleetError('not_found', `No alert channel '${id}'`);
