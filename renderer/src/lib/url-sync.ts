import { setQuery, useFleetStore, type FleetState } from '../store/fleet-store';
import { parseUrlState, serializeUrlState, type UrlState } from './url-state';

/** What the sync needs of the window (the desktop's file:// page and the headless page alike). */
export type UrlWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener' | 'setTimeout'>;

/** A sign-in link's secret in the fragment (see session-token.ts): it is taken out by the page, never copied into an entry. */
const SECRET_FRAGMENT = /(?:^#|&)(?:code|token)=/;

/**
 * Keeps the URL's query and the store in step, both ways: the URL is read
 * into the store at start and on Back/Forward (popstate); the store's view,
 * filters, search, sort, grouping and open agent are written to the URL.
 * A discrete change (a filter, the view, the grouping, the sort, opening or
 * closing an agent) is a new history entry, so Back undoes it; typing in the
 * search replaces the entry (no entry per keystroke), and so do changes
 * nobody asked for (an open agent forgotten). An agent named by the URL that
 * has not arrived yet is opened when it does; once the whole fleet is in
 * without it, it is dropped from the URL. The fragment is never written:
 * it only ever carries a sign-in secret. Returns how to stop.
 */
export function startUrlSync(win: UrlWindow): () => void {
  let pendingAgent: string | null = null;
  let applying = false;
  let written: UrlState = parseUrlState(win.location.search);

  const urlStateOf = (state: FleetState): UrlState => ({
    view: state.view,
    statusFilters: state.statusFilters,
    search: state.search,
    sort: state.sort,
    sortDir: state.sortDir,
    groupBy: state.groupBy,
    agent: state.selectedId ?? pendingAgent,
  });

  const write = (mode: 'push' | 'replace') => {
    const next = urlStateOf(useFleetStore.getState());
    const query = serializeUrlState(next);
    // A pasted sign-in link is in the fragment until the page takes it (on hashchange): write after that.
    if (SECRET_FRAGMENT.test(win.location.hash)) return;
    written = next;
    if (query === win.location.search) return;
    const url = win.location.pathname + query;
    if (mode === 'push') win.history.pushState(null, '', url);
    else win.history.replaceState(win.history.state, '', url);
  };

  /**
   * `opening`: the page's first look. A bare address (no query at all) keeps
   * the view the operator chose last time (kept in local storage); any other
   * URL — a bookmark, a shared link — is the state it names, defaults included.
   */
  const apply = (search: string, opening = false) => {
    const url = parseUrlState(search);
    const view = opening && search.replace(/^\?/, '') === '' ? useFleetStore.getState().view : url.view;
    applying = true;
    try {
      setQuery({ view, statusFilters: url.statusFilters, search: url.search, sort: url.sort, sortDir: url.sortDir, groupBy: url.groupBy });
      const arrived = url.agent === null || useFleetStore.getState().agents.has(url.agent);
      pendingAgent = arrived ? null : url.agent;
      useFleetStore.setState({ selectedId: arrived ? url.agent : null });
    } finally {
      applying = false;
    }
    // What was ignored (an unknown view, a bad status) leaves the address bar too.
    write('replace');
  };

  const settlePending = (state: FleetState): boolean => {
    if (pendingAgent === null) return false;
    if (state.agents.has(pendingAgent)) {
      const id = pendingAgent;
      pendingAgent = null;
      useFleetStore.setState({ selectedId: id });
      return true;
    }
    // The whole fleet is in and the agent is not: it is gone (forgotten), not late.
    if (state.connection === 'live' && !state.fleetLoading) {
      pendingAgent = null;
      write('replace');
      return true;
    }
    return false;
  };

  const unsubscribe = useFleetStore.subscribe((state, prev) => {
    if (applying) return;
    if (state.agentsVersion !== prev.agentsVersion && settlePending(state)) return;
    if (state.selectedId !== prev.selectedId && state.selectedId !== null) pendingAgent = null;
    const next = urlStateOf(state);
    const changed = (Object.keys(next) as (keyof UrlState)[]).filter((key) => next[key] !== written[key]);
    if (changed.length === 0) return;
    const typed = changed.every((key) => key === 'search');
    const closedByRemoval = changed.every((key) => key === 'agent') && prev.selectedId !== null && !state.agents.has(prev.selectedId);
    write(typed || closedByRemoval ? 'replace' : 'push');
  });

  const onPopState = () => apply(win.location.search);
  const onHashChange = () => win.setTimeout(() => write('replace'), 0);
  win.addEventListener('popstate', onPopState);
  win.addEventListener('hashchange', onHashChange);
  apply(win.location.search, true);
  return () => {
    unsubscribe();
    win.removeEventListener('popstate', onPopState);
    win.removeEventListener('hashchange', onHashChange);
  };
}
