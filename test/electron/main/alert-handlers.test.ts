/**
 * The desktop's `alerts:*` handlers, registered through the real ipc-main
 * wrapper (mocked `electron`) over a fake AlertsFacade: the page's JSON
 * bodies reach the core parsed into domain objects, bad ones never reach it,
 * and the core's FleetErrors come back as error results with their codes.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Disposable } from '../../../shared/disposable';
import { FleetError } from '../../../shared/errors';
import type { AlertChannel, AlertDelivery, AlertRule, NewAlertChannel, NewAlertRule } from '../../../shared/alerts';
import type { Result } from '../../../shared/fleet-api';
import { INVOKE_CHANNELS } from '../../../shared/ipc-contract';
import type { AlertsFacade } from '../../../electron/main/alert-handlers';
import type { InvokeHandlers } from '../../../electron/main/ipc-main';
import { AlertReceiver } from '../../support/alert-receiver';
import { FakeTimeouts } from '../../support/fake-timeouts';
import { useTempDir } from '../../support/temp-dir';

vi.mock('electron', () => import('../../support/electron-mock'));
const electron = await import('../../support/electron-mock');
const { alertHandlers } = await import('../../../electron/main/alert-handlers');
const { registerInvokeHandlers } = await import('../../../electron/main/ipc-main');
const { startDesktopApp } = await import('../../../electron/main/desktop-app');

const T0 = Date.UTC(2026, 0, 1, 12);
const channel: AlertChannel = { id: 'ch_1', name: 'pager', kind: 'command', url: null, command: ['/usr/bin/page'], hasSecret: false, enabled: true, disabledReason: null, createdAt: T0 };
const rule: AlertRule = { id: 'rl_1', channelId: 'ch_1', on: ['offline'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: null, createdAt: T0 };
const delivery: AlertDelivery = { id: 'dl_1', channelId: 'ch_1', ruleId: null, state: 'sent', attempts: 1, lastError: null, summary: 'Test message', createdAt: T0, nextAttemptAt: null, sentAt: T0, test: true };

class NotFound extends FleetError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** A facade that records each call and answers like the core: objects, or a FleetError for an unknown id. */
function fakeAlerts() {
  const calls: [string, ...unknown[]][] = [];
  const known = (id: string, what: string) => {
    if (id !== 'ch_1' && id !== 'rl_1') throw new NotFound(`${what} '${id}'`);
  };
  const facade: AlertsFacade = {
    channels: () => (calls.push(['channels']), [channel]),
    createChannel: (c: NewAlertChannel) => (calls.push(['createChannel', c]), channel),
    deleteChannel: (id) => (calls.push(['deleteChannel', id]), known(id, 'Alert channel'), channel),
    testChannel: async (id) => (calls.push(['testChannel', id]), known(id, 'Alert channel'), delivery),
    rules: () => (calls.push(['rules']), [rule]),
    createRule: (r: NewAlertRule) => (calls.push(['createRule', r]), rule),
    deleteRule: (id) => (calls.push(['deleteRule', id]), known(id, 'Alert rule'), rule),
    deliveries: (limit) => (calls.push(['deliveries', limit]), [delivery]),
  };
  return { facade, calls };
}

