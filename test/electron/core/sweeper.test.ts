import { afterEach, describe, expect, it } from 'vitest';
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

  it('a failing sweep is reported and the timer keeps going', () => {
    const errors: unknown[] = [];
    let calls = 0;
    const flaky = {
      sweep: () => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        return { wentOffline: 0, recovered: 0 };
      },
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
