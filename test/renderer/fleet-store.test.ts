import { beforeEach, describe, expect, it } from 'vitest';
import { applyDelta, flushViewRefresh, resetFleetStore, setQuery, useFleetStore } from '../../renderer/src/store/fleet-store';
import { makeAgent } from './fixtures';

beforeEach(() => resetFleetStore());

describe('fleet store: the reducer of pushes', () => {
  it('a reset replaces the fleet, goes live and computes the view at once', () => {
    applyDelta({ upserts: [makeAgent('x')], removed: [] });
    applyDelta({ upserts: [makeAgent('a'), makeAgent('b', { status: 'busy' })], removed: [], reset: true });
    const s = useFleetStore.getState();
    expect([...s.agents.keys()]).toEqual(['a', 'b']);
    expect(s.connection).toBe('live');
    expect(s.visibleIds).toEqual(['b', 'a']);
    expect(s.counts).toMatchObject({ idle: 1, busy: 1, offline: 0 });
  });

  it('upserts replace only the changed agents; untouched agent objects stay the same', () => {
    const a = makeAgent('a');
    applyDelta({ upserts: [a, makeAgent('b')], removed: [], reset: true });
    applyDelta({ upserts: [makeAgent('b', { status: 'offline' })], removed: [] });
    const s = useFleetStore.getState();
    expect(s.agents.get('a')).toBe(a);
    expect(s.agents.get('b')?.status).toBe('offline');
  });

  it('removals drop the agent and close its details and dialog', () => {
    applyDelta({ upserts: [makeAgent('a'), makeAgent('b')], removed: [], reset: true });
    useFleetStore.setState({ selectedId: 'a', exhaustId: 'a' });
    applyDelta({ upserts: [], removed: ['a'] });
    flushViewRefresh();
    const s = useFleetStore.getState();
    expect(s.agents.has('a')).toBe(false);
    expect(s.selectedId).toBeNull();
    expect(s.exhaustId).toBeNull();
    expect(s.visibleIds).toEqual(['b']);
  });

  it('the order refreshes lazily while changes stream in, and at once on a query change', () => {
    applyDelta({ upserts: [makeAgent('a'), makeAgent('b')], removed: [], reset: true });
    applyDelta({ upserts: [makeAgent('b', { status: 'exhausted' })], removed: [] });
    expect(useFleetStore.getState().visibleIds).toEqual(['a', 'b']);
    flushViewRefresh();
    expect(useFleetStore.getState().visibleIds).toEqual(['b', 'a']);
    setQuery({ sort: 'name' });
    expect(useFleetStore.getState().visibleIds).toEqual(['a', 'b']);
  });

  it('a refresh that changes neither the order nor the counts keeps both, so the grid does not render again', () => {
    applyDelta({ upserts: [makeAgent('a'), makeAgent('b')], removed: [], reset: true });
    const { visibleIds, counts } = useFleetStore.getState();
    applyDelta({ upserts: [makeAgent('a', { lastHeartbeat: 99 })], removed: [] });
    flushViewRefresh();
    expect(useFleetStore.getState().visibleIds).toBe(visibleIds);
    expect(useFleetStore.getState().counts).toBe(counts);
    applyDelta({ upserts: [makeAgent('b', { status: 'busy' })], removed: [] });
    flushViewRefresh();
    expect(useFleetStore.getState().visibleIds).toEqual(['b', 'a']);
    expect(useFleetStore.getState().counts).toMatchObject({ busy: 1, idle: 1 });
  });
});

