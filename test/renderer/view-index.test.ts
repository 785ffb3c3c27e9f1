import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../shared/agent';
import { AGENT_STATUSES } from '../../shared/status';
import { applyDelta, flushViewRefresh, resetFleetStore, setQuery, useFleetStore, VIEW_REFRESH_MS, VIEW_SLICE } from '../../renderer/src/store/fleet-store';
import { groupKey } from '../../renderer/src/store/groups';
import { matchesSearch, parseSearch } from '../../renderer/src/lib/search';
import { natural } from '../../renderer/src/store/agent-order';
import { comparator, computeView, DEFAULT_VIEW_QUERY, needsAttention, passesFilters, SORT_KEYS, STATUS_FILTERS, type ViewQuery } from '../../renderer/src/store/view';
import { ViewIndex, type ViewResult } from '../../renderer/src/store/view-index';
import { makeAgent, T0 } from './fixtures';

beforeEach(() => resetFleetStore());
afterEach(() => vi.useRealTimers());

/** Few ids, so that changes hit agents already there; names, labels and times that tie and differ only in case. */
const agentArb = fc
  .record({
    id: fc.constantFrom(...Array.from({ length: 24 }, (_, i) => `a${i}`)),
    name: fc.option(fc.constantFrom('agent 9', 'Agent 9', 'agent 10', 'b', 'B', 'ä'), { nil: null }),
    status: fc.constantFrom(...AGENT_STATUSES),
    lastSeen: fc.integer({ min: 0, max: 4 }),
    statusSince: fc.integer({ min: 0, max: 3 }),
    recoveryAt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    labels: fc.dictionary(fc.constantFrom('team', 'Team', 'region'), fc.constantFrom('eu', 'EU', 'infra 2', 'infra 10', ''), { maxKeys: 2 }),
    waiting: fc.boolean(),
  })
  .map(({ waiting, lastSeen, statusSince, recoveryAt, ...a }) =>
    makeAgent(a.id, {
      ...a,
      lastSeen: T0 + lastSeen,
      statusSince: T0 + statusSince,
      recoveryAt: recoveryAt === null ? null : T0 + recoveryAt,
      waiting: waiting ? { kind: 'permission', message: '', since: T0 } : null,
    }),
  );

const queryArb: fc.Arbitrary<Partial<ViewQuery>> = fc.record(
  {
    search: fc.constantFrom('', 'team=infra 2', '-team=eu', 'agent', 'A1', '"infra 1"', 'region= -b'),
    statusFilters: fc.subarray([...STATUS_FILTERS], { maxLength: 2 }).map((filters) => new Set(filters)),
    sort: fc.constantFrom(...SORT_KEYS),
    sortDir: fc.constantFrom('asc' as const, 'desc' as const),
    groupBy: fc.constantFrom(null, 'team', 'Team', 'region'),
    collapsedGroups: fc.subarray(['eu', 'EU', 'infra 2', '', groupKey(null)], { maxLength: 2 }).map((keys) => new Set(keys)),
  },
  { requiredKeys: [] },
);

type Step =
  | { readonly kind: 'upsert'; readonly agents: readonly Agent[] }
  | { readonly kind: 'remove'; readonly ids: readonly string[] }
  | { readonly kind: 'reset'; readonly agents: readonly Agent[] }
  | { readonly kind: 'query'; readonly query: Partial<ViewQuery> }
  | { readonly kind: 'fold'; readonly groups: ReadonlySet<string> };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.array(agentArb, { minLength: 1, maxLength: 4 }).map((agents) => ({ kind: 'upsert' as const, agents })) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...Array.from({ length: 24 }, (_, i) => `a${i}`)), { minLength: 1, maxLength: 3 }).map((ids) => ({ kind: 'remove' as const, ids })) },
  { weight: 1, arbitrary: fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 24 }).map((agents) => ({ kind: 'reset' as const, agents })) },
  { weight: 2, arbitrary: queryArb.map((query) => ({ kind: 'query' as const, query })) },
  // Folding alone: the one query change that keeps the order.
  { weight: 2, arbitrary: fc.subarray(['eu', 'EU', 'infra 2', '', groupKey(null)]).map((keys) => ({ kind: 'fold' as const, groups: new Set(keys) })) },
);

