import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { matchesSearch, parseSearch } from '../lib/search';

export const SORT_KEYS = ['status', 'name', 'heartbeat'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A status, every agent, those waiting for their operator, or all that need the operator ({@link needsAttention}). */
export type StatusFilter = AgentStatus | 'all' | 'waiting' | 'attention';

/** What wants the operator: the dead (offline), the stopped (exhausted), and whoever waits for an answer. */
export function needsAttention(agent: Agent): boolean {
  return agent.status === 'offline' || agent.status === 'exhausted' || agent.waiting !== null;
}

function passesFilter(agent: Agent, filter: StatusFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'waiting':
      return agent.waiting !== null;
    case 'attention':
      return needsAttention(agent);
    default:
      return agent.status === filter;
  }
}

/** What narrows and orders the grid. */
export interface ViewQuery {
  statusFilter: StatusFilter;
  search: string;
  sort: SortKey;
}

/** Problems first: the order an operator scans in. */
const STATUS_RANK: Record<AgentStatus, number> = { exhausted: 0, offline: 1, busy: 2, on_call: 3, idle: 4 };

/** The name shown for an agent: its name, else its id. */
export function displayName(agent: Agent): string {
  return agent.name ?? agent.id;
}

/** Natural order, as people count: "agent 9" before "agent 10", case aside. */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const byName = (a: Agent, b: Agent) => natural.compare(displayName(a), displayName(b)) || natural.compare(a.id, b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const COMPARATORS: Record<SortKey, (a: Agent, b: Agent) => number> = {
  // An agent waiting for its operator comes before everything: it is stuck until someone answers.
  status: (a, b) => Number(b.waiting !== null) - Number(a.waiting !== null) || STATUS_RANK[a.status] - STATUS_RANK[b.status] || byName(a, b),
  name: byName,
  // Most recent first; never-beating agents last.
  heartbeat: (a, b) => (b.lastHeartbeat ?? -Infinity) - (a.lastHeartbeat ?? -Infinity) || byName(a, b),
};

/**
 * The ids to show, in order; and over the agents the search finds (so the
 * counts follow the search, each one what its filter would show), the count
 * per status, how many wait for their operator and how many need attention.
 */
export function computeView(agents: ReadonlyMap<string, Agent>, query: ViewQuery) {
  const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
  let waiting = 0;
  let attention = 0;
  const search = parseSearch(query.search);
  const shown: Agent[] = [];
  for (const agent of agents.values()) {
    if (!matchesSearch(agent, search)) continue;
    counts[agent.status]++;
    if (agent.waiting) waiting++;
    if (needsAttention(agent)) attention++;
    if (passesFilter(agent, query.statusFilter)) shown.push(agent);
  }
  shown.sort(COMPARATORS[query.sort]);
  return { visibleIds: shown.map((a) => a.id), counts, waiting, attention };
}
