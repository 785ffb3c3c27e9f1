/**
 * FleetService.settleFutureTimes: after the wall clock went back, every
 * recorded moment ahead of the clock becomes now — in the table, in the
 * heartbeat cache and in what listeners are told — while recovery times
 * (targets, not records) stay. Real SQLite, fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/agent';
import { AgentRepository } from '../../../electron/core/store/agent-repository';
import { createFleet, type Fleet } from '../../support/fleet-fixture';

const HOUR = 3_600_000;

describe('FleetService.settleFutureTimes', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  const times = (a: Agent) => [a.lastHeartbeat, a.statusSince, a.exhaustedAt, a.createdAt, a.waiting?.since ?? null];

  it('moves every recorded time ahead of the clock to now, pending heartbeats included, and keeps recovery times', () => {
    fleet = createFleet({ groupCommit: true });
    const { service, clock } = fleet;
    service.recordHeartbeat('beating');
    const recoveryAt = clock.now() + 3 * HOUR;
    service.reportExhausted('exhausted', { reason: 'billing', recoveryAt });
    service.reportActivity('waiting', { op: { kind: 'heartbeat' }, waiting: { kind: 'permission', message: 'may I?' } });
    clock.advance(5_000);
    expect(service.recordHeartbeat('beating').lastHeartbeat).toBe(clock.now()); // pending: not yet written
    expect(fleet.timeouts.size).toBe(1);
    const before = fleet.batches.length;

    clock.setWall(clock.now() - HOUR);
    const now = clock.now();
    expect(service.settleFutureTimes()).toEqual({ settled: 3, next: null });

    const rows = new AgentRepository(fleet.db);
    for (const id of ['beating', 'exhausted', 'waiting']) {
      const row = rows.get(id)!;
      expect(times(row).filter((t) => t !== null).every((t) => t === now), id).toBe(true);
      // The cache the heartbeat path reads holds the same, never the future time.
      expect(service.find(id)).toEqual(row);
      expect(service.get(id)).toEqual(row);
    }
    expect(rows.get('exhausted')!.recoveryAt).toBe(recoveryAt);
    expect(rows.get('waiting')!.waiting).toEqual({ kind: 'permission', message: 'may I?', since: now });

    // Told once, as settled: one batch, each agent once, with the settled times.
    expect(fleet.batches.length).toBe(before + 1);
    const told = fleet.batches.at(-1)!;
    expect(told.map((c) => (c.type === 'upsert' ? c.agent.id : c.agentId)).sort()).toEqual(['beating', 'exhausted', 'waiting']);
    for (const change of told) if (change.type === 'upsert') expect(change.agent).toEqual(rows.get(change.agent.id));
    // The pending beat was written by it: nothing is left for the group commit.
    fleet.timeouts.runAll();
    expect(rows.get('beating')!.lastHeartbeat).toBe(now);
  });

  it('leaves times at or before now alone, and tells nobody when nothing moved', () => {
    fleet = createFleet();
    const { service, clock } = fleet;
    service.recordHeartbeat('old');
    clock.advance(10_000);
    service.recordHeartbeat('fresh');
    clock.setWall(clock.now() - 5_000);
    const now = clock.now();
    const old = service.get('old');
    expect(service.settleFutureTimes()).toEqual({ settled: 1, next: null });
    expect(service.get('old')).toEqual(old);
    expect(times(service.get('fresh')).filter((t) => t !== null)).toEqual([now, now, now]);
    const before = fleet.batches.length;
    expect(service.settleFutureTimes()).toEqual({ settled: 0, next: null });
    expect(fleet.batches.length).toBe(before);
  });

  it('settles a large fleet in batches, each going on where the last ended', () => {
    fleet = createFleet();
    const { service, clock } = fleet;
    for (const id of ['a', 'b', 'c']) service.recordHeartbeat(id);
    clock.advance(10_000);
    for (const id of ['d', 'e', 'f']) service.recordHeartbeat(id);
    service.recordHeartbeat('a');
    clock.setWall(clock.now() - 5_000);
    // Ahead of the clock now: a, d, e, f (b and c beat 10 s before the jump).
    const first = service.settleFutureTimes(0, 2);
    expect(first.settled).toBe(2);
    expect(first.next).not.toBeNull();
    const second = service.settleFutureTimes(first.next!, 2);
    expect(second.settled).toBe(2);
    expect(service.settleFutureTimes(second.next!, 2)).toEqual({ settled: 0, next: null });
    const now = clock.now();
    for (const agent of service.list()) expect(agent.lastHeartbeat, agent.id).toBeLessThanOrEqual(now);
    expect(service.list().filter((a) => a.lastHeartbeat === now).map((a) => a.id)).toEqual(['a', 'd', 'e', 'f']);
  });

  it('history recorded ahead of the clock is settled too: newest first stays newest first, and count pruning takes the oldest', () => {
    fleet = createFleet();
    const { service, clock, db } = fleet;
    service.reportBusy('a1', 'work'); // before the jump: ahead of the clock after it
    clock.advance(1_000);
    service.reportIdle('a1');
    clock.setWall(clock.now() - HOUR);
    service.reportBusy('a1', 'work'); // after the jump
    const ids = db.prepare("SELECT id FROM status_events WHERE agent_id = 'a1' ORDER BY id").pluck().all() as number[];
    // Before settling, the two old events sort above the new one.
    expect(service.history('a1').map((e) => e.id)).toEqual([ids[1], ids[0], ids[2]]);
    let next: number | null = 0;
    for (let calls = 0; next !== null && calls < 10; calls++) next = service.settleFutureTimes(next, 1).next;
    expect(next).toBeNull();
    expect(service.history('a1').map((e) => e.id)).toEqual([...ids].reverse());
    expect(service.history('a1').every((e) => e.at <= clock.now())).toBe(true);
    // The oldest event is the one count pruning deletes.
    expect(service.pruneOldestHistory([['a1', 1]])).toEqual([1]);
    expect(service.history('a1').map((e) => e.id)).toEqual([ids[2], ids[1]]);
  });
});
