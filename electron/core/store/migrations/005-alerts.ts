import type { Migration } from './migration';

/**
 * Alerts (issue 15). Channels say where an alert goes, rules which changes of
 * which agents go to which channel. `alert_changes` is the outbox: a change a
 * rule matches is written there in the same transaction as the change itself,
 * so no alert is lost between the commit and its sending; the dispatcher turns
 * a rule's changes of one coalescing window into one `alert_deliveries` row
 * (whose id every attempt sends) and deletes them. `alert_episodes` remembers,
 * for rules that repeat, the agents still offline or exhausted and when they
 * were last told of; a status move of the agent ends its episodes.
 */
export const migration005Alerts: Migration = {
  version: 5,
  name: 'alerts',
  up: `
    CREATE TABLE alert_channels (
      id               TEXT PRIMARY KEY NOT NULL,
      name             TEXT NOT NULL,
      kind             TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'ntfy', 'command')),
      url              TEXT,
      command          TEXT,
      secret           TEXT,
      enabled          INTEGER NOT NULL DEFAULT 1,
      disabled_reason  TEXT,
      created_at       INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE alert_rules (
      id              TEXT PRIMARY KEY NOT NULL,
      channel_id      TEXT NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
      triggers        TEXT NOT NULL,
      selector        TEXT,
      coalesce_s      INTEGER NOT NULL,
      repeat_after_s  INTEGER,
      created_at      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX alert_rules_channel ON alert_rules (channel_id);

    CREATE TABLE alert_changes (
      id         INTEGER PRIMARY KEY,
      rule_id    TEXT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
      trigger    TEXT NOT NULL,
      agent_id   TEXT NOT NULL,
      agent      TEXT NOT NULL,
      from_status TEXT NOT NULL,
      to_status  TEXT NOT NULL,
      cause      TEXT NOT NULL,
      at         INTEGER NOT NULL,
      due_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX alert_changes_rule ON alert_changes (rule_id, id);
    CREATE INDEX alert_changes_due ON alert_changes (due_at);

    CREATE TABLE alert_deliveries (
      seq              INTEGER PRIMARY KEY,
      id               TEXT NOT NULL UNIQUE,
      channel_id       TEXT NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
      rule_id          TEXT,
      state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
      attempts         INTEGER NOT NULL DEFAULT 0,
      last_error       TEXT,
      summary          TEXT NOT NULL,
      payload          TEXT NOT NULL,
      test             INTEGER NOT NULL DEFAULT 0,
      created_at       INTEGER NOT NULL,
      next_attempt_at  INTEGER,
      sent_at          INTEGER
    ) STRICT;
    CREATE INDEX alert_deliveries_pending ON alert_deliveries (next_attempt_at) WHERE state = 'pending';
    CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, state);

    CREATE TABLE alert_episodes (
      rule_id   TEXT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
      agent_id  TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
      status    TEXT NOT NULL,
      told_at   INTEGER NOT NULL,
      PRIMARY KEY (rule_id, agent_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX alert_episodes_agent ON alert_episodes (agent_id);
  `,
};
