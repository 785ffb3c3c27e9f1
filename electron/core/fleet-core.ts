import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../shared/clock';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/disposable';
import type { FleetConfig } from './config';
import { FleetService } from './fleet-service';
import { openDatabase, type SqliteDatabase } from './store/open-database';
import { Sweeper, type TimerHost } from './sweeper';
import { systemClock, systemTimers } from './system-clock';

export interface FleetCoreDeps {
  readonly clock?: Clock;
  readonly timers?: TimerHost;
  /** The better-sqlite3 addon for this runtime (the desktop app's Electron build). */
  readonly nativeBinding?: string;
  readonly onError?: (error: unknown) => void;
}

/** The running core: store, service and sweeper, owned together. */
export interface FleetCore extends Disposable {
  readonly config: FleetConfig;
  readonly db: SqliteDatabase;
  readonly service: FleetService;
  readonly sweeper: Sweeper;
}

/**
 * Starts the core the desktop app and `npm run serve` share. Everything it
 * starts is owned by one store and disposed together, newest first: the
 * sweeper stops, then the database checkpoints its WAL and closes.
 */
export function startFleetCore(config: FleetConfig, deps: FleetCoreDeps = {}): FleetCore {
  const clock = deps.clock ?? systemClock;
  const owned = new DisposableStore();
  try {
    if (config.dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(config.dbPath)), { recursive: true });
    const db = openDatabase(config.dbPath, deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {});
    owned.add(
      toDisposable(() => {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      }),
    );
    const service = owned.add(
      new FleetService(db, clock, {
        heartbeatTimeoutMs: config.heartbeatTimeoutS * 1000,
        defaultRecoveryMs: config.defaultRecoveryS * 1000,
      }),
    );
    const sweeper = owned.add(
      new Sweeper(service, clock, deps.timers ?? systemTimers, {
        intervalMs: config.sweepIntervalMs,
        heartbeatTimeoutMs: config.heartbeatTimeoutS * 1000,
        ...(deps.onError ? { onError: deps.onError } : {}),
      }),
    );
    sweeper.start();
    return { config, db, service, sweeper, dispose: () => owned.dispose() };
  } catch (error) {
    owned.dispose();
    throw error;
  }
}
