import type { AgentChange } from '../../shared/agent';
import { FleetService } from '../../electron/core/fleet-service';
import { openDatabase, type SqliteDatabase } from '../../electron/core/store/open-database';
import { FakeClock } from './fake-clock';
import { FakeTimeouts } from './fake-timeouts';

export const TIMEOUT_MS = 120_000;
export const DEFAULT_RECOVERY_MS = 5 * 3_600_000;

export interface Fleet {
  readonly clock: FakeClock;
  readonly db: SqliteDatabase;
  readonly service: FleetService;
  /** Every batch of changes the service announced, in order. */
  readonly batches: (readonly AgentChange[])[];
  /** The group-commit timer (fires only when the test runs it). */
  readonly timeouts: FakeTimeouts;
  close(): void;
}

/**
 * A service over a fresh in-memory database with a fake clock, recording
 * every change batch; with `groupCommit`, plain heartbeats wait for the
 * (fake) group-commit timer.
 */
export function createFleet(options: { groupCommit?: boolean; maxAgents?: number; maxRecoveryS?: number } = {}): Fleet {
  const clock = new FakeClock();
  const timeouts = new FakeTimeouts();
  const db = openDatabase(':memory:');
  const service = new FleetService(db, clock, {
    heartbeatTimeoutMs: TIMEOUT_MS,
    defaultRecoveryMs: DEFAULT_RECOVERY_MS,
    ...(options.groupCommit ? { heartbeatBatching: { timers: timeouts, intervalMs: 100 } } : {}),
    maxAgents: options.maxAgents,
    maxRecoveryS: options.maxRecoveryS,
  });
  const batches: (readonly AgentChange[])[] = [];
  service.onDidChange((changes) => batches.push(changes));
  return {
    clock,
    db,
    service,
    batches,
    timeouts,
    close: () => {
      service.dispose();
      db.close();
    },
  };
}
