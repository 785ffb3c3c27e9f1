import { randomBytes } from 'node:crypto';
import type { Labels } from '../../../shared/agent';
import {
  DEFAULT_COALESCE_S,
  type AlertChannel,
  type AlertChannelKind,
  type AlertDelivery,
  type AlertRule,
  type AlertTrigger,
  type DeliveryState,
  type NewAlertChannel,
  type NewAlertRule,
} from '../../../shared/alerts';
import type { AgentStatus } from '../../../shared/status';
import type { SqliteDatabase } from '../store/open-database';

/** A change waiting in the outbox for its rule's window to close. */
export interface OutboxChange {
  readonly id: number;
  readonly ruleId: string;
  readonly trigger: AlertTrigger;
  readonly agentId: string;
  /** The agent as it was written (its JSON on the port). */
  readonly agentJson: string;
  readonly from: AgentStatus;
  readonly to: AgentStatus;
  /** The event's cause, or `reminder` for a repeat. */
  readonly cause: string;
  readonly at: number;
}

/** One kind of change in a rule's outbox (a trigger, as news or as a reminder). */
export interface OutboxTally {
  readonly trigger: AlertTrigger;
  readonly reminder: boolean;
  readonly changes: number;
  /** Distinct agents among them. */
  readonly agents: number;
  /** The newest change's id. */
  readonly last: number;
}

/** A delivery with what it sends. */
export interface StoredDelivery extends AlertDelivery {
  readonly payload: string;
}

/** A channel with its secret, for sending (never for answering). */
export interface SendableChannel extends AlertChannel {
  readonly secret: string | null;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: AlertChannelKind;
  url: string | null;
  command: string | null;
  secret: string | null;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
}

interface RuleRow {
  id: string;
  channel_id: string;
  triggers: string;
  selector: string | null;
  coalesce_s: number;
  repeat_after_s: number | null;
  created_at: number;
}

interface DeliveryRow {
  id: string;
  channel_id: string;
  rule_id: string | null;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  summary: string;
  payload: string;
  test: number;
  created_at: number;
  next_attempt_at: number | null;
  sent_at: number | null;
}

const toChannel = (row: ChannelRow): SendableChannel => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  url: row.url,
  command: row.command === null ? null : (JSON.parse(row.command) as string[]),
  hasSecret: row.secret !== null,
  secret: row.secret,
  enabled: row.enabled === 1,
  disabledReason: row.disabled_reason,
  createdAt: row.created_at,
});

/** The channel as answered: without its secret. */
export function publicChannel({ secret: _secret, ...channel }: SendableChannel): AlertChannel {
  return channel;
}

const toRule = (row: RuleRow): AlertRule => ({
  id: row.id,
  channelId: row.channel_id,
  on: JSON.parse(row.triggers) as AlertTrigger[],
  selector: row.selector === null ? null : (JSON.parse(row.selector) as Labels),
  coalesceS: row.coalesce_s,
  repeatAfterS: row.repeat_after_s,
  createdAt: row.created_at,
});

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  id: row.id,
  channelId: row.channel_id,
  ruleId: row.rule_id,
  state: row.state,
  attempts: row.attempts,
  lastError: row.last_error,
  summary: row.summary,
  payload: row.payload,
  test: row.test === 1,
  createdAt: row.created_at,
  nextAttemptAt: row.next_attempt_at,
  sentAt: row.sent_at,
});

/** The public delivery, without its payload. */
export function publicDelivery({ payload: _payload, ...delivery }: StoredDelivery): AlertDelivery {
  return delivery;
}

/** A fresh id: a prefix saying what it names, then 96 random bits. */
export const newAlertId = (prefix: 'ch' | 'rl' | 'dl') => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** Finished deliveries kept for the list (pending ones are all kept, up to {@link MAX_PENDING_PER_CHANNEL}). */
export const KEPT_DELIVERIES = 1_000;

/**
 * The alert tables' statements, each prepared once. Callers own the
 * transactions: the outbox writes inside the status change's, the dispatcher
 * in its own.
 */
export class AlertStore {
  private readonly s;

