/**
 * The commands Claude Code and Codex run themselves:
 *
 * - `fleet-monitor hook claude-code|codex [JSON]`: forwards a hook payload
 *   (stdin, or Codex's notify JSON as the last argument) to the port. It
 *   never fails the agent: it prints nothing, exits 0, and gives up quickly.
 * - `fleet-monitor statusline`: Claude Code's status-line command. Forwards
 *   the session's `rate_limits` windows as the agent's usage and prints one
 *   short line, within 300 ms even when the monitor is down.
 */
import { parseArgs } from 'node:util';
import { agentIdForSession, HOOK_SOURCES, type HookSource } from '../shared/hook-agent';
import { isIanaZone } from '../shared/zoned-time';
import { MAX_USAGE_WINDOWS, USAGE_WINDOW_NAME } from '../shared/usage';
import { DEFAULT_FLEET_URL, FleetApiError, FleetClient, isValidAgentId, type UsageReport, type WireAgent } from './fleet-client';

export interface HookIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly fetch?: typeof fetch;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A hook must not hold the agent up: the port answers in milliseconds or not at all. */
const HOOK_TIMEOUT_MS = 2_000;
/**
 * Claude Code waits for the status line; the monitor being down must not
 * show. A local port answers a heartbeat in milliseconds; Node's own start
 * takes the rest of the 300 ms.
 */
export const STATUSLINE_TIMEOUT_MS = 120;

function clientFor(env: Env, io: HookIo, timeoutMs: number, url?: string): FleetClient | undefined {
  const token = env.FLEET_AGENT_TOKEN;
  if (!token) return undefined;
  return new FleetClient({ url: url ?? env.FLEET_URL ?? DEFAULT_FLEET_URL, token, timeoutMs, ...(io.fetch ? { fetch: io.fetch } : {}) });
}

/** `hook <source> [JSON]`; always exits 0 (a note on stderr when something is wrong, which agents show only in verbose modes). */
export async function runHook(argv: readonly string[], env: Env, io: HookIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { agent: { type: 'string' }, tz: { type: 'string' }, url: { type: 'string' } },
    });
    const [source, argument, ...rest] = positionals;
    if (!HOOK_SOURCES.includes(source as HookSource) || rest.length > 0) {
      io.stderr(`fleet-monitor hook: expected 'hook ${HOOK_SOURCES.join('|')} [JSON]'`);
      return 0;
    }
    const client = clientFor(env, io, HOOK_TIMEOUT_MS, values.url);
    if (!client) {
      io.stderr('fleet-monitor hook: FLEET_AGENT_TOKEN is not set; nothing sent');
      return 0;
    }
    const text = argument ?? (await io.readStdin());
    const payload: unknown = JSON.parse(text);
    // A bad --agent or --tz is said and left out: the payload still reaches the port.
    const agent = values.agent !== undefined && isValidAgentId(values.agent) ? values.agent : undefined;
    if (values.agent !== undefined && !agent) io.stderr(`fleet-monitor hook: --agent '${values.agent}' is not a valid agent id; the session's agent is used`);
    const tz = values.tz ?? env.FLEET_TZ;
    if (tz !== undefined && !isIanaZone(tz)) io.stderr(`fleet-monitor hook: '${tz}' is not an IANA time zone; the monitor's is used`);
    await client.hook(source as HookSource, payload, { ...(agent ? { agent } : {}), ...(tz && isIanaZone(tz) ? { tz } : {}) });
  } catch (error) {
    io.stderr(`fleet-monitor hook: ${error instanceof Error ? error.message : String(error)}`);
  }
  return 0;
}

interface StatusLineInput {
  session_id?: unknown;
  rate_limits?: Record<string, { used_percentage?: unknown; resets_at?: unknown } | undefined>;
}

/** The status line's `rate_limits` as usage windows; what does not parse is left out. */
function usageOf(input: StatusLineInput): UsageReport {
  const usage: Record<string, { used_percent: number; resets_at: number | null }> = {};
  for (const [name, window] of Object.entries(input.rate_limits ?? {})) {
    const used = window?.used_percentage;
    if (typeof used !== 'number' || !Number.isFinite(used) || !USAGE_WINDOW_NAME.test(name)) continue;
    const resets = typeof window?.resets_at === 'number' && window.resets_at >= 0 ? window.resets_at : null;
    usage[name] = { used_percent: Math.min(100, Math.max(0, used)), resets_at: resets };
    if (Object.keys(usage).length === MAX_USAGE_WINDOWS) break;
  }
  return usage;
}

const SHORT: Readonly<Record<string, string>> = { five_hour: '5h', seven_day: '7d' };

function usageLine(usage: UsageReport): string {
  return Object.entries(usage)
    .map(([name, w]) => `${SHORT[name] ?? name} ${Math.round(w.used_percent)}%`)
    .join(' · ');
}

/** `statusline [--agent ID]`: one line for Claude Code's status bar; exits 0 whatever happens. */
export async function runStatusline(argv: readonly string[], env: Env, io: HookIo): Promise<number> {
  let usage: UsageReport = {};
  let status = 'not connected';
  try {
    const { values } = parseArgs({ args: [...argv], options: { agent: { type: 'string' }, url: { type: 'string' } } });
    const input = JSON.parse(await io.readStdin()) as StatusLineInput;
    usage = usageOf(input);
    const id = values.agent ?? (typeof input.session_id === 'string' ? agentIdForSession('claude-code', input.session_id) : undefined);
    const client = clientFor(env, io, STATUSLINE_TIMEOUT_MS, values.url);
    if (client && id && isValidAgentId(id)) {
      const agent: WireAgent = await client.heartbeat(id, Object.keys(usage).length > 0 ? { usage } : {});
      status = agent.status.replace(/_/g, ' ') + (agent.waiting ? ' · needs you' : '');
    }
  } catch (error) {
    // A refusal (a wrong token, say) is not the monitor being down.
    status = error instanceof FleetApiError ? `refused (${error.code})` : error instanceof SyntaxError ? 'no status input' : 'monitor unreachable';
  }
  const used = usageLine(usage);
  io.stdout(`Fleet: ${status}${used ? ` · ${used}` : ''}`);
  return 0;
}
