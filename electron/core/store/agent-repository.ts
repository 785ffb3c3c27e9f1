import type { Agent, Labels, Waiting } from '../../../shared/agent';
import type { AgentStatus, ExhaustReason, RecoverySource } from '../../../shared/status';
import { EMPTY_USAGE, type Usage } from '../../../shared/usage';
import type { SqliteDatabase } from './open-database';
import { RowUpdate } from './row-update';

/** Told of every write of an agent's row the repository makes. */
export interface RowWatcher {
  /** The row was updated. */
  rowChanged(id: string): void;
  /** A row was inserted or deleted: which agents there are may have changed. */
  rowAddedOrRemoved(id: string): void;
}

interface AgentRow {
  id: string;
  name: string | null;
  labels: string;
  status: AgentStatus;
  status_since: number;
  last_heartbeat: number;
  exhausted_at: number | null;
  recovery_at: number | null;
  exhaust_reason: ExhaustReason | null;
  created_at: number;
  recovery_source: RecoverySource | null;
  exhaust_excerpt: string | null;
  usage: string;
  waiting: string | null;
  last_seen: number;
}

const COLUMNS =
  'id, name, labels, status, status_since, last_heartbeat, exhausted_at, recovery_at, exhaust_reason, created_at, recovery_source, exhaust_excerpt, usage, waiting, last_seen';

/** Most agents report no usage: share one parsed empty map rather than parse `{}` per row. */
function parseUsage(text: string): Usage {
  return text === '{}' ? EMPTY_USAGE : (JSON.parse(text) as Usage);
}

function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    name: row.name,
    labels: JSON.parse(row.labels) as Labels,
    status: row.status,
    statusSince: row.status_since,
    lastHeartbeat: row.last_heartbeat,
    exhaustedAt: row.exhausted_at,
    recoveryAt: row.recovery_at,
    exhaustReason: row.exhaust_reason,
    createdAt: row.created_at,
    recoverySource: row.recovery_source,
    exhaustExcerpt: row.exhaust_excerpt,
    usage: parseUsage(row.usage),
    waiting: row.waiting === null ? null : (JSON.parse(row.waiting) as Waiting),
    lastSeen: row.last_seen,
  };
}

function toParams(agent: Agent) {
  if (agent.lastHeartbeat === null) {
    // The service registers every agent with a heartbeat; null here is a bug upstream.
    throw new Error(`Agent '${agent.id}' has no heartbeat time`);
  }
  return {
    id: agent.id,
    name: agent.name,
    labels: JSON.stringify(agent.labels),
    status: agent.status,
    status_since: agent.statusSince,
    last_heartbeat: agent.lastHeartbeat,
    exhausted_at: agent.exhaustedAt,
    recovery_at: agent.recoveryAt,
    exhaust_reason: agent.exhaustReason,
    created_at: agent.createdAt,
    recovery_source: agent.recoverySource,
    exhaust_excerpt: agent.exhaustExcerpt,
    usage: JSON.stringify(agent.usage),
    waiting: agent.waiting === null ? null : JSON.stringify(agent.waiting),
    last_seen: agent.lastSeen,
  };
}

/**
 * The sweeper's two questions. `INDEXED BY` makes SQLite refuse to run them at
 * all rather than fall back to a full scan if the partial index stops fitting.
 * They state the rules of `isHeartbeatOverdue` (with the cutoff from
 * `heartbeatCutoff`) and `isRecoveryDue` in shared/state-machine.ts, which
 * stay the authority: sweep-rule.property.test.ts holds the two equal.
 */
export const HEARTBEAT_DUE_SQL = `SELECT ${COLUMNS} FROM agents INDEXED BY agents_heartbeat_due
  WHERE status <> 'offline' AND last_heartbeat < ? ORDER BY last_heartbeat LIMIT ?`;
export const RECOVERY_DUE_SQL = `SELECT ${COLUMNS} FROM agents INDEXED BY agents_recovery_due
  WHERE status = 'exhausted' AND recovery_at <= ? ORDER BY recovery_at LIMIT ?`;

/**
 * After the wall clock went back, the recorded moments of the past that now lie
 * ahead of `@now` become `@now` (min() keeps a NULL `exhausted_at` NULL), for
 * at most `@limit` agents from rowid `@after` on, in rowid order so the next
 * batch starts where this one ended. Run only at start and after a detected
 * backward jump; batched because a jump can move every agent of a large fleet.
 * Recovery times are targets, not records: they stay.
 */
