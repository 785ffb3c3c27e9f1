import { migration001Initial } from './001-initial';
import { migration002LimitFacts } from './002-limit-facts';
import { migration003Waiting } from './003-waiting';
import { migration004Retention } from './004-retention';
import { migration005Alerts } from './005-alerts';
import { migration006LastSeen } from './006-last-seen';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration, in order. The last one's version is the schema this code speaks. */
export const MIGRATIONS: readonly Migration[] = [migration001Initial, migration002LimitFacts, migration003Waiting, migration004Retention, migration005Alerts, migration006LastSeen];
