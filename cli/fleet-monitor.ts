/**
 * `fleet-monitor agent heartbeat|busy|idle|exhausted …`: report an agent's
 * state to Fleet Monitor from a shell script or a process supervisor; and
 * `fleet-monitor parse-limit`, to see what a limit message will be read as.
 * Exit codes: 0 done, 1 the request failed, 2 usage error.
 */
import fs from 'node:fs';
import { DEFAULT_FLEET_URL, FleetApiError, FleetClient, FleetConnectionError, isValidAgentId, type WireAgent } from './fleet-client';
import { sleep } from '../shared/sleep';
import { parseHeadersText } from './headers-file';
import { runConnect, runDisconnect } from './connect-command';
import { runSignInLink } from './sign-in-link-command';
import { runHook, runStatusline } from './hook-command';
import { readProcessStdin } from './stdin';
import { processRunIo, runCommand } from './run-command';
import { parseInterval } from './run-options';
import { parseLabelFlags } from './labels';
import { parseCommandLine, UsageError } from './usage-error';
import { describeLimit } from './parse-limit-command';
import { parseRfc3339 } from '../shared/date-formats';
import { MAX_MESSAGE_BYTES } from '../shared/limit-text';
import { isIanaZone, localZone } from '../shared/zoned-time';

export const USAGE = `Usage: fleet-monitor agent <command> <agent-id> [options]
       fleet-monitor parse-limit <text | -> [--tz ZONE] [--json]
       fleet-monitor hook claude-code|codex [JSON] [--agent ID] [--tz ZONE]
       fleet-monitor statusline [--agent ID]
       fleet-monitor run [--id ID] [--name N] [--label k=v]... [--every 30s] [--tz ZONE]
                         [--offline-on-exit] [--restart-on-recovery [--max-restarts N]] -- CMD [ARGS...]
       fleet-monitor connect claude-code [--user | --project DIR] [--print] [--url URL] [--invoke auto|path|absolute]
       fleet-monitor connect codex [--print] [--url URL] [--invoke auto|path|absolute]
       fleet-monitor disconnect claude-code [--user | --project DIR] [--print]
       fleet-monitor disconnect codex [--print]
       fleet-monitor sign-in-link [--url URL] [--tokens-file F]

Commands:
  heartbeat <id> [--name N] [--label key=value]... [--every 30s]
                 record a heartbeat; with --every, keep beating until stopped
  busy <id> [--slot work|on_call]   the agent was woken by a slot (default work)
  idle <id>                         the agent's task ended
  offline <id>                      a clean shutdown: offline now
  exhausted <id> [--reason rate_limit|billing] [--recovery-at RFC3339] [--headers-file F]
                 [--message TEXT | --message-file F] [--tz ZONE]
                 quota or billing error. --headers-file: the provider's response
                 headers (as saved by curl -i / curl -D, or a JSON object);
                 --message: the limit message the agent printed (F of - is stdin),
                 from which the port reads the reason and the reset time;
                 --tz: the zone its clock times are in (default: this machine's)

parse-limit <text | ->   print what the port would read from a limit message
                 (- reads it from stdin): limit or not, reason, reset time, excerpt
hook <agent> [JSON]      what Claude Code's and Codex's hooks run: forwards the
                 payload (stdin, or the JSON argument) to the port; prints
                 nothing and always exits 0, so it never fails the agent
statusline       Claude Code's status-line command: forwards the session's
                 rate_limits as usage and prints one line (within 300 ms)
sign-in-link     print a fresh one-time link to the operator UI (the one serve
                 printed works once, for 10 minutes); the operator token comes
                 from --tokens-file (the tokens.json serve names) or
                 FLEET_OPERATOR_TOKEN, and is never printed
run -- CMD       runs CMD as an agent: busy while it runs, heartbeats, idle with
                 its exit code when it ends; a limit line in its output exhausts
                 it (see 'fleet-monitor run --help')

Options:
  --url URL      Fleet Monitor's agent port (FLEET_URL, default http://127.0.0.1:7421)
  --token T      the agent token (FLEET_AGENT_TOKEN)
  --json         print the port's JSON answer instead of one line
  -h, --help     this help

Exit codes: 0 done, 1 the request failed, 2 usage error.`;

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly fetch?: typeof fetch;
  /** Waits `ms`, or less if `signal` aborts. Injected by tests. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Ends a `--every` loop (SIGINT/SIGTERM in the real CLI). */
  readonly signal?: AbortSignal;
  /** All of standard input (for `-`). */
  readonly readStdin?: () => Promise<string>;
  /** The time now, epoch ms (parse-limit). */
  readonly now?: () => number;
}


