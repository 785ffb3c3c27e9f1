import { afterEach, describe, expect, it } from 'vitest';
import { AgentNotFoundError, InvalidTransitionError, RecoveryTooFarError, TooManyAgentsError } from '../../../shared/errors';
import { FleetService } from '../../../electron/core/fleet-service';
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
        recoverySource: null, exhaustExcerpt: null, usage: {}, waiting: null, lastSeen: t,
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

    it("operator recover of an offline agent: last_heartbeat is now, as the reference's 'to idle' says; last_seen stays the agent's own", () => {
      fleet.service.recordHeartbeat('a1');
      const beat = fleet.clock.now();
      fleet.clock.advance(TIMEOUT_MS + 1000);
      fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS);
      expect(fleet.service.get('a1')).toMatchObject({ status: 'offline', lastSeen: beat });
      fleet.clock.advance(60_000);
      const agent = fleet.service.recover('a1');
      expect(agent).toMatchObject({ status: 'idle', lastHeartbeat: fleet.clock.now(), lastSeen: beat });
      expect(fleet.service.get('a1')).toMatchObject({ lastHeartbeat: fleet.clock.now(), lastSeen: beat });
      expect(fleet.batches.at(-1)).toEqual([expect.objectContaining({ type: 'upsert', agent: expect.objectContaining({ lastSeen: beat }) })]);
      // The rules give it a whole timeout from the recover, as the reference does.
      expect(fleet.service.sweep(fleet.clock.now() - TIMEOUT_MS)).toEqual({ wentOffline: 0, recovered: 0 });
    });

    it('last_seen moves with every call of the agent itself, and with nothing else', () => {
      fleet.service.reportBusy('a1', 'work');
      const busyAt = fleet.clock.now();
      fleet.clock.advance(1_000);
      fleet.service.reportExhausted('a1', { reason: 'rate_limit', recoveryAt: fleet.clock.now() + 10_000 });
      const exhaustedAt = fleet.clock.now();
      expect(fleet.service.get('a1').lastSeen).toBe(exhaustedAt);
      expect(busyAt).toBeLessThan(exhaustedAt);
      fleet.clock.advance(10_000);
      fleet.service.sweep(null); // recovered by time: the rules' heartbeat is now, the agent said nothing
      expect(fleet.service.get('a1')).toMatchObject({ status: 'idle', lastHeartbeat: fleet.clock.now(), lastSeen: exhaustedAt });
      fleet.service.forceExhaust('a1', { reason: 'billing' });
      expect(fleet.service.get('a1').lastSeen).toBe(exhaustedAt);
      fleet.clock.advance(1_000);
      fleet.service.reportActivity('a1', { op: { kind: 'heartbeat' } });
      expect(fleet.service.get('a1').lastSeen).toBe(fleet.clock.now());
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

describe('FleetService: the cap on agents (FLEET_MAX_AGENTS)', () => {
  let fleet = createFleet({ maxAgents: 3 });
  afterEach(() => fleet.close());
  const fresh = () => {
    fleet.close();
    fleet = createFleet({ maxAgents: 3 });
  };
  const tables = () => JSON.stringify([fleet.db.prepare('SELECT * FROM agents ORDER BY id').all(), fleet.db.prepare('SELECT * FROM status_events').all()]);

  it('a registration beyond the cap is too_many_agents, by every path that registers, and writes and announces nothing', () => {
    fresh();
    for (const id of ['a', 'b', 'c']) fleet.service.recordHeartbeat(id);
    const before = tables();
    const batches = fleet.batches.length;
    const registrations: (() => unknown)[] = [
      () => fleet.service.recordHeartbeat('d'),
      () => fleet.service.reportBusy('d', 'work'),
      () => fleet.service.reportIdle('d'),
      () => fleet.service.reportExhausted('d', { reason: 'billing' }),
      () => fleet.service.reportOffline('d'),
      () => fleet.service.reportActivity('d', { op: { kind: 'busy', slotType: 'work' } }),
    ];
    for (const register of registrations) {
      expect(register).toThrow(TooManyAgentsError);
      expect(register).toThrow("Agent 'd' cannot be registered: the fleet holds its maximum of 3 agents (FLEET_MAX_AGENTS); forget some first");
    }
    expect(tables()).toBe(before);
    expect(fleet.batches).toHaveLength(batches);
    // Known agents go on as ever.
    expect(fleet.service.reportBusy('a', 'work').status).toBe('busy');
  });

  it('a forget makes room again; the count is the table, read once at start and kept since', () => {
    fresh();
    for (const id of ['a', 'b', 'c']) fleet.service.recordHeartbeat(id);
    fleet.service.forget('b');
    expect(fleet.service.recordHeartbeat('d').id).toBe('d');
    expect(() => fleet.service.recordHeartbeat('e')).toThrow(TooManyAgentsError);
    // A service started on a full database counts what is there.
    const second = new FleetService(fleet.db, fleet.clock, { ...fleet.service.options, maxAgents: 3 });
    expect(() => second.recordHeartbeat('e')).toThrow(TooManyAgentsError);
    // Rows deleted behind the service's back, then announced as removed by a later commit, are counted again.
    fleet.db.prepare("DELETE FROM agents WHERE id IN ('a', 'c')").run();
    fleet.service.forget('d');
    expect(fleet.service.recordHeartbeat('e').id).toBe('e');
    expect(fleet.service.recordHeartbeat('f').id).toBe('f');
    expect(fleet.service.recordHeartbeat('g').id).toBe('g');
    expect(() => fleet.service.recordHeartbeat('h')).toThrow(TooManyAgentsError);
    expect(fleet.service.count()).toBe(3);
  });

  it('a registration rolled back (refused further on) does not count', () => {
    fresh();
    fleet.service.recordHeartbeat('a');
    fleet.service.recordHeartbeat('b');
    const far = fleet.clock.now() + 8 * 86_400_000;
    expect(() => fleet.service.reportExhausted('c', { reason: 'rate_limit', recoveryAt: far })).toThrow(RecoveryTooFarError);
    expect(fleet.service.find('c')).toBeUndefined();
    expect(fleet.service.recordHeartbeat('c').id).toBe('c');
  });

  it('writes grouped in one transaction count each registration, and a lost group counts none', () => {
    fresh();
    const outcomes = fleet.service.runGrouped(['a', 'b', 'c', 'd'].map((id) => () => fleet.service.recordHeartbeat(id)));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(outcomes[3]).toMatchObject({ ok: false, error: expect.any(TooManyAgentsError) });
    expect(fleet.service.count()).toBe(3);
  });
});

describe('FleetService: the recovery horizon (FLEET_MAX_RECOVERY_S)', () => {
  const DAY = 86_400_000;
  let fleet = createFleet({ maxRecoveryS: 7 * 86_400 });
  afterEach(() => {
    fleet.close();
    fleet = createFleet({ maxRecoveryS: 7 * 86_400 });
  });

  it('a given recovery time more than the horizon ahead is refused, for agents and operators, and nothing is written', () => {
    fleet.service.recordHeartbeat('a');
    const before = JSON.stringify([fleet.service.list(), fleet.service.history('a')]);
    const far = fleet.clock.now() + 7 * DAY + 1;
    expect(() => fleet.service.reportExhausted('a', { reason: 'rate_limit', recoveryAt: far, source: 'given' })).toThrow(
      'recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)',
    );
    expect(() => fleet.service.forceExhaust('a', { reason: 'billing', recoveryAt: far })).toThrow(RecoveryTooFarError);
    expect(() => fleet.service.reportExhausted('new', { reason: 'rate_limit', recoveryAt: far })).toThrow(RecoveryTooFarError);
    expect(fleet.service.find('new')).toBeUndefined();
    expect(JSON.stringify([fleet.service.list(), fleet.service.history('a')])).toBe(before);
    try {
      fleet.service.forceExhaust('a', { reason: 'billing', recoveryAt: far });
    } catch (error) {
      expect((error as RecoveryTooFarError).toInfo()).toEqual({ code: 'bad_request', message: 'recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)' });
    }
  });

  it('exactly at the horizon, and any past time, are taken', () => {
    const edge = fleet.clock.now() + 7 * DAY;
    expect(fleet.service.reportExhausted('a', { reason: 'rate_limit', recoveryAt: edge }).recoveryAt).toBe(edge);
    const past = fleet.clock.now() - DAY;
    expect(fleet.service.reportExhausted('b', { reason: 'rate_limit', recoveryAt: past }).recoveryAt).toBe(past);
  });

  it('a time read from headers or a message beyond the horizon is clamped to it, keeping its source', () => {
    const far = fleet.clock.now() + 30 * DAY;
    const agent = fleet.service.reportExhausted('h', { reason: 'rate_limit', recoveryAt: far, source: 'headers' });
    expect(agent).toMatchObject({ recoveryAt: fleet.clock.now() + 7 * DAY, recoverySource: 'headers' });
    const hooked = fleet.service.reportActivity('m', {
      op: { kind: 'exhausted', reason: 'rate_limit', recoveryAt: far },
      exhaustion: { reason: 'rate_limit', recoveryAt: far, source: 'message', excerpt: 'resets in 30 days' },
    });
    expect(hooked).toMatchObject({ status: 'exhausted', recoveryAt: fleet.clock.now() + 7 * DAY, recoverySource: 'message' });
    expect(fleet.service.history('m')[0]!.detail).toMatchObject({ recovery_at: new Date(fleet.clock.now() + 7 * DAY).toISOString() });
  });

  it('the horizon is the configured one', () => {
    fleet.close();
    fleet = createFleet({ maxRecoveryS: 3_600 });
    expect(() => fleet.service.reportExhausted('a', { reason: 'rate_limit', recoveryAt: fleet.clock.now() + 3_600_001 })).toThrow(
      'recovery_at must be at most 1 hour ahead (FLEET_MAX_RECOVERY_S)',
    );
  });
});

describe('FleetService.bulk', () => {
  it('a failure that is not one agent’s (the store’s) leaves no part of the action, alone or in a batch of writes', () => {
    const fleet = createFleet();
    const { service } = fleet;
    try {
      for (const id of ['a', 'b', 'c']) service.reportExhausted(id, { reason: 'billing' });
      const before = JSON.stringify(service.list());
      const told = fleet.batches.length;
      const failOn = (bad: string) => (id: string) => {
        if (id === bad) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        return service.recover(id);
      };
      expect(() => service.bulk(['a', 'b', 'c'], failOn('c'))).toThrow('disk I/O error');
      expect(JSON.stringify(service.list())).toBe(before);
      expect(fleet.batches.length).toBe(told);
      // In the port's batch: the bulk and the writes around it fail together, nothing committed.
      const outcomes = service.runGrouped<unknown>([() => service.recordHeartbeat('d'), () => service.bulk(['a', 'b', 'c'], failOn('b'))]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, false]);
      expect(JSON.stringify(service.list())).toBe(before);
      expect(fleet.batches.length).toBe(told);
      // And a bulk that works commits once, each refusal reported.
      const done = service.bulk(['a', 'a', 'nobody'], (id) => service.recover(id));
      expect(done.map((o) => [o.id, o.ok])).toEqual([
        ['a', true],
        ['nobody', false],
      ]);
      expect(fleet.batches.length).toBe(told + 1);
    } finally {
      fleet.close();
    }
  });
});
