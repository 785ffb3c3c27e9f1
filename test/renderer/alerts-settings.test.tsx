// @vitest-environment jsdom
/**
 * Settings → Alerts with a fake FleetApi holding alerts in memory (its
 * bodies checked by the port's schemas): the lists, the forms and their
 * errors, "Send test", deleting, and the refresh that follows the clock.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertChannel, AlertDelivery } from '../../shared/alerts';
import type { FleetApi } from '../../shared/fleet-api';
import { AlertsSettings } from '../../renderer/src/components/alerts-settings';
import { SettingsView } from '../../renderer/src/components/settings-view';
import { TransportContext } from '../../renderer/src/components/transport-context';
import { ALERTS_REFRESH_MS } from '../../renderer/src/components/use-alerts';
import { useNow } from '../../renderer/src/store/clock-store';
import { memoryAlerts, type MemoryAlerts } from './alert-fixtures';
import { fakeApi, T0 } from './fixtures';

const channel = (overrides: Partial<AlertChannel> = {}): AlertChannel => ({
  id: 'ch_1',
  name: 'ops hook',
  kind: 'webhook',
  url: 'https://hooks.example/fleet',
  command: null,
  hasSecret: false,
  enabled: true,
  disabledReason: null,
  createdAt: T0,
  ...overrides,
});

const delivery = (overrides: Partial<AlertDelivery> = {}): AlertDelivery => ({
  id: 'dl_1',
  channelId: 'ch_1',
  ruleId: 'rl_1',
  state: 'sent',
  attempts: 1,
  lastError: null,
  summary: '2 agents went offline: build-bot-1, build-bot-2',
  createdAt: T0,
  nextAttemptAt: null,
  sentAt: T0 + 1_000,
  test: false,
  ...overrides,
});

let alerts: MemoryAlerts;
let api: ReturnType<typeof fakeApi>;

function show(ui = <AlertsSettings />, transport: FleetApi = api) {
  return render(
    <StrictMode>
      <TransportContext.Provider value={transport}>{ui}</TransportContext.Provider>
    </StrictMode>,
  );
}

const channelRow = (name: string) => screen.getByRole('listitem', { name });
const form = (legend: string) => screen.getByRole('group', { name: legend });
const type = (label: string, value: string, within_: HTMLElement) => fireEvent.change(within(within_).getByLabelText(label), { target: { value } });

beforeEach(() => {
  useNow.setState(T0, true);
  alerts = memoryAlerts();
  api = fakeApi(alerts.answers);
});
afterEach(() => cleanup());

describe('Settings → Alerts: channels', () => {
  it('lists each channel with its kind, its URL or command, "signed", and why it is disabled', async () => {
    alerts.channels = [
      channel({ hasSecret: true }),
      channel({ id: 'ch_2', name: 'local script', kind: 'command', url: null, command: ['/usr/local/bin/page-me', '--urgent', 'two words'] }),
      channel({ id: 'ch_3', name: 'old slack', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X', enabled: false, disabledReason: 'The receiver answered 410 Gone' }),
    ];
    show();
    const hook = await screen.findByRole('listitem', { name: 'ops hook' });
    expect(hook.textContent).toContain('webhook');
    expect(hook.textContent).toContain('https://hooks.example/fleet');
    expect(within(hook).getByText('signed')).toBeTruthy();
    expect(within(hook).queryByText(/Disabled/)).toBeNull();

    const script = channelRow('local script');
    expect(script.textContent).toContain('/usr/local/bin/page-me --urgent "two words"');
    expect(within(script).queryByText('signed')).toBeNull();

    const slack = channelRow('old slack');
    expect(within(slack).getByText('Disabled: The receiver answered 410 Gone')).toBeTruthy();
    expect(within(slack).getByText('disabled')).toBeTruthy();
    for (const name of ['ops hook', 'local script', 'old slack']) expect(within(channelRow(name)).getByRole('button', { name: 'Send test' })).toBeTruthy();
  });

  it('adds a webhook channel with a secret: the body the port takes, then listed and the form emptied', async () => {
    show();
    await screen.findByText('No channels yet: add one below.');
    const add = form('Add channel');
    type('Name', 'ops hook', add);
    type('URL', 'https://hooks.example/fleet', add);
    const secret = within(add).getByLabelText('Secret (optional)');
    expect((secret as HTMLInputElement).type).toBe('password');
    fireEvent.change(secret, { target: { value: 's3cret' } });
    fireEvent.click(within(add).getByRole('button', { name: 'Add channel' }));

    const row = await screen.findByRole('listitem', { name: 'ops hook' });
    expect(api.calls.createAlertChannel).toEqual([[{ name: 'ops hook', kind: 'webhook', url: 'https://hooks.example/fleet', secret: 's3cret' }]]);
    expect(within(row).getByText('signed')).toBeTruthy();
    expect(within(add).getByRole('status').textContent).toBe('Channel ops hook added');
    expect((within(add).getByLabelText('Name') as HTMLInputElement).value).toBe('');
    expect((within(add).getByLabelText('Secret (optional)') as HTMLInputElement).value).toBe('');
    // The secret is never shown back.
    expect(document.body.textContent).not.toContain('s3cret');
  });

  it('a command channel takes one argument per line (blank lines skipped) instead of a URL', async () => {
    show();
    await screen.findByText('No channels yet: add one below.');
    const add = form('Add channel');
    type('Name', 'pager', add);
    fireEvent.change(within(add).getByLabelText('Kind'), { target: { value: 'command' } });
    expect(within(add).queryByLabelText('URL')).toBeNull();
    const command = within(add).getByLabelText('Command');
    expect(command.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(command.getAttribute('aria-describedby')!)!.textContent).toMatch(/One argument per line/);
    type('Command', '/usr/bin/notify-send\n\n--urgency=critical\nFleet alert\n', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add channel' }));

    const row = await screen.findByRole('listitem', { name: 'pager' });
    expect(api.calls.createAlertChannel).toEqual([[{ name: 'pager', kind: 'command', command: ['/usr/bin/notify-send', '--urgency=critical', 'Fleet alert'] }]]);
    expect(row.textContent).toContain('/usr/bin/notify-send --urgency=critical "Fleet alert"');
  });

  it('shows what the main side refused next to the form, keeping what was typed', async () => {
    show();
    await screen.findByText('No channels yet: add one below.');
    const add = form('Add channel');
    type('Name', 'ftp hook', add);
    type('URL', 'ftp://files.example/', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add channel' }));
    await waitFor(() => expect(within(add).getByRole('alert').textContent).toMatch(/^url: url must be an http:\/\/ or https:\/\/ URL/));
    expect((within(add).getByLabelText('URL') as HTMLInputElement).value).toBe('ftp://files.example/');
    expect(screen.getByText('No channels yet: add one below.')).toBeTruthy();

    // A missing URL is said before asking.
    type('URL', '', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add channel' }));
    expect(within(add).getByRole('alert').textContent).toBe('A webhook channel needs a URL');
    expect(api.calls.createAlertChannel).toHaveLength(1);
  });

  it('"Send test" says it was sent, or the receiver’s error, or why it could not be asked, and the delivery shows', async () => {
    alerts.channels = [channel()];
    show();
    const row = await screen.findByRole('listitem', { name: 'ops hook' });
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Test sent'));
    expect(api.calls.testAlertChannel).toEqual([['ch_1']]);
    const table = await screen.findByRole('table', { name: 'Recent deliveries' });
    expect(table.textContent).toContain('Test message from Fleet Monitor to ops hook');

    alerts.testOutcome = { state: 'failed', error: 'The receiver answered 503' };
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Test failed: The receiver answered 503'));

    alerts.channels = [];
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'ops hook' })).toBeNull());
    expect(api.calls.testAlertChannel).toHaveLength(3);
  });

  it('a test the API refuses is said in the row, never thrown', async () => {
    alerts.channels = [channel()];
    const refusing = fakeApi({ ...alerts.answers, testAlertChannel: async () => ({ ok: false, error: { code: 'forbidden', message: 'Operator token required' } }) });
    show(<AlertsSettings />, refusing);
    const row = await screen.findByRole('listitem', { name: 'ops hook' });
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Test not sent: Operator token required'));
  });

  it('Delete asks first (naming the rules that go with it); Cancel keeps the channel, "Yes, delete" removes it and its rules', async () => {
    alerts.channels = [channel(), channel({ id: 'ch_2', name: 'spare' })];
    alerts.rules = [{ id: 'rl_1', channelId: 'ch_1', on: ['offline'], selector: null, coalesceS: 10, repeatAfterS: null, createdAt: T0 }];
    show();
    const row = await screen.findByRole('listitem', { name: 'ops hook' });
    await screen.findByRole('cell', { name: 'offline' });
    fireEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    expect(row.textContent).toContain('Delete ops hook and its rule?');
    expect(document.activeElement).toBe(within(row).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(api.calls.deleteAlertChannel).toEqual([]);
    expect(document.activeElement).toBe(within(row).getByRole('button', { name: 'Delete' }));

    fireEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'ops hook' })).toBeNull());
    expect(api.calls.deleteAlertChannel).toEqual([['ch_1']]);
    // The keyboard is not dropped with the row.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Channels' })));
    expect(channelRow('spare')).toBeTruthy();
    expect(await screen.findByText(/No rules yet/)).toBeTruthy();
  });
});

describe('Settings → Alerts: rules', () => {
  beforeEach(() => {
    alerts.channels = [channel(), channel({ id: 'ch_2', name: 'team chat', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' })];
  });

  it('adds a rule: channel, changes, selector, coalescing window (10 s unless changed) and repeat; then lists it', async () => {
    show();
    await screen.findByRole('listitem', { name: 'team chat' });
    const add = form('Add rule');
    fireEvent.change(within(add).getByLabelText('Channel'), { target: { value: 'ch_2' } });
    const on = within(add).getByRole('group', { name: 'Alert on' });
    expect(within(on).getAllByRole('checkbox').map((box) => box.parentElement!.textContent!.trim())).toEqual(['offline', 'exhausted', 'recovered', 'online', 'waiting']);
    fireEvent.click(within(on).getByRole('checkbox', { name: 'exhausted' }));
    fireEvent.click(within(on).getByRole('checkbox', { name: 'waiting' }));
    type('Agents with labels', 'team=infra region=eu', add);
    expect((within(add).getByLabelText('Coalesce (seconds)') as HTMLInputElement).value).toBe('10');
    type('Repeat (seconds, optional)', '300', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add rule' }));

    await waitFor(() => expect(within(add).getByRole('status').textContent).toBe('Rule added'));
    expect(api.calls.createAlertRule).toEqual([[{ channelId: 'ch_2', on: ['offline', 'waiting'], selector: { team: 'infra', region: 'eu' }, coalesceS: 10, repeatAfterS: 300 }]]);
    const row = screen.getByRole('cell', { name: 'offline, waiting' }).closest('tr')!;
    expect([...row.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)).toEqual(['team chat', 'offline, waiting', 'team=infra region=eu', '10 s', 'every 5 min']);
  });

  it('a rule without a selector or repeat reads "every agent" and "no"; the first channel is chosen until another is', async () => {
    show();
    await screen.findByRole('listitem', { name: 'ops hook' });
    const add = form('Add rule');
    type('Coalesce (seconds)', '0', add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add rule' }));
    const row = (await screen.findByRole('cell', { name: 'offline, exhausted' })).closest('tr')!;
    expect(api.calls.createAlertRule).toEqual([[{ channelId: 'ch_1', on: ['offline', 'exhausted'], coalesceS: 0, repeatAfterS: null }]]);
    expect([...row.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)).toEqual(['ops hook', 'offline, exhausted', 'every agent', '0 s', 'no']);
  });

  it.each([
    ['a selector term without =', { selector: 'team' }, "Selector: 'team' is not key=value", false],
    ['a key given twice', { selector: 'team=a team=b' }, "Selector: 'team' is given twice", false],
    ['a fractional window', { coalesce: '1.5' }, 'Coalesce must be a whole number of seconds', false],
    ['a repeat under a minute (the port refuses it)', { repeat: '30' }, 'repeat_after_s: repeat_after_s must be at least 60', true],
    // Whatever words the port's label schema uses for it.
    ['a label key the port refuses', { selector: 'team!=x' }, /^selector\.team!: \S/, true],
  ] as const)('shows %s next to the form', async (_what, fields, message, asked) => {
    show();
    await screen.findByRole('listitem', { name: 'ops hook' });
    const add = form('Add rule');
    if ('selector' in fields) type('Agents with labels', fields.selector, add);
    if ('coalesce' in fields) type('Coalesce (seconds)', fields.coalesce, add);
    if ('repeat' in fields) type('Repeat (seconds, optional)', fields.repeat, add);
    fireEvent.click(within(add).getByRole('button', { name: 'Add rule' }));
    const said = () => within(add).getByRole('alert').textContent;
    await waitFor(() => (typeof message === 'string' ? expect(said()).toBe(message) : expect(said()).toMatch(message)));
    expect(api.calls.createAlertRule).toHaveLength(asked ? 1 : 0);
    expect(screen.getByText(/No rules yet/)).toBeTruthy();
  });

  it('asks for at least one change, and says so when there is no channel to send to', async () => {
    show();
    await screen.findByRole('listitem', { name: 'ops hook' });
    const add = form('Add rule');
    const on = within(add).getByRole('group', { name: 'Alert on' });
    fireEvent.click(within(on).getByRole('checkbox', { name: 'offline' }));
    fireEvent.click(within(on).getByRole('checkbox', { name: 'exhausted' }));
    fireEvent.click(within(add).getByRole('button', { name: 'Add rule' }));
    expect(within(add).getByRole('alert').textContent).toBe('Choose at least one change to alert on');
    cleanup();

    alerts.channels = [];
    show();
    await screen.findByText('No channels yet: add one below.');
    const empty = form('Add rule');
    expect((within(empty).getByLabelText('Channel') as HTMLSelectElement).disabled).toBe(true);
    fireEvent.click(within(empty).getByRole('button', { name: 'Add rule' }));
    expect(within(empty).getByRole('alert').textContent).toBe('Choose a channel (add one first)');
    expect(api.calls.createAlertRule).toEqual([]);
  });

  it('deletes a rule', async () => {
    alerts.rules = [{ id: 'rl_1', channelId: 'ch_1', on: ['recovered'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: null, createdAt: T0 }];
    show();
    const row = (await screen.findByRole('cell', { name: 'recovered' })).closest('tr')!;
    fireEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/No rules yet/)).toBeTruthy();
    expect(api.calls.deleteAlertRule).toEqual([['rl_1']]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Rules' })));
  });
});

describe('Settings → Alerts: deliveries', () => {
  it('shows the newest 20 with state, attempts, last error and summary, and reads them again as the clock moves', async () => {
    alerts.channels = [channel()];
    alerts.deliveries = [
      delivery({ id: 'dl_2', state: 'pending', attempts: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:9', sentAt: null, nextAttemptAt: T0 + 4_000 }),
      delivery({ id: 'dl_1', state: 'failed', attempts: 40, lastError: 'The receiver answered 500', sentAt: null }),
    ];
    const { container } = show();
    await waitFor(() => expect(container.querySelector('[data-delivery-id="dl_2"]')).not.toBeNull());
    expect(api.calls.listAlertDeliveries.every(([limit]) => limit === 20)).toBe(true);
    const cells = (id: string) => [...container.querySelectorAll(`[data-delivery-id="${id}"] td`)].slice(1).map((td) => td.textContent);
    expect(cells('dl_2')).toEqual(['ops hook', 'pending, next try in 4 s', '3', 'connect ECONNREFUSED 127.0.0.1:9', '2 agents went offline: build-bot-1, build-bot-2']);
    expect(cells('dl_1')).toEqual(['ops hook', 'failed', '40', 'The receiver answered 500', '2 agents went offline: build-bot-1, build-bot-2']);

    // Within the same refresh window nothing is read again; the next window reads everything.
    const reads = api.calls.listAlertDeliveries.length;
    act(() => useNow.setState(T0 + 1_000, true));
    expect(api.calls.listAlertDeliveries).toHaveLength(reads);
    alerts.deliveries = [delivery({ id: 'dl_2', state: 'sent', attempts: 4 }), ...alerts.deliveries.slice(1)];
    act(() => useNow.setState(T0 + ALERTS_REFRESH_MS, true));
    await waitFor(() => expect(cells('dl_2').slice(1, 3)).toEqual(['sent', '4']));
    expect(api.calls.listAlertChannels.length).toBeGreaterThan(1);
  });

  it('a list that cannot be read says why and keeps what it showed', async () => {
    alerts.channels = [channel()];
    let down = false;
    const flaky = fakeApi({
      ...alerts.answers,
      listAlertRules: () => (down ? Promise.resolve({ ok: false, error: { code: 'internal', message: 'Fleet Monitor cannot be reached' } }) : alerts.answers.listAlertRules()),
    });
    show(<AlertsSettings />, flaky);
    await screen.findByRole('listitem', { name: 'ops hook' });
    await screen.findByText(/No rules yet/);
    down = true;
    act(() => useNow.setState(T0 + ALERTS_REFRESH_MS, true));
    await waitFor(() => expect(screen.getByText('Alerts could not be read: Fleet Monitor cannot be reached')).toBeTruthy());
    expect(screen.getByText(/No rules yet/)).toBeTruthy();
    expect(channelRow('ops hook')).toBeTruthy();
    down = false;
    act(() => useNow.setState(T0 + 2 * ALERTS_REFRESH_MS, true));
    await waitFor(() => expect(screen.queryByText(/Alerts could not be read/)).toBeNull());
  });
});

describe('SettingsView', () => {
  it('ends with the Alerts section', async () => {
    show(<SettingsView />);
    const heading = await screen.findByRole('heading', { name: 'Alerts' });
    const settings = screen.getByRole('region', { name: 'Settings' });
    expect(settings.contains(heading)).toBe(true);
    expect(settings.lastElementChild).toBe(screen.getByRole('region', { name: 'Alerts' }));
  });
});
