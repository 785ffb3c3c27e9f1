import type { Migration } from './migration';

/** What an agent waits for from its operator (a permission, input, an answer), as JSON; NULL when nothing. */
export const migration003Waiting: Migration = {
  version: 3,
  name: 'waiting',
  up: `
    ALTER TABLE agents ADD COLUMN waiting TEXT;
  `,
};
