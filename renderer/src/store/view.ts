import type { Agent } from '../../../shared/agent';
import type { SortDir, SortKey } from './agent-order';
import type { StatusFilter } from './filters';
import { ViewIndex, type ViewResult } from './view-index';

export { needsAttention, passesFilters, STATUS_FILTERS, type StatusFilter } from './filters';
export { COMPARATORS, comparator, displayName, labelsText, SORT_KEYS, SORT_LABELS, type SortDir, type SortKey } from './agent-order';

/** How the fleet is shown: today's tiles, a table with a row per agent, or a map with a cell per agent. */
export const VIEW_MODES = ['tiles', 'table', 'map'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];

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
 * The view of `agents` under `query`, worked out from nothing: what
 * {@link ViewIndex} keeps up to date delta by delta, and the reference its
 * updates must agree with.
 */
export function computeView(agents: ReadonlyMap<string, Agent>, query: ViewQuery): ViewResult {
  return new ViewIndex().rebuild(agents, query);
}