export const SETTLE_FUTURE_SQL = `UPDATE agents SET
    last_heartbeat = min(last_heartbeat, @now), status_since = min(status_since, @now), last_seen = min(last_seen, @now),
    exhausted_at = min(exhausted_at, @now), created_at = min(created_at, @now),
    waiting = CASE WHEN json_extract(waiting, '$.since') > @now THEN json_set(waiting, '$.since', @now) ELSE waiting END
  WHERE rowid IN (SELECT rowid FROM agents
    WHERE rowid > @after AND (last_heartbeat > @now OR last_seen > @now OR status_since > @now OR exhausted_at > @now OR created_at > @now
      OR json_extract(waiting, '$.since') > @now)
    ORDER BY rowid LIMIT @limit)
  RETURNING rowid AS settled_rowid, ${COLUMNS}`;

/** Retention's question: who has been offline since before the cutoff, longest first (a range over a partial index). */
export const OFFLINE_SINCE_SQL = `SELECT ${COLUMNS} FROM agents INDEXED BY agents_offline_since
  WHERE status = 'offline' AND status_since < ? ORDER BY status_since LIMIT ?`;

/**
 * A keyset page of agents: each one short walk of the primary key, however
 * deep into the fleet it starts. Ids are ASCII (AGENT_ID_PATTERN), so this
 * order is JavaScript's string order too.
 */
const KEYSET_PAGE = 'FROM agents WHERE id > ? ORDER BY id LIMIT ?';

/**
 * Reads and writes `agents` rows. Statements are prepared once, at
 * construction. Every write of a row is told to the watcher, if any (the
 * service's cache of each agent's JSON): a single row's before its statement
 * runs, the rows a bulk update changed as it returns them.
 */
export class AgentRepository {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly rowUpdate: RowUpdate;
  private readonly deleteStmt;
  private readonly heartbeatDueStmt;
  private readonly recoveryDueStmt;
  private readonly countStmt;
  private readonly touchStmt;
  private readonly touchUsageStmt;
  private readonly countByStatusStmt;
  private readonly pageStmt;
  private readonly settleFutureStmt;
  private readonly offlineSinceStmt;
  private readonly idsAfterStmt;