/**
 * The view as the rules define it, written apart from the index: the search,
 * then the filters, `Array.sort` with the reference comparator, then the
 * groups (values in natural order, the agents without the key last).
 */
function referenceView(agents: ReadonlyMap<string, Agent>, query: ViewQuery) {
  const all = [...agents.values()];
  const search = parseSearch(query.search);
  const found = all.filter((agent) => matchesSearch(agent, search));
  const counts = Object.fromEntries(AGENT_STATUSES.map((status) => [status, found.filter((a) => a.status === status).length]));
  const shown = found.filter((agent) => passesFilters(agent, query.statusFilters)).sort(comparator(query.sort, query.sortDir));
  const raw = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const labelKeys = [...new Set(all.flatMap((agent) => Object.keys(agent.labels)))].sort((a, b) => natural.compare(a, b) || raw(a, b));
  const key = query.groupBy;
  const base = { counts, waiting: found.filter((a) => a.waiting !== null).length, attention: found.filter(needsAttention).length, fleetAttention: all.filter(needsAttention).length, labelKeys };
  if (key === null) {
    const ids = shown.map((agent) => agent.id);
    return { ...base, visibleIds: ids, rows: ids, shownIds: ids };
  }
  const valueOf = (agent: Agent) => (Object.hasOwn(agent.labels, key) ? agent.labels[key]! : null);
  const values = [...new Set(shown.map(valueOf))].sort((a, b) => (a === null ? 1 : b === null ? -1 : natural.compare(a, b) || raw(a, b)));
  const visibleIds: string[] = [];
  const rows: unknown[] = [];
  const shownIds: string[] = [];
  for (const value of values) {
    const members = shown.filter((agent) => valueOf(agent) === value);
    const collapsed = query.collapsedGroups.has(groupKey(value));
    const groupCounts = Object.fromEntries(AGENT_STATUSES.map((status) => [status, members.filter((a) => a.status === status).length]));
    rows.push({ kind: 'group', value, size: members.length, counts: groupCounts, collapsed });
    for (const agent of members) {
      visibleIds.push(agent.id);
      if (!collapsed) {
        rows.push(agent.id);
        shownIds.push(agent.id);
      }
    }
  }
  return { ...base, visibleIds, rows, shownIds };
}

/** A view but its version (a count of the index's own changes, which a view worked out afresh has not had). */
const sansVersion = ({ version: _version, ...view }: ViewResult) => view;

/** The store's view, as computeView would give it for the store's agents and query. */
function expectStoreAgreesWithReference(): void {
  const state = useFleetStore.getState();
  const reference = computeView(new Map(state.agents), state);
  const independent = referenceView(state.agents, state);
  expect({ visibleIds: state.visibleIds, rows: state.rows, shownIds: state.shownIds, counts: state.counts, labelKeys: state.labelKeys }).toEqual({
    visibleIds: independent.visibleIds,
    rows: independent.rows,
    shownIds: independent.shownIds,
    counts: independent.counts,
    labelKeys: independent.labelKeys,
  });
  expect([state.waitingCount, state.attentionCount, state.fleetAttentionCount]).toEqual([independent.waiting, independent.attention, independent.fleetAttention]);
  expect(state.visibleIds).toEqual(reference.visibleIds);
  expect(state.rows).toEqual(reference.rows);
  expect(state.counts).toEqual(reference.counts);
  expect(state.waitingCount).toBe(reference.waiting);
  expect(state.attentionCount).toBe(reference.attention);
  expect(state.fleetAttentionCount).toBe(reference.fleetAttention);
  expect(state.labelKeys).toEqual(reference.labelKeys);
  // What the views draw: the rows' ids (folded groups' agents left out).
  expect(state.shownIds).toEqual(reference.rows.filter((row) => typeof row === 'string'));
  expect(reference.shownIds).toEqual(state.shownIds);
  // What the map paints: the shown agents, place by place, as they are now.
  expect(state.shownAgents.map((agent) => agent.id)).toEqual(state.shownIds);
  expect(state.shownAgents.every((agent) => state.agents.get(agent.id) === agent)).toBe(true);
  // Ungrouped, the rows are the ids themselves (the views rely on it).
  if (state.groupBy === null) expect(state.rows).toBe(state.visibleIds);
  if (state.groupBy === null || state.collapsedGroups.size === 0) expect(state.shownIds).toBe(state.visibleIds);
}

