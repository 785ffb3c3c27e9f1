import { FleetError } from '../../../shared/errors';

/** Why the store could not open or migrate a database. */
export type StoreErrorReason = 'database_too_new' | 'migration_order' | 'read_only' | 'locked';

/** A database the app cannot use as it is; the message says what to do. */
export class StoreError extends FleetError {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super('storage_error', message);
  }
}
