import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FleetService } from '../electron/core/fleet-service';
import { openDatabase } from '../electron/core/store/open-database';
import { Sweeper } from '../electron/core/sweeper';
import { median, seedDatabase } from './support';

const TIMEOUT_MS = 120_000;
const noTimers = { setInterval: () => 0, clearInterval: () => {} };

export interface SweeperFigures {
  readonly fleet: number;
  readonly idleTickMs: number;
  readonly dueTickMs: number;
}

/**
 * One sweeper tick over a real SQLite file with `fleet` agents: when nothing
 * is due (median of many), and when 1,000 agents fall due at once (median of
 * several fresh setups).
 */
export async function benchSweeper(fleet: number): Promise<SweeperFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-sweep-'));
  try {
    const file = path.join(dir, 'fleet.db');
    // The sweeper starts, then its clock moves on by three timeouts, so the grace is long
    // over and the timeout check really runs; the agents' heartbeats are fresh at that time.
    const SHIFT = 3 * TIMEOUT_MS;
    await seedDatabase(file, fleet, Date.now() + SHIFT);
    let offset = 0;
    const clock = { now: () => Date.now() + offset, monotonic: () => performance.now() + offset };
    const db = openDatabase(file);
    const service = new FleetService(db, clock, { heartbeatTimeoutMs: TIMEOUT_MS, defaultRecoveryMs: 5 * 3_600_000 });
    // Moving both clocks on between two ticks looks like a stall (a grace moment) to the
    // sweeper; here it is how the bench ends the start's grace, so stall detection is off.
    const sweeper = new Sweeper(service, clock, noTimers, {
      intervalMs: 1000,
      heartbeatTimeoutMs: TIMEOUT_MS,
      stallThresholdMs: Number.POSITIVE_INFINITY,
    });
    sweeper.tick();
    offset = SHIFT;

    const idle: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      sweeper.tick();
      idle.push(performance.now() - t);
    }

    const due: number[] = [];
    const stale = db.prepare("UPDATE agents SET last_heartbeat = ?, status = 'idle' WHERE rowid IN (SELECT rowid FROM agents ORDER BY random() LIMIT 1000)");
    const revive = db.prepare("UPDATE agents SET status = 'idle', last_heartbeat = ? WHERE status = 'offline'");
    for (let round = 0; round < 7; round++) {
      revive.run(clock.now());
      stale.run(clock.now() - 10 * TIMEOUT_MS);
      const t = performance.now();
      const result = sweeper.tick();
      due.push(performance.now() - t);
      if (result.wentOffline !== 1000) throw new Error(`expected 1000 due, swept ${result.wentOffline}`);
    }
    service.dispose();
    db.close();
    return { fleet, idleTickMs: median(idle), dueTickMs: median(due) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
