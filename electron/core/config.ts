import path from 'node:path';
import { parseArgs } from 'node:util';
import envPaths from 'env-paths';
import { z } from 'zod';
import { DEFAULT_LIMITS, type FleetLimits } from '../../shared/fleet-api';
import { DEFAULT_HEARTBEAT_TIMEOUT_S, DEFAULT_RECOVERY_S } from '../../shared/status';


/** The running configuration shared by `npm run serve` and the desktop app. */
export interface FleetConfig extends FleetLimits {
  readonly dbPath: string;
  readonly heartbeatTimeoutS: number;
  readonly sweepIntervalMs: number;
  readonly defaultRecoveryS: number;
  readonly host: string;
  readonly port: number;
  /** Given tokens; a missing one is generated and kept beside the database. */
  readonly agentToken: string | undefined;
  readonly operatorToken: string | undefined;
  readonly allowedHosts: readonly string[];
  /** Command alert channels over HTTP: 'auto' allows them while the port listens on loopback only. */
  readonly alertCommands: 'auto' | 'on' | 'off';
}

interface Setting {
  readonly key: keyof FleetConfig;
  readonly env: string;
  /** The command-line flag, or null for settings kept off the command line (secrets show in `ps`). */
  readonly flag: string | null;
  readonly schema: z.ZodType<unknown>;
  readonly fallback: () => unknown;
  readonly help: string;
}

const token = z.string().regex(/^[\x21-\x7e]{16,256}$/, { error: 'must be 16–256 printable characters without spaces' });

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** Per-user data folder of the platform (XDG data dir, Application Support, %LOCALAPPDATA%). */
export function defaultDataDir(): string {
  return envPaths('fleet-monitor', { suffix: '' }).data;
}

/**
 * The configuration table: each setting, its environment variable and flag,
 * its default and its bounds. The README's table is written from this one.
 */
export const SETTINGS: readonly Setting[] = [
  {
    key: 'dbPath',
    env: 'FLEET_DB',
    flag: 'db',
    schema: z.string().trim().min(1, { error: 'must not be empty' }),
    fallback: () => path.join(defaultDataDir(), 'fleet.db'),
    help: 'SQLite database file',
  },
  {
    key: 'heartbeatTimeoutS',
    env: 'FLEET_HEARTBEAT_TIMEOUT_S',
    flag: 'heartbeat-timeout-s',
    schema: wholeNumber(1, 86_400),
    fallback: () => DEFAULT_HEARTBEAT_TIMEOUT_S,
    help: 'seconds of silence after which an agent is offline (strictly more)',
  },
  {
    key: 'sweepIntervalMs',
    env: 'FLEET_SWEEP_INTERVAL_MS',
    flag: 'sweep-interval-ms',
    schema: wholeNumber(50, 60_000),
    fallback: () => 1_000,
    help: 'how often the sweeper checks timeouts and recoveries',
  },
  {
    key: 'defaultRecoveryS',
    env: 'FLEET_DEFAULT_RECOVERY_S',
    flag: 'default-recovery-s',
    schema: wholeNumber(1, 7 * 86_400),
    fallback: () => DEFAULT_RECOVERY_S,
    help: 'recovery delay of an exhausted agent when no time is known',
  },
  {
    key: 'host',
    env: 'FLEET_HOST',
    flag: 'host',
    schema: z.string().trim().min(1, { error: 'must not be empty' }),
    fallback: () => '127.0.0.1',
    help: 'address the agent port listens on',
  },
  {
    key: 'port',
    env: 'FLEET_PORT',
    flag: 'port',
    schema: wholeNumber(0, 65_535),
    fallback: () => 7421,
    help: 'agent port (0 picks a free port)',
  },
  {
    key: 'agentToken',
    env: 'FLEET_AGENT_TOKEN',
    flag: null,
    schema: token,
    fallback: () => undefined,
    help: 'bearer token for agents (generated on first run when unset)',
  },
  {
    key: 'operatorToken',
    env: 'FLEET_OPERATOR_TOKEN',
    flag: null,
    schema: token,
    fallback: () => undefined,
    help: 'bearer token for operators (generated on first run when unset)',
  },
  {
    key: 'allowedHosts',
    env: 'FLEET_ALLOWED_HOSTS',
    flag: 'allowed-hosts',
    schema: z
      .string()
      .transform((list) => list.split(',').map((h) => h.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[A-Za-z0-9.\-[\]:]+$/, { error: 'must be a comma-separated list of host names' }))),
    fallback: () => [],
    help: 'further Host values the port answers to, comma-separated',
  },
  {
    key: 'maxAgents',
    env: 'FLEET_MAX_AGENTS',
    flag: 'max-agents',
    schema: wholeNumber(1, 10_000_000),
    fallback: () => DEFAULT_LIMITS.maxAgents,
    help: 'most agents the fleet holds; a registration beyond it is refused (429)',
  },
  {
    key: 'maxStreams',
    env: 'FLEET_MAX_STREAMS',
    flag: 'max-streams',
    schema: wholeNumber(1, 10_000),
    fallback: () => DEFAULT_LIMITS.maxStreams,
    help: 'most open event streams (UI windows and tabs); one more is refused (429)',
  },
  {
    key: 'historyPerAgent',
    env: 'FLEET_HISTORY_PER_AGENT',
    flag: 'history-per-agent',
    schema: wholeNumber(1, 1_000_000),
    fallback: () => DEFAULT_LIMITS.historyPerAgent,
    help: 'status events kept per agent (the oldest are pruned)',
  },
  {
    key: 'historyDays',
    env: 'FLEET_HISTORY_DAYS',
    flag: 'history-days',
    schema: wholeNumber(1, 36_500),
    fallback: () => DEFAULT_LIMITS.historyDays,
    help: 'days of status history kept',
  },
  {
    key: 'forgetOfflineDays',
    env: 'FLEET_FORGET_OFFLINE_DAYS',
    flag: 'forget-offline-days',
    schema: wholeNumber(0, 36_500),
    fallback: () => DEFAULT_LIMITS.forgetOfflineDays,
    help: 'days offline after which an agent is forgotten (0 = never)',
  },
  {
    key: 'maxRecoveryS',
    env: 'FLEET_MAX_RECOVERY_S',
    flag: 'max-recovery-s',
    schema: wholeNumber(60, 366 * 86_400),
    fallback: () => DEFAULT_LIMITS.maxRecoveryS,
    help: 'furthest ahead a given recovery time may be, in seconds',
  },
  {
    key: 'alertCommands',
    env: 'FLEET_ALERT_COMMANDS',
    flag: null,
    schema: z
      .enum(['auto', 'on', 'off', '1', '0'], { error: 'must be auto, on (1) or off (0)' })
      .transform((v) => (v === '1' ? 'on' : v === '0' ? 'off' : v)),
    fallback: () => 'auto',
    help: 'whether command alert channels (a program run by the monitor) may be made over HTTP: auto = only while the port listens on loopback',
  },
];