  constructor(private readonly db: SqliteDatabase) {
    this.s = {
      channels: db.prepare<[], ChannelRow>('SELECT * FROM alert_channels ORDER BY created_at, id'),
      channel: db.prepare<[string], ChannelRow>('SELECT * FROM alert_channels WHERE id = ?'),
      insertChannel: db.prepare(
        'INSERT INTO alert_channels (id, name, kind, url, command, secret, enabled, created_at) VALUES (@id, @name, @kind, @url, @command, @secret, 1, @created_at)',
      ),
      deleteChannel: db.prepare('DELETE FROM alert_channels WHERE id = ?'),
      setEnabled: db.prepare('UPDATE alert_channels SET enabled = @enabled, disabled_reason = @reason WHERE id = @id'),
      rules: db.prepare<[], RuleRow>('SELECT * FROM alert_rules ORDER BY created_at, id'),
      rule: db.prepare<[string], RuleRow>('SELECT * FROM alert_rules WHERE id = ?'),
      insertRule: db.prepare(
        'INSERT INTO alert_rules (id, channel_id, triggers, selector, coalesce_s, repeat_after_s, created_at) VALUES (@id, @channel_id, @triggers, @selector, @coalesce_s, @repeat_after_s, @created_at)',
      ),
      deleteRule: db.prepare('DELETE FROM alert_rules WHERE id = ?'),
      insertChange: db.prepare(
        'INSERT INTO alert_changes (rule_id, trigger, agent_id, agent, from_status, to_status, cause, at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      nextChangeDue: db.prepare<[], { due: number | null }>('SELECT min(due_at) AS due FROM alert_changes'),
      // A rule's window closes at its oldest change's due time; all its changes then go together.
      dueRules: db.prepare<[number], { rule_id: string }>('SELECT rule_id FROM alert_changes GROUP BY rule_id HAVING min(due_at) <= ?'),
      // The first `limit` changes of each kind (trigger, reminder or not), so that every kind is shown and named.
      ruleChanges: db.prepare<[string, number], OutboxChangeRow>(
        `SELECT id, rule_id, trigger, agent_id, agent, from_status, to_status, cause, at FROM (
           SELECT *, row_number() OVER (PARTITION BY trigger, cause = 'reminder' ORDER BY id) AS n
           FROM alert_changes WHERE rule_id = ?) WHERE n <= ? ORDER BY id`,
      ),
      ruleTally: db.prepare<[string], { trigger: AlertTrigger; reminder: number; changes: number; agents: number; last: number }>(
        `SELECT trigger, cause = 'reminder' AS reminder, count(*) AS changes, count(DISTINCT agent_id) AS agents, max(id) AS last
         FROM alert_changes WHERE rule_id = ? GROUP BY trigger, reminder`,
      ),
      deleteRuleChanges: db.prepare('DELETE FROM alert_changes WHERE rule_id = ? AND id <= ?'),
      upsertEpisode: db.prepare(
        'INSERT INTO alert_episodes (rule_id, agent_id, status, told_at) VALUES (?, ?, ?, ?) ON CONFLICT (rule_id, agent_id) DO UPDATE SET status = excluded.status, told_at = excluded.told_at',
      ),
      endEpisodes: db.prepare('DELETE FROM alert_episodes WHERE agent_id = ?'),
      episodesDue: db.prepare<[number, number], { rule_id: string; agent_id: string; status: AgentStatus }>(
        `SELECT e.rule_id, e.agent_id, e.status FROM alert_episodes e JOIN alert_rules r ON r.id = e.rule_id
         WHERE r.repeat_after_s IS NOT NULL AND e.told_at + r.repeat_after_s * 1000 <= ? LIMIT ?`,
      ),
      nextEpisodeDue: db.prepare<[], { due: number | null }>(
        'SELECT min(e.told_at + r.repeat_after_s * 1000) AS due FROM alert_episodes e JOIN alert_rules r ON r.id = e.rule_id WHERE r.repeat_after_s IS NOT NULL',
      ),
      tellEpisode: db.prepare('UPDATE alert_episodes SET told_at = ? WHERE rule_id = ? AND agent_id = ?'),
      endEpisode: db.prepare('DELETE FROM alert_episodes WHERE rule_id = ? AND agent_id = ?'),
      insertDelivery: db.prepare(
        `INSERT INTO alert_deliveries (id, channel_id, rule_id, state, attempts, summary, payload, test, created_at, next_attempt_at)
         VALUES (@id, @channel_id, @rule_id, 'pending', 0, @summary, @payload, @test, @created_at, @next_attempt_at)`,
      ),
      delivery: db.prepare<[string], DeliveryRow>('SELECT * FROM alert_deliveries WHERE id = ?'),
      deliveries: db.prepare<[number], DeliveryRow>('SELECT * FROM alert_deliveries ORDER BY seq DESC LIMIT ?'),
      // Channels already at their share of attempts are left out, so they never starve the others.
      dueDeliveries: db.prepare<[number, string, number], DeliveryRow>(
        `SELECT * FROM alert_deliveries WHERE state = 'pending' AND next_attempt_at <= ?
         AND channel_id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, seq LIMIT ?`,
      ),
      nextDeliveryDue: db.prepare<[], { due: number | null }>(`SELECT min(next_attempt_at) AS due FROM alert_deliveries WHERE state = 'pending'`),
      recordAttempt: db.prepare(
        `UPDATE alert_deliveries SET state = @state, attempts = attempts + 1, last_error = @last_error, next_attempt_at = @next_attempt_at, sent_at = @sent_at WHERE id = @id`,
      ),
      lease: db.prepare('UPDATE alert_deliveries SET next_attempt_at = ? WHERE id = ?'),
      failPending: db.prepare(`UPDATE alert_deliveries SET state = 'failed', last_error = ?, next_attempt_at = NULL WHERE channel_id = ? AND state = 'pending'`),
      pendingCount: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM alert_deliveries INDEXED BY alert_deliveries_channel WHERE channel_id = ? AND state = 'pending'`),
      dropOldestPending: db.prepare(
        `UPDATE alert_deliveries SET state = 'failed', last_error = ?, next_attempt_at = NULL WHERE seq = (
           SELECT seq FROM alert_deliveries WHERE channel_id = ? AND state = 'pending' ORDER BY seq LIMIT 1)`,
      ),
      pruneFinished: db.prepare(
        `DELETE FROM alert_deliveries WHERE state <> 'pending' AND seq < (
           SELECT seq FROM alert_deliveries WHERE state <> 'pending' ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
    };
  }

  /** Runs `work` in one transaction of its own. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  channels(): SendableChannel[] {
    return this.s.channels.all().map(toChannel);
  }

  channel(id: string): SendableChannel | undefined {
    const row = this.s.channel.get(id);
    return row && toChannel(row);
  }

  insertChannel(channel: NewAlertChannel, now: number): SendableChannel {
    const id = newAlertId('ch');
    this.s.insertChannel.run({
      id,
      name: channel.name,
      kind: channel.kind,
      url: channel.url ?? null,
      command: channel.command === undefined ? null : JSON.stringify(channel.command),
      secret: channel.secret ?? null,
      created_at: now,
    });
    return this.channel(id)!;
  }

  /** Deletes the channel with its rules, their outbox and its deliveries (by cascade). */
  deleteChannel(id: string): void {
    this.s.deleteChannel.run(id);
  }

  setEnabled(id: string, enabled: boolean, reason: string | null): void {
    this.s.setEnabled.run({ id, enabled: enabled ? 1 : 0, reason });
  }

  rules(): AlertRule[] {
    return this.s.rules.all().map(toRule);
  }

  rule(id: string): AlertRule | undefined {
    const row = this.s.rule.get(id);
    return row && toRule(row);
  }

  insertRule(rule: NewAlertRule, now: number): AlertRule {
    const id = newAlertId('rl');
    this.s.insertRule.run({
      id,
      channel_id: rule.channelId,
      triggers: JSON.stringify(rule.on),
      selector: rule.selector === undefined ? null : JSON.stringify(rule.selector),
      coalesce_s: rule.coalesceS ?? DEFAULT_COALESCE_S,
      repeat_after_s: rule.repeatAfterS ?? null,
      created_at: now,
    });
    return this.rule(id)!;
  }

  deleteRule(id: string): void {
    this.s.deleteRule.run(id);
  }

  insertChange(c: Omit<OutboxChange, 'id'> & { dueAt: number }): void {
    this.s.insertChange.run(c.ruleId, c.trigger, c.agentId, c.agentJson, c.from, c.to, c.cause, c.at, c.dueAt);
  }

  nextChangeDue(): number | null {
    return this.s.nextChangeDue.get()!.due;
  }

  dueRules(now: number): string[] {
    return this.s.dueRules.all(now).map((row) => row.rule_id);
  }

  /** The rule's first `limit` changes of each kind in the outbox, oldest first. */
  ruleChanges(ruleId: string, limit: number): OutboxChange[] {
    return this.s.ruleChanges.all(ruleId, limit).map(toOutboxChange);
  }

  /** What the rule's outbox holds, by kind: how many changes, of how many agents, and the newest one's id. */
  ruleTally(ruleId: string): OutboxTally[] {
    return this.s.ruleTally.all(ruleId).map((row) => ({ trigger: row.trigger, reminder: row.reminder === 1, changes: row.changes, agents: row.agents, last: row.last }));
  }

  deleteRuleChanges(ruleId: string, upTo: number): void {
    this.s.deleteRuleChanges.run(ruleId, upTo);
  }

  upsertEpisode(ruleId: string, agentId: string, status: AgentStatus, toldAt: number): void {
    this.s.upsertEpisode.run(ruleId, agentId, status, toldAt);
  }

  /** The agent moved: whatever it was reminded of is over. */
  endEpisodes(agentId: string): void {
    this.s.endEpisodes.run(agentId);
  }

  episodesDue(now: number, limit: number): { ruleId: string; agentId: string; status: AgentStatus }[] {
    return this.s.episodesDue.all(now, limit).map((row) => ({ ruleId: row.rule_id, agentId: row.agent_id, status: row.status }));
  }

  nextEpisodeDue(): number | null {
    return this.s.nextEpisodeDue.get()!.due;
  }

  tellEpisode(ruleId: string, agentId: string, now: number): void {
    this.s.tellEpisode.run(now, ruleId, agentId);
  }

  endEpisode(ruleId: string, agentId: string): void {
    this.s.endEpisode.run(ruleId, agentId);
  }

  insertDelivery(d: { channelId: string; ruleId: string | null; summary: string; payload: string; test: boolean; id: string; now: number; nextAttemptAt: number | null }): void {
    this.s.insertDelivery.run({
      id: d.id,
      channel_id: d.channelId,
      rule_id: d.ruleId,
      summary: d.summary,
      payload: d.payload,
      test: d.test ? 1 : 0,
      created_at: d.now,
      next_attempt_at: d.nextAttemptAt,
    });
  }

  delivery(id: string): StoredDelivery | undefined {
    const row = this.s.delivery.get(id);
    return row && toDelivery(row);
  }

  deliveries(limit: number): StoredDelivery[] {
    return this.s.deliveries.all(limit).map(toDelivery);
  }

  /** Pending deliveries due by `now`, oldest due first, of channels other than `busyChannels`. */
  dueDeliveries(now: number, busyChannels: readonly string[], limit: number): StoredDelivery[] {
    return this.s.dueDeliveries.all(now, JSON.stringify(busyChannels), limit).map(toDelivery);
  }

  nextDeliveryDue(): number | null {
    return this.s.nextDeliveryDue.get()!.due;
  }

  /** One attempt's outcome: sent, failed for good, or pending again from `nextAttemptAt`. */
  recordAttempt(id: string, outcome: { state: DeliveryState; lastError: string | null; nextAttemptAt: number | null; sentAt: number | null }): void {
    this.s.recordAttempt.run({ id, state: outcome.state, last_error: outcome.lastError, next_attempt_at: outcome.nextAttemptAt, sent_at: outcome.sentAt });
  }

  /** An attempt is under way until `until`: not due before (after a crash, due again from then). */
  lease(id: string, until: number): void {
    this.s.lease.run(until, id);
  }

  /** Every delivery still pending for the channel fails with `reason` (the channel was turned off). */
  failPending(channelId: string, reason: string): void {
    this.s.failPending.run(reason, channelId);
  }

  pendingCount(channelId: string): number {
    return this.s.pendingCount.get(channelId)!.n;
  }

  /** The channel's oldest pending delivery fails with `reason` (too many were pending). */
  dropOldestPending(channelId: string, reason: string): void {
    this.s.dropOldestPending.run(reason, channelId);
  }

  /** Deletes finished deliveries beyond the newest {@link KEPT_DELIVERIES}. */
  pruneFinished(): void {
    this.s.pruneFinished.run(KEPT_DELIVERIES - 1);
  }
}

interface OutboxChangeRow {
  id: number;
  rule_id: string;
  trigger: AlertTrigger;
  agent_id: string;
  agent: string;
  from_status: AgentStatus;
  to_status: AgentStatus;
  cause: string;
  at: number;
}

const toOutboxChange = (row: OutboxChangeRow): OutboxChange => ({
  id: row.id,
  ruleId: row.rule_id,
  trigger: row.trigger,
  agentId: row.agent_id,
  agentJson: row.agent,
  from: row.from_status,
  to: row.to_status,
  cause: row.cause,
  at: row.at,
});
