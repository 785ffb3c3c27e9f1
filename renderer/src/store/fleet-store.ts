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
import { computeView, type SortKey, type ViewQuery } from './view';

export type Connection = 'loading' | 'live' | 'signed_out' | 'unreachable';
export type Screen = 'grid' | 'settings';

interface AgentsSlice {
  agents: ReadonlyMap<string, Agent>;
}

interface ViewSlice {
  /** Ids passing the filter and search, in display order. */
  visibleIds: readonly string[];
  counts: Readonly<Record<AgentStatus, number>>;
  /** Agents waiting for their operator (a permission, input, an answer). */
  waitingCount: number;
  /** Agents that need the operator (offline, exhausted or waiting), among those the search finds. */
  attentionCount: number;
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
  /** The last refused action's message, shown until dismissed. */
  notice: string | null;
}

export type FleetState = AgentsSlice & ViewSlice & UiSlice;

const emptyCounts = () => Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;

export const initialState: FleetState = {
  agents: new Map(),
  visibleIds: [],
  counts: emptyCounts(),
  waitingCount: 0,
  attentionCount: 0,
  statusFilter: 'all',
  search: '',
  sort: 'status',
  sortDir: 'asc',
  view: 'tiles',
  connection: 'loading',
  fleetLoading: false,
  connectionReason: null,
  signInMessage: null,
  screen: 'grid',
  selectedId: null,
  exhaustId: null,
  notice: null,
};

// The view the operator chose last time (kept by setQuery).
export const useFleetStore = create<FleetState>()(() => ({ ...initialState, view: loadViewMode() ?? initialState.view }));

/**
 * Recomputes the derived view from the current agents and query. The order
 * and the counts are replaced only when they changed: under a stream of
 * heartbeats nothing moves, and the grid need not render again.
 */
function refreshView(): void {
  const state = useFleetStore.getState();
  const { visibleIds, counts, waiting, attention } = computeView(state.agents, state);
  const moved = visibleIds.length !== state.visibleIds.length || visibleIds.some((id, i) => id !== state.visibleIds[i]);
  const recounted = AGENT_STATUSES.some((status) => counts[status] !== state.counts[status]);
  const rewaited = waiting !== state.waitingCount || attention !== state.attentionCount;
  if (moved || recounted || rewaited) {
    useFleetStore.setState({ ...(moved ? { visibleIds } : {}), ...(recounted ? { counts } : {}), ...(rewaited ? { waitingCount: waiting, attentionCount: attention } : {}) });
  }
}

/**
 * How often, at most, the order of the grid is recomputed while changes
 * stream in. Tiles update at once (each selects its own agent); only the
 * order lags, so 10,000 agents at hundreds of changes a second stay smooth.
 */
export const VIEW_REFRESH_MS = 250;
let viewTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleViewRefresh(): void {
  if (viewTimer !== undefined) return;
  viewTimer = setTimeout(() => {
    viewTimer = undefined;
    refreshView();
  }, VIEW_REFRESH_MS);
}

/**
 * Applies a batch of committed changes from the main side. A reset replaces
 * the fleet (and refreshes the view at once); otherwise only the changed
 * agents are replaced, so only their tiles re-render.
 */
export function applyDelta(delta: AgentDelta): void {
  const state = useFleetStore.getState();
  const agents = new Map(delta.reset ? [] : state.agents);
  for (const agent of delta.upserts) agents.set(agent.id, agent);
  for (const id of delta.removed) agents.delete(id);
  const selectedId = state.selectedId && agents.has(state.selectedId) ? state.selectedId : null;
  const exhaustId = state.exhaustId && agents.has(state.exhaustId) ? state.exhaustId : null;
  useFleetStore.setState({
    agents,
    selectedId,
    exhaustId,
    ...(delta.reset ? { connection: 'live' as const, connectionReason: null } : {}),
    ...(delta.loading === undefined ? {} : { fleetLoading: delta.loading }),
  });
  if (delta.reset || state.agents.size === 0) refreshView();
  else scheduleViewRefresh();
}

/** Changes the filter, search or sort; the view follows at once. */
export function setQuery(query: Partial<ViewQuery>): void {
  useFleetStore.setState(query);
  if (query.view !== undefined) saveViewMode(query.view);
  refreshView();
}

export function setSort(sort: SortKey): void {
  setQuery({ sort });
}

/** Puts the store back to its first state (tests, sign-out). */
export function resetFleetStore(): void {
  if (viewTimer !== undefined) clearTimeout(viewTimer);
  viewTimer = undefined;
  useFleetStore.setState(initialState, true);
}

/** Runs a pending view refresh now (tests). */
export function flushViewRefresh(): void {
  if (viewTimer === undefined) return;
  clearTimeout(viewTimer);
  viewTimer = undefined;
  refreshView();
}
