import { SORT_KEYS, STATUS_FILTERS, type SortKey, type StatusFilter, type ViewMode } from '../store/view';

const VIEW_MODES = ['tiles', 'table', 'map'] as const satisfies readonly ViewMode[];
const SORT_DIRS = ['asc', 'desc'] as const;

/** The part of the UI's state a URL carries: what is shown, how, and the agent whose details are open. */
export interface UrlState {
  readonly view: ViewMode;
  readonly statusFilters: ReadonlySet<StatusFilter>;
  readonly search: string;
  readonly sort: SortKey;
  readonly sortDir: 'asc' | 'desc';
  readonly groupBy: string | null;
  /** The agent whose details are open. */
  readonly agent: string | null;
}

/** The state of a URL without a query; what is left out of the URL. */
export const DEFAULT_URL_STATE: UrlState = {
  view: 'tiles',
  statusFilters: new Set(),
  search: '',
  sort: 'status',
  sortDir: 'asc',
  groupBy: null,
  agent: null,
};

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined => values.find((v) => v === value);

/**
 * Reads a URL's query (`?view=table&status=offline,exhausted&q=team%3Dinfra&group=team&agent=ID`,
 * also `sort=` and `dir=`). Anything unknown or malformed is ignored: an
 * unknown parameter, view, sort or direction, an unknown status among known
 * ones, an empty group or agent, a second copy of a parameter (the first
 * counts). It never throws.
 */
export function parseUrlState(search: string): UrlState {
  // URLSearchParams never throws: a malformed escape decodes to U+FFFD.
  const params = new URLSearchParams(search);
  const text = (name: string) => params.get(name);
  const statuses = (text('status') ?? '').split(',');
  return {
    view: oneOf(VIEW_MODES, text('view')) ?? DEFAULT_URL_STATE.view,
    statusFilters: new Set(STATUS_FILTERS.filter((filter) => statuses.includes(filter))),
    search: text('q') ?? '',
    sort: oneOf(SORT_KEYS, text('sort')) ?? DEFAULT_URL_STATE.sort,
    sortDir: oneOf(SORT_DIRS, text('dir')) ?? DEFAULT_URL_STATE.sortDir,
    groupBy: text('group') || null,
    agent: text('agent') || null,
  };
}

/**
 * The query for `state` (with its `?`, or '' for the defaults): parameters in
 * a fixed order, each left out at its default; statuses in the header's
 * order, joined by a plain comma; values percent-encoded (`team%3Dinfra`).
 */
export function serializeUrlState(state: UrlState): string {
  const parts: string[] = [];
  const add = (name: string, value: string) => parts.push(`${name}=${value}`);
  if (state.view !== DEFAULT_URL_STATE.view) add('view', state.view);
  const statuses = STATUS_FILTERS.filter((filter) => state.statusFilters.has(filter));
  if (statuses.length > 0) add('status', statuses.join(','));
  if (state.search !== '') add('q', encodeURIComponent(state.search));
  if (state.sort !== DEFAULT_URL_STATE.sort) add('sort', state.sort);
  if (state.sortDir !== DEFAULT_URL_STATE.sortDir) add('dir', state.sortDir);
  if (state.groupBy !== null) add('group', encodeURIComponent(state.groupBy));
  if (state.agent !== null) add('agent', encodeURIComponent(state.agent));
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
