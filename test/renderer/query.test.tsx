// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentGrid } from '../../renderer/src/components/agent-grid';
import { FleetHeader } from '../../renderer/src/components/fleet-header';
import { gridLines } from '../../renderer/src/components/grid-lines';
import { TransportContext } from '../../renderer/src/components/transport-context';
import { DEFAULT_URL_STATE, parseUrlState, serializeUrlState } from '../../renderer/src/lib/url-state';
import { startUrlSync, type UrlWindow } from '../../renderer/src/lib/url-sync';
import { applyDelta, flushViewRefresh, resetFleetStore, setQuery, useFleetStore } from '../../renderer/src/store/fleet-store';
import { groupKey, type GroupRow } from '../../renderer/src/store/groups';
import { computeView, DEFAULT_VIEW_QUERY, type ViewQuery } from '../../renderer/src/store/view';
import { fakeApi, makeAgent } from './fixtures';

beforeEach(() => resetFleetStore());
afterEach(() => cleanup());

const fleet = new Map(
  [
    makeAgent('a', { status: 'offline', labels: { team: 'web' } }),
    makeAgent('b', { status: 'idle', labels: { team: 'infra', region: 'eu' } }),
    makeAgent('c', { status: 'exhausted', labels: { team: 'infra' } }),
    makeAgent('d', { status: 'busy' }),
    makeAgent('e', { status: 'idle', labels: { team: 'web', Zone: '1' } }),
  ].map((agent) => [agent.id, agent]),
);
const view = (query: Partial<ViewQuery>) => computeView(fleet, { ...DEFAULT_VIEW_QUERY, ...query });
const groups = (rows: readonly unknown[]) => rows.filter((row): row is GroupRow => typeof row !== 'string');

