import type { Agent } from '../../../shared/agent';
import type { SqliteDatabase } from './open-database';

type SqlValue = string | number | null;

/** An agents column a move may change: the Agent field it holds, and how it is stored. */
interface Column {
  readonly name: string;
  readonly field: keyof Agent;
  readonly encode?: (agent: Agent) => SqlValue;
}

/** Every column but the key and `created_at`, which no move changes; the JSON ones encoded as the upsert does. */
const COLUMNS: readonly Column[] = [
  { name: 'name', field: 'name' },
  { name: 'labels', field: 'labels', encode: (a) => JSON.stringify(a.labels) },
  { name: 'status', field: 'status' },
  { name: 'status_since', field: 'statusSince' },
  { name: 'last_heartbeat', field: 'lastHeartbeat' },
  { name: 'exhausted_at', field: 'exhaustedAt' },
  { name: 'recovery_at', field: 'recoveryAt' },
  { name: 'exhaust_reason', field: 'exhaustReason' },
  { name: 'recovery_source', field: 'recoverySource' },
  { name: 'exhaust_excerpt', field: 'exhaustExcerpt' },
  { name: 'usage', field: 'usage', encode: (a) => JSON.stringify(a.usage) },
  { name: 'waiting', field: 'waiting', encode: (a) => (a.waiting === null ? null : JSON.stringify(a.waiting)) },
  { name: 'last_seen', field: 'lastSeen' },
];

/**
 * Writes a move as an UPDATE of only the columns it changed, with positional
 * parameters. A status change touches four or five of the thirteen: binding
 * the other nine by name, and encoding labels and usage as JSON again, was
 * about a third of its row write. A field counts as changed when it is not
 * the same value (objects: not the same object, so an equal copy is
 * written again, never a change missed). One statement per set of columns,
 * prepared on first use: at most 2^13, in practice a handful.
 */
export class RowUpdate {
  private readonly statements = new Map<number, { run(...params: SqlValue[]): { changes: number } }>();

  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Writes what `after` changed of `before` to `after`'s row; false when
   * there is no such row. Nothing changed, nothing is written (true).
   */
  write(before: Agent, after: Agent): boolean {
    let mask = 0;
    const params: SqlValue[] = [];
    for (let i = 0; i < COLUMNS.length; i++) {
      const column = COLUMNS[i]!;
      if (before[column.field] === after[column.field]) continue;
      mask |= 1 << i;
      params.push(column.encode ? column.encode(after) : (after[column.field] as SqlValue));
    }
    if (mask === 0) return true;
    params.push(after.id);
    return this.statement(mask).run(...params).changes === 1;
  }

  private statement(mask: number) {
    let statement = this.statements.get(mask);
    if (!statement) {
      const set = COLUMNS.filter((_, i) => mask & (1 << i)).map((column) => `${column.name} = ?`);
      statement = this.db.prepare<SqlValue[]>(`UPDATE agents SET ${set.join(', ')} WHERE id = ?`);
      this.statements.set(mask, statement);
    }
    return statement;
  }
}
