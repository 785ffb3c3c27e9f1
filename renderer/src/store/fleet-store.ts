/**
 * The UI's one zustand store, made of slices: the agents (normalized by id),
 * the derived view of them (filtered, sorted ids and counts), and UI state.
 * Pushes from the main side enter only through {@link applyDelta}.
 */
import { create } from 'zustand';
import type { Agent } from '../../../shared/agent';
import type { AgentDelta } from '../../../shared/fleet-api';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { loadViewMode, saveViewMode } from '../lib/view-preference';
import { freezeClock, readClock, thawClock } from './clock-store';
import type { ViewRow } from './groups';
import { DEFAULT_VIEW_QUERY, type SortKey, type StatusFilter, type ViewQuery } from './view';
import { ViewIndex } from './view-index';

export type Connection = 'loading' | 'live' | 'signed_out' | 'unreachable';
export type Screen = 'grid' | 'settings';

interface AgentsSlice {
  /**
   * The fleet by id. A delta changes this map in place (a copy of 100,000
   * agents per delta was most of the page's work and garbage); a reset brings
   * a new one. To see that the fleet changed, watch {@link agentsVersion}.
   */
  agents: ReadonlyMap<string, Agent>;
  /** One more for every delta applied. */
  agentsVersion: number;
}

interface ViewSlice {
  /** Ids passing the filter and search, in display order. */
  visibleIds: readonly string[];
  /** What a view renders: the ids, or with grouping each group's header then its ids (unless folded). */
  rows: readonly ViewRow[];
  /** The ids the view draws: `visibleIds` but for the agents of folded groups (what the map draws, what "Select all" ticks). */
  shownIds: readonly string[];
  /**
   * The agents of `shownIds`, place by place, as the view last took them in
   * (what the map paints, without a lookup by id per cell). Changed in place
   * by the view's refresh: to see that it changed, watch {@link viewVersion}.
   */
  shownAgents: readonly Agent[];
  /** One more whenever a shown agent came, went, moved or changed in the view. */
  viewVersion: number;
  /** Every label key in the fleet, in natural order (what the fleet can be grouped by). */
  labelKeys: readonly string[];
  counts: Readonly<Record<AgentStatus, number>>;
  /** Agents waiting for their operator (a permission, input, an answer). */
  waitingCount: number;
  /** Agents that need the operator (offline, exhausted or waiting), among those the search finds. */
  attentionCount: number;
  /** Agents that need the operator in the whole fleet, whatever the search (the tab's title). */
  fleetAttentionCount: number;
}

interface UiSlice extends ViewQuery {
  connection: Connection;
  /** While a large fleet is still arriving in pages (the grid shows what has come). */
  fleetLoading: boolean;
  /** Why the stream is down, when the port said (a refusal); null when it simply cannot be reached. */
  connectionReason: string | null;
  /** Why the port refused the page's token, when it did. */
  signInMessage: string | null;
  screen: Screen;
  selectedId: string | null;
  /** The agent whose "Force exhaust" dialog is open. */
  exhaustId: string | null;
  /** The last refused action's message, shown until dismissed (or the stream comes back after a drop). */
  notice: string | null;
  /** The agents ticked for a bulk action (distinct from `selectedId`, whose details are open). */
  checkedIds: ReadonlySet<string>;
  /** When the stream dropped (epoch ms): the fleet shown is as of then. Null while live. */
  disconnectedAt: number | null;
}

export type FleetState = AgentsSlice & ViewSlice & UiSlice;

const emptyCounts = () => Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;

export const initialState: FleetState = {
  agents: new Map(),
  agentsVersion: 0,
  visibleIds: [],
  rows: [],
  shownIds: [],
  shownAgents: [],
  viewVersion: 0,
  labelKeys: [],
  counts: emptyCounts(),
  waitingCount: 0,
  attentionCount: 0,
  fleetAttentionCount: 0,
  // The query's sets are only ever replaced, never changed: sharing the defaults' is safe.
  ...DEFAULT_VIEW_QUERY,
  connection: 'loading',
  fleetLoading: false,
  connectionReason: null,
  signInMessage: null,
  screen: 'grid',
  selectedId: null,
  exhaustId: null,
  notice: null,
  checkedIds: new Set(),
  disconnectedAt: null,
};

// The view the operator chose last time (kept by setQuery).
export const useFleetStore = create<FleetState>()(() => ({ ...initialState, view: loadViewMode() ?? initialState.view }));

/** The view, kept up to date from the changes since its last refresh. */
let viewIndex = new ViewIndex();
/** The ids upserted or removed and not yet in the view (the index takes them out as it puts them in). */
const changedIds = new Set<string>();

