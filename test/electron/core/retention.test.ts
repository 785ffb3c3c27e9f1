import { afterEach, describe, expect, it } from 'vitest';
import { LEAP_TRUSTED_AFTER_MS, Retention, RETENTION_INTERVAL_MS, type RetentionOptions, type RetentionTarget } from '../../../electron/core/retention';
import { FakeTimers } from '../../support/fake-clock';
import { FakeTimeouts } from '../../support/fake-timeouts';
import { createFleet, type Fleet } from '../../support/fleet-fixture';

const DAY = 86_400_000;
const LIMITS = { historyPerAgent: 5, historyDays: 90, forgetOfflineDays: 30 };

interface Setup {
  readonly fleet: Fleet;
  readonly timers: FakeTimers;
  readonly timeouts: FakeTimeouts;
  readonly retention: Retention;
  readonly lines: string[];
  readonly errors: unknown[];
  /** Runs the pass's later batches, as the event loop would. */
  settle(): void;
}

const open: Setup[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    s.retention.dispose();
    s.fleet.close();
  }
});

function setup(options: Partial<RetentionOptions> = {}, wrap: (target: RetentionTarget) => RetentionTarget = (t) => t): Setup {
  const fleet = createFleet();
  const timers = new FakeTimers(fleet.clock);
  const timeouts = new FakeTimeouts();
  const lines: string[] = [];
  const errors: unknown[] = [];
  const retention = new Retention(wrap(fleet.service), fleet.clock, timers, timeouts, {
    limits: LIMITS,
    log: (line) => lines.push(line),
    onError: (error) => errors.push(error),
    ...options,
  });
  const settle = () => {
    while (timeouts.size > 0) timeouts.runAll();
  };
  const s = { fleet, timers, timeouts, retention, lines, errors, settle };
  open.push(s);
  return s;
}

/** `n` history events for `id` (busy/idle moves), `stepMs` apart. */
function moves(fleet: Fleet, id: string, n: number, stepMs = 1_000): void {
  for (let i = 0; i < n; i++) {
    fleet.clock.advance(stepMs);
    if (fleet.service.find(id)?.status === 'busy') fleet.service.reportIdle(id);
    else fleet.service.reportBusy(id, 'work');
  }
}

const eventCount = (fleet: Fleet, id?: string): number =>
  (id === undefined
    ? fleet.db.prepare('SELECT count(*) FROM status_events').pluck().get()
    : fleet.db.prepare('SELECT count(*) FROM status_events WHERE agent_id = ?').pluck().get(id)) as number;

/** Takes the agent offline (cleanly) and lets `days` pass. */
function offlineFor(fleet: Fleet, id: string, days: number): void {
  fleet.service.reportOffline(id);
  fleet.clock.advance(days * DAY);
}

describe('Retention by count', () => {
  it('keeps the newest historyPerAgent events of each agent, the ones history() shows first', () => {
    const s = setup();
    moves(s.fleet, 'many', 12);
    moves(s.fleet, 'few', 3);
    const newest = s.fleet.service.history('many', 5);
    s.retention.start();
    s.settle();
    expect(s.fleet.service.history('many', 100)).toEqual(newest);
    expect(eventCount(s.fleet, 'few')).toBe(3);
    expect(s.retention.lastReport).toMatchObject({ eventsPruned: 7 });
  });

  it('deletes in bounded batches, one transaction each, with a turn of the event loop between them', () => {
    const s = setup({ batchRows: 3 });
    for (const id of ['a', 'b', 'c']) moves(s.fleet, id, 12);
    s.retention.start();
    // The first batch ran at start; the rest waits for the event loop.
    expect(s.timeouts.size).toBe(1);
    expect(eventCount(s.fleet)).toBe(36 - 3);
    let batches = 1;
    while (s.timeouts.size > 0) {
      const before = eventCount(s.fleet);
      s.timeouts.runAll();
      expect(before - eventCount(s.fleet)).toBeLessThanOrEqual(3);
      batches++;
    }
    expect(batches).toBeGreaterThanOrEqual(7); // 21 rows, 3 a time
    for (const id of ['a', 'b', 'c']) expect(eventCount(s.fleet, id)).toBe(5);
  });

  it('counts each agent once, then deletes only the excess of those over the cap, reading nothing it keeps', () => {
    const counted: string[] = [];
    const pruned: (readonly [string, number])[] = [];
    const s = setup({}, (t) => ({
      onDidChange: t.onDidChange,
      forgetOfflineSince: (...a) => t.forgetOfflineSince(...a),
      pruneHistoryBefore: (...a) => t.pruneHistoryBefore(...a),
      agentIdsAfter: (...a) => t.agentIdsAfter(...a),
      reclaimSpace: (...a) => t.reclaimSpace(...a),
      historyCounts: (ids) => (counted.push(...ids), t.historyCounts(ids)),
      pruneOldestHistory: (excess) => (pruned.push(...excess), t.pruneOldestHistory(excess)),
    }));
    for (const id of ['a', 'b', 'c']) moves(s.fleet, id, 2);
    s.retention.start();
    s.settle();
    expect(counted.sort()).toEqual(['a', 'b', 'c']);
    expect(pruned).toEqual([]);
    counted.length = 0;

    moves(s.fleet, 'c', 9); // 11: 6 over
    moves(s.fleet, 'b', 1); // 3: under
    moves(s.fleet, 'new', 7); // never counted yet
    s.fleet.service.recordHeartbeat('quiet'); // no history
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(counted).toEqual(['new']);
    expect(pruned).toEqual([['c', 6], ['new', 2]]);
    expect([eventCount(s.fleet, 'b'), eventCount(s.fleet, 'c'), eventCount(s.fleet, 'new')]).toEqual([3, 5, 5]);

    // The counts stay exact across age pruning, forgetting and more moves.
    counted.length = 0;
    pruned.length = 0;
    moves(s.fleet, 'c', 1);
    s.fleet.service.forget('new');
    moves(s.fleet, 'new', 6);
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(counted).toEqual(['new']);
    expect(pruned).toEqual([['c', 1], ['new', 1]]);
    expect([eventCount(s.fleet, 'c'), eventCount(s.fleet, 'new')]).toEqual([5, 5]);
  });
});