describe('alerts:* IPC handlers', () => {
  let registered: Disposable;
  let alerts: ReturnType<typeof fakeAlerts>;
  const errors: unknown[] = [];
  const wc = new electron.FakeWebContents();
  const event = { sender: wc, senderFrame: wc.mainFrame };
  const invoke = (channel: string, ...args: unknown[]) => electron.ipcMain.handlers.get(channel)!(event, ...args) as Promise<Result<unknown>>;

  beforeEach(() => {
    electron.resetElectronMock();
    errors.length = 0;
    alerts = fakeAlerts();
    // The agent and settings channels are desktop-app's; here they must not be reached.
    const others = Object.fromEntries(
      INVOKE_CHANNELS.filter((c) => !c.startsWith('alerts:')).map((c) => [c, () => { throw new Error(`${c} reached`); }]),
    );
    const handlers = { ...others, ...alertHandlers(alerts.facade) } as InvokeHandlers;
    registered = registerInvokeHandlers(handlers, { webContents: () => wc as never, isAppUrl: () => true }, (error) => errors.push(error));
  });
  afterEach(() => registered.dispose());

  it('covers every alerts:* channel of the contract', () => {
    expect(Object.keys(alertHandlers(alerts.facade)).sort()).toEqual(INVOKE_CHANNELS.filter((c) => c.startsWith('alerts:')).sort());
  });

  it('lists, tests, deletes and reads deliveries through the facade', async () => {
    expect(await invoke('alerts:channels')).toEqual({ ok: true, value: [channel] });
    expect(await invoke('alerts:rules')).toEqual({ ok: true, value: [rule] });
    expect(await invoke('alerts:test-channel', 'ch_1')).toEqual({ ok: true, value: delivery });
    expect(await invoke('alerts:delete-channel', 'ch_1')).toEqual({ ok: true, value: channel });
    expect(await invoke('alerts:delete-rule', 'rl_1')).toEqual({ ok: true, value: rule });
    expect(await invoke('alerts:deliveries', 20)).toEqual({ ok: true, value: [delivery] });
    expect(alerts.calls).toEqual([['channels'], ['rules'], ['testChannel', 'ch_1'], ['deleteChannel', 'ch_1'], ['deleteRule', 'rl_1'], ['deliveries', 20]]);
  });

  it('hands the core the page’s bodies parsed: a trimmed name, a rule in camelCase with its defaults', async () => {
    await invoke('alerts:create-channel', { name: '  pager ', kind: 'command', command: ['/usr/bin/page', '--now'] });
    await invoke('alerts:create-rule', { channel_id: 'ch_1', on: ['exhausted', 'offline'], selector: { team: 'infra' } });
    expect(alerts.calls).toEqual([
      ['createChannel', { name: 'pager', kind: 'command', command: ['/usr/bin/page', '--now'] }],
      // The schema orders the changes as the contract lists them.
      ['createRule', { channelId: 'ch_1', on: ['offline', 'exhausted'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: null }],
    ]);
  });

  it.each([
    ['alerts:create-channel', [{ name: 'hook', kind: 'webhook' }], 'url: a webhook channel needs url'],
    ['alerts:create-channel', [{ name: 'pager', kind: 'command', url: 'https://x.example/' }], 'command: a command channel needs command: [program, args…]'],
    ['alerts:create-rule', [{ channel_id: 'ch_1', on: [] }], 'on: on must name at least one change'],
    ['alerts:create-rule', [{ channelId: 'ch_1', on: ['offline'] }], 'channel_id'],
    ['alerts:delete-channel', ['../etc'], 'alert ids are 1–64 characters'],
    ['alerts:deliveries', [0], 'limit must be at least 1'],
    ['alerts:deliveries', [5_000], 'limit must be at most 1000'],
  ])('%s with %j is refused as bad_request and never reaches the core', async (channelName, args, message) => {
    const result = await invoke(channelName, ...args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bad_request');
    expect(!result.ok && result.error.message).toContain(message);
    expect(alerts.calls).toEqual([]);
  });

  it('the core’s errors come back with their stable codes, the sync ones and the async test alike; nothing is reported as a bug', async () => {
    expect(await invoke('alerts:delete-channel', 'ch_9')).toEqual({ ok: false, error: { code: 'not_found', message: "Alert channel 'ch_9' not found" } });
    expect(await invoke('alerts:test-channel', 'ch_9')).toEqual({ ok: false, error: { code: 'not_found', message: "Alert channel 'ch_9' not found" } });
    expect(await invoke('alerts:delete-rule', 'rl_9')).toEqual({ ok: false, error: { code: 'not_found', message: "Alert rule 'rl_9' not found" } });
    expect(errors).toEqual([]);
  });

  it('refuses a caller that is not our page', async () => {
    const stranger = new electron.FakeWebContents();
    const result = (await electron.ipcMain.handlers.get('alerts:channels')!({ sender: stranger, senderFrame: stranger.mainFrame })) as Result<unknown>;
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(alerts.calls).toEqual([]);
  });
});

describe('alerts:* in the desktop app, over the real core', () => {
  const tempDir = useTempDir('fleet-desktop-alerts-');
  let app: Awaited<ReturnType<typeof startDesktopApp>> | undefined;
  let receiver: AlertReceiver | undefined;
  afterEach(async () => {
    await app?.close();
    await receiver?.close();
    app = receiver = undefined;
  });

  it('creates a channel and a rule, sends a test to a real receiver, lists the delivery, and deletes', async () => {
    electron.resetElectronMock();
    receiver = await AlertReceiver.start();
    const userData = tempDir();
    app = await startDesktopApp({
      userData,
      argv: ['--port', '0'],
      env: {},
      outDir: path.join(userData, 'out'),
      icon: path.join(userData, 'icon.png'),
      quit: () => {},
      timers: new FakeTimeouts(),
      onError: (error) => {
        throw error;
      },
    });
    const wc = electron.BrowserWindow.instances[0]!.webContents;
    const invoke = async (channel: string, ...args: unknown[]) => {
      const result = (await electron.ipcMain.handlers.get(channel)!({ sender: wc, senderFrame: wc.mainFrame }, ...args)) as Result<unknown>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value;
    };

    const created = (await invoke('alerts:create-channel', { name: 'ops hook', kind: 'webhook', url: `${receiver.url}/hook`, secret: 's3cret' })) as AlertChannel;
    expect(created).toMatchObject({ name: 'ops hook', kind: 'webhook', hasSecret: true, enabled: true });
    expect(JSON.stringify(created)).not.toContain('s3cret');
    const made = (await invoke('alerts:create-rule', { channel_id: created.id, on: ['offline'], selector: { team: 'infra' } })) as AlertRule;
    expect(made).toMatchObject({ channelId: created.id, on: ['offline'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: null });
    expect(await invoke('alerts:rules')).toEqual([made]);

    const tested = (await invoke('alerts:test-channel', created.id)) as AlertDelivery;
    expect(tested).toMatchObject({ channelId: created.id, state: 'sent', test: true });
    const [request] = await receiver.waitFor(1);
    expect(request!.headers['x-fleet-delivery']).toBe(tested.id);
    expect((await invoke('alerts:deliveries', 20)) as AlertDelivery[]).toEqual([expect.objectContaining({ id: tested.id, state: 'sent' })]);

    expect(await invoke('alerts:delete-channel', created.id)).toMatchObject({ id: created.id });
    expect(await invoke('alerts:channels')).toEqual([]);
    expect(await invoke('alerts:rules')).toEqual([]);
  });
});
