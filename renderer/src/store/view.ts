import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { matchesSearch, parseSearch } from '../lib/search';
import { natural, type SortDir, type SortKey } from './agent-order';
import { groupRows, type ViewRow } from './groups';
import { sortAgents } from './sort-order';

export { COMPARATORS, comparator, displayName, labelsText, SORT_KEYS, SORT_LABELS, type SortDir, type SortKey } from './agent-order';

/** How the fleet is shown: today's tiles, a table with a row per agent, or a map with a cell per agent. */
export const VIEW_MODES = ['tiles', 'table', 'map'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];



/** A status, every agent, those waiting for their operator, or all that need the operator ({@link needsAttention}). */
export type StatusFilter = AgentStatus | 'all' | 'waiting' | 'attention';

/** The filters that can be selected together, in the header's order ('all' is none of them selected). */
export const STATUS_FILTERS = ['attention', ...AGENT_STATUSES, 'waiting'] as const satisfies readonly StatusFilter[];

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

/** Whether `agent` passes any of `filters` (none selected: everyone passes). */
export function passesFilters(agent: Agent, filters: ReadonlySet<StatusFilter>): boolean {
  if (filters.size === 0) return true;
  for (const filter of filters) if (passesFilter(agent, filter)) return true;
  return false;
}

/** What narrows, orders and groups the fleet. */
export interface ViewQuery {
  /** The statuses shown together (an agent passing any of them is shown); empty shows all. */
  statusFilters: ReadonlySet<StatusFilter>;
  search: string;
  sort: SortKey;
  sortDir: SortDir;
  view: ViewMode;
  /** The label key the agents are grouped by; null: no groups. */
  groupBy: string | null;
  /** The groups folded away, by {@link groupKey} of their value. */
  collapsedGroups: ReadonlySet<string>;
}

/** The query of a fresh page: everything, by status, in tiles, ungrouped. */
export const DEFAULT_VIEW_QUERY: ViewQuery = {
  statusFilters: new Set(),
  search: '',
  sort: 'status',
  sortDir: 'asc',
  view: 'tiles',
  groupBy: null,
  collapsedGroups: new Set(),
};

/**
 * The ids to show, in order; the rows to render them in (group headers and
 * ids, or the ids alone without grouping); over the agents the search finds
 * (so the counts follow the search, each one what its filter would show), the
 * count per status, how many wait for their operator and how many need
 * attention; and every label key in the fleet, in natural order (what can be
 * grouped by). Collected here, with the view's refresh, never per heartbeat;
 * `knownLabelKeys`, when given, are the fleet's keys as they still are (the
 * store knows when no label key can have come or gone), and not collected again.
 */
export function computeView(agents: ReadonlyMap<string, Agent>, query: ViewQuery, knownLabelKeys: readonly string[] | null = null) {
  const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
  let waiting = 0;
  let attention = 0;
  let fleetAttention = 0;
  const known = knownLabelKeys;
  const keys = new Set<string>();
  const search = parseSearch(query.search);
  const shown: Agent[] = [];
  for (const agent of agents.values()) {
    if (!known) for (const key in agent.labels) keys.add(key);
    const needs = needsAttention(agent);
    if (needs) fleetAttention++;
    if (!matchesSearch(agent, search)) continue;
    counts[agent.status]++;
    if (agent.waiting) waiting++;
    if (needs) attention++;
    if (passesFilters(agent, query.statusFilters)) shown.push(agent);
  }
  // Grouping keeps this order inside each group.
  const ordered = sortAgents(shown, query.sort, query.sortDir);
  const labelKeys = known ?? [...keys].sort(natural.compare);
  if (query.groupBy === null) {
    const visibleIds = ordered.map((a) => a.id);
    return { visibleIds, rows: visibleIds as readonly ViewRow[], counts, waiting, attention, fleetAttention, labelKeys };
  }
  const { visibleIds, rows } = groupRows(ordered, query.groupBy, query.collapsedGroups, natural.compare);
  return { visibleIds, rows, counts, waiting, attention, fleetAttention, labelKeys };
}