describe('fleet store: filters, search and sort', () => {
  beforeEach(() => {
    applyDelta({
      upserts: [
        makeAgent('alpha', { name: 'Coder', labels: { team: 'infra' }, lastHeartbeat: 3 }),
        makeAgent('beta', { status: 'offline', lastHeartbeat: 9 }),
        makeAgent('gamma', { status: 'exhausted', labels: { team: 'web' }, lastHeartbeat: 5 }),
      ],
      removed: [],
      reset: true,
    });
  });

  it('a status filter narrows the grid, not the counts; the counts follow the search', () => {
    setQuery({ statusFilters: new Set(['offline']) });
    expect(useFleetStore.getState().visibleIds).toEqual(['beta']);
    expect(useFleetStore.getState().counts).toMatchObject({ idle: 1, offline: 1, exhausted: 1 });
    setQuery({ statusFilters: new Set(), search: 'team=' });
    expect(useFleetStore.getState().counts).toMatchObject({ idle: 1, offline: 0, exhausted: 1 });
    expect(useFleetStore.getState().attentionCount).toBe(1);
  });

  it('"Needs attention" is the offline, the exhausted and the waiting, counted among what the search finds', () => {
    applyDelta({ upserts: [makeAgent('delta', { status: 'busy', waiting: { kind: 'permission', message: 'may I?', since: 1 } })], removed: [] });
    flushViewRefresh();
    setQuery({ statusFilters: new Set(['attention']), sort: 'name' });
    expect(useFleetStore.getState().visibleIds).toEqual(['beta', 'delta', 'gamma']);
    expect(useFleetStore.getState().attentionCount).toBe(3);
    setQuery({ search: '-team=web' });
    expect(useFleetStore.getState().visibleIds).toEqual(['beta', 'delta']);
    expect(useFleetStore.getState().attentionCount).toBe(2);
  });

  it.each([
    ['gam', ['gamma']],
    ['coder', ['alpha']],
    ['team=web', ['gamma']],
    ['INFRA', ['alpha']],
    ['zzz', []],
  ])('search %j matches id, name and labels', (search, ids) => {
    setQuery({ search });
    expect(useFleetStore.getState().visibleIds).toEqual(ids);
  });

  it.each([
    ['status', ['gamma', 'beta', 'alpha']],
    ['name', ['beta', 'alpha', 'gamma']],
    ['heartbeat', ['beta', 'gamma', 'alpha']],
  ] as const)('sort by %s', (sort, ids) => {
    setQuery({ sort });
    expect(useFleetStore.getState().visibleIds).toEqual(ids);
  });
});

describe('fleet store at scale: no copy of the fleet per delta', () => {
  beforeEach(() => resetFleetStore());

  it('a delta changes the map in place and counts a version; a reset brings a new map; the first state is never written', () => {
    const first = useFleetStore.getState().agents;
    applyDelta({ upserts: [makeAgent('a')], removed: [] });
    expect(first.size).toBe(0);
    const map = useFleetStore.getState().agents;
    const version = useFleetStore.getState().agentsVersion;
    applyDelta({ upserts: [makeAgent('b')], removed: ['a'] });
    expect(useFleetStore.getState().agents).toBe(map);
    expect([...map.keys()]).toEqual(['b']);
    expect(useFleetStore.getState().agentsVersion).toBe(version + 1);
    applyDelta({ upserts: [makeAgent('c')], removed: [], reset: true });
    expect(useFleetStore.getState().agents).not.toBe(map);
    expect([...useFleetStore.getState().agents.keys()]).toEqual(['c']);
  });

  it('the label keys follow the fleet: a new key, a removal, a reset; a heartbeat with the same keys keeps them', () => {
    applyDelta({ upserts: [makeAgent('a', { labels: { team: 'x' } })], removed: [], reset: true });
    expect(useFleetStore.getState().labelKeys).toEqual(['team']);
    applyDelta({ upserts: [makeAgent('a', { labels: { team: 'y' } })], removed: [] });
    flushViewRefresh();
    const keys = useFleetStore.getState().labelKeys;
    expect(keys).toEqual(['team']);
    applyDelta({ upserts: [makeAgent('b', { labels: { region: 'eu' } })], removed: [] });
    flushViewRefresh();
    expect(useFleetStore.getState().labelKeys).toEqual(['region', 'team']);
    applyDelta({ upserts: [], removed: ['b'] });
    flushViewRefresh();
    expect(useFleetStore.getState().labelKeys).toEqual(['team']);
  });
});