describe('Retention by age', () => {
  it('deletes events older than historyDays and keeps the rest, down to the millisecond', () => {
    const s = setup({ limits: { ...LIMITS, historyPerAgent: 1_000 } });
    moves(s.fleet, 'a1', 4, 10 * DAY); // at 10, 20, 30, 40 days
    const events = s.fleet.service.history('a1').reverse();
    // Now: exactly 90 days after the second event; the first is older, the second is not.
    s.fleet.clock.advance(events[1]!.at + 90 * DAY - s.fleet.clock.now());
    s.retention.start();
    s.settle();
    expect(s.fleet.service.history('a1').reverse().map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));
    s.fleet.clock.advance(events[3]!.at + 90 * DAY + 1 - s.fleet.clock.now());
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(0);
    // Pruning history forgets nobody: the agent is still there.
    expect(s.fleet.service.find('a1')?.status).toBe('idle');
  });
});

describe('Retention and the clock', () => {
  it('a wall clock set ahead deletes nothing within a day of running; then the leap is trusted', () => {
    const s = setup({ limits: { ...LIMITS, historyPerAgent: 1_000 } });
    moves(s.fleet, 'a1', 3, DAY);
    offlineFor(s.fleet, 'a2', 1);
    s.retention.start();
    s.settle();
    const events = eventCount(s.fleet, 'a1');
    s.fleet.clock.setWall(s.fleet.clock.now() + 365 * DAY); // by mistake
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(events);
    expect(s.fleet.service.find('a2')).toBeDefined();
    // Nearly a day of running later, still nothing; once the leap has held a day, it is the time.
    s.timers.advance(LEAP_TRUSTED_AFTER_MS - 2 * RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(events);
    s.timers.advance(2 * RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(0);
    expect(s.fleet.service.find('a2')).toBeUndefined();
  });

  it('a machine waking from days of sleep prunes by the wall clock at once', () => {
    const s = setup({ limits: { ...LIMITS, historyPerAgent: 1_000, forgetOfflineDays: 30 } });
    offlineFor(s.fleet, 'sleeper', 28);
    s.retention.start();
    s.settle();
    expect(s.fleet.service.find('sleeper')).toBeDefined();
    s.fleet.clock.suspend(3 * DAY); // the wall clock moves, the monotonic one does not
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(s.fleet.service.find('sleeper')).toBeUndefined();
  });
});

describe('Retention: forgetting offline agents', () => {
  it('an agent offline longer than forgetOfflineDays is deleted with its history, announced as removed, and logged', () => {
    const s = setup();
    moves(s.fleet, 'gone', 3);
    offlineFor(s.fleet, 'gone', 30);
    s.fleet.clock.advance(1);
    s.retention.start();
    s.settle();
    expect(s.fleet.service.find('gone')).toBeUndefined();
    expect(eventCount(s.fleet, 'gone')).toBe(0);
    expect(s.fleet.batches.at(-1)).toEqual([{ type: 'removed', agentId: 'gone' }]);
    expect(s.lines).toEqual([
      `Fleet Monitor forgot agent "gone": offline for more than 30 days (FLEET_FORGET_OFFLINE_DAYS), since ${new Date(s.fleet.clock.now() - 30 * DAY - 1).toISOString()}`,
    ]);
    expect(s.retention.lastReport).toMatchObject({ agentsForgotten: 1 });
  });

  it('keeps an agent offline for less, and one not offline whose status is old', () => {
    const s = setup();
    s.fleet.service.recordHeartbeat('steady'); // idle from now on, beating
    s.fleet.clock.advance(2 * DAY);
    offlineFor(s.fleet, 'short', 29);
    s.fleet.service.recordHeartbeat('steady');
    s.retention.start();
    s.settle();
    expect(s.fleet.service.find('short')).toMatchObject({ status: 'offline' });
    expect(s.fleet.service.find('steady')).toMatchObject({ status: 'idle', statusSince: s.fleet.clock.now() - 31 * DAY });
    expect(s.lines).toEqual([]);
  });

  it('forgetOfflineDays 0 forgets no one', () => {
    const s = setup({ limits: { ...LIMITS, forgetOfflineDays: 0 } });
    offlineFor(s.fleet, 'old', 80);
    s.retention.start();
    s.settle();
    expect(s.fleet.service.find('old')).toMatchObject({ status: 'offline' });
    expect(s.lines).toEqual([]);
  });

  it('many agents at once: one line naming the first 20 and counting the rest, in bounded batches', () => {
    const s = setup({ batchRows: 12 }); // 12 rows / (5 + 1): two agents per transaction
    const ids = Array.from({ length: 25 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
    for (const id of ids) s.fleet.service.reportOffline(id);
    s.fleet.clock.advance(31 * DAY);
    s.retention.start();
    s.settle();
    expect(s.fleet.service.count()).toBe(0);
    const removals = s.fleet.batches.filter((b) => b.every((c) => c.type === 'removed'));
    expect(removals.every((b) => b.length <= 2)).toBe(true);
    expect(removals.flat().map((c) => (c.type === 'removed' ? c.agentId : '')).sort()).toEqual(ids);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatch(/^Fleet Monitor forgot 25 agents offline for more than 30 days \(FLEET_FORGET_OFFLINE_DAYS\): "agent-\d\d"(, "agent-\d\d"){19} and 5 more$/);
  });

  it('a forgotten agent stays forgotten: no cached copy answers, its next call registers it anew', () => {
    const s = setup();
    moves(s.fleet, 'a1', 2);
    offlineFor(s.fleet, 'a1', 31); // cached as committed, offline
    s.retention.start();
    s.settle();
    expect(s.fleet.service.find('a1')).toBeUndefined();
    const back = s.fleet.service.recordHeartbeat('a1');
    expect(back).toMatchObject({ status: 'idle', createdAt: s.fleet.clock.now() });
    expect(s.fleet.service.history('a1')).toEqual([]);
  });
});

describe("Retention's writes", () => {
  it('never run inside a group of writes (a lost group would undo deletes already counted)', () => {
    const s = setup();
    moves(s.fleet, 'a1', 9);
    const [outcome] = s.fleet.service.runGrouped([() => s.fleet.service.pruneOldestHistory([['a1', 4]])]);
    expect(outcome).toMatchObject({ ok: false, error: { message: 'retention must not run inside runGrouped' } });
    expect(eventCount(s.fleet, 'a1')).toBe(9);
  });

  it('write the heartbeats waiting for the group commit first, and leave them written', () => {
    const fleet = createFleet({ groupCommit: true });
    try {
      fleet.service.recordHeartbeat('a1');
      fleet.clock.advance(5_000);
      fleet.service.recordHeartbeat('a1'); // answered, waiting for the group commit
      fleet.service.pruneHistoryBefore(0, 10);
      expect(fleet.db.prepare('SELECT last_heartbeat FROM agents').pluck().get()).toBe(fleet.clock.now());
    } finally {
      fleet.close();
    }
  });
});

describe('Retention timing', () => {
  it('runs at start and again within every minute', () => {
    const s = setup();
    s.retention.start();
    expect(s.timers.active).toBe(1);
    moves(s.fleet, 'a1', 9, 1);
    s.timers.advance(RETENTION_INTERVAL_MS - 9);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(5);
    moves(s.fleet, 'a1', 4, 1);
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(5);
  });

  it('a failed pass is reported and the next one tries again', () => {
    const s = setup();
    moves(s.fleet, 'a1', 9);
    s.fleet.db.exec("CREATE TRIGGER no_delete BEFORE DELETE ON status_events BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    s.retention.start();
    s.settle();
    expect(s.errors.map((e) => (e as Error).message)).toEqual(['disk says no']);
    expect(eventCount(s.fleet, 'a1')).toBe(9);
    s.fleet.db.exec('DROP TRIGGER no_delete');
    s.timers.advance(RETENTION_INTERVAL_MS);
    s.settle();
    expect(eventCount(s.fleet, 'a1')).toBe(5);
  });

  it('dispose stops the timer and the pass under way', async () => {
    const s = setup({ batchRows: 1 });
    moves(s.fleet, 'a1', 9);
    s.retention.start();
    const idle = s.retention.whenIdle();
    expect(s.timeouts.size).toBe(1);
    s.retention.dispose();
    await idle;
    expect([s.timers.active, s.timeouts.size]).toEqual([0, 0]);
    expect(eventCount(s.fleet, 'a1')).toBe(8);
  });
});
