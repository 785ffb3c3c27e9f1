import { afterEach, describe, expect, it } from 'vitest';
import { AgentNotFoundError, InvalidTransitionError } from '../../../shared/errors';
import { createFleet, DEFAULT_RECOVERY_MS, TIMEOUT_MS } from '../../support/fleet-fixture';

describe('FleetService', () => {
  let fleet = createFleet();
  afterEach(() => {
    fleet.close();
    fleet = createFleet();
  });

  describe('registration', () => {
    it('a heartbeat from an unknown agent registers it idle, heartbeat now, with its profile', () => {
      const t = fleet.clock.now();
      const agent = fleet.service.recordHeartbeat('a1', { name: 'Agent One', labels: { team: 'infra' } });
      expect(agent).toEqual({
        id: 'a1', name: 'Agent One', labels: { team: 'infra' }, status: 'idle', statusSince: t,
        lastHeartbeat: t, exhaustedAt: null, recoveryAt: null, exhaustReason: null, createdAt: t,
        recoverySource: null, exhaustExcerpt: null, usage: {}, waiting: null,
      });
      expect(fleet.service.get('a1')).toEqual(agent);
      expect(fleet.service.history('a1')).toEqual([]);
    });

    it('a first idle report is just the registration (no refusal)', () => {
      expect(fleet.service.reportIdle('new').status).toBe('idle');
      expect(() => fleet.service.reportIdle('new')).toThrow("Agent 'new' is idle; expected one of [busy, on_call, exhausted, offline]");
    });

    it('busy and exhausted reports register an unknown agent, then move it', () => {
      expect(fleet.service.reportBusy('b', 'on_call').status).toBe('on_call');
      expect(fleet.service.reportExhausted('c', { reason: 'billing' }).status).toBe('exhausted');
      expect(fleet.service.history('b').map((e) => [e.from, e.to])).toEqual([['idle', 'on_call']]);
    });

    it('operator actions on an unknown agent are not_found and register nothing', () => {
      expect(() => fleet.service.recover('ghost')).toThrow(AgentNotFoundError);
      expect(() => fleet.service.forceExhaust('ghost', { reason: 'billing' })).toThrow(AgentNotFoundError);
      expect(() => fleet.service.forget('ghost')).toThrow(AgentNotFoundError);
      expect(fleet.service.list()).toEqual([]);
      expect(fleet.batches).toEqual([]);
    });

    it('a later heartbeat updates name and labels when given and keeps them when not', () => {
      fleet.service.recordHeartbeat('a1', { name: 'one', labels: { a: '1' } });
      fleet.service.recordHeartbeat('a1', { labels: { b: '2' } });
      expect(fleet.service.get('a1')).toMatchObject({ name: 'one', labels: { b: '2' } });
      fleet.service.recordHeartbeat('a1');
      expect(fleet.service.get('a1')).toMatchObject({ name: 'one', labels: { b: '2' } });
    });
  });

  describe('moves', () => {
    it('busy → idle round trip writes two history rows with cause agent, newest first', () => {
      fleet.service.recordHeartbeat('a1');
      fleet.clock.advance(1000);
      fleet.service.reportBusy('a1', 'work');
      fleet.clock.advance(1000);
      const idle = fleet.service.reportIdle('a1');
      expect(idle).toMatchObject({ status: 'idle', statusSince: fleet.clock.now(), lastHeartbeat: fleet.clock.now() });
      const history = fleet.service.history('a1');
      expect(history.map((e) => [e.from, e.to, e.cause])).toEqual([
        ['busy', 'idle', 'agent'],
        ['idle', 'busy', 'agent'],
      ]);
      expect(history[1]?.detail).toEqual({ slot_type: 'work' });
    });

    it('a refused move changes nothing and tells no one', () => {
      fleet.service.reportBusy('a1', 'work');
      const before = fleet.service.get('a1');
      const batchesBefore = fleet.batches.length;
      fleet.clock.advance(5000);
      expect(() => fleet.service.reportBusy('a1', 'on_call')).toThrow(InvalidTransitionError);
      expect(fleet.service.get('a1')).toEqual(before);
      expect(fleet.service.history('a1')).toHaveLength(1);
      expect(fleet.batches).toHaveLength(batchesBefore);
    });

    it('exhausted: explicit recovery time, default recovery, detail records both', () => {
      const t = fleet.clock.now();
      fleet.service.reportExhausted('a1', { reason: 'rate_limit', recoveryAt: t + 60_000 });
      expect(fleet.service.get('a1')).toMatchObject({ status: 'exhausted', exhaustedAt: t, recoveryAt: t + 60_000, exhaustReason: 'rate_limit' });
      fleet.service.forceExhaust('a1', { reason: 'billing' });
      expect(fleet.service.get('a1').recoveryAt).toBe(t + DEFAULT_RECOVERY_MS);
      const [latest, first] = fleet.service.history('a1');
      expect(latest).toMatchObject({ from: 'exhausted', to: 'exhausted', cause: 'operator', detail: { reason: 'billing', recovery_at: new Date(t + DEFAULT_RECOVERY_MS).toISOString() } });
      expect(first).toMatchObject({ from: 'idle', to: 'exhausted', cause: 'agent' });
    });

    it('statusSince moves only when the status does', () => {
      fleet.service.reportExhausted('a1', { reason: 'rate_limit' });
      const since = fleet.service.get('a1').statusSince;
      fleet.clock.advance(1000);
      fleet.service.forceExhaust('a1', { reason: 'billing' });
      fleet.service.recordHeartbeat('a1');
      expect(fleet.service.get('a1').statusSince).toBe(since);
    });

    it('operator recover brings an exhausted agent to idle with cause operator', () => {
      fleet.service.reportExhausted('a1', { reason: 'billing' });
      const agent = fleet.service.recover('a1');
      expect(agent).toMatchObject({ status: 'idle', exhaustReason: null, recoveryAt: null, exhaustedAt: null });
      expect(fleet.service.history('a1')[0]).toMatchObject({ from: 'exhausted', to: 'idle', cause: 'operator' });
    });

    it('forget deletes the agent and its history and announces the removal', () => {
      fleet.service.reportBusy('a1', 'work');
      fleet.service.forget('a1');
      expect(() => fleet.service.get('a1')).toThrow(AgentNotFoundError);
      expect(fleet.db.prepare('SELECT count(*) FROM status_events').pluck().get()).toBe(0);
      expect(fleet.batches.at(-1)).toEqual([{ type: 'removed', agentId: 'a1' }]);
    });

    it('history is limited and newest first', () => {
      fleet.service.recordHeartbeat('a1');
      for (let i = 0; i < 5; i++) {
        fleet.clock.advance(10);
        fleet.service.reportBusy('a1', 'work');
        fleet.service.reportIdle('a1');
      }
      const history = fleet.service.history('a1', 3);
      expect(history).toHaveLength(3);
      expect(history.map((e) => e.to)).toEqual(['idle', 'busy', 'idle']);
      expect(history[0]!.id).toBeGreaterThan(history[1]!.id);
    });
  });

  describe('atomic writes', () => {
    it('a status change and its history row commit together: when the history cannot be written, the status stays and nothing is announced', () => {
      fleet.service.recordHeartbeat('a1');
      const announced = fleet.batches.length;
      fleet.db.exec("CREATE TRIGGER no_history BEFORE INSERT ON status_events BEGIN SELECT RAISE(ABORT, 'history refused'); END");
      expect(() => fleet.service.reportBusy('a1', 'work')).toThrow(/history refused/);
      expect(fleet.service.get('a1').status).toBe('idle');
      expect(fleet.db.prepare('SELECT status FROM agents WHERE id = ?').pluck().get('a1')).toBe('idle');
      expect(fleet.batches).toHaveLength(announced);
      fleet.db.exec('DROP TRIGGER no_history');
      expect(fleet.service.reportBusy('a1', 'work').status).toBe('busy');
      expect(fleet.service.history('a1')).toHaveLength(1);
    });
  });

  describe('change events', () => {
    it('fire after the commit: a listener reading the database sees the change', () => {
      const seen: string[] = [];
      fleet.service.onDidChange(() => seen.push(fleet.service.get('a1').status));
      fleet.service.reportBusy('a1', 'work');
      expect(seen).toEqual(['busy']);
    });

    it('registration plus move is one change carrying the move’s event', () => {
      fleet.service.reportBusy('a1', 'work');
      expect(fleet.batches).toHaveLength(1);
      const [change] = fleet.batches[0]!;
      expect(change).toMatchObject({ type: 'upsert', agent: { status: 'busy' }, event: { from: 'idle', to: 'busy' } });
    });

    it('a plain heartbeat is a change with no history event', () => {
      fleet.service.recordHeartbeat('a1');
      fleet.service.recordHeartbeat('a1');
      expect(fleet.batches.at(-1)).toEqual([{ type: 'upsert', agent: fleet.service.get('a1'), event: null }]);
    });

    it('a throwing listener does not stop the others nor undo the write', () => {
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (e: unknown) => errors.push(e);
      try {
        fleet.service.onDidChange(() => {
          throw new Error('listener bug');
        });
        fleet.service.reportBusy('a1', 'work');
      } finally {
        console.error = original;
      }
      expect(fleet.batches).toHaveLength(1);
      expect(fleet.service.get('a1').status).toBe('busy');
      expect(errors).toHaveLength(1);
    });
  });

  describe('sweep', () => {
    it('marks only agents silent for strictly more than the timeout, with cause sweeper', () => {
      fleet.service.recordHeartbeat('old');
      fleet.clock.advance(1);
      fleet.service.recordHeartbeat('young');
      fleet.clock.advance(TIMEOUT_MS);
      const cutoff = fleet.clock.now() - TIMEOUT_MS;
      expect(fleet.service.sweep(cutoff)).toEqual({ wentOffline: 1, recovered: 0 });
      expect(fleet.service.get('old').status).toBe('offline');
      expect(fleet.service.get('young').status).toBe('idle');
      expect(fleet.service.history('old')[0]).toMatchObject({ from: 'idle', to: 'offline', cause: 'sweeper' });
    });

    it('a null cutoff (grace) skips timeouts but still recovers', () => {
      fleet.service.reportExhausted('ex', { reason: 'rate_limit', recoveryAt: fleet.clock.now() + 1000 });
      fleet.service.recordHeartbeat('silent');
      fleet.clock.advance(TIMEOUT_MS * 10);
      expect(fleet.service.sweep(null)).toEqual({ wentOffline: 0, recovered: 1 });
      expect(fleet.service.get('ex')).toMatchObject({ status: 'idle', lastHeartbeat: fleet.clock.now() });
      expect(fleet.service.history('ex')[0]).toMatchObject({ from: 'exhausted', to: 'idle', cause: 'recovery' });
    });

    it('timeouts run before recoveries: a silent exhausted agent goes offline, not idle', () => {
      fleet.service.reportExhausted('ex', { reason: 'rate_limit', recoveryAt: fleet.clock.now() + 1000 });
      fleet.clock.advance(TIMEOUT_MS + 1);
      fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS);
      expect(fleet.service.get('ex').status).toBe('offline');
    });

    it('all changes of one sweep arrive as one batch; nothing due means no batch', () => {
      for (const id of ['a', 'b', 'c']) fleet.service.recordHeartbeat(id);
      const before = fleet.batches.length;
      expect(fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS)).toEqual({ wentOffline: 0, recovered: 0 });
      expect(fleet.batches).toHaveLength(before);
      fleet.clock.advance(TIMEOUT_MS + 1);
      fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS);
      expect(fleet.batches).toHaveLength(before + 1);
      expect(fleet.batches.at(-1)).toHaveLength(3);
    });

    it('a heartbeat brings an offline agent back to idle', () => {
      fleet.service.reportBusy('a1', 'work');
      fleet.clock.advance(TIMEOUT_MS + 1);
      fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS);
      expect(fleet.service.recordHeartbeat('a1').status).toBe('idle');
      expect(fleet.service.history('a1')[0]).toMatchObject({ from: 'offline', to: 'idle', cause: 'agent' });
    });
  });
});
