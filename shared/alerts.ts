/**
 * Alerts that leave the machine (issue 15): channels (where an alert goes),
 * rules (which changes of which agents go to which channel) and deliveries
 * (one message, sent at least once). The domain types, their JSON shapes on
 * the port (snake_case, times RFC 3339) and the conversions between them.
 * This is a contract: add fields, never change or remove them.
 */
import type { Labels } from './agent';
import { toRfc3339 } from './wire';

/** Where an alert can go. `command` runs a local program with the alert JSON on stdin (no shell). */
export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'discord', 'ntfy', 'command'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

/**
 * The changes a rule can alert on: an agent going `offline` or `exhausted`;
 * `recovered`, exhausted back to idle by its recovery time; `online`, offline
 * back to idle; `waiting`, when it starts waiting for its operator.
 */
export const ALERT_TRIGGERS = ['offline', 'exhausted', 'recovered', 'online', 'waiting'] as const;
export type AlertTrigger = (typeof ALERT_TRIGGERS)[number];

/** The triggers a rule's `repeat_after_s` reminds of, while the agent stays so. */
export const REPEATABLE_TRIGGERS = ['offline', 'exhausted'] as const satisfies readonly AlertTrigger[];

export const DELIVERY_STATES = ['pending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A rule's default coalescing window: one message for all matching changes in 10 s. */
export const DEFAULT_COALESCE_S = 10;
/** The longest coalescing window a rule may ask for. */
export const MAX_COALESCE_S = 3_600;
/** Reminders no more often than a minute, no rarer than a week. */
export const MIN_REPEAT_S = 60;
export const MAX_REPEAT_S = 7 * 86_400;
/** How many agents a message names; the rest are counted. */
export const NAMED_AGENTS = 20;

export interface AlertChannel {
  readonly id: string;
  readonly name: string;
  readonly kind: AlertChannelKind;
  /** The receiver's URL (every kind but `command`). */
  readonly url: string | null;
  /** The program and its arguments (`command` only). */
  readonly command: readonly string[] | null;
  /** Whether messages are signed (the secret itself never leaves the core). */
  readonly hasSecret: boolean;
  /** False once the receiver answered 410 Gone (or it was turned off). */
  readonly enabled: boolean;
  /** Why it was turned off, when it was. */
  readonly disabledReason: string | null;
  readonly createdAt: number;
}

export interface NewAlertChannel {
  readonly name: string;
  readonly kind: AlertChannelKind;
  readonly url?: string | undefined;
  readonly command?: readonly string[] | undefined;
  readonly secret?: string | undefined;
}

export interface AlertRule {
  readonly id: string;
  readonly channelId: string;
  readonly on: readonly AlertTrigger[];
  /** Only agents with all these labels; null: every agent. */
  readonly selector: Labels | null;
  readonly coalesceS: number;
  /** Remind every so many seconds while the agent stays offline or exhausted; null: never. */
  readonly repeatAfterS: number | null;
  readonly createdAt: number;
}

export interface NewAlertRule {
  readonly channelId: string;
  readonly on: readonly AlertTrigger[];
  readonly selector?: Labels | undefined;
  readonly coalesceS?: number | undefined;
  readonly repeatAfterS?: number | null | undefined;
}

export interface AlertDelivery {
  /** The same on every attempt: receivers de-duplicate by it. */
  readonly id: string;
  readonly channelId: string;
  /** The rule that made it; null for a channel's test message. */
  readonly ruleId: string | null;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly summary: string;
  readonly createdAt: number;
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: number | null;
  readonly sentAt: number | null;
  /** A channel's "Send test" message. */
  readonly test: boolean;
}

export interface WireAlertChannel {
  id: string;
  name: string;
  kind: AlertChannelKind;
  url: string | null;
  command: readonly string[] | null;
  has_secret: boolean;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: string;
}

export interface WireAlertRule {
  id: string;
  channel_id: string;
  on: readonly AlertTrigger[];
  selector: Labels | null;
  coalesce_s: number;
  repeat_after_s: number | null;
  created_at: string;
}

export interface WireAlertDelivery {
  id: string;
  channel_id: string;
  rule_id: string | null;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  summary: string;
  created_at: string;
  next_attempt_at: string | null;
  sent_at: string | null;
  test: boolean;
}

const time = (ms: number | null) => (ms === null ? null : toRfc3339(ms));
const ms = (text: string | null) => (text === null ? null : Date.parse(text));

export function toWireChannel(c: AlertChannel): WireAlertChannel {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    url: c.url,
    command: c.command,
    has_secret: c.hasSecret,
    enabled: c.enabled,
    disabled_reason: c.disabledReason,
    created_at: toRfc3339(c.createdAt),
  };
}

export function fromWireChannel(w: WireAlertChannel): AlertChannel {
  return {
    id: w.id,
    name: w.name,
    kind: w.kind,
    url: w.url,
    command: w.command,
    hasSecret: w.has_secret,
    enabled: w.enabled,
    disabledReason: w.disabled_reason,
    createdAt: Date.parse(w.created_at),
  };
}

export function toWireRule(r: AlertRule): WireAlertRule {
  return {
    id: r.id,
    channel_id: r.channelId,
    on: r.on,
    selector: r.selector,
    coalesce_s: r.coalesceS,
    repeat_after_s: r.repeatAfterS,
    created_at: toRfc3339(r.createdAt),
  };
}

export function fromWireRule(w: WireAlertRule): AlertRule {
  return {
    id: w.id,
    channelId: w.channel_id,
    on: w.on,
    selector: w.selector,
    coalesceS: w.coalesce_s,
    repeatAfterS: w.repeat_after_s,
    createdAt: Date.parse(w.created_at),
  };
}

export function toWireDelivery(d: AlertDelivery): WireAlertDelivery {
  return {
    id: d.id,
    channel_id: d.channelId,
    rule_id: d.ruleId,
    state: d.state,
    attempts: d.attempts,
    last_error: d.lastError,
    summary: d.summary,
    created_at: toRfc3339(d.createdAt),
    next_attempt_at: time(d.nextAttemptAt),
    sent_at: time(d.sentAt),
    test: d.test,
  };
}

export function fromWireDelivery(w: WireAlertDelivery): AlertDelivery {
  return {
    id: w.id,
    channelId: w.channel_id,
    ruleId: w.rule_id,
    state: w.state,
    attempts: w.attempts,
    lastError: w.last_error,
    summary: w.summary,
    createdAt: Date.parse(w.created_at),
    nextAttemptAt: ms(w.next_attempt_at),
    sentAt: ms(w.sent_at),
    test: w.test,
  };
}

/** The most deliveries one list returns (`GET /v1/alerts/deliveries?limit=`). */
export const MAX_DELIVERY_PAGE = 1_000;
