// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FleetApi, FleetLimits } from '../../shared/fleet-api';
import { App } from '../../renderer/src/app';
import { AgentTile } from '../../renderer/src/components/agent-tile';
import { CopyField } from '../../renderer/src/components/copy-field';
import { DetailsPanel } from '../../renderer/src/components/details-panel';
import { ExhaustDialog } from '../../renderer/src/components/exhaust-dialog';
import { FleetHeader } from '../../renderer/src/components/fleet-header';
import { SettingsView } from '../../renderer/src/components/settings-view';
import { TransportContext } from '../../renderer/src/components/transport-context';
import { useNow } from '../../renderer/src/store/clock-store';
import { applyDelta, flushViewRefresh, resetFleetStore, useFleetStore } from '../../renderer/src/store/fleet-store';
import type { StreamTrouble } from '../../renderer/src/transport/http-transport';
import { fakeApi, makeAgent, T0 } from './fixtures';

function renderWith(api: FleetApi, ui: ReactNode) {
  return render(
    <StrictMode>
      <TransportContext.Provider value={api}>{ui}</TransportContext.Provider>
    </StrictMode>,
  );
}

beforeEach(() => {
  resetFleetStore();
  useNow.setState(T0 + 12_000, true);
});
afterEach(() => cleanup());

describe('AgentTile', () => {
  it('shows name, id, status as a word, heartbeat age and time in status, with data attributes', () => {
    applyDelta({ upserts: [makeAgent('a1', { name: 'Coder', status: 'busy' })], removed: [], reset: true });
    renderWith(fakeApi(), <AgentTile id="a1" />);
    const tile = screen.getByRole('article');
    expect(tile.dataset.agentId).toBe('a1');
    expect(tile.dataset.status).toBe('busy');
    expect(within(tile).getByText('Coder')).toBeTruthy();
    expect(within(tile).getByText('a1')).toBeTruthy();
    expect(within(tile).getByText('busy')).toBeTruthy();
    expect(within(tile).getByText('12 s ago')).toBeTruthy();
    expect(within(tile).getByText('12 s')).toBeTruthy();
  });

  it('an exhausted tile shows the reason and a countdown to recovery', () => {
    applyDelta({
      upserts: [makeAgent('a1', { status: 'exhausted', exhaustReason: 'rate_limit', recoveryAt: T0 + 12_000 + 4 * 60_000 })],
      removed: [],
      reset: true,
    });
    renderWith(fakeApi(), <AgentTile id="a1" />);
    expect(screen.getByText('rate limit')).toBeTruthy();
    expect(screen.getByText('in 4 min')).toBeTruthy();
    act(() => useNow.setState(T0 + 12_000 + 5 * 60_000, true));
    expect(screen.getByText('due')).toBeTruthy();
  });

  it("an exhausted tile says where its recovery time came from, quotes the agent, and shows usage bars", () => {
    const recoveryAt = T0 + 12_000 + 2 * 3_600_000;
    applyDelta({
      upserts: [
        makeAgent('a1', {
          status: 'exhausted', exhaustReason: 'rate_limit', recoveryAt, recoverySource: 'message',
          exhaustExcerpt: "You've hit your session limit · resets 2pm",
          usage: { five_hour: { usedPercent: 100, resetsAt: recoveryAt }, seven_day: { usedPercent: 41.6, resetsAt: null } },
        }),
      ],
      removed: [],
      reset: true,
    });
    renderWith(fakeApi(), <AgentTile id="a1" />);
    const time = new Date(recoveryAt).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
    expect(screen.getByText(`resets ${time}, from the agent's message`)).toBeTruthy();
    expect(screen.getByText("You've hit your session limit · resets 2pm").tagName).toBe('Q');
    const meters = screen.getAllByRole('meter');
    expect(meters.map((m) => [m.getAttribute('aria-label'), m.getAttribute('aria-valuenow')])).toEqual([['5h usage', '100'], ['7d usage', '42']]);
    expect(meters[0]!.closest('li')!.className).toContain('usage-high');
    expect(meters[1]!.closest('li')!.className).toContain('usage-ok');
  });

  it('a default recovery says so; a tile that is not exhausted shows no recovery line', () => {
    applyDelta({
      upserts: [
        makeAgent('d', { status: 'exhausted', exhaustReason: 'billing', recoveryAt: T0 + 5 * 3_600_000, recoverySource: 'default' }),
        makeAgent('i', { status: 'idle' }),
      ],
      removed: [],
      reset: true,
    });
    renderWith(fakeApi(), <><AgentTile id="d" /><AgentTile id="i" /></>);
    expect(screen.getByText(/, by default \(no time was given\)$/)).toBeTruthy();
    expect(screen.getAllByText(/^resets /)).toHaveLength(1);
  });

  it.each([
    ['idle', false],
    ['busy', true],
    ['on_call', true],
    ['offline', true],
    ['exhausted', true],
  ] as const)('from %s, Recover enabled = %s (the shared state machine decides)', (status, enabled) => {
    applyDelta({ upserts: [makeAgent('a1', { status })], removed: [], reset: true });
    renderWith(fakeApi(), <AgentTile id="a1" />);
    expect((screen.getByRole('button', { name: 'Recover' }) as HTMLButtonElement).disabled).toBe(!enabled);
    expect((screen.getByRole('button', { name: 'Force exhaust' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a click anywhere on the tile opens its history, except on its own action buttons', () => {
    applyDelta({ upserts: [makeAgent('a1', { name: 'Coder', status: 'busy' })], removed: [], reset: true });
    renderWith(fakeApi(), <AgentTile id="a1" />);
    const tile = screen.getByRole('article');
    const opened = () => useFleetStore.getState().selectedId === 'a1';

    fireEvent.click(within(tile).getByText('busy'));
    expect(opened()).toBe(true);
    act(() => useFleetStore.setState({ selectedId: null }));
    fireEvent.click(within(tile).getByText('12 s ago'));
    expect(opened()).toBe(true);
    act(() => useFleetStore.setState({ selectedId: null }));
    // The name button stays, for the keyboard.
    fireEvent.click(within(tile).getByRole('button', { name: /Coder/ }));
    expect(opened()).toBe(true);
    act(() => useFleetStore.setState({ selectedId: null }));

    fireEvent.click(within(tile).getByRole('button', { name: 'Force exhaust' }));
    expect(useFleetStore.getState().exhaustId).toBe('a1');
    fireEvent.click(within(tile).getByRole('button', { name: 'Recover' }));
    expect(opened()).toBe(false);
  });

  it('Recover changes the tile only when the main side confirms', async () => {
    applyDelta({ upserts: [makeAgent('a1', { status: 'offline' })], removed: [], reset: true });
    let confirm!: () => void;
    const api = fakeApi({
      recover: (id) => new Promise((resolve) => (confirm = () => resolve({ ok: true, value: makeAgent(id, { status: 'idle' }) }))),
    });
    renderWith(api, <AgentTile id="a1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Recover' }));
    expect(screen.getByRole('article').dataset.status).toBe('offline');
    await act(async () => confirm());
    expect(screen.getByRole('article').dataset.status).toBe('idle');
  });

  it('a refused Recover shows the server message and changes nothing', async () => {
    applyDelta({ upserts: [makeAgent('a1', { status: 'busy' })], removed: [], reset: true });
    const message = "Agent 'a1' is idle; expected one of [busy, on_call, exhausted, offline]";
    const api = fakeApi({ recover: async () => ({ ok: false, error: { code: 'invalid_transition', message } }) });
    renderWith(api, <AgentTile id="a1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Recover' }));
    await waitFor(() => expect(useFleetStore.getState().notice).toBe(message));
    expect(screen.getByRole('article').dataset.status).toBe('busy');
  });

  it('re-renders only for its own agent', () => {
    applyDelta({ upserts: [makeAgent('a1'), makeAgent('a2')], removed: [], reset: true });
    let renders = 0;
    const Probe = () => {
      renders++;
      return <AgentTile id="a1" />;
    };
    render(
      <TransportContext.Provider value={fakeApi()}>
        <Probe />
      </TransportContext.Provider>,
    );
    const tile = screen.getByRole('article');
    act(() => applyDelta({ upserts: [makeAgent('a2', { status: 'busy' })], removed: [] }));
    expect(screen.getByRole('article')).toBe(tile);
    expect(tile.dataset.status).toBe('idle');
    act(() => applyDelta({ upserts: [makeAgent('a1', { status: 'busy' })], removed: [] }));
    expect(tile.dataset.status).toBe('busy');
    expect(renders).toBe(1);
  });
});

describe('CopyField', () => {
  function withClipboard(writeText: (text: string) => Promise<void>) {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  }
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('copies the value and says "Copied"', async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>(async () => {});
    withClipboard(writeText);
    render(<CopyField label="Agent token" value="tok-123" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Agent token' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copy Agent token' }).textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('tok-123');
    expect(screen.getByRole('status').textContent).toBe('Agent token copied');
  });

  it('says "Copy failed" when the clipboard refuses, and selects the value for a manual copy', async () => {
    withClipboard(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    render(<CopyField label="Operator token" value="op-456" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Operator token' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copy Operator token' }).textContent).toBe('Copy failed'));
    expect(screen.getByRole('status').textContent).toBe('Could not copy Operator token; it is selected instead');
    expect(window.getSelection()?.toString()).toBe('op-456');
  });

  it('says "Copy failed" where there is no clipboard at all (an insecure context)', async () => {
    render(<CopyField label="Browser link" value="http://127.0.0.1/#token=x" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Browser link' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copy Browser link' }).textContent).toBe('Copy failed'));
  });
});

