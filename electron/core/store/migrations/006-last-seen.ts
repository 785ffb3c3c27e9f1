import type { Migration } from './migration';

/**
 * When the agent itself last called in (`last_seen`), apart from
 * `last_heartbeat`, which the status rules own: the reference's "to idle"
 * sets it to now whoever makes the move, so after an operator's Recover or a
 * recovery by time it says when the agent was last *counted* alive, not when
 * it last spoke. The UI shows `last_seen` as the agent's heartbeat (issue 14).
 * Until now every write was the agent's or set `last_heartbeat` to now, so the
 * two start equal.
 */
export const migration006LastSeen: Migration = {
  version: 6,
  name: 'last-seen',
  up: `
    ALTER TABLE agents ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
    UPDATE agents SET last_seen = last_heartbeat;
  `,
};