/** "500ms", "30s", "5m", "1h" → ms, between 1 s and 1 h: the rule `run --every` follows too. */
export function parseEvery(text: string): number {
  try {
    return parseInterval(text);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function describe(agent: WireAgent): string {
  return agent.status === 'exhausted' && agent.recovery_at ? `${agent.id}: exhausted until ${agent.recovery_at}` : `${agent.id}: ${agent.status}`;
}


function failure(error: unknown): string {
  if (error instanceof FleetApiError) return `${error.code}: ${error.message}`;
  if (error instanceof FleetConnectionError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  try {
    return await run(argv, env, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`fleet-monitor: ${error.message}`);
      return 2;
    }
    io.stderr(`fleet-monitor: ${failure(error)}`);
    return 1;
  }
}

async function run(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  // The agents' own commands parse their own arguments (a JSON payload, flags of their own).
  const hookIo = { ...io, readStdin: io.readStdin ?? readProcessStdin };
  if (argv[0] === 'hook') return runHook(argv.slice(1), env, hookIo);
  if (argv[0] === 'statusline') return runStatusline(argv.slice(1), env, hookIo);
  if (argv[0] === 'connect') return runConnect(argv.slice(1), env, io);
  if (argv[0] === 'disconnect') return runDisconnect(argv.slice(1), env, io);
  if (argv[0] === 'sign-in-link') return runSignInLink(argv.slice(1), env, io);
  const { values, positionals } = parseCommandLine({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        name: { type: 'string' },
        label: { type: 'string', multiple: true },
        every: { type: 'string' },
        slot: { type: 'string' },
        reason: { type: 'string' },
        'recovery-at': { type: 'string' },
        'headers-file': { type: 'string' },
        message: { type: 'string' },
        'message-file': { type: 'string' },
        tz: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const tz = values.tz;
  if (tz !== undefined && !isIanaZone(tz)) throw new UsageError(`--tz must be an IANA time-zone name, like Europe/Berlin (got '${tz}')`);
  const readStdin = io.readStdin ?? readProcessStdin;
  if (positionals[0] === 'parse-limit') {
    const [, text, ...rest] = positionals;
    if (text === undefined) throw new UsageError("'parse-limit' needs the text (or - to read it from stdin)");
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (quote the text)`);
    const input = text === '-' ? await readStdin() : text;
    for (const line of describeLimit(input, { now: io.now?.() ?? Date.now(), tz, json: values.json })) io.stdout(line);
    return 0;
  }
  const [group, command, id, ...extra] = positionals;
  if (group !== 'agent' || !command) throw new UsageError(`expected 'agent <command> <id>' or 'parse-limit <text>'; see --help`);
  if (!id) throw new UsageError(`'agent ${command}' needs an agent id`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (!isValidAgentId(id)) throw new UsageError(`'${id}' is not a valid agent id (1–128 characters of A-Z a-z 0-9 . _ : @ -)`);
  const token = values.token ?? env.FLEET_AGENT_TOKEN;
  if (!token) throw new UsageError('no token: pass --token or set FLEET_AGENT_TOKEN');
  const client = new FleetClient({ url: values.url ?? env.FLEET_URL ?? DEFAULT_FLEET_URL, token, ...(io.fetch ? { fetch: io.fetch } : {}) });
  const print = (agent: WireAgent) => io.stdout(values.json ? JSON.stringify({ agent }) : describe(agent));

  switch (command) {
    case 'heartbeat': {
      const labels = parseLabelFlags(values.label);
      const profile = { ...(values.name ? { name: values.name } : {}), ...(labels ? { labels } : {}) };
      if (values.every === undefined) {
        print(await client.heartbeat(id, profile));
        return 0;
      }
      const every = parseEvery(values.every);
      const signal = io.signal ?? new AbortController().signal;
      const wait = io.sleep ?? sleep;
      // A monitor being restarted must not kill the agent's heartbeat loop: report and keep going.
      while (!signal.aborted) {
        try {
          print(await client.heartbeat(id, profile));
        } catch (error) {
          io.stderr(`fleet-monitor: ${failure(error)}`);
        }
        await wait(every, signal);
      }
      return 0;
    }
    case 'busy': {
      const slot = values.slot ?? 'work';
      if (slot !== 'work' && slot !== 'on_call') throw new UsageError(`--slot must be work or on_call (got '${slot}')`);
      print(await client.busy(id, slot));
      return 0;
    }
    case 'idle':
      print(await client.idle(id));
      return 0;
    case 'offline':
      print(await client.offline(id));
      return 0;
    case 'exhausted': {
      const reason = values.reason;
      if (reason !== undefined && reason !== 'rate_limit' && reason !== 'billing') throw new UsageError('--reason must be rate_limit or billing');
      const recoveryAt = values['recovery-at'];
      // The port's own reading of RFC 3339: a time without an offset is refused here, not after a round trip.
      if (recoveryAt !== undefined && parseRfc3339(recoveryAt) === null) throw new UsageError(`--recovery-at must be an RFC 3339 time (got '${recoveryAt}')`);
      let headers;
      const file = values['headers-file'];
      if (file !== undefined) {
        try {
          headers = parseHeadersText(fs.readFileSync(file, 'utf8'));
        } catch (error) {
          throw new UsageError(`cannot read headers from ${file}: ${error instanceof Error ? error.message : error}`);
        }
      }
      if (values.message !== undefined && values['message-file'] !== undefined) throw new UsageError('give --message or --message-file, not both');
      let message = values.message;
      const messageFile = values['message-file'];
      if (messageFile !== undefined) {
        try {
          message = messageFile === '-' ? await readStdin() : fs.readFileSync(messageFile, 'utf8');
        } catch (error) {
          throw new UsageError(`cannot read the message from ${messageFile}: ${error instanceof Error ? error.message : error}`);
        }
      }
      if (message !== undefined) message = newestBytes(message, MAX_MESSAGE_BYTES);
      print(
        await client.exhausted(id, {
          ...(reason ? { reason } : {}),
          ...(recoveryAt ? { recoveryAt } : {}),
          ...(headers ? { headers } : {}),
          ...(message !== undefined ? { message } : {}),
          ...(tz !== undefined ? { tz } : message !== undefined ? { tz: localZone() } : {}),
        }),
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command 'agent ${command}'; see --help`);
  }
}

/** The end of a long output (where the limit line is), at most `max` UTF-8 bytes, cut between characters. */
export function newestBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let start = bytes.length - max;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++; // not inside a character
  return bytes.subarray(start).toString('utf8');
}


/** Entry when run as the `fleet-monitor` command. */
export async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // run owns the terminal, the child's streams and the signals: it takes over before anything else.
  if (argv[0] === 'run') {
    process.exitCode = await runCommand(argv.slice(1), process.env, processRunIo());
    return;
  }
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  process.exitCode = await runCli(process.argv.slice(2), process.env, {
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
    signal: controller.signal,
  });
}
