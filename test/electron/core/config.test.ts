import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, loadConfig } from '../../../electron/core/config';

describe('loadConfig', () => {
  it('defaults: 120 s timeout, 1 s sweep, 5 h recovery, fleet.db in the per-user data folder', () => {
    expect(loadConfig([], {})).toEqual({
      dbPath: path.join(defaultDataDir(), 'fleet.db'),
      heartbeatTimeoutS: 120,
      sweepIntervalMs: 1000,
      defaultRecoveryS: 18000,
    });
  });

  it('reads the environment variables', () => {
    const env = { FLEET_DB: '/tmp/x.db', FLEET_HEARTBEAT_TIMEOUT_S: '1', FLEET_SWEEP_INTERVAL_MS: '50', FLEET_DEFAULT_RECOVERY_S: '60' };
    expect(loadConfig([], env)).toEqual({ dbPath: '/tmp/x.db', heartbeatTimeoutS: 1, sweepIntervalMs: 50, defaultRecoveryS: 60 });
  });

  it('a flag beats its environment variable', () => {
    const config = loadConfig(['--heartbeat-timeout-s', '30', '--db=/tmp/flag.db'], { FLEET_HEARTBEAT_TIMEOUT_S: '10', FLEET_DB: '/tmp/env.db' });
    expect(config).toMatchObject({ heartbeatTimeoutS: 30, dbPath: '/tmp/flag.db' });
  });

  it.each([
    [{ FLEET_HEARTBEAT_TIMEOUT_S: '0' }, /FLEET_HEARTBEAT_TIMEOUT_S="0": must be at least 1/],
    [{ FLEET_HEARTBEAT_TIMEOUT_S: 'abc' }, /FLEET_HEARTBEAT_TIMEOUT_S="abc": must be a number/],
    [{ FLEET_SWEEP_INTERVAL_MS: '49' }, /FLEET_SWEEP_INTERVAL_MS="49": must be at least 50/],
    [{ FLEET_SWEEP_INTERVAL_MS: '1.5' }, /FLEET_SWEEP_INTERVAL_MS="1.5": must be a whole number/],
    [{ FLEET_DEFAULT_RECOVERY_S: '-1' }, /FLEET_DEFAULT_RECOVERY_S="-1": must be at least 1/],
    [{ FLEET_DB: '   ' }, /FLEET_DB=" {3}": must not be empty/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it('names the flag when the flag is bad, and refuses unknown flags', () => {
    expect(() => loadConfig(['--sweep-interval-ms', '10'], {})).toThrow(/--sweep-interval-ms="10": must be at least 50/);
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['stray'], {})).toThrow(ConfigError);
  });
});
