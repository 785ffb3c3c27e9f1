import { MAX_WAITING_MESSAGE, type Agent, type AgentChange, type Labels, type StatusEvent, type Waiting } from '../../shared/agent';
import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/disposable';
import { Emitter, type Event } from '../../shared/emitter';
import { AgentNotFoundError, InvalidTransitionError, RecoveryTooFarError, TooManyAgentsError } from '../../shared/errors';
import { isBeyondHorizon } from '../../shared/recovery-horizon';
import { applyOperation, canApply, type StatusOperation } from '../../shared/state-machine';
import {
  AGENT_STATUSES,
  type AgentStatus,
  type EventCause,
  type ExhaustReason,
  type RecoverySource,
  type SlotType,
  type WaitingKind,
} from '../../shared/status';
import { EMPTY_USAGE, sameUsage, type Usage } from '../../shared/usage';
import { AgentRepository } from './store/agent-repository';
import { EventRepository } from './store/event-repository';
import type { SqliteDatabase } from './store/open-database';
import type { Statement, Transaction } from 'better-sqlite3';
import { CommitGroup, type Outcome } from './commit-group';
import { PendingBeats } from './pending-beats';
import type { TimeoutHost } from './push-batcher';
import { DEFAULT_LIMITS } from '../../shared/fleet-api';
import { AgentJsonList } from './agent-json-list';
import { WireAgentCache, wireAgentText, type JsonSlice } from './wire-agent-cache';

/** What an agent may say about itself alongside any call. */
export interface AgentProfile {
  readonly name?: string | undefined;
  readonly labels?: Labels | undefined;
  /** Replaces the agent's usage windows when given. */
  readonly usage?: Usage | undefined;
}

/** An exhaustion as reported: the reason, and what is known of when it ends. */
export interface ExhaustionReport {
  readonly reason: ExhaustReason;
  /** Epoch ms; absent or null means the default recovery delay. */
  readonly recoveryAt?: number | null | undefined;
  /** Where `recoveryAt` came from (ignored without one: then it is `default`). */
  readonly source?: Exclude<RecoverySource, 'default'> | undefined;
  /** The limit text that said so, if any. */
  readonly excerpt?: string | null | undefined;
}

export interface FleetServiceOptions {
  readonly heartbeatTimeoutMs: number;
  readonly defaultRecoveryMs: number;
  /**
   * Group commit of plain heartbeats: when set, a heartbeat that changes
   * nothing but the time is answered at once and written with the others in
   * one transaction at most `intervalMs` later. Status changes always commit
   * before they return. Unset, every heartbeat commits on its own.
   */
  readonly heartbeatBatching?: { readonly timers: TimeoutHost; readonly intervalMs: number };
  /** Most agents the fleet holds (`FLEET_MAX_AGENTS`); default {@link DEFAULT_LIMITS}. */
  readonly maxAgents?: number | undefined;
  /** How far ahead a recovery time may lie, in seconds (`FLEET_MAX_RECOVERY_S`); default {@link DEFAULT_LIMITS}. */
  readonly maxRecoveryS?: number | undefined;
  /** Told of every status write inside its transaction (the alerts' outbox). */
  readonly outbox?: ChangeOutbox | undefined;
}

/**
 * Told of each status write inside the transaction that writes it, so that
 * what it writes commits or rolls back with the change (the alerts' outbox,
 * issue 15). It must not throw but for a storage failure, which fails the write.
 */
export interface ChangeOutbox {
  record(before: Agent, after: Agent, cause: EventCause, now: number): void;
}

/**
 * What an agent's own tooling reports (a Claude Code hook, a wrapped command):
 * a move it wants where the rules — and `from` — allow it, else a heartbeat;
 * and whether the agent now waits for its operator.
 */
export interface ActivityReport {
  readonly op: StatusOperation;
  /** The statuses the move is wanted from; default: wherever the rules allow it. */
  readonly from?: readonly AgentStatus[] | undefined;
  /** Sets (an object), clears (null) or leaves (undefined) the waiting fact. */
  readonly waiting?: { readonly kind: WaitingKind; readonly message: string; readonly keepMessage?: boolean } | null | undefined;
  readonly profile?: AgentProfile | undefined;
  readonly exhaustion?: ExhaustionReport | undefined;
  /** Further facts for the event's detail (a wrapped command's exit code). */
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
}

/** What one {@link FleetService.settleFutureTimes} call did, and where the next one goes on (null: done). */
export interface SettleResult {
  readonly settled: number;
  readonly next: number | null;
}