  constructor(
    db: SqliteDatabase,
    private readonly watcher?: RowWatcher,
  ) {
    this.getStmt = db.prepare<[string], AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id = ?`);
    this.listStmt = db.prepare<[], AgentRow>(`SELECT ${COLUMNS} FROM agents ORDER BY id`);
    this.upsertStmt = db.prepare<[ReturnType<typeof toParams>]>(
      `INSERT INTO agents (${COLUMNS})
       VALUES (@id, @name, @labels, @status, @status_since, @last_heartbeat, @exhausted_at, @recovery_at, @exhaust_reason, @created_at,
               @recovery_source, @exhaust_excerpt, @usage, @waiting, @last_seen)
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name, labels = excluded.labels, status = excluded.status,
         status_since = excluded.status_since, last_heartbeat = excluded.last_heartbeat,
         exhausted_at = excluded.exhausted_at, recovery_at = excluded.recovery_at,
         exhaust_reason = excluded.exhaust_reason, recovery_source = excluded.recovery_source,
         exhaust_excerpt = excluded.exhaust_excerpt, usage = excluded.usage, waiting = excluded.waiting, last_seen = excluded.last_seen`,
    );
    this.rowUpdate = new RowUpdate(db);
    this.deleteStmt = db.prepare<[string]>('DELETE FROM agents WHERE id = ?');
    // A group-committed heartbeat is the agent's own: it is seen when it beats.
    this.touchStmt = db.prepare<[number, number, string]>('UPDATE agents SET last_heartbeat = ?, last_seen = ? WHERE id = ?');
    this.touchUsageStmt = db.prepare<[number, number, string, string]>('UPDATE agents SET last_heartbeat = ?, last_seen = ?, usage = ? WHERE id = ?');
    this.heartbeatDueStmt = db.prepare<[number, number], AgentRow>(HEARTBEAT_DUE_SQL);
    this.recoveryDueStmt = db.prepare<[number, number], AgentRow>(RECOVERY_DUE_SQL);
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM agents');
    this.countByStatusStmt = db.prepare<[], { status: AgentStatus; n: number }>('SELECT status, count(*) AS n FROM agents GROUP BY status');
    this.pageStmt = db.prepare<[string, number], AgentRow>(`SELECT ${COLUMNS} ${KEYSET_PAGE}`);
    this.settleFutureStmt = db.prepare<[{ now: number; after: number; limit: number }], AgentRow & { settled_rowid: number }>(SETTLE_FUTURE_SQL);
    this.offlineSinceStmt = db.prepare<[number, number], AgentRow>(OFFLINE_SINCE_SQL);
    this.idsAfterStmt = db.prepare<[string, number], string>(`SELECT id ${KEYSET_PAGE}`).pluck();
  }

  get(id: string): Agent | undefined {
    const row = this.getStmt.get(id);
    return row && toAgent(row);
  }

  /** Every agent, ordered by id. */
  list(): Agent[] {
    return this.listStmt.all().map(toAgent);
  }

  /** Up to `limit` agents whose id sorts after `after` ('' starts at the first), ordered by id. */
  page(after: string, limit: number): Agent[] {
    return this.pageStmt.all(after, limit).map(toAgent);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  /** How many agents are in each status (statuses with none are absent). */
  countByStatus(): Partial<Record<AgentStatus, number>> {
    return Object.fromEntries(this.countByStatusStmt.all().map((row) => [row.status, row.n]));
  }

  /** Inserts or replaces the whole row (`created_at` is kept on update). */
  save(agent: Agent): void {
    this.watcher?.rowAddedOrRemoved(agent.id);
    this.upsertStmt.run(toParams(agent));
  }

  /**
   * Rewrites an existing agent's row from `before` to `after` (`created_at` is
   * kept): a status change, written as an UPDATE of only the columns it
   * changed ({@link RowUpdate}). `before` must be the row as it stands: a
   * column it shows unchanged is not written. Throws when there is no such
   * row, which would be a bug upstream (writes follow a read or a
   * registration); a move that changes no column writes nothing, and is not checked.
   */
  update(before: Agent, after: Agent): void {
    if (after.lastHeartbeat === null) throw new Error(`Agent '${after.id}' has no heartbeat time`);
    if (before.id !== after.id) throw new Error(`Agent '${before.id}' cannot become '${after.id}'`);
    this.watcher?.rowChanged(after.id);
    if (!this.rowUpdate.write(before, after)) throw new Error(`Agent '${after.id}' has no row to update`);
  }

  /** Sets only the heartbeat's time, the rules' and the agent's (the group-committed heartbeat path). */
  touchHeartbeat(id: string, at: number): void {
    this.watcher?.rowChanged(id);
    this.touchStmt.run(at, at, id);
  }

  /** Sets the heartbeat's time and the usage windows (a group-committed heartbeat that moved usage). */
  touchHeartbeatAndUsage(id: string, at: number, usage: Usage): void {
    this.watcher?.rowChanged(id);
    this.touchUsageStmt.run(at, at, JSON.stringify(usage), id);
  }

  /** Deletes the agent and, by cascade, its history. Returns whether it existed. */
  delete(id: string): boolean {
    this.watcher?.rowAddedOrRemoved(id);
    return this.deleteStmt.run(id).changes > 0;
  }

  /** Agents not offline whose last heartbeat is strictly before `cutoff`, oldest first. */
  heartbeatDue(cutoff: number, limit: number): Agent[] {
    return this.heartbeatDueStmt.all(cutoff, limit).map(toAgent);
  }

  /** Exhausted agents whose recovery time is at or before `now`, earliest first. */
  recoveryDue(now: number, limit: number): Agent[] {
    return this.recoveryDueStmt.all(now, limit).map(toAgent);
  }

  /**
   * Moves the recorded past moments later than `now` back to `now`, for at most
   * `limit` agents after the cursor `after` (0: from the first); see
   * {@link SETTLE_FUTURE_SQL}. Returns the agents it changed and the cursor to
   * go on from, null when none is left.
   */
  settleFutureTimes(now: number, after: number, limit: number): { agents: Agent[]; next: number | null } {
    const rows = this.settleFutureStmt.all({ now, after, limit });
    for (const row of rows) this.watcher?.rowChanged(row.id);
    const next = rows.length < limit ? null : rows.reduce((last, row) => Math.max(last, row.settled_rowid), after);
    return { agents: rows.map(toAgent), next };
  }

  /** Offline agents whose status is older than `cutoff` (epoch ms), longest offline first. */
  offlineSince(cutoff: number, limit: number): Agent[] {
    return this.offlineSinceStmt.all(cutoff, limit).map(toAgent);
  }

  /** Up to `limit` agent ids whose id sorts after `cursor` ('' starts at the first), ordered by id: {@link page}'s ids alone. */
  idsAfter(cursor: string, limit: number): string[] {
    return this.idsAfterStmt.all(cursor, limit);
  }
}
