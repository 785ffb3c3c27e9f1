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

// Across rounds too: a fresh agent's number is never used twice.
let owner = 0;
/** Per prefix, the agents whose last idle was answered: idle now, free for any connection's next busy. */
const idleAgents = new Map<string, string[]>();

/**
 * The busy/idle round trip, as autocannon requests: each connection takes an
 * idle agent (named `<prefix>-<n>`), sends its busy and then its idle, and
 * gives it back once the idle is answered, so every request is a committed
 * status change of an agent that exists, and no two connections move one
 * agent at once. (autocannon clears a connection's context at each pass over
 * the requests, so the agent cannot simply be kept there: it was, and every
 * round trip registered a new agent.) An agent left busy when a run ends (a
 * connection's last request can be a busy) is never taken again, so each run
 * starts with up to one registration per connection, and the agents it
 * leaves busy go offline later, by the sweeper. Shared by the throughput and
 * the CPU benches.
 */
export function statusChangeRequests(prefix: string): autocannon.Request[] {
  let free = idleAgents.get(prefix);
  if (!free) idleAgents.set(prefix, (free = []));
  const agentOf = (context: object) => (context as { agent: string }).agent;
  return [
    {
      method: 'POST',
      body: '{"slot_type":"work"}',
      setupRequest: (req, context) => {
        const agent = free.pop() ?? `${prefix}-${owner++}`;
        (context as { agent?: string }).agent = agent;
        return { ...req, path: `/v1/agents/${agent}/busy` };
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context) => ({ ...req, body: undefined, path: `/v1/agents/${agentOf(context)}/idle` }),
      onResponse: (status, _body, context) => {
        if (status >= 200 && status < 300) free.push(agentOf(context));
      },
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
