import autocannon from 'autocannon';
import { benchProfile } from './support';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly total: number;
}


/**
 * Heartbeats from `connections` keep-alive connections over `agents` distinct
 * ids, for `seconds`. autocannon runs in this process; the servers run in
 * their own, so the load generator never shares a core's event loop with them.
 */
export function heartbeatLoad(port: number, token: string, options: { connections: number; agents: number; seconds: number }): Promise<LoadResult> {
  // Each agent sends its own name, as a real fleet does: no two agents' bodies are the same text.
  const bodies = Array.from({ length: options.agents }, (_, agent) => JSON.stringify(benchProfile(agent)));
  let next = 0;
  return run(port, token, options, [
    {
      method: 'POST',
      setupRequest: (req) => {
        const agent = next++ % options.agents;
        return { ...req, path: `/v1/agents/agent-${agent}/heartbeat`, body: bodies[agent] };
      },
    },
  ]);
}

// Across rounds too: each round's connections take agents no earlier round left half-way (busy).
let owner = 0;

/**
 * The busy/idle round trip, as autocannon requests: each connection owns one
 * agent (named `<prefix>-<n>`) and alternates busy and idle, so every request
 * is a committed status change. Shared by the throughput and the CPU benches.
 */
export function statusChangeRequests(prefix: string): autocannon.Request[] {
  return [
    {
      method: 'POST',
      body: '{"slot_type":"work"}',
      setupRequest: (req, context) => {
        const own = context as { agent?: string };
        own.agent ??= `${prefix}-${owner++}`;
        return { ...req, path: `/v1/agents/${own.agent}/busy` };
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context) => ({ ...req, body: undefined, path: `/v1/agents/${(context as { agent?: string }).agent}/idle` }),
    },
  ];
}

/** Busy/idle round trips over `connections` connections for `seconds`. */
export function statusChangeLoad(port: number, token: string, options: { connections: number; seconds: number }): Promise<LoadResult> {
  return run(port, token, options, statusChangeRequests('status'));
}

async function run(port: number, token: string, options: { connections: number; seconds: number }, requests: autocannon.Request[]): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests,
  });
  return summarize(result);
}

function summarize(result: autocannon.Result): LoadResult {
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}