describe('DetailsPanel of an exhausted agent', () => {
  it('shows reason, recovery and its source, the agent\'s words, usage, and the excerpt in the history', async () => {
    const recoveryAt = T0 + 3 * 3_600_000;
    const agent = makeAgent('a1', {
      name: 'Coder', status: 'exhausted', exhaustReason: 'rate_limit', exhaustedAt: T0, recoveryAt, recoverySource: 'headers',
      exhaustExcerpt: 'Rate limit reached for gpt-4o. Please try again in 3h.',
      usage: { requests: { usedPercent: 80, resetsAt: recoveryAt } },
    });
    applyDelta({ upserts: [agent], removed: [], reset: true });
    useFleetStore.setState({ selectedId: 'a1' });
    const event = {
      id: 1, agentId: 'a1', from: 'idle' as const, to: 'exhausted' as const, cause: 'agent' as const, at: T0,
      detail: { reason: 'rate_limit', recovery_at: new Date(recoveryAt).toISOString(), recovery_source: 'headers', excerpt: agent.exhaustExcerpt },
    };
    renderWith(fakeApi({ history: async () => ({ ok: true, value: [event] }) }), <DetailsPanel />);
    const panel = screen.getByRole('complementary', { name: 'Details of Coder' });
    expect(within(panel).getByText(/, from the provider's headers$/)).toBeTruthy();
    expect(within(panel).getByText('Rate limit reached for gpt-4o. Please try again in 3h.').tagName).toBe('Q');
    const meter = within(panel).getByRole('meter', { name: 'requests usage' });
    expect(meter.getAttribute('aria-valuenow')).toBe('80');
    expect(meter.closest('li')!.className).toContain('usage-warn');
    const history = await within(panel).findByRole('list', { name: 'History' });
    expect(history.textContent).toContain("time from the provider's headers");
    expect(history.textContent).toContain('“Rate limit reached for gpt-4o. Please try again in 3h.”');
  });
});

describe('ExhaustDialog', () => {
  beforeEach(() => {
    applyDelta({ upserts: [makeAgent('a1', { name: 'Coder' })], removed: [], reset: true });
    useFleetStore.setState({ exhaustId: 'a1' });
  });

  it('is a dialog with rate limit and in 5 hours chosen by default; "Exhaust agent" sends them', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Force exhaust Coder' });
    expect((within(dialog).getByLabelText('Rate limit') as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByLabelText('in 5 hours') as HTMLInputElement).checked).toBe(true);
    const before = Date.now();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(useFleetStore.getState().exhaustId).toBeNull());
    const [[request]] = api.calls.forceExhaust as [[{ id: string; reason: string; recoveryAt: number }]];
    expect(request.id).toBe('a1');
    expect(request.reason).toBe('rate_limit');
    expect(request.recoveryAt - before).toBeGreaterThanOrEqual(5 * 3_600_000 - 1000);
    expect(request.recoveryAt - Date.now()).toBeLessThanOrEqual(5 * 3_600_000);
    expect(useFleetStore.getState().agents.get('a1')?.status).toBe('exhausted');
  });

  it('billing and a preset are sent as chosen', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    fireEvent.click(screen.getByLabelText('Billing'));
    fireEvent.click(screen.getByLabelText('in 15 min'));
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(api.calls.forceExhaust).toHaveLength(1));
    const [[request]] = api.calls.forceExhaust as [[{ reason: string; recoveryAt: number }]];
    expect(request.reason).toBe('billing');
    expect(Math.abs(request.recoveryAt - (Date.now() + 15 * 60_000))).toBeLessThan(2000);
  });

  it('a custom time in the past is refused in the dialog, nothing is sent', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    fireEvent.change(screen.getByLabelText('Custom recovery time'), { target: { value: '2001-01-01T00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(api.calls.forceExhaust).toHaveLength(0);
  });

  it('a custom time beyond the recovery horizon (from the settings) is said at once and cannot be sent', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    await waitFor(() => expect(api.calls.getSettings.length).toBeGreaterThan(0));
    const submit = screen.getByRole('button', { name: 'Exhaust agent' }) as HTMLButtonElement;
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    fireEvent.change(screen.getByLabelText('Custom recovery time'), { target: { value: local(Date.now() + 8 * 86_400_000) } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The recovery time must be at most 7 days ahead (FLEET_MAX_RECOVERY_S).');
    expect(submit.disabled).toBe(true);
    fireEvent.submit(submit.closest('form')!);
    expect(api.calls.forceExhaust).toHaveLength(0);
    // Back within the horizon: the error goes, and the time is sent.
    fireEvent.change(screen.getByLabelText('Custom recovery time'), { target: { value: local(Date.now() + 6 * 86_400_000) } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);
    await waitFor(() => expect(api.calls.forceExhaust).toHaveLength(1));
  });

  it('the horizon is the one the settings give: a preset beyond a short one is refused too', async () => {
    const base = fakeApi();
    const settings = await base.getSettings();
    if (!settings.ok) throw new Error('fixture settings');
    const api = fakeApi({ getSettings: async () => ({ ok: true, value: { ...settings.value, limits: { ...settings.value.limits, maxRecoveryS: 3_600 } } }) });
    renderWith(api, <ExhaustDialog />);
    // The default preset, in 5 hours, is past a 1-hour horizon.
    expect((await screen.findByRole('alert')).textContent).toBe('The recovery time must be at most 1 hour ahead (FLEET_MAX_RECOVERY_S).');
    expect((screen.getByRole('button', { name: 'Exhaust agent' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('in 15 min'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('the custom time starts 5 hours from the moment it opens, however long the app has been open', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      act(() => useFleetStore.setState({ exhaustId: null }));
      renderWith(fakeApi(), <ExhaustDialog />);
      vi.setSystemTime(Date.now() + 24 * 3_600_000);
      act(() => useFleetStore.setState({ exhaustId: 'a1' }));
      const custom = new Date((screen.getByLabelText('Custom recovery time') as HTMLInputElement).value).getTime();
      // datetime-local keeps whole minutes.
      expect(Math.abs(custom - (Date.now() + 5 * 3_600_000))).toBeLessThan(60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('Escape and Cancel close it without sending', () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(useFleetStore.getState().exhaustId).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => useFleetStore.setState({ exhaustId: 'a1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.forceExhaust).toHaveLength(0);
  });

  it("pasting the agent's message fills reason and time; sent as pasted, the port reads the time from it", async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    const reset = new Date(Date.now() + 3 * 3_600_000);
    reset.setSeconds(0, 0);
    const clock = `${reset.getHours() % 12 || 12}:${String(reset.getMinutes()).padStart(2, '0')}${reset.getHours() < 12 ? 'am' : 'pm'}`;
    // A billing text switches the reason; a later limit text with a time fills both.
    fireEvent.change(screen.getByLabelText("Paste the agent's message"), { target: { value: 'Credit balance is too low' } });
    expect((screen.getByLabelText('Billing') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('Read as billing, no reset time in it.');
    const text = `You've hit your session limit · resets ${clock}`;
    fireEvent.change(screen.getByLabelText("Paste the agent's message"), { target: { value: text } });
    expect((screen.getByLabelText('Rate limit') as HTMLInputElement).checked).toBe(true);
    expect(new Date((screen.getByLabelText('Custom recovery time') as HTMLInputElement).value).getTime()).toBe(reset.getTime());
    expect(screen.getByRole('status').textContent).toMatch(/^Read as rate limit, resets /);
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(api.calls.forceExhaust).toHaveLength(1));
    const [[request]] = api.calls.forceExhaust as [[Record<string, unknown>]];
    expect(request).toMatchObject({ id: 'a1', reason: 'rate_limit', message: text });
    expect(typeof request.tz).toBe('string');
    expect(request).not.toHaveProperty('recoveryAt');
  });

  it('a second paste without a time no longer leaves the time to the message', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    const box = screen.getByLabelText("Paste the agent's message");
    fireEvent.change(box, { target: { value: 'Please retry in 30 minutes' } });
    const shown = new Date((screen.getByLabelText('Custom recovery time') as HTMLInputElement).value).getTime();
    fireEvent.change(box, { target: { value: "You've hit your usage limit. Try again later." } });
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(api.calls.forceExhaust).toHaveLength(1));
    const [[request]] = api.calls.forceExhaust as [[{ recoveryAt: number }]];
    expect(request.recoveryAt).toBe(shown);
  });

  it('a time chosen after pasting is sent as given, with the message', async () => {
    const api = fakeApi();
    renderWith(api, <ExhaustDialog />);
    fireEvent.change(screen.getByLabelText("Paste the agent's message"), { target: { value: 'Please retry in 10 minutes' } });
    fireEvent.click(screen.getByLabelText('in 1 hour'));
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    await waitFor(() => expect(api.calls.forceExhaust).toHaveLength(1));
    const [[request]] = api.calls.forceExhaust as [[{ recoveryAt: number; message: string }]];
    expect(Math.abs(request.recoveryAt - (Date.now() + 3_600_000))).toBeLessThan(2000);
    expect(request.message).toBe('Please retry in 10 minutes');
  });

  it('a text that is not a limit says so and leaves the choices alone', () => {
    renderWith(fakeApi(), <ExhaustDialog />);
    fireEvent.change(screen.getByLabelText("Paste the agent's message"), { target: { value: 'Context limit reached · /compact or /clear to continue' } });
    expect(screen.getByRole('status').textContent).toBe('Not a limit message: choose the reason and time yourself.');
    expect((screen.getByLabelText('in 5 hours') as HTMLInputElement).checked).toBe(true);
  });

  it('a refusal stays in the dialog with the server message', async () => {
    const api = fakeApi({ forceExhaust: async () => ({ ok: false, error: { code: 'not_found', message: "Agent 'a1' not found" } }) });
    renderWith(api, <ExhaustDialog />);
    fireEvent.click(screen.getByRole('button', { name: 'Exhaust agent' }));
    expect((await screen.findByRole('alert')).textContent).toBe("Agent 'a1' not found");
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});

describe('modal dialogs keep the keyboard', () => {
  interface Opened {
    readonly dialog: HTMLElement;
    readonly opener: HTMLElement;
    /** Focused on open. */
    readonly initial: HTMLElement;
    /** First and last Tab stops. */
    readonly first: HTMLElement;
    readonly last: HTMLElement;
  }

  /** Opens a dialog from its real opener, focused first, as a keyboard user would. */
  function openWith(opener: HTMLElement): void {
    opener.focus();
    fireEvent.click(opener);
  }

  const cases: [string, () => Promise<Opened>][] = [
    [
      'Force exhaust',
      async () => {
        renderWith(
          fakeApi(),
          <>
            <AgentTile id="a1" />
            <ExhaustDialog />
          </>,
        );
        const opener = screen.getByRole('button', { name: 'Force exhaust' });
        openWith(opener);
        const dialog = screen.getByRole('dialog', { name: 'Force exhaust Coder' });
        const paste = within(dialog).getByLabelText("Paste the agent's message");
        return { dialog, opener, initial: paste, first: paste, last: within(dialog).getByRole('button', { name: 'Exhaust agent' }) };
      },
    ],
    [
      'Forget agent',
      async () => {
        useFleetStore.setState({ selectedId: 'a1' });
        renderWith(fakeApi(), <DetailsPanel />);
        await act(async () => {}); // the history loads
        const opener = screen.getByRole('button', { name: 'Forget agent' });
        openWith(opener);
        const dialog = screen.getByRole('alertdialog', { name: 'Forget Coder and its history?' });
        const keep = within(dialog).getByRole('button', { name: 'Keep' });
        return { dialog, opener, initial: keep, first: within(dialog).getByRole('button', { name: 'Forget' }), last: keep };
      },
    ],
  ];

  beforeEach(() => applyDelta({ upserts: [makeAgent('a1', { name: 'Coder' })], removed: [], reset: true }));

  it.each(cases)('%s: focus moves in; Tab from the last stop lands on the first, Shift+Tab from the first on the last', async (_, open) => {
    const { initial, first, last } = await open();
    expect(document.activeElement).toBe(initial);
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
    // Focus that escaped to the page comes back in.
    last.blur();
    fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
  });

  it.each(cases)('%s: Escape closes it after focus moved to document.body, and focus returns to the opener', async (_, open) => {
    const { dialog, opener } = await open();
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(dialog.isConnected).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it('Escape in the Forget confirmation keeps the agent and the details panel open', async () => {
    const api = fakeApi();
    useFleetStore.setState({ selectedId: 'a1' });
    renderWith(api, <DetailsPanel />);
    await act(async () => {});
    fireEvent.click(screen.getByRole('button', { name: 'Forget agent' }));
    fireEvent.keyDown(screen.getByRole('button', { name: 'Keep' }), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('complementary', { name: 'Details of Coder' })).toBeTruthy();
    expect(api.calls.forget).toHaveLength(0);
  });

  it('"Forget" forgets the agent; a refusal stays in the confirmation with the server message', async () => {
    const message = "Agent 'a1' not found";
    let refuse = true;
    const api = fakeApi({
      forget: async (id) => (refuse ? { ok: false, error: { code: 'not_found', message } } : { ok: true, value: makeAgent(id) }),
    });
    useFleetStore.setState({ selectedId: 'a1' });
    renderWith(api, <DetailsPanel />);
    await act(async () => {});
    fireEvent.click(screen.getByRole('button', { name: 'Forget agent' }));
    fireEvent.click(screen.getByRole('button', { name: 'Forget' }));
    expect((await within(screen.getByRole('alertdialog')).findByRole('alert')).textContent).toBe(message);
    expect(useFleetStore.getState().agents.has('a1')).toBe(true);

    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(useFleetStore.getState().agents.has('a1')).toBe(false));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.calls.forget).toEqual([['a1'], ['a1']]);
  });
});

describe('agents waiting for their operator', () => {
  const waiting = { kind: 'permission' as const, message: 'Bash: npm test', since: T0 };

  it('a tile says "Needs you: permission" with what was asked; the details say it with the message', async () => {
    applyDelta({ upserts: [makeAgent('w', { name: 'payments-api', status: 'busy', waiting })], removed: [], reset: true });
    renderWith(fakeApi(), <AgentTile id="w" />);
    const chip = screen.getByText('Needs you: permission');
    expect(chip.closest('.needs-you')!.getAttribute('title')).toBe('Bash: npm test (for 12 s)');
    expect(screen.getByRole('article').getAttribute('aria-label')).toBe('payments-api, busy, needs you: permission');
    cleanup();
    useFleetStore.setState({ selectedId: 'w' });
    renderWith(fakeApi(), <DetailsPanel />);
    await act(async () => {});
    expect(screen.getByRole('status').textContent).toContain('Bash: npm test');
  });

  it('the header counts them; "Needs you" filters to them; they sort first', () => {
    applyDelta({
      upserts: [makeAgent('a', { status: 'exhausted' }), makeAgent('b', { status: 'idle', waiting }), makeAgent('c', { status: 'busy', waiting: { ...waiting, kind: 'input' } })],
      removed: [],
      reset: true,
    });
    renderWith(fakeApi(), <FleetHeader />);
    expect(useFleetStore.getState().visibleIds).toEqual(['c', 'b', 'a']);
    fireEvent.click(screen.getByRole('button', { name: /needs you 2/i }));
    expect(useFleetStore.getState().visibleIds).toEqual(['c', 'b']);
    act(() => {
      applyDelta({ upserts: [makeAgent('b', { status: 'busy', waiting: null })], removed: [] });
      flushViewRefresh();
    });
    expect(useFleetStore.getState().visibleIds).toEqual(['c']);
    expect(screen.getByRole('button', { name: /needs you 1/i })).toBeTruthy();
  });
});

describe('FleetHeader filters', () => {
  beforeEach(() => {
    applyDelta({
      upserts: [makeAgent('a', { status: 'busy' }), makeAgent('b', { status: 'offline' }), makeAgent('c', { labels: { team: 'infra' } })],
      removed: [],
      reset: true,
    });
  });

  it('shows the count per status; clicking one filters, clicking again clears', () => {
    renderWith(fakeApi(), <FleetHeader />);
    const offline = screen.getByRole('button', { name: /offline 1/i });
    expect(screen.getByRole('button', { name: /all 3/i })).toBeTruthy();
    fireEvent.click(offline);
    expect(offline.getAttribute('aria-pressed')).toBe('true');
    expect(useFleetStore.getState().visibleIds).toEqual(['b']);
    fireEvent.click(offline);
    expect(useFleetStore.getState().visibleIds).toHaveLength(3);
  });

  it('"Needs attention" filters to what wants the operator; the counts follow the search', () => {
    renderWith(fakeApi(), <FleetHeader />);
    fireEvent.click(screen.getByRole('button', { name: /needs attention 1/i }));
    expect(useFleetStore.getState().visibleIds).toEqual(['b']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search agents' }), { target: { value: 'team=infra' } });
    expect(screen.getByRole('button', { name: /all 1/i })).toBeTruthy();
    expect(screen.getByRole('button', { name: /offline 0/i })).toBeTruthy();
    expect(screen.getByRole('button', { name: /needs attention 0/i })).toBeTruthy();
  });

  it('search and sort narrow and order the grid', () => {
    renderWith(fakeApi(), <FleetHeader />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search agents' }), { target: { value: 'infra' } });
    expect(useFleetStore.getState().visibleIds).toEqual(['c']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search agents' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Sort by' }), { target: { value: 'name' } });
    expect(useFleetStore.getState().visibleIds).toEqual(['a', 'b', 'c']);
  });
});

describe('SettingsView', () => {
  async function apiWithLimits(limits: Partial<FleetLimits>): Promise<FleetApi> {
    const base = await fakeApi().getSettings();
    if (!base.ok) throw new Error('the fixture has settings');
    const value = { ...base.value, limits: { ...base.value.limits, ...limits } };
    return fakeApi({ getSettings: () => Promise.resolve({ ok: true, value }) });
  }
  /** The value shown for a term of the settings' fact lists. */
  const fact = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

  it("shows the fleet's bounds and how long history and offline agents are kept", async () => {
    const api = await apiWithLimits({ historyPerAgent: 1_000, historyDays: 90, forgetOfflineDays: 30, maxAgents: 100_000, maxStreams: 64, maxRecoveryS: 7 * 86_400 });
    renderWith(api, <SettingsView />);
    await screen.findByRole('heading', { name: 'Limits and retention' });
    expect(fact('History per agent')).toBe('1,000 newest events');
    expect(fact('History kept for')).toBe('90 days');
    expect(fact('Forget offline agents')).toBe('after 30 days offline');
    expect(fact('Most agents')).toBe('100,000');
    expect(fact('Most event streams')).toBe('64');
    expect(fact('Latest recovery time')).toBe('7 d ahead');
  });

  it('never shows the operator token in a link; where the port serves the UI, it makes a one-time sign-in link on request', async () => {
    const desktop = renderWith(fakeApi(), <SettingsView />);
    await screen.findByRole('heading', { name: 'Limits and retention' });
    expect(document.body.textContent).not.toMatch(/#token=/);
    expect(screen.queryByRole('button', { name: 'New sign-in link' })).toBeNull();
    desktop.unmount();

    let made = 0;
    const expiresAt = Date.UTC(2026, 11, 1, 15, 10);
    const api = fakeApi({ newSignInLink: async () => ({ ok: true, value: { url: `http://127.0.0.1:7421/#code=c${++made}`, expiresAt } }) });
    renderWith(api, <SettingsView />);
    await screen.findByRole('heading', { name: 'Limits and retention' });
    expect(document.body.textContent).not.toMatch(/#token=|#code=/);
    fireEvent.click(screen.getByRole('button', { name: 'New sign-in link' }));
    expect(await screen.findByText('http://127.0.0.1:7421/#code=c1')).toBeTruthy();
    expect(screen.getByText(/Works once, until/).textContent).toContain(new Date(expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
    fireEvent.click(screen.getByRole('button', { name: 'Another sign-in link' }));
    expect(await screen.findByText('http://127.0.0.1:7421/#code=c2')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/#token=/);
  });

  it('forgetting turned off (0 days) reads "never"', async () => {
    renderWith(await apiWithLimits({ forgetOfflineDays: 0, historyPerAgent: 1, historyDays: 1 }), <SettingsView />);
    await screen.findByRole('heading', { name: 'Limits and retention' });
    expect(fact('Forget offline agents')).toBe('never');
    expect(fact('History per agent')).toBe('1 newest event');
    expect(fact('History kept for')).toBe('1 day');
  });
});

describe('App connection states', () => {
  it('shows nothing of the fleet until the first snapshot, then the grid; a lost stream says so; a refusal signs out', () => {
    // jsdom has no layout: the virtualized grid only needs the observer to exist.
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    let report: ((trouble: StreamTrouble) => void) | undefined;
    render(<App api={fakeApi()} subscribe={(onTrouble) => ((report = onTrouble), () => {})} />);
    expect(screen.getByRole('status').textContent).toBe('Connecting…');
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();

    act(() => applyDelta({ upserts: [makeAgent('a1')], removed: [], reset: true }));
    expect(screen.getByRole('button', { name: 'Settings' })).toBeTruthy();
    expect(screen.getAllByRole('status').some((el) => el.textContent === 'Live')).toBe(true);

    act(() => report!({ kind: 'unreachable' }));
    expect(screen.getAllByRole('status').some((el) => el.textContent === 'Reconnecting…')).toBe(true);
    // Refused for now, with the port's reason: said, and gone once the stream is back.
    act(() => report!({ kind: 'unreachable', reason: 'At most 64 event streams may be open' }));
    expect(screen.getAllByRole('status').some((el) => el.textContent === 'Reconnecting… At most 64 event streams may be open')).toBe(true);
    act(() => applyDelta({ upserts: [makeAgent('a1')], removed: [], reset: true }));
    expect(screen.getAllByRole('status').some((el) => el.textContent === 'Live')).toBe(true);
    act(() => report!({ kind: 'unreachable' }));

    act(() => report!({ kind: 'signed_out', message: "That is the agent token; Fleet Monitor's UI needs the operator token." }));
    expect(screen.getByRole('alert').textContent).toContain('Sign in with the link');
    expect(screen.getByText("That is the agent token; Fleet Monitor's UI needs the operator token.")).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();
    vi.unstubAllGlobals();
  });
});