/**
 * Changes put in the view per task, at most. Each costs a few binary searches
 * with the view's comparator, at 100,000 agents some 50 µs (the natural-order
 * collator is slow), so a burst of thousands (the load catching up, a
 * reconnecting fleet of agents) is spread over tasks that each stay far under
 * 50 ms, the rest following at once.
 */
export const VIEW_SLICE = 256;

/**
 * Brings the derived view up to date with the agents and query. The index
 * keeps each array the same while it reads the same, so under a stream of
 * heartbeats nothing is replaced and no view renders again.
 */
function refreshView(budget = VIEW_SLICE): void {
  const state = useFleetStore.getState();
  const view = viewIndex.refresh(state.agents, state, changedIds, budget);
  if (changedIds.size > 0) scheduleViewRefresh(0);
  const next: Partial<FleetState> = {};
  if (view.visibleIds !== state.visibleIds) next.visibleIds = view.visibleIds;
  if (view.rows !== state.rows) next.rows = view.rows;
  if (view.shownIds !== state.shownIds) next.shownIds = view.shownIds;
  if (view.version !== state.viewVersion) {
    next.shownAgents = view.shownAgents;
    next.viewVersion = view.version;
  }
  if (view.labelKeys !== state.labelKeys) next.labelKeys = view.labelKeys;
  if (AGENT_STATUSES.some((status) => view.counts[status] !== state.counts[status])) next.counts = view.counts;
  if (view.waiting !== state.waitingCount) next.waitingCount = view.waiting;
  if (view.attention !== state.attentionCount) next.attentionCount = view.attention;
  if (view.fleetAttention !== state.fleetAttentionCount) next.fleetAttentionCount = view.fleetAttention;
  if (Object.keys(next).length > 0) useFleetStore.setState(next);
}

/**
 * How often, at most, the order of the grid is recomputed while changes
 * stream in. Tiles update at once (each selects its own agent); only the
 * order lags, so 10,000 agents at hundreds of changes a second stay smooth.
 */
export const VIEW_REFRESH_MS = 250;
let viewTimer: ReturnType<typeof setTimeout> | undefined;

/** A refresh in `delay` ms, unless one is due sooner. */
function scheduleViewRefresh(delay = VIEW_REFRESH_MS): void {
  if (viewTimer !== undefined) {
    if (delay >= VIEW_REFRESH_MS) return;
    clearTimeout(viewTimer);
  }
  viewTimer = setTimeout(() => {
    viewTimer = undefined;
    refreshView();
  }, delay);
}

/**
 * Applies a batch of committed changes from the main side. A reset replaces
 * the fleet (and refreshes the view at once); otherwise only the changed
 * agents are replaced, so only their tiles re-render.
 */
export function applyDelta(delta: AgentDelta): void {
  const state = useFleetStore.getState();
  for (const listener of deltaListeners) listener(state.agents, delta);
  // The first state's map is shared by every reset of the store: never written to.
  const agents = delta.reset || state.agents === initialState.agents ? new Map<string, Agent>() : (state.agents as Map<string, Agent>);
  // A reset's new map is worked out afresh by the index: its agents need not be listed as changes.
  for (const agent of delta.upserts) {
    agents.set(agent.id, agent);
    if (!delta.reset) changedIds.add(agent.id);
  }
  for (const id of delta.removed) {
    agents.delete(id);
    if (!delta.reset) changedIds.add(id);
  }
  const selectedId = state.selectedId && agents.has(state.selectedId) ? state.selectedId : null;
  const exhaustId = state.exhaustId && agents.has(state.exhaustId) ? state.exhaustId : null;
  const checkedIds = keepKnown(state.checkedIds, agents);
  // Back after a drop: the fleet is live again, and what went wrong while it was down no longer stands.
  const reconnected = delta.reset && state.connection === 'unreachable';
  if (delta.reset) thawClock();
  useFleetStore.setState({
    agents,
    agentsVersion: state.agentsVersion + 1,
    selectedId,
    exhaustId,
    ...(checkedIds === state.checkedIds ? {} : { checkedIds }),
    ...(delta.reset ? { connection: 'live' as const, connectionReason: null, disconnectedAt: null } : {}),
    ...(reconnected ? { notice: null } : {}),
    ...(delta.loading === undefined ? {} : { fleetLoading: delta.loading }),
  });
  if (delta.reset || state.agents.size === 0) refreshView();
  else scheduleViewRefresh();
}

type DeltaListener = (before: ReadonlyMap<string, Agent>, delta: AgentDelta) => void;
const deltaListeners = new Set<DeltaListener>();

/**
 * Calls `listener` with each delta before it is applied, and the agents as
 * they were: what changed costs the delta's size to find, not the fleet's
 * (the status announcer). Returns how to stop.
 */
