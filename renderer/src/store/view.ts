import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { matchesSearch, parseSearch } from '../lib/search';
import type { SortDir, SortKey } from './agent-order';
import { sortAgents } from './sort-order';

export { COMPARATORS, comparator, displayName, labelsText, SORT_KEYS, SORT_LABELS, type SortDir, type SortKey } from './agent-order';

/** How the fleet is shown: today's tiles, a table with a row per agent, or a map with a cell per agent. */
export const VIEW_MODES = ['tiles', 'table', 'map'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];

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
  sortDir: SortDir;
  view: ViewMode;
}

/**
 * The ids to show, in order; and over the agents the search finds (so the
 * counts follow the search, each one what its filter would show), the count
 * per status, how many wait for their operator and how many need attention.
 */
export function computeView(agents: ReadonlyMap<string, Agent>, query: Omit<ViewQuery, 'view' | 'sortDir'> & { sortDir?: SortDir }) {
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
  const ordered = sortAgents(shown, query.sort, query.sortDir ?? 'asc');
  return { visibleIds: ordered.map((a) => a.id), counts, waiting, attention };
}
