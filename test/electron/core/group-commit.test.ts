import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, TIMEOUT_MS } from '../../support/fleet-fixture';

describe('group commit of plain heartbeats', () => {
  let fleet = createFleet({ groupCommit: true });
  afterEach(() => {
    fleet.close();
    fleet = createFleet({ groupCommit: true });
  });
  const rowBeat = (id: string) => fleet.db.prepare('SELECT last_heartbeat FROM agents WHERE id = ?').pluck().get(id);

  it('answers at once, shows in reads, and writes all pending beats in one transaction when the timer fires', () => {
    fleet.service.recordHeartbeat('a'); // registration: committed at once
    fleet.service.recordHeartbeat('b');
    const registered = rowBeat('a');
    fleet.clock.advance(5_000);
    const answered = fleet.service.recordHeartbeat('a');
    fleet.service.recordHeartbeat('b');
    expect(answered.lastHeartbeat).toBe(fleet.clock.now());
    expect(rowBeat('a')).toBe(registered);
    expect(fleet.service.get('a').lastHeartbeat).toBe(fleet.clock.now());
    expect(fleet.service.list().map((a) => a.lastHeartbeat)).toEqual([fleet.clock.now(), fleet.clock.now()]);
    expect(fleet.timeouts.size).toBe(1);
    const told = fleet.batches.length;
    fleet.timeouts.runAll();
    expect(rowBeat('a')).toBe(fleet.clock.now());
    expect(rowBeat('b')).toBe(fleet.clock.now());
    expect(fleet.batches).toHaveLength(told + 1);
    expect(fleet.batches.at(-1)!.map((c) => c.type === 'upsert' && c.agent.id)).toEqual(['a', 'b']);
  });

  it('a beat resending the same name and labels waits too; a changed profile commits at once', () => {
    fleet.service.recordHeartbeat('a', { name: 'A', labels: { team: 'x' } });
    fleet.service.recordHeartbeat('a', { name: 'A', labels: { team: 'x' } });
    expect(fleet.timeouts.size).toBe(1);
    fleet.service.recordHeartbeat('a', { name: 'A', labels: { team: 'y' } });
    expect(fleet.timeouts.size).toBe(0);
    expect(fleet.db.prepare("SELECT labels FROM agents WHERE id = 'a'").pluck().get()).toBe('{"team":"y"}');
  });

  it('listeners hear of a beat only after it is committed', () => {
    fleet.service.recordHeartbeat('a');
    const told = fleet.batches.length;
    fleet.service.recordHeartbeat('a');
    expect(fleet.batches).toHaveLength(told);
  });

  it('status changes still commit before they return, writing pending beats with them', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(1_000);
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(1_000);
    fleet.service.reportBusy('a', 'work');
    expect(fleet.db.prepare("SELECT status FROM agents WHERE id = 'a'").pluck().get()).toBe('busy');
    expect(fleet.timeouts.size).toBe(0);
  });

  it('the sweeper counts a beat that was answered but not yet written', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(TIMEOUT_MS - 1_000);
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(2_000);
    expect(fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS)).toEqual({ wentOffline: 0, recovered: 0 });
    expect(fleet.service.get('a').status).toBe('idle');
  });

  it('an offline agent’s heartbeat is a status change: committed at once', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(TIMEOUT_MS + 1);
    fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS);
    fleet.service.recordHeartbeat('a');
    expect(fleet.db.prepare("SELECT status FROM agents WHERE id = 'a'").pluck().get()).toBe('idle');
  });

  it('a failed flush keeps the beats pending until writes work again', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(1_000);
    fleet.service.recordHeartbeat('a');
    fleet.db.pragma('query_only = ON');
    expect(() => fleet.service.flushHeartbeats()).toThrow(/readonly/i);
    expect(fleet.service.get('a').lastHeartbeat).toBe(fleet.clock.now());
    fleet.db.pragma('query_only = OFF');
    fleet.service.flushHeartbeats();
    expect(rowBeat('a')).toBe(fleet.clock.now());
  });

  it('a failing timed flush does not throw out of the timer; it retries on the next one', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(1_000);
    fleet.service.recordHeartbeat('a');
    fleet.db.pragma('query_only = ON');
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (line: unknown) => logged.push(line);
    try {
      expect(() => fleet.timeouts.runAll()).not.toThrow();
    } finally {
      console.error = original;
    }
    expect(logged).toHaveLength(1);
    expect(fleet.timeouts.size).toBe(1);
    fleet.db.pragma('query_only = OFF');
    fleet.timeouts.runAll();
    expect(rowBeat('a')).toBe(fleet.clock.now());
  });

  it('dispose writes what is pending, so a clean stop loses no heartbeat', () => {
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(1_000);
    fleet.service.recordHeartbeat('a');
    fleet.service.dispose();
    expect(rowBeat('a')).toBe(fleet.clock.now());
  });
});
