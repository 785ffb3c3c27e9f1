import { afterEach, describe, expect, it } from 'vitest';
import { SETTLE_BATCH } from '../../../electron/core/fleet-service';
import { Sweeper } from '../../../electron/core/sweeper';
import { FakeTimers } from '../../support/fake-clock';
import { createFleet, TIMEOUT_MS } from '../../support/fleet-fixture';

const INTERVAL = 1000;

function setup() {
  const fleet = createFleet();
  const timers = new FakeTimers(fleet.clock);
  const sweeper = new Sweeper(fleet.service, fleet.clock, timers, { intervalMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT_MS });
  return { ...fleet, timers, sweeper };
}

describe('Sweeper', () => {
  let s = setup();
  afterEach(() => {
    s.sweeper.dispose();
    s.close();
    s = setup();
  });

  it('start() owns one interval and dispose() clears it', () => {
    s.sweeper.start();
    s.sweeper.start();
    expect(s.timers.active).toBe(1);
    s.sweeper.dispose();
    expect(s.timers.active).toBe(0);
  });

  it('an agent is shown offline no later than one interval after its deadline', () => {
    s.sweeper.start();
    s.service.recordHeartbeat('a1');
    const deadline = s.clock.now() + TIMEOUT_MS;
    s.timers.advance(TIMEOUT_MS);
    expect(s.service.get('a1').status).toBe('idle');
    s.timers.advance(INTERVAL);
    expect(s.service.get('a1').status).toBe('offline');
    const wentOffline = s.service.history('a1')[0]!.at;
    expect(wentOffline).toBeGreaterThan(deadline);
    expect(wentOffline).toBeLessThanOrEqual(deadline + INTERVAL);
  });

  it('an exhausted agent comes back at its recovery time, within one interval', () => {
    s.sweeper.start();
    const recoveryAt = s.clock.now() + 10_500;
    s.service.reportExhausted('a1', { reason: 'rate_limit', recoveryAt: recoveryAt });
    // keep it beating so the timeout does not interfere
    for (let i = 0; i < 10; i++) {
      s.timers.advance(INTERVAL);
      s.service.recordHeartbeat('a1');
    }
    expect(s.service.get('a1').status).toBe('exhausted');
    s.timers.advance(INTERVAL);
    expect(s.service.get('a1')).toMatchObject({ status: 'idle', lastHeartbeat: s.clock.now() });
    expect(s.service.history('a1')[0]).toMatchObject({ cause: 'recovery', at: s.clock.now() });
    expect(s.clock.now() - recoveryAt).toBeLessThanOrEqual(INTERVAL);
  });

  describe('grace: monitor downtime is not agent downtime', () => {
    it('after a restart, agents silent long before it get a full timeout from the start', () => {
      s.service.recordHeartbeat('a1');
      s.clock.advance(10 * TIMEOUT_MS); // the monitor was not running
      const restart = s.clock.now();
      s.sweeper.start();
      s.timers.advance(TIMEOUT_MS);
      expect(s.service.get('a1').status).toBe('idle');
      s.timers.advance(INTERVAL);
      expect(s.service.get('a1').status).toBe('offline');
      expect(s.service.history('a1')[0]!.at - restart).toBeGreaterThan(TIMEOUT_MS);
    });

    it('after a suspend (wall clock moves, monotonic does not) nobody is marked offline at once', () => {
      s.sweeper.start();
      s.service.recordHeartbeat('sleeper');
      s.timers.advance(INTERVAL);
      s.clock.suspend(60 * 60_000);
      s.timers.advance(INTERVAL);
      expect(s.service.get('sleeper').status).toBe('idle');
      s.timers.advance(TIMEOUT_MS - INTERVAL);
      expect(s.service.get('sleeper').status).toBe('idle');
      s.timers.advance(2 * INTERVAL);
      expect(s.service.get('sleeper').status).toBe('offline');
    });

    it('a wall-clock jump backwards or forwards of 2 s or more also starts a grace period', () => {
      s.sweeper.start();
      s.timers.advance(INTERVAL);
      const before = s.sweeper.graceStartedAt;
      s.clock.setWall(s.clock.now() + 2_000);
      s.timers.advance(INTERVAL);
      expect(s.sweeper.graceStartedAt).toBeGreaterThan(before);
      const second = s.sweeper.graceStartedAt;
      s.clock.setWall(s.clock.now() - 5_000);
      s.timers.advance(INTERVAL);
      expect(s.sweeper.graceStartedAt).not.toBe(second);
    });

    it('a drift under 2 s is not a jump', () => {
      s.sweeper.start();
      s.timers.advance(INTERVAL);
      const before = s.sweeper.graceStartedAt;
      s.clock.setWall(s.clock.now() + 1_999);
      s.timers.advance(INTERVAL);
      expect(s.sweeper.graceStartedAt).toBe(before);
    });

    it('an agent still beating through a suspend is never marked offline', () => {
      s.sweeper.start();
      s.service.recordHeartbeat('a1');
      s.timers.advance(30_000);
      s.clock.suspend(10 * 60_000);
      for (let i = 0; i < 10; i++) {
        s.timers.advance(30_000);
        s.service.recordHeartbeat('a1');
      }
      expect(s.service.history('a1')).toEqual([]);
    });

    it('overdue recoveries apply at once after a suspend, without grace', () => {
      s.sweeper.start();
      s.service.reportExhausted('a1', { reason: 'rate_limit', recoveryAt: s.clock.now() + 5 * 60_000 });
      s.clock.suspend(60 * 60_000);
      s.timers.advance(INTERVAL);
      expect(s.service.get('a1').status).toBe('idle');
    });

    it('resetGrace() (OS resume event) starts a grace period without waiting for detection', () => {
      s.sweeper.start();
      s.service.recordHeartbeat('a1');
      s.timers.advance(TIMEOUT_MS - INTERVAL);
      s.sweeper.resetGrace();
      s.timers.advance(2 * INTERVAL);
      expect(s.service.get('a1').status).toBe('idle');
    });
  });

  describe('stalls: a paused or blocked process', () => {
    const offline = () => s.service.list().filter((a) => a.status === 'offline').map((a) => a.id);

    it('a pause (wall and monotonic both move 150 s between ticks) marks nobody offline; the silent go offline one timeout after it', () => {
      s.sweeper.start();
      const ids = Array.from({ length: 20 }, (_, i) => `a${String(i).padStart(2, '0')}`);
      for (const id of ids) s.service.recordHeartbeat(id);
      s.timers.advance(10 * INTERVAL);
      s.clock.advance(150_000); // SIGSTOP … SIGCONT: no tick ran, no socket was read
      const resumed = s.clock.now();
      s.timers.advance(0); // the overdue tick runs first, before any queued beat is read
      expect(offline()).toEqual([]);
      expect(s.sweeper.graceStartedAt).toBe(resumed);
      // The beats that waited in the sockets are read; half the agents then beat on, half are silent.
      const beating = ids.slice(0, 10);
      for (const id of beating) s.service.recordHeartbeat(id);
      while (s.clock.now() - resumed <= TIMEOUT_MS + INTERVAL) {
        s.timers.advance(INTERVAL);
        if ((s.clock.now() - resumed) % 30_000 === 0) for (const id of beating) s.service.recordHeartbeat(id);
      }
      expect(offline()).toEqual(ids.slice(10));
      for (const id of beating) expect(s.service.history(id)).toEqual([]);
      for (const id of ids.slice(10)) {
        const at = s.service.history(id)[0]!.at;
        expect(at - resumed).toBeGreaterThan(TIMEOUT_MS);
        expect(at - resumed).toBeLessThanOrEqual(TIMEOUT_MS + INTERVAL);
      }
    });

    it('a tick late by the stall threshold (default 2 s) is a grace moment; a tick late by less is not', () => {
      s.sweeper.start();
      s.timers.advance(INTERVAL);
      const before = s.sweeper.graceStartedAt;
      s.clock.advance(INTERVAL + 1_999);
      s.timers.advance(0);
      expect(s.sweeper.graceStartedAt).toBe(before);
      s.clock.advance(INTERVAL + 2_000);
      s.timers.advance(0);
      expect(s.sweeper.graceStartedAt).toBe(s.clock.now());
    });

    it('a sweep that itself takes longer than the threshold is no stall: the next tick is not a grace moment', () => {
      const slow = {
        sweep: (cutoff: number | null) => {
          s.clock.advance(3_000); // a mass offline of a large fleet, say
          return s.service.sweep(cutoff);
        },
        settleFutureTimes: (from: number) => s.service.settleFutureTimes(from),
      };
      const sweeper = new Sweeper(slow, s.clock, s.timers, { intervalMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT_MS });
      const started = sweeper.graceStartedAt;
      s.clock.advance(INTERVAL);
      sweeper.tick(); // takes 3 s: the interval's next tick is then overdue and runs at once, as Node runs it
      sweeper.tick();
      s.clock.advance(INTERVAL);
      sweeper.tick();
      expect(sweeper.graceStartedAt).toBe(started);
      // A real stall after it still is one.
      s.clock.advance(INTERVAL + 2_000);
      sweeper.tick();
      expect(sweeper.graceStartedAt).toBeGreaterThan(started);
    });

    it('ticks that fail (the store down while times are being settled) are no stall either', () => {
      let failing = true;
      const flaky = {
        sweep: (cutoff: number | null) => s.service.sweep(cutoff),
        settleFutureTimes: (from: number) => {
          if (failing) throw new Error('SQLITE_IOERR');
          return s.service.settleFutureTimes(from);
        },
      };
      const sweeper = new Sweeper(flaky, s.clock, s.timers, { intervalMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT_MS, onError: () => {} });
      sweeper.start();
      const started = sweeper.graceStartedAt;
      for (let i = 0; i < 5; i++) s.timers.advance(INTERVAL);
      failing = false;
      s.timers.advance(INTERVAL);
      expect(sweeper.graceStartedAt).toBe(started);
      sweeper.dispose();
    });

    it('the stall threshold is an option, and never more than half the timeout by default', () => {
      const lenient = new Sweeper(s.service, s.clock, s.timers, { intervalMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT_MS, stallThresholdMs: 10_000 });
      const short = new Sweeper(s.service, s.clock, s.timers, { intervalMs: 100, heartbeatTimeoutMs: 1_000 });
      lenient.start();
      short.start();
      const before = s.clock.now();
      s.clock.advance(INTERVAL + 9_999);
      lenient.tick();
      short.tick();
      expect(lenient.graceStartedAt).toBe(before);
      expect(short.graceStartedAt).toBe(s.clock.now());
      s.clock.advance(100 + 499);
      const second = s.clock.now();
      short.tick();
      expect(short.graceStartedAt).toBeLessThan(second);
      s.clock.advance(100 + 500);
      short.tick();
      expect(short.graceStartedAt).toBe(s.clock.now());
      lenient.dispose();
      short.dispose();
    });
  });

  describe('a backward wall-clock jump', () => {
    const HOUR = 3_600_000;

    it('an agent silent from the jump goes offline one timeout after it is noticed, its heartbeat no longer in the future', () => {
      s.sweeper.start();
      s.timers.advance(INTERVAL); // right after a tick: the jump is noticed a whole interval later
      s.service.recordHeartbeat('a1'); // its last beat
      const silentMono = s.clock.monotonic();
      s.clock.setWall(s.clock.now() - HOUR);
      s.timers.advance(INTERVAL);
      const noticed = s.clock.now();
      expect(s.service.get('a1').lastHeartbeat).toBe(noticed);
      while (s.service.get('a1').status !== 'offline' && s.clock.monotonic() - silentMono < 2 * HOUR) s.timers.advance(INTERVAL);
      const offlineMono = s.clock.monotonic();
      expect(offlineMono - silentMono).toBeGreaterThan(TIMEOUT_MS);
      // One interval to notice the jump, one of sweep granularity; never an hour.
      expect(offlineMono - silentMono).toBeLessThanOrEqual(TIMEOUT_MS + 2 * INTERVAL);
      const at = s.service.history('a1')[0]!.at;
      expect(at - noticed).toBeGreaterThan(TIMEOUT_MS);
      expect(at - noticed).toBeLessThanOrEqual(TIMEOUT_MS + INTERVAL);
      expect(s.service.get('a1').lastHeartbeat).toBeLessThanOrEqual(s.clock.now());
    });

    it('a heartbeat after the jump records the new now; nothing stays ahead of the clock', () => {
      s.sweeper.start();
      const recoveryAt = s.clock.now() + 2 * HOUR;
      s.service.reportExhausted('ex', { reason: 'rate_limit', recoveryAt });
      s.service.recordHeartbeat('a1');
      s.timers.advance(INTERVAL);
      s.clock.setWall(s.clock.now() - HOUR);
      expect(s.service.recordHeartbeat('a1').lastHeartbeat).toBe(s.clock.now());
      s.timers.advance(INTERVAL);
      const now = s.clock.now();
      for (const a of s.service.list()) {
        for (const t of [a.lastHeartbeat, a.statusSince, a.exhaustedAt, a.createdAt]) if (t !== null) expect(t).toBeLessThanOrEqual(now);
      }
      // A recovery time is a target, not a record: it stays where it was set.
      expect(s.service.get('ex').recoveryAt).toBe(recoveryAt);
    });

    it('a fleet larger than one batch is settled over the following ticks', () => {
      s.sweeper.start();
      const ids = Array.from({ length: SETTLE_BATCH + 500 }, (_, i) => `a${i}`);
      for (const id of ids) s.service.recordHeartbeat(id);
      s.clock.setWall(s.clock.now() - HOUR);
      const ahead = () => s.service.list().filter((a) => a.lastHeartbeat! > s.clock.now()).length;
      s.timers.advance(INTERVAL);
      expect(ahead()).toBe(500);
      s.timers.advance(INTERVAL);
      expect(ahead()).toBe(0);
    });

    it('times set ahead of the clock while the monitor was down are settled at start', () => {
      s.service.recordHeartbeat('a1');
      s.clock.setWall(s.clock.now() - HOUR);
      s.sweeper.start();
      expect(s.service.get('a1').lastHeartbeat).toBe(s.clock.now());
      s.timers.advance(TIMEOUT_MS + INTERVAL);
      expect(s.service.get('a1').status).toBe('offline');
    });
  });

  it('a failing sweep is reported and the timer keeps going', () => {
    const errors: unknown[] = [];
    let calls = 0;
    const flaky = {
      sweep: () => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        return { wentOffline: 0, recovered: 0 };
      },
      settleFutureTimes: () => ({ settled: 0, next: null }),
    };
    const sweeper = new Sweeper(flaky, s.clock, s.timers, {
      intervalMs: INTERVAL,
      heartbeatTimeoutMs: TIMEOUT_MS,
      onError: (e) => errors.push(e),
    });
    sweeper.start();
    s.timers.advance(3 * INTERVAL);
    sweeper.dispose();
    expect(calls).toBe(3);
    expect(errors).toHaveLength(1);
  });
});