/**
 * Agents settled per call: some 40 ms of work when all of them move (a whole
 * fleet beating through a backward jump), so 100,000 agents settle over 50 ticks.
 */
export const SETTLE_BATCH = 2_000;

/** One agent's outcome in a {@link FleetService.bulk} action. */
export type BulkOutcome =
  | { readonly id: string; readonly ok: true; readonly agent: Agent }
  | { readonly id: string; readonly ok: false; readonly error: AgentNotFoundError | InvalidTransitionError };

/** What one sweep did. */
export interface SweepResult {
  readonly wentOffline: number;
  readonly recovered: number;
}

interface Move {
  readonly op: StatusOperation;
  readonly cause: EventCause;
  /** Register the agent when unknown (agent calls) or refuse with not_found (operator calls). */
  readonly register: boolean;
  readonly profile?: AgentProfile | undefined;
  readonly exhaustion?: ExhaustionReport | undefined;
  /** Picks the move from the agent as it is (activity reports); else `op` is the move. */
  readonly resolve?: ((agent: Agent) => StatusOperation) | undefined;
  readonly waiting?: ActivityReport['waiting'];
  readonly detail?: ActivityReport['detail'];
}

/**
 * The fleet's one authority on agent status. Every change runs the shared
 * state machine, writes the agent row and its history row in one transaction,
 * and only after the commit is announced on {@link FleetService.onDidChange}.
 */
export class FleetService implements Disposable {
  private readonly agents: AgentRepository;
  private readonly events: EventRepository;
  private readonly changeEmitter = new Emitter<readonly AgentChange[]>();
  /** One transaction function for every commit (better-sqlite3 builds a wrapper per db.transaction() call). */
  private readonly transaction: Transaction<(work: () => unknown) => unknown>;
  private readonly begin: Statement;
  private readonly commitStmt: Statement;
  private readonly rollback: Statement;
  /** Set while {@link runGrouped} runs its tasks. */
  private group: CommitGroup | undefined;
  /** Heartbeats answered but not yet written (the group commit). */
  private readonly beats: PendingBeats;
  /**
   * Agents as last committed, so a steady stream of beats and status changes
   * reads no rows: set after each commit, from what it wrote. A write drops
   * its agent first (a rolled-back write then costs a miss, never a stale
   * answer). As large as the fleet, like the table.
   */
  private readonly beatCache = new Map<string, Agent>();
  /** Each agent's JSON as committed, for list reads; the repository drops an agent's at each write of its row. */
  private readonly wire = new WireAgentCache();
  /** The list reads' JSON, from the cache. */
  private readonly jsonList: AgentJsonList;
  /**
   * The agents in the table, so that a registration needs no `count(*)` over
   * the whole fleet: counted at start, one more for each registration written,
   * and counted again (lazily, when undefined) after anything that may have
   * taken rows away — a removal, a rolled-back or lost transaction.
   */
  private agentCount: number | undefined;

