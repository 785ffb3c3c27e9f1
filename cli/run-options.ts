/**
 * The command line of `fleet-monitor run`: its own options before `--`, the
 * command and its arguments after, which are never parsed (they are the
 * command's own flags).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLabelFlags } from './labels';
import { UsageError } from './usage-error';
import { DEFAULT_FLEET_URL, isValidAgentId } from './fleet-client';
import { isIanaZone, localZone } from '../shared/zoned-time';

export const RUN_USAGE = `Usage: fleet-monitor run [options] -- CMD [ARGS...]

Runs CMD as a Fleet Monitor agent: registers the agent, reports it busy while
CMD runs (a heartbeat every interval) and idle when CMD exits, with its exit
code. CMD's output passes through unchanged and is read line by line for limit
messages ("You've hit your limit · resets 3:45pm"): one reports the agent
exhausted until its reset time, and an exhausted agent stays exhausted when
CMD exits. On a terminal CMD gets a pseudo-terminal when node-pty is
installed, else pipes. SIGINT, SIGTERM and SIGHUP are passed on to CMD. If
Fleet Monitor cannot be reached, CMD runs all the same: one warning, and the
reports are retried in the background.

Options:
  --id ID                the agent id (default run-<CMD's file name>-<host name>,
                         other characters than A-Z a-z 0-9 . _ : @ - made -)
  --name N               the agent's name
  --label key=value      a label; repeat for more
  --every 30s            the heartbeat interval, 1s to 1h (default 30s)
  --tz ZONE              the zone of clock times in CMD's output (default: this machine's)
  --offline-on-exit      report offline, not idle, when CMD exits
  --restart-on-recovery  when CMD exits while the agent is exhausted, wait until
                         Fleet Monitor recovers it, then run CMD again
  --max-restarts N       at most N such restarts, 0 to 1000 (default 10)
  --no-pty               pipes even on a terminal
  --url URL              Fleet Monitor's agent port (FLEET_URL, default http://127.0.0.1:7421)
  --token T              the agent token (FLEET_AGENT_TOKEN)
  -h, --help             this help

Exit status: CMD's (128 + N when signal N ended it); 127 CMD not found,
126 CMD not executable, 2 usage error.`;


export interface RunOptions {
  readonly id: string;
  readonly name: string | undefined;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly everyMs: number;
  readonly tz: string;
  readonly offlineOnExit: boolean;
  readonly restartOnRecovery: boolean;
  readonly maxRestarts: number;
  readonly pty: boolean;
  readonly url: string;
  readonly token: string;
  readonly command: string;
  readonly args: readonly string[];
}

export const DEFAULT_EVERY_MS = 30_000;
export const DEFAULT_MAX_RESTARTS = 10;
const MAX_RESTARTS_LIMIT = 1000;

// The grammar and bounds of `--every`, for `run` and `agent heartbeat` alike.
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "30s", "5m", "1h" → ms, between 1 s and 1 h. */
export function parseInterval(text: string): number {
  const match = DURATION.exec(text);
  const ms = match ? Number(match[1]) * UNIT[match[2]!]! : NaN;
  if (!(ms >= 1000 && ms <= 3_600_000)) throw new UsageError(`--every must be a duration from 1s to 1h, like 30s or 5m (got '${text}')`);
  return ms;
}

/** `run-<file name of CMD>-<host>`, with what the id rules refuse made `-`, at most 128 characters. */
export function defaultAgentId(command: string, hostname: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9._:@-]+/g, '-').replace(/^-+|-+$/g, '');
  const base = clean(path.basename(command)) || 'cmd';
  const host = clean(hostname) || 'localhost';
  return `run-${base}-${host}`.slice(0, 128);
}

/** Reads `run`'s arguments (everything after `run`); `'help'` for --help. */
export function parseRunArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, hostname: string): RunOptions | 'help' {
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? [...argv] : argv.slice(0, dashes);
  let values;
  try {
    ({ values } = parseArgs({
      args: own,
      allowPositionals: false,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        label: { type: 'string', multiple: true },
        every: { type: 'string' },
        tz: { type: 'string' },
        'offline-on-exit': { type: 'boolean' },
        'restart-on-recovery': { type: 'boolean' },
        'max-restarts': { type: 'string' },
        'no-pty': { type: 'boolean' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs explains a stray word at length; the fix is always the same.
    const stray = /^Unexpected argument '([^']*)'/.exec(message);
    throw new UsageError(stray ? `unexpected argument '${stray[1]}': the command to run goes after --` : message);
  }
  const [command, ...args] = dashes < 0 ? [] : argv.slice(dashes + 1);
  if (values.help) return 'help';
  if (dashes < 0) throw new UsageError("'run' needs -- and the command to run, like: fleet-monitor run --every 30s -- claude");
  if (!command) throw new UsageError('no command after --');

  const id = values.id ?? defaultAgentId(command, hostname);
  if (!isValidAgentId(id)) throw new UsageError(`'${id}' is not a valid agent id (1–128 characters of A-Z a-z 0-9 . _ : @ -)`);
  const labels = parseLabelFlags(values.label);
  const tz = values.tz ?? localZone();
  if (!isIanaZone(tz)) throw new UsageError(`--tz must be an IANA time-zone name, like Europe/Berlin (got '${tz}')`);
  const restartOnRecovery = values['restart-on-recovery'] ?? false;
  let maxRestarts = restartOnRecovery ? DEFAULT_MAX_RESTARTS : 0;
  const maxText = values['max-restarts'];
  if (maxText !== undefined) {
    if (!restartOnRecovery) throw new UsageError('--max-restarts needs --restart-on-recovery');
    maxRestarts = /^\d{1,4}$/.test(maxText) ? Number(maxText) : NaN;
    if (!(maxRestarts <= MAX_RESTARTS_LIMIT)) throw new UsageError(`--max-restarts must be a whole number from 0 to ${MAX_RESTARTS_LIMIT} (got '${maxText}')`);
  }
  const token = values.token ?? env.FLEET_AGENT_TOKEN;
  if (!token) throw new UsageError('no token: pass --token or set FLEET_AGENT_TOKEN');
  const url = values.url ?? env.FLEET_URL ?? DEFAULT_FLEET_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url must be an http:// or https:// URL (got '${url}')`);

  return {
    id,
    name: values.name,
    labels,
    everyMs: values.every === undefined ? DEFAULT_EVERY_MS : parseInterval(values.every),
    tz,
    offlineOnExit: values['offline-on-exit'] ?? false,
    restartOnRecovery,
    maxRestarts,
    pty: !(values['no-pty'] ?? false),
    url,
    token,
    command,
    args,
  };
}
