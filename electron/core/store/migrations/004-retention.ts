import type { Migration } from './migration';

/**
 * Retention (issue 13) reads history oldest first across all agents (age
 * pruning) and finds agents offline since before a cutoff (forgetting); each
 * is a range over an index here rather than a scan of the whole table.
 * Per-agent count pruning uses `status_events_agent_at` from 001.
 */
export const migration004Retention: Migration = {
  version: 4,
  name: 'retention',
  up: `
    CREATE INDEX status_events_at ON status_events (at, id);
    CREATE INDEX agents_offline_since ON agents (status_since) WHERE status = 'offline';
  `,
};