export function onDelta(listener: DeltaListener): () => void {
  deltaListeners.add(listener);
  return () => deltaListeners.delete(listener);
}

/** The checked ids still in the fleet; the same set when none left it (nothing re-renders). */
function keepKnown(checked: ReadonlySet<string>, agents: ReadonlyMap<string, Agent>): ReadonlySet<string> {
  if (checked.size === 0) return checked;
  let gone = false;
  for (const id of checked) if (!agents.has(id)) gone = true;
  return gone ? new Set([...checked].filter((id) => agents.has(id))) : checked;
}

/**
 * The stream works again without a reset (the desktop bridge's page that
 * loaded after a failed one): live, the clock running, the drop's banner and
 * error gone — as a reset would leave them.
 */
export function markLive(): void {
  const state = useFleetStore.getState();
  if (state.connection === 'live') return;
  thawClock();
  useFleetStore.setState({ connection: 'live', connectionReason: null, disconnectedAt: null, ...(state.connection === 'unreachable' ? { notice: null } : {}) });
}

/** Ticks or unticks one agent for a bulk action. */
export function toggleChecked(id: string, checked?: boolean): void {
  const current = useFleetStore.getState().checkedIds;
  const on = checked ?? !current.has(id);
  if (on === current.has(id)) return;
  const next = new Set(current);
  if (on) next.add(id);
  else next.delete(id);
  useFleetStore.setState({ checkedIds: next });
}

/** Ticks (or unticks) every id given, leaving the others as they are. */
export function setCheckedMany(ids: readonly string[], checked: boolean): void {
  const next = new Set(useFleetStore.getState().checkedIds);
  for (const id of ids) {
    if (checked) next.add(id);
    else next.delete(id);
  }
  useFleetStore.setState({ checkedIds: next });
}

/** Unticks every agent. */
export function clearChecked(): void {
  if (useFleetStore.getState().checkedIds.size > 0) useFleetStore.setState({ checkedIds: new Set() });
}

/*
 * However the stream is lost (the HTTP transport's trouble, the desktop
 * bridge's failed page), the moment it is lost is kept and the clock stops
 * there: until the next reset, the page shows the fleet as of that moment.
 * That moment, not the last delta's: a quiet fleet sends no deltas, yet what
 * the page showed was true until the stream dropped.
 */
useFleetStore.subscribe((state, previous) => {
  // Only a live stream can drop: before the first snapshot there is no fleet to be stale (the header says "Reconnecting…").
  if (state.connection !== 'unreachable' || previous.connection !== 'live' || state.disconnectedAt !== null) return;
  const at = readClock();
  freezeClock(at);
  useFleetStore.setState({ disconnectedAt: at });
});

/** Changes the filter, search, sort or grouping; the view follows at once. A new grouping starts with every group open. */
export function setQuery(query: Partial<ViewQuery>): void {
  const regrouping = query.groupBy !== undefined && query.groupBy !== useFleetStore.getState().groupBy && query.collapsedGroups === undefined;
  useFleetStore.setState(regrouping ? { ...query, collapsedGroups: new Set() } : query);
  if (query.view !== undefined) saveViewMode(query.view);
  refreshView();
}

/** Selects `filter` too, or unselects it; 'all' unselects every one. */
export function toggleStatusFilter(filter: StatusFilter): void {
  if (filter === 'all') return setQuery({ statusFilters: new Set() });
  const next = new Set(useFleetStore.getState().statusFilters);
  if (!next.delete(filter)) next.add(filter);
  setQuery({ statusFilters: next });
}

/** Folds a group away, or opens it again (by its {@link groupKey}). */
export function toggleGroup(key: string): void {
  const next = new Set(useFleetStore.getState().collapsedGroups);
  if (!next.delete(key)) next.add(key);
  setQuery({ collapsedGroups: next });
}

export function setSort(sort: SortKey): void {
  setQuery({ sort });
}

/** Puts the store back to its first state (tests, sign-out). */
export function resetFleetStore(): void {
  viewIndex = new ViewIndex();
  changedIds.clear();
  if (viewTimer !== undefined) clearTimeout(viewTimer);
  viewTimer = undefined;
  thawClock();
  useFleetStore.setState(initialState, true);
}

/**
 * Runs a pending view refresh now (an action's result shown in the same
 * render; tests): up to {@link FLUSH_AT_ONCE} changes at once, any more in
 * slices right after (a bulk action's thousands must not block the page).
 */
export function flushViewRefresh(): void {
  if (viewTimer === undefined) return;
  clearTimeout(viewTimer);
  viewTimer = undefined;
  refreshView(FLUSH_AT_ONCE);
}

/** What a flush puts in at once: more than a stream brings between two refreshes (500 changes/s for 250 ms). */
export const FLUSH_AT_ONCE = 4 * VIEW_SLICE;
