// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../shared/agent';
import { AGENT_STATUSES } from '../../shared/status';
import { AgentTable } from '../../renderer/src/components/agent-table';
import { StatusBadge } from '../../renderer/src/components/status-badge';
import { ViewSwitch } from '../../renderer/src/components/view-switch';
import { mapLayout, MIN_PITCH } from '../../renderer/src/lib/map-layout';
import { loadViewMode, VIEW_STORAGE_KEY } from '../../renderer/src/lib/view-preference';
import { useNow } from '../../renderer/src/store/clock-store';
import { applyDelta, resetFleetStore, setQuery, useFleetStore } from '../../renderer/src/store/fleet-store';
import { sortAgents } from '../../renderer/src/store/sort-order';
import { comparator, computeView, DEFAULT_VIEW_QUERY, SORT_KEYS } from '../../renderer/src/store/view';
import { makeAgent, T0 } from './fixtures';

beforeEach(() => {
  resetFleetStore();
  localStorage.clear();
  useNow.setState(T0 + 60_000, true);
});
afterEach(() => cleanup());

/** Agents with the awkward cases: equal names in other cases, no name, digits, never a heartbeat, waiting, exhausted by hand. */
const agentArb = fc
  .record({
    id: fc.stringMatching(/^[a-c0-9]{1,3}$/),
    name: fc.option(fc.constantFrom('agent 9', 'Agent 9', 'agent 10', 'b', 'B', 'ä'), { nil: null }),
    status: fc.constantFrom(...AGENT_STATUSES),
    lastHeartbeat: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    statusSince: fc.integer({ min: 0, max: 3 }),
    recoveryAt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    labels: fc.dictionary(fc.constantFrom('team', 'Team', 'region'), fc.constantFrom('eu', 'EU', 'infra 2', 'infra 10'), { maxKeys: 2 }),
    waiting: fc.boolean(),
  })
  .map(({ waiting, ...a }) =>
    makeAgent(a.id, { ...a, waiting: waiting ? { kind: 'permission', message: '', since: 0 } : null }),
  );
const fleetArb = fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 40 });

