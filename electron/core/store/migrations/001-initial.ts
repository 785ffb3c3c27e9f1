import type { Migration } from './migration';

/**
 * Agents and their status history. Times are integer epoch milliseconds (UTC).
 * `last_heartbeat` is NOT NULL because every agent is registered by a call
 * that counts as its first heartbeat; that keeps the sweeper's range query a
 * pure index range.
 */
export const migration001Initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE agents (
      id              TEXT PRIMARY KEY NOT NULL,
      name            TEXT,
      labels          TEXT NOT NULL DEFAULT '{}',
      status          TEXT NOT NULL CHECK (status IN ('idle', 'busy', 'on_call', 'offline', 'exhausted')),
      status_since    INTEGER NOT NULL,
      last_heartbeat  INTEGER NOT NULL,
      exhausted_at    INTEGER,
      recovery_at     INTEGER,
      exhaust_reason  TEXT CHECK (exhaust_reason IN ('rate_limit', 'billing')),
      created_at      INTEGER NOT NULL
    ) STRICT;

    -- The sweeper's two questions, each answered by a range over a partial index:
    -- who is not offline and silent since before the cutoff, and who is exhausted
    -- with a recovery time that has come.
    CREATE INDEX agents_heartbeat_due ON agents (last_heartbeat) WHERE status <> 'offline';
    CREATE INDEX agents_recovery_due ON agents (recovery_at) WHERE status = 'exhausted';

    CREATE TABLE status_events (
      id           INTEGER PRIMARY KEY,
      agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
      from_status  TEXT NOT NULL,
      to_status    TEXT NOT NULL,
      cause        TEXT NOT NULL CHECK (cause IN ('agent', 'operator', 'sweeper', 'recovery')),
      at           INTEGER NOT NULL,
      detail       TEXT
    ) STRICT;

    -- History of one agent, newest first; also serves the cascade on delete.
    CREATE INDEX status_events_agent_at ON status_events (agent_id, at DESC, id DESC);
  `,
};