  /** Fires after each commit with the changes it made, in order. */
  readonly onDidChange: Event<readonly AgentChange[]> = this.changeEmitter.event;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    readonly options: FleetServiceOptions,
  ) {
    this.agents = new AgentRepository(db, this.wire);
    this.events = new EventRepository(db);
    this.transaction = db.transaction((work: () => unknown) => work());
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStmt = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.agentCount = this.agents.count();
    this.beats = new PendingBeats(options.heartbeatBatching, () => this.flushHeartbeats());
    this.jsonList = new AgentJsonList(this.agents, this.wire, (id) => this.beats.get(id));
  }

  /**
   * Runs `tasks` (the writes that arrived together, say in one event-loop
   * turn) so that their commits share one transaction: each commit a
   * savepoint in it, the transaction committed once at the end, and only then
   * are the changes announced — so every task's outcome, returned only after
   * the COMMIT, still means "committed". A task that fails rolls back its own
   * savepoint alone. When the transaction is lost (SQLite rolls a whole
   * transaction back on some errors, or the COMMIT fails), every task that
   * committed into it fails with that error, and their heartbeats are pending
   * again; the tasks after it start a new one. A task that commits nothing (a
   * plain heartbeat) opens no transaction.
   */
  runGrouped<T>(tasks: readonly (() => T)[]): Outcome<T>[] {
    if (this.group) throw new Error('runGrouped is not reentrant');
    const group = (this.group = new CommitGroup());
    const outcomes: Outcome<T>[] = [];
    /** The heartbeats the lost transaction had written are pending again (a newer beat since wins). */
    const restoreBeats = () => {
      this.beats.restore(group.beats);
      for (const change of group.changes) if (change.type === 'upsert') this.beatCache.delete(change.agent.id);
    };
    const lose = (error: unknown) => {
      for (const i of group.members) outcomes[i] = { ok: false, error };
      restoreBeats();
      this.agentCount = undefined;
      // As after a failed group commit: heartbeats commit before their reply until a write works.
      this.beats.failing = true;
      group.reset();
    };
    let settled = false;
    try {
      tasks.forEach((task, i) => {
        group.current = i;
        try {
          outcomes.push({ ok: true, value: task() });
        } catch (error) {
          outcomes.push({ ok: false, error });
          if (group.open && !this.db.inTransaction) lose(error);
        }
      });
      if (group.open) {
        try {
          this.commitStmt.run();
        } catch (error) {
          if (this.db.inTransaction) this.rollback.run();
          lose(error);
        }
      }
      settled = true;
    } finally {
      this.group = undefined;
      if (!settled) {
        // Something threw outside a task (a failed ROLLBACK): nothing of the group stands.
        if (this.db.inTransaction) this.rollback.run();
        restoreBeats();
        this.agentCount = undefined;
      }
    }
    if (group.changes.length > 0) this.committed(group.changes, group.beats.size > 0);
    return outcomes;
  }

  /** Records a heartbeat; registers an unknown agent as idle; brings an offline one back to idle. */
  recordHeartbeat(id: string, profile?: AgentProfile): Agent {
    return this.plainHeartbeat(id, profile) ?? this.move(id, { op: { kind: 'heartbeat' }, cause: 'agent', register: true, profile });
  }

  /**
   * The heartbeat's group-committed path alone: the agent as answered when
   * the beat moves nothing but the time (and the usage windows) of a known
   * agent, and is held for the group commit; undefined when it has to commit
   * now (a registration, offline → idle, a new name or labels, or while group
   * writes fail). The port answers such a beat at once, outside any batch.
   */
  plainHeartbeat(id: string, profile?: AgentProfile): Agent | undefined {
    // Inside a group's open transaction a beat would read what may yet be rolled back:
    // it commits as one of the group's writes instead, and fails with it.
    if (!this.beats.holding || this.group?.open) return undefined;
    const known = this.find(id);
    if (!known || !sameProfile(known, profile)) return undefined;
    // The rules decide, as for every move: only a beat that moves nothing but the time
    // (and the usage windows) waits (agents often resend the same name and labels);
    // offline → idle commits now. The group commit writes last_heartbeat and usage.
    const { agent: beat, statusChanged, recorded } = applyOperation(known, { kind: 'heartbeat' }, this.clock.now(), this.options);
    if (statusChanged || recorded) return undefined;
    const usageMoved = profile?.usage !== undefined && !sameUsage(profile.usage, known.usage);
    const seen = { ...beat, lastSeen: beat.lastHeartbeat! };
    const next = usageMoved ? { ...seen, usage: profile.usage! } : seen;
    this.beats.hold(next, usageMoved);
    return next;
  }

  /** Writes the pending heartbeats in one transaction, then tells listeners. */
  flushHeartbeats(): void {
    this.commit(() => undefined);
  }

  /**
   * Runs `work` in one write transaction that first writes the pending
   * heartbeats (so every write sees them, and the sweeper counts them), then
   * tells listeners what was committed. If the transaction fails, the pending
   * heartbeats stay pending for the next try.
   */
  private commit<T>(work: (changes: AgentChange[]) => T): T {
    const changes: AgentChange[] = [];
    const beats = this.beats.pending();
    const group = this.group;
    if (group && !group.open) {
      this.begin.run();
      group.open = true;
    }
    const run = () => {
      for (const { agent, usage } of beats.values()) {
        // The cache holds the agent as last committed, older than this beat: until the
        // COMMIT, reads go to the row (in a group the beat is no longer pending).
        this.beatCache.delete(agent.id);
        if (usage) this.agents.touchHeartbeatAndUsage(agent.id, agent.lastHeartbeat!, agent.usage);
        else this.agents.touchHeartbeat(agent.id, agent.lastHeartbeat!);
        changes.push({ type: 'upsert', agent, event: null });
      }
      return work(changes);
    };
    let result: T;
    try {
      // In a group the transaction is open, and this call is a savepoint in it.
      result = (group ? this.transaction(run) : this.transaction.immediate(run)) as T;
    } catch (error) {
      // Rolled back: a registration it counted is gone (a refused one counted nothing).
      if (!(error instanceof TooManyAgentsError)) this.agentCount = undefined;
      throw error;
    }
    const wroteBeats = beats.size > 0;
    this.beats.taken();
    if (!group) {
      this.committed(changes, wroteBeats);
      return result;
    }
    group.members.add(group.current);
    group.changes.push(...changes);
    for (const [id, beat] of beats) group.beats.set(id, beat);
    return result;
  }

  /** After a COMMIT: the cache holds what was written, the beat timer stops if nothing is pending, listeners are told. */
  private committed(changes: readonly AgentChange[], wroteBeats: boolean): void {
    this.beats.committed(wroteBeats);
    // In commit order: a later write of an agent wins.
    for (const change of changes) {
      if (change.type === 'upsert') this.beatCache.set(change.agent.id, change.agent);
      else this.beatCache.delete(change.agentId);
    }
    if (changes.length > 0) this.changeEmitter.fire(changes);
  }

  /** The agent reports it was woken by a slot: idle → busy (`work`) or on_call (`on_call`). */
  reportBusy(id: string, slotType: SlotType, profile?: AgentProfile): Agent {
    return this.move(id, { op: { kind: 'busy', slotType }, cause: 'agent', register: true, profile });
  }

  /**
   * The agent reports its task ended. From an unknown agent this is simply its
   * registration (it starts idle), not a refused idle → idle move.
   */
  reportIdle(id: string, profile?: AgentProfile, detail?: Readonly<Record<string, unknown>>): Agent {
    if (!this.find(id)) return this.recordHeartbeat(id, profile);
    return this.move(id, { op: { kind: 'idle' }, cause: 'agent', register: true, profile, detail });
  }

  /** The agent hit a quota, rate limit or billing error. Without a recovery time it is now + the default recovery. */
  reportExhausted(id: string, report: ExhaustionReport, profile?: AgentProfile): Agent {
    return this.move(id, { op: exhaustOp(report), cause: 'agent', register: true, profile, exhaustion: report });
  }

  /**
   * The agent's tooling reports activity: the wanted move where it is allowed,
   * else a heartbeat (never a refusal), and the waiting fact. A report that
   * comes down to a plain heartbeat rides the group commit like any other.
   */
  reportActivity(id: string, report: ActivityReport): Agent {
    const known = this.find(id);
    if (known && comesToHeartbeat(known, report)) return this.recordHeartbeat(id, report.profile);
    return this.move(id, {
      op: report.op,
      resolve: (agent) => activityMove(agent, report),
      cause: 'agent',
      register: true,
      profile: report.profile,
      exhaustion: report.exhaustion,
      waiting: report.waiting,
      detail: report.detail,
    });
  }

  /**
   * {@link reportActivity} when it needs no commit (it comes down to a plain
   * heartbeat the group commit takes): the agent as answered; else undefined,
   * and nothing was done. The port answers such a hook at once, outside any batch.
   */
  activityAtOnce(id: string, report: ActivityReport): Agent | undefined {
    const known = this.find(id);
    return known && comesToHeartbeat(known, report) ? this.plainHeartbeat(id, report.profile) : undefined;
  }

  /** The agent shuts down cleanly: offline now (a no-op when offline). */
  reportOffline(id: string, detail?: Readonly<Record<string, unknown>>): Agent {
    return this.move(id, { op: { kind: 'offline' }, cause: 'agent', register: true, detail });
  }

  /** The operator forces a known agent exhausted. */
  forceExhaust(id: string, report: ExhaustionReport): Agent {
    return this.move(id, { op: exhaustOp(report), cause: 'operator', register: false, exhaustion: report });
  }

  /** The operator brings a known agent back to idle. */
  recover(id: string): Agent {
    return this.move(id, { op: { kind: 'idle' }, cause: 'operator', register: false });
  }

  /**
   * Runs `act` for each id, in order, in one transaction: each a savepoint,
   * so an agent the rules refuse, or an unknown one, writes nothing and is
   * reported, and the rest commit together, announced once after the COMMIT
   * (a bulk action). Inside the port's batch of writes the batch's
   * transaction is that one. Check what is the same for every agent (the
   * recovery horizon) before: any other failure (the store's) rolls the
   * whole transaction back — in the port's batch, the batch's other writes
   * with it, which then fail too — so no part of the action stands. An id
   * named twice is acted on, and reported, once.
   */
  bulk(ids: readonly string[], act: (id: string) => Agent): BulkOutcome[] {
    const run = () =>
      [...new Set(ids)].map((id): BulkOutcome => {
        try {
          return { id, ok: true, agent: act(id) };
        } catch (error) {
          if (error instanceof AgentNotFoundError || error instanceof InvalidTransitionError) return { id, ok: false, error };
          // The agents before it committed into this transaction: none of them may stand.
          if (this.db.inTransaction) this.rollback.run();
          throw error;
        }
      });
    if (this.group) return run();
    const [outcome] = this.runGrouped([run]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.value;
  }

  /** Deletes an agent and its history; returns the agent as it was. */
  forget(id: string): Agent {
    const agent = this.commit((changes) => {
      const existing = this.agents.get(id);
      this.beatCache.delete(id);
      if (existing) this.remove(id, changes);
      return existing;
    });
    if (!agent) throw new AgentNotFoundError(id);
    return agent;
  }

  /*
   * Retention (see retention.ts): each write is one bounded transaction through
   * `commit`, never inside a group (a lost group would take the deletes back
   * after retention counted them), writing the pending heartbeats first and
   * announcing what it removed like any write.
   */

  /**
   * Forgets up to `limit` agents offline since before `cutoff` (epoch ms),
   * longest offline first: each deleted with its history and announced as a
   * `removed` change, exactly as {@link forget}. Returns them as they were.
   */
  forgetOfflineSince(cutoff: number, limit: number): Agent[] {
    return this.retentionCommit((changes) => {
      // Read after the pending heartbeats were written; an offline agent has none
      // (its first beat moves it to idle and commits at once), and the commit leaves none.
      const gone = this.agents.offlineSince(cutoff, limit);
      for (const agent of gone) this.remove(agent.id, changes);
      return gone;
    });
  }

  /** Deletes up to `limit` status events older than `cutoff` (epoch ms), oldest first; returns whose each one was. */
  pruneHistoryBefore(cutoff: number, limit: number): string[] {
    return this.retentionCommit(() => this.events.deleteBefore(cutoff, limit));
  }

  /** Deletes, in one transaction, each listed agent's `n` oldest events; returns how many went for each. */
  pruneOldestHistory(excess: readonly (readonly [agentId: string, n: number])[]): number[] {
    return this.retentionCommit(() => excess.map(([id, n]) => this.events.deleteOldest(id, n)));
  }

  /** How many status events each agent has (walks them: retention's first count of an agent). */
  historyCounts(ids: readonly string[]): number[] {
    return ids.map((id) => this.events.count(id));
  }

  /** Up to `limit` agent ids after `cursor` in the database's id order ('' starts): retention's walk over every agent. */
  agentIdsAfter(cursor: string, limit: number): string[] {
    return this.agents.idsAfter(cursor, limit);
  }

  /**
   * Gives up to `pages` free pages back to the file system (`PRAGMA
   * incremental_vacuum`; a no-op unless the file is in incremental mode).
   * Returns by how many pages the file shrank and how many free pages are left.
   */
  reclaimSpace(pages: number): { shrunk: number; free: number } {
    if (!Number.isSafeInteger(pages) || pages < 1) throw new RangeError(`pages must be a positive integer, got ${pages}`);
    return this.retentionCommit(() => {
      const before = this.pageCount('page_count');
      this.db.exec(`PRAGMA incremental_vacuum(${pages})`);
      return { shrunk: before - this.pageCount('page_count'), free: this.pageCount('freelist_count') };
    });
  }

  private pageCount(pragma: 'page_count' | 'freelist_count'): number {
    return this.db.pragma(pragma, { simple: true }) as number;
  }

  private retentionCommit<T>(work: (changes: AgentChange[]) => T): T {
    if (this.group) throw new Error('retention must not run inside runGrouped');
    return this.commit(work);
  }

  /** Every agent, ordered by id (heartbeats not yet written included). */
  list(): Agent[] {
    const rows = this.agents.list();
    return this.beats.size === 0 ? rows : rows.map((row) => this.beats.get(row.id) ?? row);
  }

  /**
   * Up to `limit` agents whose id sorts after `after` ('' starts at the
   * first), ordered by id (heartbeats not yet written included): one slice
   * of {@link list}, for reads that must not hold the event loop for the
   * whole fleet.
   */
  listPage(after: string, limit: number): Agent[] {
    const rows = this.agents.page(after, limit);
    return this.beats.size === 0 ? rows : rows.map((row) => this.beats.get(row.id) ?? row);
  }

  /**
   * {@link listPage} as the API's JSON, one text per agent, byte for byte
   * the JSON of the agents it gives: from the list reads' cache
   * ({@link AgentJsonList}), or, inside a transaction, made afresh.
   */
  listJsonPage(after: string, limit: number): JsonSlice {
    if (this.db.inTransaction) {
      // A row may yet roll back: read it as it stands, keep nothing.
      const agents = this.listPage(after, limit).map(wireAgentText);
      return { agents, made: agents.length };
    }
    return this.jsonList.page(after, limit);
  }

  /** How many agents' JSON the list reads' cache holds: at most one per agent in the fleet. */
  get cachedJsonCount(): number {
    return this.wire.size;
  }

  count(): number {
    return this.agents.count();
  }

  /** The number of agents in each status, zeros included. */
  countByStatus(): Record<AgentStatus, number> {
    const found = this.agents.countByStatus();
    return Object.fromEntries(AGENT_STATUSES.map((s) => [s, found[s] ?? 0])) as Record<AgentStatus, number>;
  }

  /** The agent, or undefined when there is none (the heartbeat cache first: no read for an agent that beats). */
  find(id: string): Agent | undefined {
    return this.beats.get(id) ?? this.beatCache.get(id) ?? this.agents.get(id);
  }

  /** The agent, or throws {@link AgentNotFoundError}. */
  get(id: string): Agent {
    const agent = this.beats.get(id) ?? this.agents.get(id);
    if (!agent) throw new AgentNotFoundError(id);
    return agent;
  }

  /** The agent's last `limit` status events, newest first. */
  history(id: string, limit = 100): StatusEvent[] {
    this.get(id);
    return this.events.history(id, limit);
  }

  /**
   * One sweep, in one transaction: agents not offline whose last heartbeat is
   * before `heartbeatCutoff` (from the rules' `heartbeatCutoff`) go offline
   * (skipped when the cutoff is null, i.e.
   * everyone is still within a grace period), then exhausted agents whose
   * recovery time has come go back to idle. Only due agents are read, through
   * the partial indexes.
   */
  sweep(heartbeatCutoff: number | null): SweepResult {
    const now = this.clock.now();
    // Pending heartbeats are written first (by commit): a beat already answered counts against the timeout.
    return this.commit((changes) => {
      let wentOffline = 0;
      let recovered = 0;
      if (heartbeatCutoff !== null) {
        for (const agent of this.agents.heartbeatDue(heartbeatCutoff, Number.MAX_SAFE_INTEGER)) {
          changes.push(this.write(agent, { kind: 'offline' }, 'sweeper', now));
          wentOffline++;
        }
      }
      for (const agent of this.agents.recoveryDue(now, Number.MAX_SAFE_INTEGER)) {
        changes.push(this.write(agent, { kind: 'idle' }, 'recovery', now));
        recovered++;
      }
      return { wentOffline, recovered };
    });
  }

  /**
   * After the wall clock went back (or at start, when it may have gone back
   * while we were down): every time recorded as past but now ahead of the
   * clock — last heartbeat, status since, exhausted at, created at, a waiting
   * fact's since — becomes now, so an agent's silence counts from now instead
   * of waiting for the clock to catch up. Recovery times are targets and stay.
   * At most `limit` agents per call, from `cursor` on (0: the first), so a
   * large fleet is settled over several calls without holding the loop up;
   * `next` is where to go on, null when done. Pending heartbeats are written
   * first (by commit) and settled with the rest; each agent moved is
   * announced once, as settled, and so cached.
   */
  settleFutureTimes(cursor = 0, limit = SETTLE_BATCH): SettleResult {
    const now = this.clock.now();
    return this.commit((changes) => {
      const { agents, next } = this.agents.settleFutureTimes(now, cursor, limit);
      const settled = new Map(agents.map((agent) => [agent.id, agent]));
      // A pending beat just written with a future time is announced as settled instead.
      let kept = 0;
      for (const change of changes) if (change.type !== 'upsert' || !settled.has(change.agent.id)) changes[kept++] = change;
      changes.length = kept;
      for (const agent of agents) {
        this.beatCache.delete(agent.id);
        changes.push({ type: 'upsert', agent, event: null });
      }
      // History too, a batch alongside; once every agent is settled, past every rowid (nothing
      // left to scan there) until no event is left ahead of the clock either.
      const eventsLeft = this.events.settleFutureTimes(now, limit) === limit;
      return { settled: agents.length, next: next ?? (eventsLeft ? Number.MAX_SAFE_INTEGER : null) };
    });
  }

  /** Writes any pending heartbeats (so a clean stop loses none), then stops telling. */
  dispose(): void {
    if (this.db.open) this.flushHeartbeats();
    this.changeEmitter.dispose();
  }

  private move(id: string, move: Move): Agent {
    const now = this.clock.now();
    let refusal: InvalidTransitionError | undefined;
    const result = this.commit((changes) => {
      // The pending beats were just written, so this is the row as it stands.
      let agent = this.find(id);
      let registered = false;
      if (!agent) {
        if (!move.register) throw new AgentNotFoundError(id);
        agent = this.register(id, now, move.profile);
        registered = true;
      }
      // The row as it stands, before the report's profile is taken in: what the write changes it from.
      const stored = agent;
      if (!registered && move.profile && (move.profile.name !== undefined || move.profile.labels !== undefined || move.profile.usage !== undefined)) {
        const { name, labels, usage } = move.profile;
        agent = { ...agent, name: name ?? agent.name, labels: labels ?? agent.labels, usage: usage ?? agent.usage };
      }
      try {
        const change = this.write(agent, move.resolve ? move.resolve(agent) : move.op, move.cause, now, move, stored);
        changes.push(change);
        return change.agent;
      } catch (error) {
        if (!(error instanceof InvalidTransitionError)) throw error;
        // A refused move wrote nothing; what came before it (a fresh registration,
        // pending heartbeats) is committed all the same, then the refusal reported.
        refusal = error;
        if (registered) changes.push({ type: 'upsert', agent, event: null });
        return agent;
      }
    });
    if (refusal) throw refusal;
    return result;
  }

  /**
   * Applies `op` to `agent` and writes the row and, if it is history, the event. Inside a transaction.
   * The exhaustion's provenance (source, excerpt) is set by an exhaustion and, as the contract
   * says, null whenever the agent is not exhausted (an exhausted agent gone offline keeps its
   * `recovery_at`, as the reference does, but not the source).
   */
  private write(
    agent: Agent,
    op: StatusOperation,
    cause: EventCause,
    now: number,
    facts: Pick<Move, 'exhaustion' | 'waiting' | 'detail'> = {},
    /** The agent's row as it stands, when `agent` carries a report's profile not yet written. */
    stored: Agent = agent,
  ): AgentChange & { type: 'upsert' } {
    const { exhaustion } = facts;
    const bounded = op.kind === 'exhausted' ? this.withinHorizon(op, exhaustion, now) : op;
    const { agent: moved, statusChanged, recorded } = applyOperation(agent, bounded, now, this.options);
    const provenance: Partial<Pick<Agent, 'recoverySource' | 'exhaustExcerpt'>> =
      op.kind === 'exhausted'
        ? { recoverySource: op.recoveryAt == null ? 'default' : (exhaustion?.source ?? 'given'), exhaustExcerpt: exhaustion?.excerpt ?? null }
        : moved.status !== 'exhausted'
          ? { recoverySource: null, exhaustExcerpt: null }
          : {};
    const next: Agent = {
      ...moved,
      ...provenance,
      waiting: nextWaiting(statusChanged ? null : agent.waiting, facts.waiting, now),
      ...(statusChanged ? { statusSince: now } : {}),
      // The rules set last_heartbeat as the reference does (a recovery too); only the agent's own calls are its sign of life.
      lastSeen: cause === 'agent' ? now : agent.lastSeen,
    };
    this.beatCache.delete(next.id);
    this.agents.update(stored, next);
    this.options.outbox?.record(agent, next, cause, now);
    const event = recorded
      ? this.events.append({ agentId: next.id, from: agent.status, to: next.status, cause, at: now, detail: withFacts(detailOf(op, next), facts.detail) })
      : null;
    return { type: 'upsert', agent: next, event };
  }

  /** Throws {@link RecoveryTooFarError} when the report gives a recovery time beyond the horizon (a bulk exhaust checks once, before any agent). */
  checkRecoveryHorizon(report: ExhaustionReport): void {
    this.withinHorizon(exhaustOp(report) as StatusOperation & { kind: 'exhausted' }, report, this.clock.now());
  }

  /**
   * The exhaustion with its recovery time within the horizon: a time given
   * beyond it (an agent's or operator's `recovery_at`) is refused; one read
   * from a provider's headers or text is clamped to it (the provider said so,
   * the agent did not choose it).
   */
  private withinHorizon(op: StatusOperation & { kind: 'exhausted' }, exhaustion: ExhaustionReport | undefined, now: number): StatusOperation {
    const maxRecoveryS = this.options.maxRecoveryS ?? DEFAULT_LIMITS.maxRecoveryS;
    if (op.recoveryAt == null || !isBeyondHorizon(op.recoveryAt, now, maxRecoveryS)) return op;
    if ((exhaustion?.source ?? 'given') === 'given') throw new RecoveryTooFarError(maxRecoveryS);
    return { ...op, recoveryAt: now + maxRecoveryS * 1000 };
  }

  /** Deletes an agent's row (and, by cascade, its history) inside a commit; the count is read again when next needed. */
  private remove(id: string, changes: AgentChange[]): void {
    this.beatCache.delete(id);
    this.agents.delete(id);
    changes.push({ type: 'removed', agentId: id });
    this.agentCount = undefined;
  }

  /** Writes a new agent, if the fleet has room for it (else {@link TooManyAgentsError}, nothing written). */
  private register(id: string, now: number, profile: AgentProfile | undefined): Agent {
    const maxAgents = this.options.maxAgents ?? DEFAULT_LIMITS.maxAgents;
    const count = (this.agentCount ??= this.agents.count());
    if (count >= maxAgents) throw new TooManyAgentsError(id, maxAgents);
    const agent: Agent = {
      id,
      name: profile?.name ?? null,
      labels: profile?.labels ?? {},
      status: 'idle',
      statusSince: now,
      lastHeartbeat: now,
      exhaustedAt: null,
      recoveryAt: null,
      exhaustReason: null,
      createdAt: now,
      recoverySource: null,
      exhaustExcerpt: null,
      usage: profile?.usage ?? EMPTY_USAGE,
      waiting: null,
      lastSeen: now,
    };
    this.agents.save(agent);
    this.agentCount = count + 1;
    return agent;
  }
}

