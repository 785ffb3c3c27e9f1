import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/core/config';
import { startFleetCore } from '../../../electron/core/fleet-core';
import { FleetService } from '../../../electron/core/fleet-service';
import { RETENTION_INTERVAL_MS } from '../../../electron/core/retention';
import { openDatabase } from '../../../electron/core/store/open-database';
import { FakeClock, FakeTimers } from '../../support/fake-clock';
import { FakeTimeouts } from '../../support/fake-timeouts';
import { useTempDir } from '../../support/temp-dir';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('retention in the running core', () => {
  const tempDir = useTempDir('fleet-retention-');

  it('startFleetCore prunes a database with old data before the port takes calls, then every minute', async () => {
    const file = path.join(tempDir(), 'fleet.db');
    // Yesterday's monitor, 100 days ago and since: one agent long offline, one whose history is all old, one busy one.
    const then = new FakeClock(T0);
    const db = openDatabase(file);
    const past = new FleetService(db, then, { heartbeatTimeoutMs: 120_000, defaultRecoveryMs: 3_600_000 });
    past.reportBusy('gone', 'work');
    past.reportOffline('gone');
    past.reportBusy('ancient', 'work');
    past.reportIdle('ancient');
    then.advance(99 * DAY);
    for (let i = 0; i < 15; i++) {
      then.advance(60_000);
      if (i % 2 === 0) past.reportBusy('bee', 'work');
      else past.reportIdle('bee');
    }
    past.dispose();
    db.close();

    const clock = new FakeClock(T0 + 100 * DAY);
    const timers = new FakeTimers(clock);
    const lines: string[] = [];
    const config = loadConfig([], {
      FLEET_DB: file,
      FLEET_PORT: '0',
      FLEET_HISTORY_PER_AGENT: '10',
      FLEET_HISTORY_DAYS: '90',
      FLEET_FORGET_OFFLINE_DAYS: '30',
    });
    const core = await startFleetCore(config, { clock, timers, timeouts: new FakeTimeouts(), log: (line) => lines.push(line) });
    try {
      expect(core.service.find('gone')).toBeUndefined();
      expect(lines).toEqual([`Fleet Monitor forgot agent "gone": offline for more than 30 days (FLEET_FORGET_OFFLINE_DAYS), since ${new Date(T0).toISOString()}`]);
      expect(core.service.find('ancient')).toMatchObject({ status: 'idle' });
      expect(core.service.history('ancient')).toEqual([]);
      expect(core.service.history('bee', 100)).toHaveLength(10);

      for (let i = 0; i < 6; i++) {
        if (core.service.get('bee').status === 'busy') core.service.reportIdle('bee');
        else core.service.reportBusy('bee', 'work');
      }
      expect(core.service.history('bee', 100)).toHaveLength(16);
      timers.advance(RETENTION_INTERVAL_MS);
      await core.retention.whenIdle();
      expect(core.service.history('bee', 100)).toHaveLength(10);
    } finally {
      await core.close();
    }
  });
});
