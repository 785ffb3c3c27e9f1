import type { Migration } from './migration';

/**
 * Where an exhaustion's recovery time came from and the limit text that said
 * so (both cleared with the exhaustion), and the agent's quota windows as a
 * JSON object. Exhaustions recorded before this version have no source (NULL).
 */
export const migration002LimitFacts: Migration = {
  version: 2,
  name: 'limit-facts',
  up: `
    ALTER TABLE agents ADD COLUMN recovery_source TEXT CHECK (recovery_source IN ('given', 'headers', 'message', 'default'));
    ALTER TABLE agents ADD COLUMN exhaust_excerpt TEXT;
    ALTER TABLE agents ADD COLUMN usage TEXT NOT NULL DEFAULT '{}';
  `,
};
