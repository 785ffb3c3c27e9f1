// @vitest-environment jsdom
/**
 * Issue 14, acting on many and a UI that never lies: multi-select and bulk
 * actions, the disconnected state, details that keep what the store holds,
 * focus, announcements, the timeline's text, and the review's smaller fixes.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatusEvent } from '../../shared/agent';
import type { BulkResult, FleetApi, Result } from '../../shared/fleet-api';
import { localZone } from '../../shared/zoned-time';
import { App } from '../../renderer/src/app';
import { AgentGrid } from '../../renderer/src/components/agent-grid';
import { AgentTile } from '../../renderer/src/components/agent-tile';
import { DetailsPanel } from '../../renderer/src/components/details-panel';
import { ExhaustDialog } from '../../renderer/src/components/exhaust-dialog';
import { ForgetDialog } from '../../renderer/src/components/forget-dialog';
import { SelectionBar } from '../../renderer/src/components/selection-bar';
import { ANNOUNCE_GATHER_MS, ANNOUNCE_INTERVAL_MS, StatusAnnouncer } from '../../renderer/src/components/status-announcer';
import { TimelineBar } from '../../renderer/src/components/timeline-bar';
import { TransportContext } from '../../renderer/src/components/transport-context';
import { summarizeBulk } from '../../renderer/src/lib/bulk-summary';
import { formatClock24, formatCountdown } from '../../renderer/src/lib/format';
import { setClockSource, startClock, useNow } from '../../renderer/src/store/clock-store';
import { applyDelta, flushViewRefresh, markLive, resetFleetStore, setQuery, toggleChecked, useFleetStore } from '../../renderer/src/store/fleet-store';
import { followBridge } from '../../renderer/src/transport/follow-bridge';
import type { StreamTrouble } from '../../renderer/src/transport/http-transport';
import { fakeApi, makeAgent, T0 } from './fixtures';

const NOW = T0 + 12_000;

function renderWith(api: FleetApi, ui: ReactNode) {
  return render(
    <StrictMode>
      <TransportContext.Provider value={api}>{ui}</TransportContext.Provider>
    </StrictMode>,
  );
}

const load = (...agents: ReturnType<typeof makeAgent>[]) => act(() => applyDelta({ upserts: agents, removed: [], reset: true }));

let restoreClock: () => void;
beforeEach(() => {
  restoreClock = setClockSource(() => NOW);
  resetFleetStore();
  useNow.setState(NOW, true);
  // jsdom has no layout: the virtualized grid only needs the observer to exist.
  vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
  // …and the virtualizer a screen's height to fill (its width stays 0: one column).
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: scrollerSize(800) });
});
function scrollerSize(px: number) {
  return function (this: HTMLElement) {
    return this.classList.contains('grid-scroller') ? px : 0;
  };
}
afterEach(() => {
  delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
  cleanup();
  restoreClock();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('formatCountdown rounds honestly', () => {
  it.each([
    [115_000, 'in 1 min 55 s'],
    [60_000, 'in 1 min'],
    [45_200, 'in 46 s'],
    [240_000, 'in 4 min'],
    [9 * 60_000 + 59_500, 'in 10 min'],
    [11 * 60_000 + 1_000, 'in 12 min'],
    [3 * 3_600_000 + 4 * 60_000 + 1_000, 'in 3 h 5 min'],
    [26 * 3_600_000 + 1_000, 'in 1 d 3 h'],
    [0, 'due'],
  ])('%i ms left reads %s (never nearer than it is)', (left, text) => {
    expect(formatCountdown(NOW + left, NOW)).toBe(text);
  });

  it('the clock for the banner is 24-hour with leading zeros, local', () => {
    expect(formatClock24(new Date(2026, 0, 2, 9, 5, 7).getTime())).toBe('09:05:07');
    expect(formatClock24(new Date(2026, 0, 2, 23, 0, 0).getTime())).toBe('23:00:00');
  });
});

describe('summarizeBulk', () => {
  const ok = (id: string): BulkResult => ({ id, ok: true, agent: makeAgent(id) });
  const refused = (id: string, status: string): BulkResult => ({
    id,
    ok: false,
    error: { code: 'invalid_transition', message: `Agent '${id}' is ${status}; expected one of [busy, on_call, exhausted, offline]` },
  });
  it('says how many moved, how many were skipped and why, grouped', () => {
    expect(summarizeBulk('Recovered', [ok('a'), ok('b'), ok('c'), refused('d', 'idle'), refused('e', 'idle')])).toBe('Recovered 3 agents; 2 skipped: already idle (2)');
    expect(summarizeBulk('Exhausted', [ok('a')])).toBe('Exhausted 1 agent.');
    expect(
      summarizeBulk('Recovered', [refused('a', 'idle'), { id: 'g', ok: false, error: { code: 'not_found', message: "Agent 'g' not found" } }, refused('b', 'idle')]),
    ).toBe('Recovered 0 agents; 3 skipped: already idle (2), no longer in the fleet (1)');
  });
});

describe('multi-select', () => {
  it('a tile has a "Select <id>" box; ticked ids of agents that leave are dropped', () => {
    load(makeAgent('a1', { name: 'Coder' }), makeAgent('a2'));
    renderWith(fakeApi(), <AgentTile id="a1" />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select a1' }));
    toggleChecked('a2');
    expect([...useFleetStore.getState().checkedIds]).toEqual(['a1', 'a2']);
    act(() => applyDelta({ upserts: [], removed: ['a2'] }));
    expect([...useFleetStore.getState().checkedIds]).toEqual(['a1']);
    // A reset (reconnect) without the agent drops it as well.
    act(() => applyDelta({ upserts: [makeAgent('a2')], removed: [], reset: true }));
    expect(useFleetStore.getState().checkedIds.size).toBe(0);
  });

  it('"Select all" ticks what the filters and search show, is mixed when some are, and unticks them all', () => {
    load(makeAgent('infra-1', { labels: { team: 'infra' } }), makeAgent('infra-2', { labels: { team: 'infra' } }), makeAgent('web-1', { labels: { team: 'web' } }));
    act(() => setQuery({ search: 'team=infra' }));
    renderWith(fakeApi(), <SelectionBar />);
    const all = screen.getByRole('checkbox', { name: 'Select all' }) as HTMLInputElement;
    fireEvent.click(all);
    expect([...useFleetStore.getState().checkedIds].sort()).toEqual(['infra-1', 'infra-2']);
    expect(all.checked).toBe(true);
    expect(screen.getByText(/^2 selected/)).toBeTruthy();
    act(() => toggleChecked('infra-2'));
    expect(all.indeterminate).toBe(true);
    expect(all.getAttribute('aria-checked')).toBe('mixed');
    act(() => toggleChecked('web-1'));
    // Ticked but hidden by the search: counted, and said to be hidden.
    expect(screen.getByText('(1 not shown)')).toBeTruthy();
    fireEvent.click(all);
    fireEvent.click(all);
    expect([...useFleetStore.getState().checkedIds].sort()).toEqual(['web-1']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(useFleetStore.getState().checkedIds.size).toBe(0);
  });

  it('"Recover selected" sends the ticked ids in one call, rests while it is in flight, and says what moved and what was skipped', async () => {
    load(makeAgent('a', { status: 'exhausted', exhaustReason: 'billing' }), makeAgent('b', { status: 'offline' }), makeAgent('c'));
    let answer!: (r: Result<readonly BulkResult[]>) => void;
    const api = fakeApi({ bulkRecover: () => new Promise((resolve) => (answer = resolve)) });
    renderWith(api, <SelectionBar />);
    const recover = screen.getByRole('button', { name: 'Recover selected' }) as HTMLButtonElement;
    expect(recover.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    fireEvent.click(recover);
    expect(api.calls.bulkRecover).toEqual([[['a', 'b', 'c']]]);
    expect(recover.disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Exhaust selected' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () =>
      answer({
        ok: true,
        value: [
          { id: 'a', ok: true, agent: makeAgent('a') },
          { id: 'b', ok: true, agent: makeAgent('b') },
          { id: 'c', ok: false, error: { code: 'invalid_transition', message: "Agent 'c' is idle; expected one of [busy, on_call, exhausted, offline]" } },
        ],
      }),
    );
    expect(screen.getByText('Recovered 2 agents; 1 skipped: already idle (1)').getAttribute('role')).toBe('status');
    expect(useFleetStore.getState().agents.get('a')!.status).toBe('idle');
    expect(recover.disabled).toBe(false);
  });

  it('more agents ticked than one request takes go in requests of 10,000, one after the other, and the line counts them all', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => makeAgent(`m${String(i).padStart(5, '0')}`, { status: 'offline' }));
    load(...many);
    const api = fakeApi();
    renderWith(api, <SelectionBar />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Recover selected' })));
    await waitFor(() => expect(api.calls.bulkRecover.map(([ids]) => (ids as string[]).length)).toEqual([10_000, 1]));
    await screen.findByText('Recovered 10001 agents.');
  });

  it('"Select all" leaves out the agents of folded groups; the count says they are not shown', () => {
    load(makeAgent('i1', { labels: { team: 'infra' } }), makeAgent('w1', { labels: { team: 'web' } }), makeAgent('w2', { labels: { team: 'web' } }));
    act(() => setQuery({ groupBy: 'team', collapsedGroups: new Set(['web']) }));
    renderWith(fakeApi(), <SelectionBar />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    expect([...useFleetStore.getState().checkedIds]).toEqual(['i1']);
    act(() => toggleChecked('w1'));
    expect(screen.getByText('(1 not shown)')).toBeTruthy();
  });

  it('the result line goes when the selection changes (it was about the one before)', async () => {
    load(makeAgent('a', { status: 'offline' }), makeAgent('b', { status: 'offline' }));
    renderWith(fakeApi(), <SelectionBar />);
    act(() => toggleChecked('a'));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Recover selected' })));
    await screen.findByText('Recovered 1 agent.');
    act(() => toggleChecked('b'));
    expect(screen.queryByText('Recovered 1 agent.')).toBeNull();
  });

  it('"Exhaust selected" opens one dialog for the selection; its reason and time go to every ticked agent in one call', async () => {
    load(makeAgent('a'), makeAgent('b'), makeAgent('c'));
    const api = fakeApi();
    renderWith(api, <SelectionBar />);
    act(() => {
      toggleChecked('a');
      toggleChecked('c');
    });
    const opener = screen.getByRole('button', { name: 'Exhaust selected' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Exhaust 2 selected agents' });
    fireEvent.click(within(dialog).getByLabelText('Billing'));
    fireEvent.click(within(dialog).getByLabelText('in 1 hour'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Exhaust selected agents' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.bulkExhaust).toEqual([[{ ids: ['a', 'c'], reason: 'billing', recoveryAt: NOW + 3_600_000 }]]);
    expect(screen.getByText('Exhausted 2 agents.')).toBeTruthy();
    expect(useFleetStore.getState().agents.get('c')!.status).toBe('exhausted');
    expect(document.activeElement).toBe(opener);
  });
});

describe('when the connection drops', () => {
  function renderApp(api = fakeApi()) {
    let report!: (trouble: StreamTrouble) => void;
    render(<App api={api} subscribe={(onTrouble) => ((report = onTrouble), () => {})} />);
    return (trouble: StreamTrouble) => act(() => report(trouble));
  }

  it('says since when the fleet shown is stale, stops the ages, rests every action; all cleared when it is back', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    let wall = NOW;
    restoreClock();
    restoreClock = setClockSource(() => wall);
    const report = renderApp();
    load(makeAgent('a1', { status: 'exhausted', exhaustReason: 'billing', lastHeartbeat: NOW - 5_000 }));
    act(() => useFleetStore.setState({ selectedId: 'a1' }));
    const tile = screen.getByRole('article');
    expect(within(tile).getByText('5 s ago')).toBeTruthy();
    wall = new Date(2026, 0, 1, 9, 5, 7).getTime() + (NOW % 1000);
    report({ kind: 'unreachable' });
    expect(screen.getByRole('alert').textContent).toBe('Disconnected — showing the fleet as of 09:05:07');
    const at = useNow.getState();
    wall += 60_000;
    act(() => vi.advanceTimersByTime(5_000));
    expect(useNow.getState()).toBe(at);
    for (const name of ['Recover', 'Force exhaust', 'Forget agent', 'Recover selected', 'Exhaust selected']) {
      for (const button of screen.getAllByRole('button', { name })) expect((button as HTMLButtonElement).disabled, name).toBe(true);
    }
    load(makeAgent('a1', { status: 'exhausted', exhaustReason: 'billing', lastHeartbeat: wall }));
    expect(screen.queryByText(/^Disconnected/)).toBeNull();
    expect(useNow.getState()).toBe(wall);
    expect(screen.getAllByRole('button', { name: 'Recover' }).every((b) => !(b as HTMLButtonElement).disabled)).toBe(true);
    expect(useFleetStore.getState().disconnectedAt).toBeNull();
  });

  it('the error banner of the drop does not survive the reconnect', () => {
    const report = renderApp();
    // Before the first snapshot nothing is shown, so nothing is stale: no banner, the clock runs.
    report({ kind: 'unreachable' });
    expect(useFleetStore.getState().disconnectedAt).toBeNull();
    load(makeAgent('a1'));
    // The desktop bridge reports a failed load this way.
    act(() => useFleetStore.setState({ notice: 'The monitor did not answer', connection: 'unreachable' }));
    expect(screen.getByText('The monitor did not answer')).toBeTruthy();
    load(makeAgent('a1'));
    expect(screen.queryByText('The monitor did not answer')).toBeNull();
    expect(useFleetStore.getState().notice).toBeNull();
  });

  it('the dialogs\' confirm buttons rest too while disconnected', () => {
    load(makeAgent('a1'));
    act(() => useFleetStore.setState({ connection: 'unreachable' }));
    renderWith(fakeApi(), <ForgetDialog agent={makeAgent('a1')} now={NOW} onKeep={() => {}} />);
    expect((screen.getByRole('button', { name: 'Forget' }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    act(() => useFleetStore.setState({ exhaustId: 'a1' }));
    renderWith(fakeApi(), <ExhaustDialog />);
    expect((screen.getByRole('button', { name: 'Exhaust agent' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('the tab title counts the whole fleet\'s agents needing attention, whatever the search', () => {
    load(makeAgent('x', { status: 'offline' }), makeAgent('y', { status: 'exhausted' }), makeAgent('z'));
    act(() => setQuery({ search: 'z' }));
    renderWith(fakeApi(), <App api={fakeApi()} subscribe={() => () => {}} />);
    expect(document.title).toBe('(2) Fleet Monitor');
  });

  it('the desktop bridge: a page that loads after one failed makes the page live again, banner gone', async () => {
    let calls = 0;
    const api = fakeApi({
      listAgentsPage: async (cursor) => {
        calls++;
        if (cursor === null) return { ok: true, value: { agents: [makeAgent('p1')], nextCursor: 'p1' } };
        return calls === 2 ? { ok: false, error: { code: 'storage_error', message: 'busy' } } : { ok: true, value: { agents: [makeAgent('p2')], nextCursor: null } };
      },
    });
    const stop = followBridge(api, applyDelta, (notice) => useFleetStore.setState({ notice, connection: 'unreachable' }), markLive);
    try {
      await waitFor(() => expect(useFleetStore.getState().disconnectedAt).not.toBeNull());
      await waitFor(() => expect(useFleetStore.getState().agents.has('p2')).toBe(true), { timeout: 3_000 });
      expect(useFleetStore.getState()).toMatchObject({ connection: 'live', disconnectedAt: null, notice: null });
    } finally {
      stop();
    }
  });

  it('the tab title counts the agents needing attention', () => {
    renderApp();
    load(makeAgent('a', { status: 'offline' }), makeAgent('b', { status: 'exhausted' }), makeAgent('c'));
    expect(document.title).toBe('(2) Fleet Monitor');
    load(makeAgent('c'));
    expect(document.title).toBe('Fleet Monitor');
  });
});

describe('details keep everything the store holds', () => {
  const exhaustedThenOffline = makeAgent('a1', {
    name: 'Coder',
    status: 'offline',
    statusSince: T0 + 2_000,
    labels: { team: 'infra', region: 'eu' },
    exhaustedAt: T0,
    exhaustReason: 'rate_limit',
    recoveryAt: NOW + 2 * 3_600_000,
  });
  const history: StatusEvent[] = [
    { id: 2, agentId: 'a1', from: 'exhausted', to: 'offline', cause: 'sweeper', at: T0 + 2_000, detail: null },
    {
      id: 1, agentId: 'a1', from: 'idle', to: 'exhausted', cause: 'agent', at: T0,
      detail: { reason: 'rate_limit', recovery_at: new Date(NOW + 2 * 3_600_000).toISOString(), recovery_source: 'message', excerpt: 'You hit your limit' },
    },
  ];

  it('an exhausted agent gone offline still shows its reason, recovery time and its source, status since and labels', async () => {
    load(exhaustedThenOffline);
    act(() => useFleetStore.setState({ selectedId: 'a1' }));
    renderWith(fakeApi({ history: () => Promise.resolve({ ok: true, value: history }) }), <DetailsPanel />);
    const panel = screen.getByRole('complementary', { name: 'Details of Coder' });
    expect(within(panel).getByText(/^rate limit/)).toBeTruthy();
    expect(within(panel).getByText(/^in 2 h/)).toBeTruthy();
    expect(await within(panel).findByText(/from the agent's message$/)).toBeTruthy();
    expect(within(panel).getByText('You hit your limit')).toBeTruthy();
    expect(within(panel).getByText('Status since')).toBeTruthy();
    expect(within(panel).getByText(/\(10 s\)$/)).toBeTruthy();
    expect(within(within(panel).getByRole('list', { name: 'Labels' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['team=infra', 'region=eu']);
  });

  it('tiles show labels compactly, all in the tooltip; long names are isolated and cut with the whole in the tooltip', () => {
    const name = 'مرحبا'.repeat(40);
    const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`key${i}`, `value${i}`]));
    load(makeAgent('x'.repeat(128), { name, labels }));
    renderWith(fakeApi(), <AgentTile id={'x'.repeat(128)} />);
    const list = screen.getByRole('list', { name: 'Labels' });
    expect(list.getAttribute('title')).toContain('key31=value31');
    expect(screen.getByText(name).tagName).toBe('BDI');
    expect(screen.getByText(name).getAttribute('title')).toBe(name);
    expect(screen.getByText('x'.repeat(128)).getAttribute('title')).toBe('x'.repeat(128));
  });
});

describe('focus', () => {
  it('opening details moves focus into the panel; Escape closes it and gives focus back to where it was opened from', async () => {
    load(makeAgent('a1', { name: 'Coder' }));
    renderWith(fakeApi(), (
      <>
        <AgentTile id="a1" />
        <DetailsPanel />
      </>
    ));
    const open = screen.getByRole('button', { name: /Coder/ });
    open.focus();
    fireEvent.click(open);
    const heading = screen.getByRole('heading', { name: 'Coder' });
    expect(document.activeElement).toBe(heading);
    fireEvent.keyDown(heading, { key: 'Escape' });
    expect(screen.queryByRole('complementary')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(open));
  });

  it('after the exhaust dialog, focus returns to the button that opened it, even though the tile re-sorted (re-mounted)', async () => {
    // One column in jsdom (no layout): every tile its own row, so a re-sort re-mounts the tile.
    load(makeAgent('a-first'), makeAgent('b-second'));
    renderWith(fakeApi(), (
      <>
        <AgentGrid />
        <ExhaustDialog />
      </>
    ));
    const tileOf = (id: string) => document.querySelector(`[data-agent-id="${id}"]`)!;
    const opener = within(tileOf('b-second') as HTMLElement).getByRole('button', { name: 'Force exhaust' });
    opener.focus();
    fireEvent.click(opener);
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    act(() => flushViewRefresh());
    // Exhausted sorts first: the tile moved to the first row.
    expect(useFleetStore.getState().visibleIds[0]).toBe('b-second');
    expect(opener.isConnected).toBe(false);
    expect(document.activeElement).toBe(within(tileOf('b-second') as HTMLElement).getByRole('button', { name: 'Force exhaust' }));
  });
});

describe('status changes are announced, coalesced', () => {
  it('"3 agents went offline", at most one announcement per interval', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout'] });
    let wall = NOW;
    restoreClock();
    restoreClock = setClockSource(() => wall);
    const ids = ['a', 'b', 'c', 'd'];
    load(...ids.map((id) => makeAgent(id)));
    render(<StatusAnnouncer />);
    const region = screen.getByRole('status', { name: 'Status changes' });
    act(() => applyDelta({ upserts: ['a', 'b'].map((id) => makeAgent(id, { status: 'offline' })), removed: [] }));
    act(() => applyDelta({ upserts: [makeAgent('c', { status: 'offline' })], removed: [] }));
    expect(region.textContent).toBe('');
    wall += ANNOUNCE_GATHER_MS;
    act(() => vi.advanceTimersByTime(ANNOUNCE_GATHER_MS));
    expect(region.textContent).toBe('3 agents went offline');
    act(() => applyDelta({ upserts: [makeAgent('d', { status: 'exhausted' })], removed: [] }));
    wall += ANNOUNCE_GATHER_MS;
    act(() => vi.advanceTimersByTime(ANNOUNCE_GATHER_MS));
    expect(region.textContent).toBe('3 agents went offline');
    wall += ANNOUNCE_INTERVAL_MS;
    act(() => vi.advanceTimersByTime(ANNOUNCE_INTERVAL_MS));
    expect(region.textContent).toBe('1 agent became exhausted');
  });
});

describe('timeline', () => {
  it('an agent younger than 24 h fills the bar with its life, and the periods are a table too', () => {
    const createdAt = NOW - 10 * 60_000;
    const events: StatusEvent[] = [{ id: 1, agentId: 'a', from: 'idle', to: 'busy', cause: 'agent', at: NOW - 5 * 60_000, detail: null }];
    render(<TimelineBar events={events} status="busy" createdAt={createdAt} now={NOW} />);
    const bar = screen.getByRole('img', { name: 'Statuses since it registered, 10 min ago' });
    const parts = [...bar.querySelectorAll<HTMLElement>('.timeline-part')].map((p) => [p.style.left, p.style.width]);
    expect(parts).toEqual([
      ['0%', '50%'],
      ['50%', '50%'],
    ]);
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1).map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows.map(([status, , duration]) => [status, duration])).toEqual([
      ['busy', '5 min'],
      ['idle', '5 min'],
    ]);
  });

  it('an agent older than a day shows the last 24 hours', () => {
    render(<TimelineBar events={[]} status="idle" createdAt={NOW - 3 * 86_400_000} now={NOW} />);
    expect(screen.getByRole('img', { name: 'Statuses over the last 24 hours' })).toBeTruthy();
  });
});

describe('the review’s smaller fixes', () => {
  it('after a recover, the tile and details show the heartbeat the agent sent, not the one the rules counted', async () => {
    // The rules' "to idle" sets last_heartbeat to now (the reference's); the agent last spoke 3 minutes ago.
    load(makeAgent('quiet', { status: 'idle', lastHeartbeat: NOW, lastSeen: NOW - 180_000 }));
    renderWith(fakeApi(), (
      <>
        <AgentTile id="quiet" />
        <DetailsPanel />
      </>
    ));
    const tile = screen.getByRole('article');
    expect(within(tile).getByText('Heartbeat').nextElementSibling!.textContent).toBe('3 min ago');
    act(() => useFleetStore.setState({ selectedId: 'quiet' }));
    const details = await screen.findByRole('complementary');
    expect(within(details).getByText('Last heartbeat').nextElementSibling!.textContent).toBe('3 min ago');
  });

  it('Forget warns when the agent is still beating (it will come back), not when it is offline', () => {
    const beating = makeAgent('a1', { lastHeartbeat: NOW - 30_000 });
    const { unmount } = renderWith(fakeApi(), <ForgetDialog agent={beating} now={NOW} onKeep={() => {}} />);
    expect(screen.getByRole('alertdialog').textContent).toContain('it will come back');
    unmount();
    renderWith(fakeApi(), <ForgetDialog agent={makeAgent('a1', { status: 'offline', lastHeartbeat: NOW - 30_000 })} now={NOW} onKeep={() => {}} />);
    expect(screen.getByRole('alertdialog').textContent).not.toContain('it will come back');
  });

  it('the Forget button looks dangerous', () => {
    load(makeAgent('a1'));
    act(() => useFleetStore.setState({ selectedId: 'a1' }));
    renderWith(fakeApi(), <DetailsPanel />);
    expect(screen.getByRole('button', { name: 'Forget agent' }).className).toContain('danger-button');
  });

  it('the exhaust dialog shows the clock time and zone it comes to', () => {
    load(makeAgent('a1'));
    act(() => useFleetStore.setState({ exhaustId: 'a1' }));
    renderWith(fakeApi(), <ExhaustDialog />);
    fireEvent.click(screen.getByLabelText('in 15 min'));
    const at = new Date(NOW + 15 * 60_000);
    const clock = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    expect(screen.getByText(`Recovers at ${clock} (${localZone()})`)).toBeTruthy();
  });

  it('the clock ticks live while connected', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval'] });
    let wall = NOW;
    restoreClock();
    restoreClock = setClockSource(() => wall);
    const stop = startClock();
    wall += 3_000;
    vi.advanceTimersByTime(1_000);
    expect(useNow.getState()).toBe(wall);
    stop();
  });
});
