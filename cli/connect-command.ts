/**
 * `fleet-monitor connect <agent>` and `fleet-monitor disconnect <agent>`:
 * the thin command runners over connect-claude-code.ts and connect-codex.ts.
 * argv is what follows `connect` / `disconnect`. Exit codes: 0 done, 1 failed,
 * 2 usage error.
 */
import os from 'node:os';
import { connectClaudeCode, disconnectClaudeCode, type ClaudeScope } from './connect-claude-code';
import { connectCodex, disconnectCodex } from './connect-codex';
import { DEFAULT_FLEET_URL, type ConnectContext, type ConnectOutcome } from './connect-context';
import { findSelfBin, INVOKE_MODES, resolveInvocation, type InvokeMode } from './connect-invocation';
import { parseCommandLine, UsageError } from './usage-error';
import { HOOK_SOURCES } from '../shared/hook-agent';

export const CONNECT_USAGE = `Usage: fleet-monitor connect claude-code [--user | --project DIR] [--print] [--url URL] [--invoke MODE]
       fleet-monitor connect codex [--print] [--url URL] [--invoke MODE]
       fleet-monitor disconnect claude-code [--user | --project DIR] [--print]
       fleet-monitor disconnect codex [--print]

connect claude-code   add Fleet Monitor's hooks to Claude Code's settings (http hooks
                      to URL/v1/hooks/claude-code; SessionStart runs 'fleet-monitor hook
                      claude-code'), and its status line when you have none
connect codex         set Codex's notify to 'fleet-monitor hook codex' in ~/.codex/config.toml,
                      unless you have a notify of your own
disconnect <agent>    remove exactly what connect added

Options:
  --user          ~/.claude/settings.json (the default)
  --project DIR   DIR/.claude/settings.local.json
  --print         show the file as it would be; change nothing
  --url URL       Fleet Monitor's agent port (FLEET_URL, default ${DEFAULT_FLEET_URL})
  --invoke MODE   how the hooks run fleet-monitor: path ('fleet-monitor' from PATH),
                  absolute (this Node and this install's bin/fleet-monitor.js), or
                  auto (the default: path when PATH leads to this install, else absolute)
  -h, --help      this help

The token is never written: the hooks read FLEET_AGENT_TOKEN from the agent's environment.
Every changed file keeps its mode and gets a backup beside it (<file>.bak-<time>).`;

/** Line writers, and what the real command takes from the process (injected by tests). */
export interface ConnectIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Default: the user's home directory. */
  readonly home?: string;
  /** Default: the process's working directory. */
  readonly cwd?: string;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** The Node that hooks run in absolute mode; default process.execPath. */
  readonly execPath?: string;
  /** This install's bin/fleet-monitor.js; default found from the process and this module. */
  readonly selfBin?: string;
}

type Env = Readonly<Record<string, string | undefined>>;


const AGENTS = HOOK_SOURCES;
type Agent = (typeof AGENTS)[number];

/** Runs `fleet-monitor connect …`; returns the exit code. */
export async function runConnect(argv: readonly string[], env: Env, io: ConnectIo): Promise<number> {
  return run('connect', argv, env, io);
}

/** Runs `fleet-monitor disconnect …`; returns the exit code. */
export async function runDisconnect(argv: readonly string[], env: Env, io: ConnectIo): Promise<number> {
  return run('disconnect', argv, env, io);
}

async function run(verb: 'connect' | 'disconnect', argv: readonly string[], env: Env, io: ConnectIo): Promise<number> {
  try {
    const done = execute(verb, argv, env, io);
    if (done) report(done.outcome, io, done.print);
    return 0;
  } catch (error) {
    io.stderr(`fleet-monitor: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function execute(verb: 'connect' | 'disconnect', argv: readonly string[], env: Env, io: ConnectIo): { outcome: ConnectOutcome; print: boolean } | undefined {
  const { values, positionals } = parseCommandLine({
      args: [...argv],
      allowPositionals: true,
      options: {
        user: { type: 'boolean' },
        project: { type: 'string' },
        print: { type: 'boolean' },
        url: { type: 'string' },
        invoke: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  if (values.help) {
    io.stdout(CONNECT_USAGE);
    return undefined;
  }
  const [agent, ...extra] = positionals;
  if (!agent) throw new UsageError(`'${verb}' needs an agent: claude-code or codex; see --help`);
  if (!(AGENTS as readonly string[]).includes(agent)) throw new UsageError(`unknown agent '${agent}': expected claude-code or codex`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (values.user && values.project !== undefined) throw new UsageError('give --user or --project DIR, not both');
  if (agent === 'codex' && (values.user || values.project !== undefined)) throw new UsageError("codex has one config (~/.codex/config.toml): no --user or --project");
  if (verb === 'disconnect' && (values.url !== undefined || values.invoke !== undefined)) {
    throw new UsageError('disconnect takes no --url or --invoke: it removes ours whatever they pointed at');
  }
  if (values.project === '') throw new UsageError('--project needs a directory');

  const context: ConnectContext = { home: io.home ?? os.homedir(), cwd: io.cwd ?? process.cwd(), env, now: io.now ?? Date.now };
  const print = values.print ?? false;
  const scope: ClaudeScope = values.project !== undefined ? { kind: 'project', dir: values.project } : { kind: 'user' };
  if (verb === 'disconnect') {
    return { outcome: (agent as Agent) === 'claude-code' ? disconnectClaudeCode(context, { scope, print }) : disconnectCodex(context, { print }), print };
  }
  const url = parseUrl(values.url ?? env.FLEET_URL ?? DEFAULT_FLEET_URL, values.url !== undefined ? '--url' : 'FLEET_URL');
  const invocation = resolveInvocation({
    mode: parseInvoke(values.invoke),
    env,
    selfBin: io.selfBin ?? findSelfBin(process.argv[1], import.meta.url),
    execPath: io.execPath ?? process.execPath,
  });
  const outcome = (agent as Agent) === 'claude-code' ? connectClaudeCode(context, { scope, url, invocation, print }) : connectCodex(context, { url, invocation, print });
  return { outcome, print };
}

function parseUrl(text: string, name: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${name} must be an http(s) URL like ${DEFAULT_FLEET_URL} (got '${text}')`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError(`${name} must be an http(s) URL like ${DEFAULT_FLEET_URL}, without query or credentials (got '${text}')`);
  }
  return text.replace(/\/+$/, '');
}

function parseInvoke(text: string | undefined): InvokeMode {
  if (text === undefined) return 'auto';
  if (!(INVOKE_MODES as readonly string[]).includes(text)) throw new UsageError(`--invoke must be one of ${INVOKE_MODES.join(', ')} (got '${text}')`);
  return text as InvokeMode;
}

// With --print, stdout is the file alone (to pipe or diff); the note goes to stderr.
function report(outcome: ConnectOutcome, io: ConnectIo, print: boolean): void {
  if (print) {
    if (outcome.text !== '') io.stdout(outcome.text.replace(/\r?\n$/, ''));
    for (const line of outcome.lines) io.stderr(line);
    return;
  }
  for (const line of outcome.lines) io.stdout(line);
}
