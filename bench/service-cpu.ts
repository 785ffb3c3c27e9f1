/**
 * The store's share: what a heartbeat and a status change cost the fleet
 * service alone, in this process, with no HTTP at all — the rules, the
 * caches, the SQLite statements and the commit, on a file database as the
 * port uses it. No listener is subscribed (the port has its event streams,
 * the alerts and the retention counter) and no alert outbox is attached, so
 * this is at most what the service costs in the port. The bare server's CPU
 * per request divided by (itself + this) is therefore at least what bare ÷
 * port would be if the port's HTTP layer cost nothing beyond the bare
 * server's: an upper bound on the ratio.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FleetService } from '../electron/core/fleet-service';
import { openDatabase } from '../electron/core/store/open-database';
import { systemClock } from '../electron/core/system-clock';
import { benchProfile, seedDatabase } from './support';

export interface ServiceCpu {
  /** CPU µs per plain heartbeat: held, then written by its group commit. */
  readonly heartbeatUs: number;
  /** CPU µs per busy or idle report, each committed (sixteen to a transaction, as the port groups a turn's writes). */
  readonly statusUs: number;
}

const AGENTS = 10_000;
/** Beats per group commit: 100 ms of the CPU bench's load. */
const BEATS_PER_COMMIT = 1_500;
/**
 * Writes per grouped transaction: what one turn of the port's loop gathers
 * from the CPU bench's 32 connections (16.7 on average over a 20,000-change
 * round, counted on 2026-12-01 by a counter in `runGrouped` added for the
 * count and not kept). Fewer to a transaction would cost more each.
 */
const WRITES_PER_COMMIT = 16;
const STATUS_AGENTS = 32;

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export async function benchServiceCpu(options: { heartbeats: number; statusChanges: number }): Promise<ServiceCpu> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-service-'));
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, AGENTS);
  const db = openDatabase(file);
  // The commit timer is never started: the bench commits every BEATS_PER_COMMIT beats itself.
  const service = new FleetService(db, systemClock, {
    heartbeatTimeoutMs: 120_000,
    defaultRecoveryMs: 5 * 3600_000,
    heartbeatBatching: { timers: { setTimeout: () => 0, clearTimeout: () => {} }, intervalMs: 100 },
  });
  try {
    // Frozen, as the port's body parser hands them out.
    const profiles = Array.from({ length: AGENTS }, (_, i) => {
      const { name, labels } = benchProfile(i);
      return Object.freeze({ name, labels: Object.freeze(labels) });
    });
    const beat = (n: number) => {
      for (let i = 0; i < n; i++) {
        const agent = i % AGENTS;
        if (service.plainHeartbeat(`agent-${agent}`, profiles[agent]) === undefined) throw new Error('a bench heartbeat was not a plain one');
        if ((i + 1) % BEATS_PER_COMMIT === 0) service.flushHeartbeats();
      }
      service.flushHeartbeats();
    };
    beat(AGENTS); // warm-up: every agent read once into the cache, the JIT warm
    let start = cpuUs();
    beat(options.heartbeats);
    const heartbeatUs = (cpuUs() - start) / options.heartbeats;

    const statusRound = (changes: number) => {
      for (let done = 0; done < changes; done += WRITES_PER_COMMIT) {
        const tasks = Array.from({ length: WRITES_PER_COMMIT }, (_, k) => {
          const id = `status-${(done + k) % STATUS_AGENTS}`;
          // Alternate per agent: every STATUS_AGENTS / WRITES_PER_COMMIT batches flip each agent once.
          const toBusy = Math.floor((done + k) / STATUS_AGENTS) % 2 === 0;
          return () => (toBusy ? service.reportBusy(id, 'work') : service.reportIdle(id));
        });
        for (const outcome of service.runGrouped(tasks)) if (!outcome.ok) throw outcome.error;
      }
    };
    statusRound(STATUS_AGENTS * 2 * 50); // warm-up; ends with every agent idle
    start = cpuUs();
    const changes = Math.ceil(options.statusChanges / (STATUS_AGENTS * 2)) * STATUS_AGENTS * 2;
    statusRound(changes);
    const statusUs = (cpuUs() - start) / changes;
    return { heartbeatUs, statusUs };
  } finally {
    service.dispose();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