describe('url state: parse and serialize', () => {
  it('writes the issue’s URL exactly, every parameter at its place, and reads it back', () => {
    const state = { ...DEFAULT_URL_STATE, view: 'table' as const, statusFilters: new Set(['exhausted', 'offline'] as const), search: 'team=infra', groupBy: 'team', agent: 'ID' };
    const query = serializeUrlState(state);
    expect(query).toBe('?view=table&status=offline,exhausted&q=team%3Dinfra&group=team&agent=ID');
    expect(parseUrlState(query)).toEqual(state);
  });

  it('leaves out every default; the defaults are no query at all', () => {
    expect(serializeUrlState(DEFAULT_URL_STATE)).toBe('');
    expect(serializeUrlState({ ...DEFAULT_URL_STATE, sort: 'name', sortDir: 'desc' })).toBe('?sort=name&dir=desc');
    expect(parseUrlState('')).toEqual(DEFAULT_URL_STATE);
  });

  it('round-trips what needs escaping: spaces, quotes, &, #, + and non-Latin text in the search, group and agent', () => {
    const state = { ...DEFAULT_URL_STATE, search: '"build bot" -team=web&x #1 + ü', groupBy: 'a/b.c', agent: 'agent #1 & co' };
    const query = serializeUrlState(state);
    expect(query).not.toMatch(/[ #"]/);
    expect(parseUrlState(query)).toEqual(state);
  });

  it.each([
    ['?view=grid', {}],
    ['?view=TABLE', {}],
    ['?sort=colour&dir=up', {}],
    ['?status=offline,bogus,,all', { statusFilters: new Set(['offline']) }],
    ['?status=', {}],
    ['?group=&agent=', {}],
    ['?q=%E0%A4%A', { search: '\uFFFD%A' }],
    ['?q=%zz', { search: '%zz' }],
    ['?view=map&view=table', { view: 'map' }],
    ['?unknown=1&view=map', { view: 'map' }],
    ['view=map', { view: 'map' }],
    ['?&&=&status', {}],
  ])('ignores what it does not know in %j, never throws', (query, expected) => {
    expect(parseUrlState(query)).toEqual({ ...DEFAULT_URL_STATE, ...expected });
  });
});

describe('computeView: several statuses at once', () => {
  it('shows an agent that passes any selected filter; none selected shows all; counts ignore the filters', () => {
    expect(view({ statusFilters: new Set(['offline', 'exhausted']) }).visibleIds).toEqual(['c', 'a']);
    expect(view({ statusFilters: new Set(['busy', 'attention']) }).visibleIds).toEqual(['c', 'a', 'd']);
    expect(view({ statusFilters: new Set() }).visibleIds).toHaveLength(5);
    expect(view({ statusFilters: new Set(['busy']) }).counts).toMatchObject({ idle: 2, offline: 1, exhausted: 1, busy: 1 });
  });
});

describe('computeView: grouping', () => {
  it('without grouping the rows are the ids', () => {
    const result = view({});
    expect(result.rows).toBe(result.visibleIds);
  });

  it('groups by a label key in natural order of the values, the agents without it last, each with its size and counts', () => {
    const { rows, visibleIds } = view({ groupBy: 'team' });
    expect(rows).toEqual([
      { kind: 'group', value: 'infra', size: 2, counts: { idle: 1, busy: 0, on_call: 0, offline: 0, exhausted: 1 }, collapsed: false },
      'c',
      'b',
      { kind: 'group', value: 'web', size: 2, counts: { idle: 1, busy: 0, on_call: 0, offline: 1, exhausted: 0 }, collapsed: false },
      'a',
      'e',
      { kind: 'group', value: null, size: 1, counts: { idle: 0, busy: 1, on_call: 0, offline: 0, exhausted: 0 }, collapsed: false },
      'd',
    ]);
    expect(visibleIds).toEqual(['c', 'b', 'a', 'e', 'd']);
  });

  it('a folded group keeps its header, size and counts but not its rows; its agents stay visible ids', () => {
    const { rows, visibleIds } = view({ groupBy: 'team', collapsedGroups: new Set(['web', groupKey(null)]) });
    expect(rows.filter((row) => typeof row === 'string')).toEqual(['c', 'b']);
    expect(groups(rows).map((g) => [g.value, g.size, g.collapsed])).toEqual([
      ['infra', 2, false],
      ['web', 2, true],
      [null, 1, true],
    ]);
    expect(visibleIds).toEqual(['c', 'b', 'a', 'e', 'd']);
  });

  it('groups only what the filters and search show, and leaves out groups they empty', () => {
    const { rows } = view({ groupBy: 'team', statusFilters: new Set(['idle']), search: '-region=eu' });
    expect(rows).toEqual([expect.objectContaining({ value: 'web', size: 1 }), 'e']);
  });

  it('values sort as people count, and an empty value is a group of its own, apart from "no value"', () => {
    const agents = new Map(['10', '9', '', 'x'].map((v, i) => makeAgent(`n${i}`, { labels: v === 'x' ? {} : { rack: v } })).map((a) => [a.id, a]));
    const result = computeView(agents, { ...DEFAULT_VIEW_QUERY, groupBy: 'rack' });
    expect(groups(result.rows).map((g) => g.value)).toEqual(['', '9', '10', null]);
  });

  it('lists every label key in the fleet, in natural order, whatever the search', () => {
    expect(view({ search: 'zzz' }).labelKeys).toEqual(['region', 'team', 'Zone']);
  });

  it('lays out the grid: a line per header, then the group’s tiles `columns` to a line', () => {
    const { rows } = view({ groupBy: 'team' });
    const lines = gridLines(rows, 1);
    expect(lines.map((line) => ('group' in line ? `#${line.group.value}` : rows.slice(line.start, line.end).join('')))).toEqual(['#infra', 'c', 'b', '#web', 'a', 'e', '#null', 'd']);
    expect(gridLines(view({}).rows, 2).map((line) => ('group' in line ? '#' : `${line.start}-${line.end}`))).toEqual(['0-2', '2-4', '4-5']);
  });
});

describe('the store: label keys and rows with the view refresh', () => {
  it('new keys arrive with the refresh, not with each heartbeat; an unchanged refresh keeps the same rows and keys', () => {
    applyDelta({ upserts: [...fleet.values()], removed: [], reset: true });
    setQuery({ groupBy: 'team' });
    const { rows, labelKeys } = useFleetStore.getState();
    applyDelta({ upserts: [makeAgent('b', { status: 'idle', labels: { team: 'infra', region: 'eu' }, lastHeartbeat: 99 })], removed: [] });
    flushViewRefresh();
    expect(useFleetStore.getState().rows).toBe(rows);
    expect(useFleetStore.getState().labelKeys).toBe(labelKeys);
    applyDelta({ upserts: [makeAgent('f', { labels: { owner: 'me' } })], removed: [] });
    expect(useFleetStore.getState().labelKeys).toBe(labelKeys);
    flushViewRefresh();
    expect(useFleetStore.getState().labelKeys).toEqual(['owner', 'region', 'team', 'Zone']);
  });

  it('a new grouping starts with every group open', () => {
    applyDelta({ upserts: [...fleet.values()], removed: [], reset: true });
    setQuery({ groupBy: 'team', collapsedGroups: new Set(['web']) });
    setQuery({ groupBy: 'region' });
    expect(useFleetStore.getState().collapsedGroups.size).toBe(0);
  });
});

describe('the header and the grid', () => {
  const renderUi = () =>
    render(
      <TransportContext.Provider value={fakeApi()}>
        <FleetHeader />
        <AgentGrid />
      </TransportContext.Provider>,
    );

  beforeEach(() => {
    // jsdom has no layout: every element measures a screenful, so the virtualized grid shows its lines.
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(800);
    applyDelta({ upserts: [...fleet.values()], removed: [], reset: true });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('filter buttons toggle, several at once; "All" clears them', () => {
    renderUi();
    const offline = screen.getByRole('button', { name: /^offline 1$/i });
    const exhausted = screen.getByRole('button', { name: /^exhausted 1$/i });
    const all = screen.getByRole('button', { name: /^all 5$/i });
    fireEvent.click(offline);
    fireEvent.click(exhausted);
    expect([offline, exhausted, all].map((b) => b.getAttribute('aria-pressed'))).toEqual(['true', 'true', 'false']);
    expect(useFleetStore.getState().visibleIds).toEqual(['c', 'a']);
    fireEvent.click(offline);
    expect(useFleetStore.getState().visibleIds).toEqual(['c']);
    fireEvent.click(all);
    expect([exhausted, all].map((b) => b.getAttribute('aria-pressed'))).toEqual(['false', 'true']);
    expect(useFleetStore.getState().visibleIds).toHaveLength(5);
  });

  it('"Group by" offers None and the fleet’s keys; groups fold and open by their header button', () => {
    renderUi();
    const select = screen.getByRole('combobox', { name: 'Group by' });
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['None', 'region', 'team', 'Zone']);
    fireEvent.change(select, { target: { value: 'team' } });
    const web = screen.getByRole('button', { name: /^web 2 agents 1 offline, 1 idle$/ });
    expect(web.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('button', { name: /\(no team\) 1 agent 1 busy/ })).toBeTruthy();
    expect(document.querySelector('[data-agent-id="e"]')).not.toBeNull();
    fireEvent.click(web);
    expect(screen.getByRole('button', { name: /web 2 agents/ }).getAttribute('aria-expanded')).toBe('false');
    expect(document.querySelector('[data-agent-id="e"]')).toBeNull();
    expect(document.querySelector('[data-agent-id="b"]')).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /web 2 agents/ }));
    expect(document.querySelector('[data-agent-id="e"]')).not.toBeNull();
  });

  it('a search or filter matching nothing says so, and its button clears both', () => {
    renderUi();
    fireEvent.click(screen.getByRole('button', { name: /^busy 1$/i }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search agents' }), { target: { value: 'team=infra' } });
    expect(screen.getByRole('heading', { name: 'No agents match the search “team=infra” and the filter busy' })).toBeTruthy();
    expect(document.querySelector('[data-agent-id]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    expect(screen.queryByRole('heading', { name: /no agents match/i })).toBeNull();
    expect(useFleetStore.getState()).toMatchObject({ search: '', statusFilters: new Set() });
    expect(document.querySelectorAll('[data-agent-id]')).toHaveLength(5);
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search agents' }));
  });
});

describe('url sync', () => {
  /** A window whose location and history jsdom keeps (same-document URL changes work there). */
  let stop: () => void = () => {};
  const win = window as UrlWindow;
  const goTo = (query: string) => window.history.replaceState(null, '', `/${query}`);
  afterEach(() => {
    stop();
    goTo('');
  });

  it('reads the URL into the store at start, and puts what it ignored out of the address bar', () => {
    goTo('?view=map&status=offline,nope&q=team%3Dweb&group=team&sort=name&dir=desc&junk=1');
    stop = startUrlSync(win);
    expect(useFleetStore.getState()).toMatchObject({ view: 'map', statusFilters: new Set(['offline']), search: 'team=web', groupBy: 'team', sort: 'name', sortDir: 'desc' });
    expect(window.location.search).toBe('?view=map&status=offline&q=team%3Dweb&sort=name&dir=desc&group=team');
  });

  it('a bare address keeps the view chosen last time, and says it; any other URL is the state it names', () => {
    useFleetStore.setState({ view: 'map' }); // as loaded from local storage
    goTo('');
    stop = startUrlSync(win);
    expect(useFleetStore.getState().view).toBe('map');
    expect(window.location.search).toBe('?view=map');
    stop();
    goTo('?status=offline'); // a shared Tiles view with a filter: Tiles, whatever was chosen here last
    stop = startUrlSync(win);
    expect(useFleetStore.getState().view).toBe('tiles');
    stop();
    goTo('?view=table');
    stop = startUrlSync(win);
    expect(useFleetStore.getState().view).toBe('table');
  });

  it('pushes an entry per discrete change, replaces it while typing, and applies the URL on popstate', () => {
    stop = startUrlSync(win);
    const length = window.history.length;
    act(() => setQuery({ statusFilters: new Set(['offline']) }));
    expect(window.location.search).toBe('?status=offline');
    expect(window.history.length).toBe(length + 1);
    for (const typed of ['t', 'te', 'team']) act(() => setQuery({ search: typed }));
    expect(window.location.search).toBe('?status=offline&q=team');
    expect(window.history.length).toBe(length + 1);
    goTo('?group=team');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(useFleetStore.getState()).toMatchObject({ statusFilters: new Set(), search: '', groupBy: 'team' });
    expect(window.history.length).toBe(length + 1);
  });

  it('opens the agent of ?agent= once it arrives, and closing it is an entry of its own', () => {
    goTo('?agent=late');
    stop = startUrlSync(win);
    expect(useFleetStore.getState().selectedId).toBeNull();
    applyDelta({ upserts: [makeAgent('early')], removed: [], reset: true, loading: true });
    expect(useFleetStore.getState().selectedId).toBeNull();
    expect(window.location.search).toBe('?agent=late');
    applyDelta({ upserts: [makeAgent('late')], removed: [], loading: false });
    expect(useFleetStore.getState().selectedId).toBe('late');
    const length = window.history.length;
    useFleetStore.setState({ selectedId: null });
    expect(window.location.search).toBe('');
    expect(window.history.length).toBe(length + 1);
  });

  it('drops ?agent= once the whole fleet is in without it', () => {
    goTo('?agent=gone&view=table');
    stop = startUrlSync(win);
    applyDelta({ upserts: [makeAgent('other')], removed: [], reset: true });
    expect(window.location.search).toBe('?view=table');
  });

  it('never writes a fragment carrying a sign-in secret into an entry', () => {
    stop = startUrlSync(win);
    window.history.replaceState(null, '', '/#token=secret');
    act(() => setQuery({ view: 'table' }));
    expect(window.location.href).toMatch(/#token=secret$/);
    expect(window.location.search).toBe('');
    window.history.replaceState(null, '', '/');
    act(() => setQuery({ view: 'map' }));
    expect(window.location.href).not.toContain('secret');
    expect(window.location.search).toBe('?view=map');
  });
});