/** What history keeps of a move besides from/to; times as RFC 3339 for readers of the raw table too. */
function detailOf(op: StatusOperation, next: Agent): Record<string, unknown> | null {
  switch (op.kind) {
    case 'busy':
      return { slot_type: op.slotType };
    case 'exhausted':
      return {
        reason: op.reason,
        recovery_at: next.recoveryAt === null ? null : new Date(next.recoveryAt).toISOString(),
        recovery_source: next.recoverySource,
        excerpt: next.exhaustExcerpt,
      };
    case 'idle':
    case 'offline':
    case 'heartbeat':
      return null;
  }
}

/** The waiting fact after a write: `kept` (null after a status move), then what the report says; the same kind keeps its `since`. */
function nextWaiting(kept: Waiting | null, wanted: ActivityReport['waiting'], now: number): Waiting | null {
  if (wanted === undefined) return kept;
  if (wanted === null) return null;
  const same = kept?.kind === wanted.kind;
  // `keepMessage`: a later, vaguer word on the same wait keeps what was first said.
  const message = same && wanted.keepMessage ? kept!.message : wanted.message.slice(0, MAX_WAITING_MESSAGE);
  return { kind: wanted.kind, message, since: same ? kept!.since : now };
}

function withFacts(detail: Record<string, unknown> | null, facts: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | null {
  return facts === undefined ? detail : { ...detail, ...facts };
}

function exhaustOp(report: ExhaustionReport): StatusOperation {
  return { kind: 'exhausted', reason: report.reason, recoveryAt: report.recoveryAt ?? null };
}

/** The move an activity report makes of `agent`: the wanted one where the rules (and `from`) allow it, else a heartbeat. */
function activityMove(agent: Agent, report: ActivityReport): StatusOperation {
  const allowed = canApply(agent.status, report.op.kind) && (report.from?.includes(agent.status) ?? true);
  return allowed ? report.op : { kind: 'heartbeat' };
}

/** Whether an activity report is, for `agent`, nothing but a heartbeat: no move, the waiting fact as it is, no detail. */
function comesToHeartbeat(agent: Agent, report: ActivityReport): boolean {
  const waitingStays = report.waiting === undefined || (report.waiting === null && agent.waiting === null);
  return activityMove(agent, report).kind === 'heartbeat' && waitingStays && !report.detail;
}

/** Whether `profile` leaves the agent's name and labels as they are (usage may move: it rides the group commit). */
function sameProfile(agent: Agent, profile: AgentProfile | undefined): boolean {
  if (profile?.name !== undefined && profile.name !== agent.name) return false;
  if (profile?.labels === undefined) return true;
  // Key by key, with no array of entries and no closure made: this runs on every heartbeat.
  const keys = Object.keys(profile.labels);
  if (keys.length !== Object.keys(agent.labels).length) return false;
  for (const key of keys) if (agent.labels[key] !== profile.labels[key]) return false;
  return true;
}