describe('the view index: kept up to date change by change', () => {
  it('after any run of changes, removals, resets and query changes, the store shows exactly what the view worked out afresh would', () => {
    fc.assert(
      fc.property(fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 24 }), fc.array(stepArb, { minLength: 1, maxLength: 25 }), (fleet, steps) => {
        resetFleetStore();
        applyDelta({ upserts: fleet, removed: [], reset: true });
        expectStoreAgreesWithReference();
        for (const step of steps) {
          if (step.kind === 'upsert') applyDelta({ upserts: step.agents, removed: [] });
          else if (step.kind === 'remove') applyDelta({ upserts: [], removed: step.ids });
          else if (step.kind === 'reset') applyDelta({ upserts: step.agents, removed: [], reset: true });
          else if (step.kind === 'fold') setQuery({ collapsedGroups: step.groups });
          else setQuery(step.query);
          flushViewRefresh();
          expectStoreAgreesWithReference();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the index alone: every update agrees with the reference, and finds each agent where its fields put it (no fallback to a rebuild)', () => {
    fc.assert(
      fc.property(queryArb, fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 24 }), fc.array(stepArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 5 }), (start, fleet, steps, budget) => {
        const index = new ViewIndex();
        const agents = new Map(fleet.map((agent) => [agent.id, agent]));
        let query: ViewQuery = { ...DEFAULT_VIEW_QUERY, ...start };
        index.refresh(agents, query, new Set());
        for (const step of steps) {
          const changed = new Set<string>();
          if (step.kind === 'upsert' || step.kind === 'reset')
            for (const agent of step.agents) {
              agents.set(agent.id, agent);
              changed.add(agent.id);
            }
          else if (step.kind === 'remove')
            for (const id of step.ids) {
              agents.delete(id);
              changed.add(id);
            }
          else query = { ...query, ...(step.kind === 'fold' ? { collapsedGroups: step.groups } : step.query) };
          // In slices of `budget` changes, as the store takes a burst, until all are in.
          let view = index.refresh(agents, query, changed, budget);
          // Each call takes some: a call that took none would be a bug, not a reason to spin.
          for (let calls = 0; changed.size > 0; calls++) {
            expect(calls).toBeLessThan(100);
            view = index.refresh(agents, query, changed, budget);
          }
          expect(sansVersion(view)).toEqual(sansVersion(computeView(agents, query)));
          expect({ ...view, shownAgents: undefined, version: undefined }).toEqual({ ...referenceView(agents, query), shownAgents: undefined, version: undefined });
        }
        expect(index.strayUpdates).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('several deltas between two refreshes (the refresh is coalesced) come out as the reference too', () => {
    fc.assert(
      fc.property(
        queryArb,
        fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 24 }),
        fc.array(fc.array(agentArb, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 6 }),
        (query, fleet, batches) => {
          resetFleetStore();
          setQuery(query);
          applyDelta({ upserts: fleet, removed: [], reset: true });
          for (const [i, batch] of batches.entries()) applyDelta({ upserts: batch, removed: i % 2 ? [batch[0]!.id] : [] });
          flushViewRefresh();
          expectStoreAgreesWithReference();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a refresh whose changes move nothing keeps the same id and row arrays (nothing re-renders)', () => {
    const index = new ViewIndex();
    const agents = new Map(['a', 'b', 'c'].map((id) => [id, makeAgent(id, { labels: { team: id === 'c' ? 'web' : 'infra' } })]));
    const query = { ...DEFAULT_VIEW_QUERY, groupBy: 'team' };
    const first = index.refresh(agents, query, new Set());
    agents.set('b', makeAgent('b', { labels: { team: 'infra' }, lastSeen: T0 + 5 }));
    const second = index.refresh(agents, query, new Set(['b']));
    expect(second.visibleIds).toBe(first.visibleIds);
    expect(second.rows).toBe(first.rows);
    expect(second.shownIds).toBe(first.shownIds);
    // The headers that read the same are the same objects.
    expect(second.rows[0]).toBe(first.rows[0]);
    expect(second.labelKeys).toBe(first.labelKeys);
  });

  it('an agent object changed in place (not where its fields now put it) is caught, and the view worked out afresh', () => {
    const index = new ViewIndex();
    const agents = new Map(['a', 'b', 'c', 'd'].map((id) => [id, makeAgent(id)]));
    index.refresh(agents, DEFAULT_VIEW_QUERY, new Set());
    const c = agents.get('c')! as { status: string };
    c.status = 'exhausted';
    agents.set('b', makeAgent('b', { status: 'busy' }));
    const result = index.refresh(agents, DEFAULT_VIEW_QUERY, new Set(['b', 'c']));
    expect(sansVersion(result)).toEqual(sansVersion(computeView(agents, DEFAULT_VIEW_QUERY)));
    expect(result.visibleIds).toEqual(['c', 'b', 'a', 'd']);
    expect(index.strayUpdates).toBe(1);
  });

  it('works a large batch of changes out afresh, and agrees with the reference either way', () => {
    const fleet = Array.from({ length: 5_000 }, (_, i) => makeAgent(`agent-${i}`, { status: AGENT_STATUSES[i % 5]!, labels: { rack: `r${i % 7}` } }));
    applyDelta({ upserts: fleet, removed: [], reset: true });
    setQuery({ groupBy: 'rack', sort: 'heartbeat' });
    // 1,000 of 5,000 changed: over the share, a rebuild; then 10, an update.
    applyDelta({ upserts: fleet.slice(0, 1_000).map((a, i) => ({ ...a, lastSeen: T0 + i, status: 'busy' as const })), removed: [] });
    flushViewRefresh();
    expectStoreAgreesWithReference();
    applyDelta({ upserts: fleet.slice(2_000, 2_010).map((a) => ({ ...a, lastSeen: T0 + 9_999, labels: { rack: 'r-new' } })), removed: ['agent-4999'] });
    flushViewRefresh();
    expectStoreAgreesWithReference();
    const header = useFleetStore.getState().rows.find((row) => typeof row !== 'string' && row.value === 'r-new');
    expect(header).toMatchObject({ size: 10 });
  });

  it('a burst of changes goes into the view a slice per task, the rest following at once, and ends as the reference', () => {
    vi.useFakeTimers();
    // 20,000 agents: 600 changes are under the share that is worked out afresh, so they are put in place.
    const fleet = Array.from({ length: 20_000 }, (_, i) => makeAgent(`agent-${i}`));
    applyDelta({ upserts: fleet, removed: [], reset: true });
    applyDelta({ upserts: fleet.slice(0, 600).map((a) => ({ ...a, status: 'busy' as const })), removed: [] });
    const busyShown = () => useFleetStore.getState().counts.busy;
    expect(busyShown()).toBe(0);
    vi.advanceTimersByTime(VIEW_REFRESH_MS);
    expect(busyShown()).toBe(VIEW_SLICE);
    // Busy sorts before idle: the slice's agents lead the order already.
    expect(useFleetStore.getState().visibleIds.slice(0, VIEW_SLICE).every((id) => useFleetStore.getState().agents.get(id)!.status === 'busy')).toBe(true);
    vi.advanceTimersToNextTimer();
    expect(busyShown()).toBe(2 * VIEW_SLICE);
    vi.advanceTimersToNextTimer();
    expect(busyShown()).toBe(600);
    expectStoreAgreesWithReference();
    expect(vi.getTimerCount()).toBe(0);
  });
});
