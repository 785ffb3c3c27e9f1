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

/** Appends to and reads `status_events`. Statements are prepared once. */
export class EventRepository {
  private readonly insertStmt;
  private readonly historyStmt;

  constructor(db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO status_events (agent_id, from_status, to_status, cause, at, detail)
       VALUES (@agent_id, @from_status, @to_status, @cause, @at, @detail)`,
    );
    this.historyStmt = db.prepare<[string, number], EventRow>(
      `SELECT id, agent_id, from_status, to_status, cause, at, detail FROM status_events
       WHERE agent_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
    );
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
}
