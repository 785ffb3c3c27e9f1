import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertCommandsOverHttp, ConfigError, defaultDataDir, loadConfig, pickConfigArgs } from '../../../electron/core/config';

describe('loadConfig', () => {
  it('defaults: 120 s timeout, 1 s sweep, 5 h recovery, fleet.db in the per-user data folder', () => {
    expect(loadConfig([], {})).toEqual({
      dbPath: path.join(defaultDataDir(), 'fleet.db'),
      heartbeatTimeoutS: 120,
      sweepIntervalMs: 1000,
      defaultRecoveryS: 18000,
      host: '127.0.0.1',
      port: 7421,
      agentToken: undefined,
      operatorToken: undefined,
      allowedHosts: [],
      maxAgents: 100_000,
      maxStreams: 64,
      historyPerAgent: 1_000,
      historyDays: 90,
      forgetOfflineDays: 30,
      maxRecoveryS: 604_800,
      alertCommands: 'auto',
    });
  });

  it.each([
    ['on', 'on'],
    ['1', 'on'],
    ['off', 'off'],
    ['0', 'off'],
    ['auto', 'auto'],
  ])('FLEET_ALERT_COMMANDS=%s is %s', (value, expected) => {
    expect(loadConfig([], { FLEET_ALERT_COMMANDS: value }).alertCommands).toBe(expected);
  });

  it.each([
    ['127.0.0.1', 'auto', true],
    ['127.1.2.3', 'auto', true],
    ['localhost', 'auto', true],
    ['::1', 'auto', true],
    ['0.0.0.0', 'auto', false],
    ['192.168.1.5', 'auto', false],
    ['::', 'auto', false],
    ['0.0.0.0', 'on', true],
    ['127.0.0.1', 'off', false],
  ] as const)('command alert channels over HTTP on host %s with %s: %s', (host, alertCommands, allowed) => {
    expect(alertCommandsOverHttp({ host, alertCommands })).toBe(allowed);
  });

  it('refuses another FLEET_ALERT_COMMANDS, naming it', () => {
    expect(() => loadConfig([], { FLEET_ALERT_COMMANDS: 'yes' })).toThrow('FLEET_ALERT_COMMANDS="yes": must be auto, on (1) or off (0)');
  });

  it('reads the bounds (issue 13): agents, streams, history, forgetting (0 = never), recovery horizon', () => {
    const env = {
      FLEET_MAX_AGENTS: '5',
      FLEET_MAX_STREAMS: '2',
      FLEET_HISTORY_PER_AGENT: '10',
      FLEET_HISTORY_DAYS: '7',
      FLEET_FORGET_OFFLINE_DAYS: '0',
      FLEET_MAX_RECOVERY_S: '86400',
    };
    expect(loadConfig([], env)).toMatchObject({
      maxAgents: 5,
      maxStreams: 2,
      historyPerAgent: 10,
      historyDays: 7,
      forgetOfflineDays: 0,
      maxRecoveryS: 86_400,
    });
    expect(loadConfig(['--max-agents', '9'], env).maxAgents).toBe(9);
  });

  it('refuses a default recovery beyond the recovery horizon', () => {
    expect(() => loadConfig([], { FLEET_MAX_RECOVERY_S: '3600' })).toThrow(
      /FLEET_DEFAULT_RECOVERY_S \(18000\) must not exceed FLEET_MAX_RECOVERY_S \(3600\)/,
    );
    expect(loadConfig([], { FLEET_MAX_RECOVERY_S: '3600', FLEET_DEFAULT_RECOVERY_S: '3600' }).maxRecoveryS).toBe(3600);
  });

  it('reads the port settings: host, port (0 allowed), tokens from the environment only, allowed hosts', () => {
    const env = {
      FLEET_HOST: '::1',
      FLEET_PORT: '0',
      FLEET_AGENT_TOKEN: 'a'.repeat(20),
      FLEET_OPERATOR_TOKEN: 'o'.repeat(20),
      FLEET_ALLOWED_HOSTS: 'fleet.local, box:8080',
    };
    expect(loadConfig(['--port', '9000'], env)).toMatchObject({
      host: '::1',
      port: 9000,
      agentToken: 'a'.repeat(20),
      operatorToken: 'o'.repeat(20),
      allowedHosts: ['fleet.local', 'box:8080'],
    });
    expect(() => loadConfig(['--agent-token', 'x'.repeat(20)], {})).toThrow(ConfigError);
  });

  it('refuses a bad token without echoing it', () => {
    let message = '';
    try {
      loadConfig([], { FLEET_OPERATOR_TOKEN: 'short secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^FLEET_OPERATOR_TOKEN: must be 16–256 printable characters/);
    expect(message).not.toContain('short secret');
  });

  it('reads the environment variables', () => {
    const env = { FLEET_DB: '/tmp/x.db', FLEET_HEARTBEAT_TIMEOUT_S: '1', FLEET_SWEEP_INTERVAL_MS: '50', FLEET_DEFAULT_RECOVERY_S: '60' };
    expect(loadConfig([], env)).toMatchObject({ dbPath: '/tmp/x.db', heartbeatTimeoutS: 1, sweepIntervalMs: 50, defaultRecoveryS: 60 });
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
    [{ FLEET_PORT: '65536' }, /FLEET_PORT="65536": must be at most 65535/],
    [{ FLEET_ALLOWED_HOSTS: 'a b' }, /FLEET_ALLOWED_HOSTS="a b": must be a comma-separated list/],
    [{ FLEET_MAX_AGENTS: '0' }, /FLEET_MAX_AGENTS="0": must be at least 1/],
    [{ FLEET_MAX_STREAMS: '0' }, /FLEET_MAX_STREAMS="0": must be at least 1/],
    [{ FLEET_HISTORY_PER_AGENT: '0' }, /FLEET_HISTORY_PER_AGENT="0": must be at least 1/],
    [{ FLEET_HISTORY_DAYS: '0' }, /FLEET_HISTORY_DAYS="0": must be at least 1/],
    [{ FLEET_FORGET_OFFLINE_DAYS: '-1' }, /FLEET_FORGET_OFFLINE_DAYS="-1": must be at least 0/],
    [{ FLEET_MAX_RECOVERY_S: '59' }, /FLEET_MAX_RECOVERY_S="59": must be at least 60/],
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

describe('pickConfigArgs', () => {
  it('keeps the table’s flags and leaves Chromium’s alone', () => {
    expect(pickConfigArgs(['--no-sandbox', '--port', '0', '--enable-logging', '--db=/tmp/x.db', '--host'])).toEqual(['--port', '0', '--db=/tmp/x.db', '--host']);
  });
});