describe('sorting', () => {
  it('the fast sort gives exactly the order of the reference comparators, for every key and both directions, however names change between sorts', () => {
    fc.assert(
      fc.property(fc.array(fleetArb, { minLength: 1, maxLength: 3 }), (fleets) => {
        // Several sorts in a row exercise the ranks kept between sorts (agents renamed, gone, new).
        for (const fleet of fleets) {
          for (const key of SORT_KEYS) {
            for (const dir of ['asc', 'desc'] as const) {
              const expected = [...fleet].sort(comparator(key, dir)).map((a) => a.id);
              expect(sortAgents(fleet, key, dir).map((a) => a.id)).toEqual(expected);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sorting the same fleet again after a few agents changed (the order patched, not redone) still gives the reference order', () => {
    const statuses = fc.constantFrom(...AGENT_STATUSES);
    fc.assert(
      fc.property(fleetArb, fc.array(fc.tuple(fc.nat(), statuses, fc.boolean()), { maxLength: 3 }), (fleet, changes) => {
        for (const key of SORT_KEYS) {
          sortAgents(fleet, key, 'asc');
          // Same ids in the same places, a few with another status (or waiting): as between two refreshes.
          const next = [...fleet];
          for (const [at, status, waiting] of changes) {
            if (next.length === 0) break;
            const i = at % next.length;
            next[i] = { ...next[i]!, status, waiting: waiting ? { kind: 'input', message: '', since: 0 } : null };
          }
          expect(sortAgents(next, key, 'asc').map((a) => a.id)).toEqual([...next].sort(comparator(key, 'asc')).map((a) => a.id));
        }
      }),
      { numRuns: 300 },
    );
    // And a fleet large enough that a few changes are always patched in.
    const big = Array.from({ length: 2000 }, (_, i) => makeAgent(`a${i}`, { name: `Agent ${i % 700}`, status: AGENT_STATUSES[i % 5]! }));
    for (const key of SORT_KEYS) {
      sortAgents(big, key, 'asc');
      const next = big.map((a, i) => (i % 97 === 3 ? { ...a, status: AGENT_STATUSES[(i + 2) % 5]! } : a));
      expect(sortAgents(next, key, 'desc').map((a) => a.id)).toEqual([...next].sort(comparator(key, 'desc')).map((a) => a.id));
    }
  });

  it('desc is the exact reverse of asc, and asc keeps the old default: problems first', () => {
    const agents = new Map(
      [makeAgent('i', { status: 'idle' }), makeAgent('x', { status: 'exhausted' }), makeAgent('o', { status: 'offline' }), makeAgent('b', { status: 'busy' })].map((a) => [a.id, a]),
    );
    const asc = computeView(agents, { ...DEFAULT_VIEW_QUERY, sort: 'status' }).visibleIds;
    expect(asc).toEqual(['x', 'o', 'b', 'i']);
    expect(computeView(agents, { ...DEFAULT_VIEW_QUERY, sort: 'status', sortDir: 'desc' }).visibleIds).toEqual([...asc].reverse());
  });

  it('the new keys: id in natural order, labels (none last), the youngest status first, the soonest recovery first', () => {
    const fleet = [
      makeAgent('a10', { labels: { team: 'web' }, statusSince: T0 - 5000 }),
      makeAgent('a9', { labels: {}, statusSince: T0 }),
      makeAgent('a2', { labels: { team: 'infra' }, status: 'exhausted', recoveryAt: T0 + 60_000, statusSince: T0 - 1000 }),
      makeAgent('a3', { status: 'exhausted', recoveryAt: null, statusSince: T0 - 9000 }),
      makeAgent('a4', { status: 'exhausted', recoveryAt: T0 + 1000, statusSince: T0 - 9000 }),
    ];
    const ids = (key: (typeof SORT_KEYS)[number]) => sortAgents(fleet, key, 'asc').map((a) => a.id);
    expect(ids('id')).toEqual(['a2', 'a3', 'a4', 'a9', 'a10']);
    expect(ids('labels').slice(0, 2)).toEqual(['a2', 'a10']);
    expect(ids('status_since')[0]).toBe('a9');
    expect(ids('recovery').slice(0, 3)).toEqual(['a4', 'a2', 'a3']);
  });
});

describe('the View control', () => {
  it('is a radio group named View with Tiles, Table and Map; choosing one sets the view and keeps it', () => {
    render(<ViewSwitch />);
    const group = screen.getByRole('radiogroup', { name: 'View' });
    expect(within(group).getAllByRole('radio').map((r) => r.closest('label')!.textContent)).toEqual(['Tiles', 'Table', 'Map']);
    expect((screen.getByRole('radio', { name: 'Tiles' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: 'Map' }));
    expect(useFleetStore.getState().view).toBe('map');
    expect(localStorage.getItem(VIEW_STORAGE_KEY)).toBe('map');
    expect(loadViewMode()).toBe('map');
  });

  it('a kept value that is no view is ignored', () => {
    localStorage.setItem(VIEW_STORAGE_KEY, 'mosaic');
    expect(loadViewMode()).toBeNull();
  });
});

describe('status badge', () => {
  it('each status has its own shape as well as its word', () => {
    const shapes = AGENT_STATUSES.map((status) => {
      const { container } = render(<StatusBadge status={status} />);
      const badge = container.querySelector('.badge')!;
      expect(badge.textContent).toBe(status.replace('_', ' '));
      const svg = badge.querySelector('svg')!;
      expect(svg.getAttribute('aria-hidden')).toBe('true');
      return svg.innerHTML;
    });
    expect(new Set(shapes).size).toBe(AGENT_STATUSES.length);
  });
});

describe('status map layout', () => {
  it('10,000 agents fit a 1440×900 screen’s map area at a readable pitch; 100,000 take the smallest and scroll', () => {
    // 1440 less the padding; 900 less the headers and legend.
    const ten = mapLayout(1408, 720, 10_000);
    expect(ten.columns * Math.floor(720 / ten.pitch)).toBeGreaterThanOrEqual(10_000);
    expect(ten.rows * ten.pitch).toBeLessThanOrEqual(720);
    expect(ten.pitch).toBeGreaterThanOrEqual(8);
    const hundred = mapLayout(1408, 720, 100_000);
    expect(hundred.pitch).toBe(MIN_PITCH);
    expect(hundred.rows * hundred.pitch).toBeGreaterThan(720);
  });
});

describe('AgentTable', () => {
  const fleet: Agent[] = [
    makeAgent('a1', { name: 'Agent 10', status: 'busy', labels: { team: 'infra' } }),
    makeAgent('a2', { name: 'Agent 9', status: 'offline' }),
    makeAgent('a3', { name: 'Agent 1', status: 'exhausted', recoveryAt: T0 + 10 * 60_000 }),
  ];
  const rowIds = () => screen.getAllByRole('row').slice(1).map((r) => r.dataset.agentId);
  // jsdom has no layout: give the scroller a screenful, as the browser would, so the virtualizer renders rows.
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    for (const [prop, value] of [['offsetHeight', 800], ['offsetWidth', 1200], ['clientHeight', 800]] as const) {
      vi.spyOn(HTMLElement.prototype, prop, 'get').mockReturnValue(value);
    }
  });

  it('shows a row per agent with its facts, data-agent-id and data-status, and the whole count', () => {
    applyDelta({ upserts: fleet, removed: [], reset: true });
    render(<AgentTable />);
    const grid = screen.getByRole('grid', { name: 'Agents' });
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    expect(rowIds()).toEqual(['a3', 'a2', 'a1']);
    const row = screen.getAllByRole('row')[1]!;
    expect(row.dataset.status).toBe('exhausted');
    expect(within(row).getAllByRole('gridcell').map((c) => c.textContent)).toEqual(['', 'exhausted', 'Agent 1', 'a3', '', '1 min ago', '1 min', 'in 9 min']);
    expect(within(row).getByRole('checkbox', { name: 'Select a3' })).toBeTruthy();
  });

  it('a row’s box ticks the agent without opening it; Space ticks the active row, Enter opens it', () => {
    applyDelta({ upserts: fleet, removed: [], reset: true });
    render(<AgentTable />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select a2' }));
    expect([...useFleetStore.getState().checkedIds]).toEqual(['a2']);
    expect(useFleetStore.getState().selectedId).toBeNull();
    const first = screen.getAllByRole('row')[1]!;
    first.focus();
    fireEvent.keyDown(first, { key: ' ' });
    expect([...useFleetStore.getState().checkedIds].sort()).toEqual(['a2', 'a3']);
    fireEvent.keyDown(first, { key: 'Enter' });
    expect(useFleetStore.getState().selectedId).toBe('a3');
  });

  it('grouped, a header row per group folds it; nothing matching says so', () => {
    applyDelta({ upserts: fleet.map((a, i) => ({ ...a, labels: { team: i === 0 ? 'infra' : 'web' } })), removed: [], reset: true });
    setQuery({ groupBy: 'team' });
    render(<AgentTable />);
    const infra = screen.getByRole('button', { name: /^infra 1 agent/ });
    expect(screen.getAllByRole('row')).toHaveLength(1 + 2 + 3);
    fireEvent.click(infra);
    expect(screen.getAllByRole('row')).toHaveLength(1 + 2 + 2);
    act(() => setQuery({ search: 'nothing-has-this' }));
    expect(screen.getByText(/No agents match/)).toBeTruthy();
  });

  it('a header click sorts by its column, a second click reverses; aria-sort follows', () => {
    applyDelta({ upserts: fleet, removed: [], reset: true });
    render(<AgentTable />);
    const name = screen.getByRole('columnheader', { name: 'Name' });
    expect(screen.getByRole('columnheader', { name: 'Status' }).getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(within(name).getByRole('button'));
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(rowIds()).toEqual(['a3', 'a2', 'a1']);
    fireEvent.click(within(name).getByRole('button'));
    expect(name.getAttribute('aria-sort')).toBe('descending');
    expect(rowIds()).toEqual(['a1', 'a2', 'a3']);
    expect(useFleetStore.getState()).toMatchObject({ sort: 'name', sortDir: 'desc' });
  });

  it('the arrow keys move the focused row, Home and End jump, Enter opens the details; the focus follows its agent when the order changes', () => {
    applyDelta({ upserts: fleet, removed: [], reset: true });
    render(<AgentTable />);
    const focused = () => (document.activeElement as HTMLElement).dataset.agentId;
    const first = screen.getAllByRole('row')[1]!;
    expect(first.tabIndex).toBe(0);
    act(() => first.focus());
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(focused()).toBe('a2');
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(focused()).toBe('a1');
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(focused()).toBe('a3');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(useFleetStore.getState().selectedId).toBe('a2');
    // Re-sorted by name descending, a2 stays the row in the tab order.
    act(() => setQuery({ sort: 'name', sortDir: 'desc' }));
    expect(screen.getAllByRole('row').filter((r) => r.tabIndex === 0).map((r) => r.dataset.agentId)).toEqual(['a2']);
  });
});