/**
 * The configuration flags out of a command line that also carries others
 * (Chromium's, in the desktop app): `--flag value` and `--flag=value` of the
 * table are kept, everything else is left to its owner.
 */
export function pickConfigArgs(argv: readonly string[]): string[] {
  const flags = new Set(SETTINGS.flatMap((s) => (s.flag ? [`--${s.flag}`] : [])));
  const picked: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (!flags.has(name)) continue;
    picked.push(arg);
    if (!arg.includes('=') && i + 1 < argv.length) picked.push(argv[++i]!);
  }
  return picked;
}

/** The bounds out of a configuration. */
export function fleetLimits(config: FleetLimits): FleetLimits {
  const { maxAgents, maxStreams, historyPerAgent, historyDays, forgetOfflineDays, maxRecoveryS } = config;
  return { maxAgents, maxStreams, historyPerAgent, historyDays, forgetOfflineDays, maxRecoveryS };
}

/**
 * Whether `command` alert channels may be made over HTTP: a program the
 * monitor runs, so by default only while the port is reachable from this
 * machine alone (`FLEET_ALERT_COMMANDS=auto`), always with `on`, never with `off`.
 */
export function alertCommandsOverHttp(config: Pick<FleetConfig, 'alertCommands' | 'host'>): boolean {
  if (config.alertCommands !== 'auto') return config.alertCommands === 'on';
  const host = config.host.toLowerCase();
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A configuration value that cannot be used; the message names the variable or flag. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration: a flag beats its environment variable, which beats
 * the default. Throws {@link ConfigError} naming the first bad value.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): FleetConfig {
  let flags: Record<string, unknown>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: Object.fromEntries(SETTINGS.filter((s) => s.flag).map((s) => [s.flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const fromFlag = setting.flag ? flags[setting.flag] : undefined;
    const raw = typeof fromFlag === 'string' ? fromFlag : env[setting.env];
    const source = typeof fromFlag === 'string' ? `--${setting.flag}` : setting.env;
    if (raw === undefined || (raw === '' && source === setting.env)) {
      config[setting.key] = setting.fallback();
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'is invalid';
      // Never echo a secret back, even a malformed one.
      const shown = setting.key.endsWith('Token') ? '' : `=${JSON.stringify(raw)}`;
      throw new ConfigError(`${source}${shown}: ${reason}`);
    }
    config[setting.key] = parsed.data;
  }
  const result = config as unknown as FleetConfig;
  // The default recovery is a recovery time like any other: within the horizon.
  if (result.defaultRecoveryS > result.maxRecoveryS) {
    throw new ConfigError(
      `FLEET_DEFAULT_RECOVERY_S (${result.defaultRecoveryS}) must not exceed FLEET_MAX_RECOVERY_S (${result.maxRecoveryS})`,
    );
  }
  return result;
}
