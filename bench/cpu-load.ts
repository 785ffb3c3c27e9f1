import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import autocannon from 'autocannon';
import { statusChangeRequests } from './http-load';
import { benchProfile } from './support';

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time a process has used so far, in ms (Linux: /proc/<pid>/stat, fields 14 and 15). */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is parenthesised and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

export interface CpuResult {
  /** Server CPU time per request, in µs. */
  readonly cpuUsPerRequest: number;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  /** Replies that were not 2xx, and transport errors or timeouts. */
  readonly failures: number;
}

export type HeartbeatStyle =
  /** As the typed client's `beat()` makes it: the agent's profile, `Prefer: return=minimal`, a 204 back. */
  | 'minimal'
  /** As the CLI's `agent heartbeat` and `fleet-monitor run` make it: the profile, and the full `{"agent": …}` reply they read. */
  | 'client'
  /** As the http hook `connect claude-code` installs makes it: a tool event to `/v1/hooks/claude-code`, `Prefer: return=minimal`. */
  | 'hook'
  /** As a plain `curl -X POST …/heartbeat` makes it: no body, the full `{"agent": …}` reply. */
  | 'full';

/** A Claude Code PostToolUse event of a session working in a project (its tool output trimmed to a line). */
const hookEvent = (agent: number) =>
  JSON.stringify({
    session_id: `0b6f1c2e-bench-${agent}`,
    transcript_path: `/home/dev/.claude/projects/bench/${agent}.jsonl`,
    cwd: '/home/dev/payments-api',
    permission_mode: 'default',
    hook_event_name: 'PostToolUse',
    tool_name: 'Read',
    tool_input: { file_path: '/home/dev/payments-api/src/webhook.ts' },
    tool_response: { type: 'text', file: { filePath: '/home/dev/payments-api/src/webhook.ts', numLines: 120 } },
    tool_use_id: `toolu_${agent}`,
  });

/**
 * Sends exactly `requests` heartbeats over `connections` keep-alive
 * connections, round-robin over `agents` ids, and reads how much CPU the
 * server process spent on them from the OS.
 */
export async function heartbeatCpu(pid: number, port: number, token: string, style: HeartbeatStyle, options: { requests: number; agents: number; connections: number }): Promise<CpuResult> {
  const bodies = Array.from({ length: options.agents }, (_, agent) => (style === 'hook' ? hookEvent(agent) : JSON.stringify(benchProfile(agent))));
  let next = 0;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (style !== 'full') headers['content-type'] = 'application/json';
  if (style === 'minimal' || style === 'hook') headers.prefer = 'return=minimal';
  return measure(pid, port, headers, options, [
    {
      method: 'POST',
      setupRequest: (req) => {
        const agent = next++ % options.agents;
        // The hook names the bench's agent (`?agent=`), as `connect` lets a user pin one, so the same 10,000 agents beat.
        const path = style === 'hook' ? `/v1/hooks/claude-code?agent=agent-${agent}` : `/v1/agents/agent-${agent}/heartbeat`;
        return { ...req, path, body: style === 'full' ? undefined : bodies[agent] };
      },
    },
  ]);
}

/** Busy/idle round trips (each a committed status change), `requests` in all, one agent per connection. */
export async function statusChangeCpu(pid: number, port: number, token: string, options: { requests: number; connections: number }): Promise<CpuResult> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return measure(pid, port, headers, options, statusChangeRequests('cpu-status'));
}

async function measure(
  pid: number,
  port: number,
  headers: Record<string, string>,
  options: { requests: number; connections: number },
  requests: autocannon.Request[],
): Promise<CpuResult> {
  const before = processCpuMs(pid);
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections: options.connections, amount: options.requests, headers, requests });
  // The server may still be finishing the last replies' work (a group commit): let it settle.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const spent = processCpuMs(pid) - before;
  return {
    cpuUsPerRequest: (spent * 1000) / result.requests.total,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
