import { Alerts } from '../../electron/core/alerts/alerts';
import { FleetService } from '../../electron/core/fleet-service';
import { openDatabase, type SqliteDatabase } from '../../electron/core/store/open-database';
import { FakeClock } from './fake-clock';
import { FakeTimeouts } from './fake-timeouts';
import { DEFAULT_RECOVERY_MS, TIMEOUT_MS } from './fleet-fixture';

export interface AlertFleet {
  readonly clock: FakeClock;
  readonly db: SqliteDatabase;
  readonly service: FleetService;
  readonly alerts: Alerts;
  /** The dispatcher's timers: they fire only when the test pumps. */
  readonly timeouts: FakeTimeouts;
  /** Runs the dispatcher's timers and waits for the sends they start, a few rounds (a send's outcome schedules the next look). */
  pump(rounds?: number): Promise<void>;
  close(): void;
}

/**
 * A fleet service over a fresh in-memory database whose status writes go
 * through the alerts' outbox, with alerts started; a fake clock and timers,
 * a fixed jitter (the longest wait of each backoff step) and a short
 * per-attempt bound, so that tests drive time by hand against real receivers.
 */
export function createAlertFleet(options: { sendTimeoutMs?: number; random?: () => number } = {}): AlertFleet {
  const clock = new FakeClock();
  const timeouts = new FakeTimeouts();
  const db = openDatabase(':memory:');
  const alerts = new Alerts(db, { clock, timeouts, random: options.random ?? (() => 1), sendTimeoutMs: options.sendTimeoutMs ?? 2_000 });
  const service = new FleetService(db, clock, { heartbeatTimeoutMs: TIMEOUT_MS, defaultRecoveryMs: DEFAULT_RECOVERY_MS, outbox: alerts.outbox });
  alerts.start((id) => service.find(id), service.onDidChange);
  return {
    clock,
    db,
    service,
    alerts,
    timeouts,
    pump: async (rounds = 3) => {
      for (let i = 0; i < rounds; i++) {
        timeouts.runAll();
        await alerts.settled();
      }
    },
    close: () => {
      alerts.dispose();
      service.dispose();
      db.close();
    },
  };
}
