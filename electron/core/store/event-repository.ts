import type { StatusEvent } from '../../../shared/agent';
import type { AgentStatus, EventCause } from '../../../shared/status';
import type { SqliteDatabase } from './open-database';

interface EventRow {
  id: number;
  agent_id: string;
  from_status: AgentStatus;
  to_status: AgentStatus;
  cause: EventCause;
  at: number;
  detail: string | null;
}

/** What the service records; the id is assigned by the database. */
export type NewStatusEvent = Omit<StatusEvent, 'id'>;

function toEvent(row: EventRow): StatusEvent {
  return {
    id: row.id,
    agentId: row.agent_id,
    from: row.from_status,
    to: row.to_status,
    cause: row.cause,
    at: row.at,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

/**
 * Retention's statements, each bounded by a LIMIT and walking one index (`INDEXED
 * BY`: SQLite refuses to run them rather than scan the table if the index stops
 * fitting). Age: the oldest events of all, through `status_events_at`, saying
 * whose they were. Count: one agent's oldest events, through
 * `status_events_agent_at` walked backwards — the complement of the newest that
 * `history()` reads — so deleting an agent's excess reads only the excess.
 */
export const EVENTS_BEFORE_SQL = `DELETE FROM status_events WHERE id IN (
  SELECT id FROM status_events INDEXED BY status_events_at WHERE at < ? ORDER BY at, id LIMIT ?) RETURNING agent_id`;
export const EVENTS_OLDEST_SQL = `DELETE FROM status_events WHERE id IN (
  SELECT id FROM status_events INDEXED BY status_events_agent_at WHERE agent_id = ? ORDER BY at, id LIMIT ?)`;
export const EVENTS_COUNT_SQL = 'SELECT count(*) FROM status_events INDEXED BY status_events_agent_at WHERE agent_id = ?';

/**
 * After the wall clock went back: events recorded "in the future" are set to
 * now, at most `@limit` at a time, through `status_events_at`. Left as they
 * were, they would sort above everything recorded after the jump (history
 * shows newest first by time) and count pruning would take the newer ones.
 * Set to the same moment, they keep their order by id, which is their order.
 */
export const EVENTS_SETTLE_SQL = `UPDATE status_events SET at = @now WHERE id IN (
  SELECT id FROM status_events INDEXED BY status_events_at WHERE at > @now ORDER BY at, id LIMIT @limit)`;

/** Appends to and reads `status_events`. Statements are prepared once. */
export class EventRepository {
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly deleteBeforeStmt;
  private readonly deleteOldestStmt;
  private readonly countStmt;
  private readonly settleStmt;

  constructor(db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO status_events (agent_id, from_status, to_status, cause, at, detail)
       VALUES (@agent_id, @from_status, @to_status, @cause, @at, @detail)`,
    );
    this.historyStmt = db.prepare<[string, number], EventRow>(
      `SELECT id, agent_id, from_status, to_status, cause, at, detail FROM status_events
       WHERE agent_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
    );
    this.deleteBeforeStmt = db.prepare<[number, number], string>(EVENTS_BEFORE_SQL).pluck();
    this.deleteOldestStmt = db.prepare<[string, number]>(EVENTS_OLDEST_SQL);
    this.countStmt = db.prepare<[string], number>(EVENTS_COUNT_SQL).pluck();
    this.settleStmt = db.prepare<[{ now: number; limit: number }]>(EVENTS_SETTLE_SQL);
  }

  /** Sets up to `limit` events recorded after `now` to `now`; returns how many it set. */
  settleFutureTimes(now: number, limit: number): number {
    return this.settleStmt.run({ now, limit }).changes;
  }

  /** Appends one event and returns it with its id. */
  append(event: NewStatusEvent): StatusEvent {
    const result = this.insertStmt.run({
      agent_id: event.agentId,
      from_status: event.from,
      to_status: event.to,
      cause: event.cause,
      at: event.at,
      detail: event.detail === null ? null : JSON.stringify(event.detail),
    });
    return { ...event, id: Number(result.lastInsertRowid) };
  }

  /** The agent's most recent `limit` events, newest first. */
  history(agentId: string, limit: number): StatusEvent[] {
    return this.historyStmt.all(agentId, limit).map(toEvent);
  }

  /** Deletes up to `limit` events older than `cutoff` (epoch ms), oldest first; returns whose each was. */
  deleteBefore(cutoff: number, limit: number): string[] {
    return this.deleteBeforeStmt.all(cutoff, limit);
  }

  /** Deletes the agent's `n` oldest events (by time, then id); returns how many there were. */
  deleteOldest(agentId: string, n: number): number {
    return this.deleteOldestStmt.run(agentId, n).changes;
  }

  /** How many events the agent has (a walk over them: for a first count, not for every pass). */
  count(agentId: string): number {
    return this.countStmt.get(agentId) ?? 0;
  }
}
