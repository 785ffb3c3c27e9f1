/**
 * The desktop shell with a mocked `electron` module: window security, the
 * IPC sender check and argument validation, batched pushes, power events,
 * notifications, tray, and disposal on quit.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentDelta, Result } from '../../../shared/fleet-api';
import { FakeTimeouts } from '../../support/fake-timeouts';
import { useTempDir } from '../../support/temp-dir';

vi.mock('electron', () => import('../../support/electron-mock'));

const electron = await import('../../support/electron-mock');
const { startDesktopApp } = await import('../../../electron/main/desktop-app');
const { trayIconPath } = await import('../../../electron/main/tray');
const repoRoot = path.resolve(import.meta.dirname, '../../..');
type DesktopApp = Awaited<ReturnType<typeof startDesktopApp>>;

describe('desktop shell (mocked electron)', () => {
  const tempDir = useTempDir('fleet-desktop-');
  let app: DesktopApp | undefined;
  let timers: FakeTimeouts;
  let quit: () => void;

  beforeEach(() => {
    electron.resetElectronMock();
    timers = new FakeTimeouts();
    quit = vi.fn<() => void>();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(userData = tempDir(), icon = path.join(userData, 'icon.png')): Promise<DesktopApp> {
    app = await startDesktopApp({
      userData,
      argv: ['--no-sandbox', '--port', '0'],
      env: { FLEET_SWEEP_INTERVAL_MS: '1000' },
      outDir: path.join(userData, 'out'),
      icon,
      quit,
      timers,
      onError: (error) => {
        throw error;
      },
    });
    return app;
  }

  const win = () => electron.BrowserWindow.instances[0]!;
  const frameEvent = (overrides: Partial<{ sender: unknown; senderFrame: unknown }> = {}) => ({
    sender: win().webContents,
    senderFrame: win().webContents.mainFrame,
    ...overrides,
  });
  const invoke = (channel: string, event: unknown, ...args: unknown[]) =>
    electron.ipcMain.handlers.get(channel)!(event, ...args) as Promise<Result<unknown>>;

  describe('window', () => {
    it('has contextIsolation and sandbox on, nodeIntegration off, and the bundled preload', async () => {
      const { core } = await start();
      const prefs = win().options.webPreferences as Record<string, unknown>;
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
      expect(String(prefs.preload)).toMatch(/out[/\\]preload[/\\]preload\.cjs$/);
      expect(core.db.open).toBe(true);
    });

    it('denies navigation away, redirects, webviews and new windows; opens only http(s) externally', async () => {
      await start();
      const wc = win().webContents;
      expect(wc.navigate('will-navigate', 'https://evil.example/')).toBe(true);
      expect(wc.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
      expect(wc.navigate('will-navigate', 'javascript:alert(1)')).toBe(true);
      expect(wc.navigate('will-navigate', wc.mainFrame.url)).toBe(false);
      expect(wc.navigate('will-redirect', 'https://evil.example/')).toBe(true);
      expect(wc.navigate('will-attach-webview', 'https://evil.example/')).toBe(true);
      expect(wc.windowOpenHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
      expect(wc.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
      expect(wc.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
      // The in-page link and the new-window one, each to the system browser; nothing else.
      expect(electron.shell.opened).toEqual(['https://evil.example/', 'https://docs.example/']);
    });

    it('grants our page’s main frame clipboard writes (its Copy buttons), and nothing else to anyone', async () => {
      await start();
      const wc = win().webContents;
      expect(wc.requestPermission('clipboard-sanitized-write')).toBe(true);
      // Not from a subframe, another page, or another web contents.
      expect(wc.requestPermission('clipboard-sanitized-write', { requestingUrl: wc.mainFrame.url, isMainFrame: false })).toBe(false);
      expect(wc.requestPermission('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
      expect(wc.requestPermission('clipboard-sanitized-write', { requestingUrl: 'file:///tmp/other.html', isMainFrame: true })).toBe(false);
      expect(wc.requestPermission('clipboard-sanitized-write', undefined, new electron.FakeWebContents())).toBe(false);
      for (const permission of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen']) {
        expect(wc.requestPermission(permission), permission).toBe(false);
      }
    });

    it('answers permission checks as it answers requests (Electron’s default check grants everything)', async () => {
      await start();
      const wc = win().webContents;
      expect(wc.checkPermission('clipboard-sanitized-write')).toBe(true);
      expect(wc.checkPermission('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
      expect(wc.checkPermission('clipboard-sanitized-write', { requestingUrl: 'file:///tmp/other.html', isMainFrame: true })).toBe(false);
      expect(wc.checkPermission('clipboard-sanitized-write', { requestingUrl: wc.mainFrame.url, isMainFrame: false })).toBe(false);
      expect(wc.checkPermission('clipboard-sanitized-write', undefined, null)).toBe(false);
      for (const permission of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen']) {
        expect(wc.checkPermission(permission), permission).toBe(false);
      }
    });
  });

  describe('IPC', () => {
    it('answers our page’s main frame with {ok: true, value}', async () => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      const result = await invoke('agents:page', frameEvent(), null, 10);
      expect(result).toMatchObject({ ok: true, value: { agents: [{ id: 'a1', status: 'idle' }], nextCursor: null } });
    });

    it('agents:bulk-recover and agents:bulk-exhaust act on many in one transaction, each agent reported', async () => {
      const { core } = await start();
      for (const id of ['a', 'b', 'c']) core.service.recordHeartbeat(id);
      const batches: unknown[] = [];
      const listening = core.service.onDidChange((changes) => batches.push(changes));
      const exhausted = await invoke('agents:bulk-exhaust', frameEvent(), { ids: ['a', 'b', 'nobody'], reason: 'billing' });
      expect(exhausted).toMatchObject({
        ok: true,
        value: [
          { id: 'a', ok: true, agent: { status: 'exhausted', exhaustReason: 'billing' } },
          { id: 'b', ok: true, agent: { status: 'exhausted' } },
          { id: 'nobody', ok: false, error: { code: 'not_found' } },
        ],
      });
      expect(batches).toHaveLength(1);
      const recovered = await invoke('agents:bulk-recover', frameEvent(), ['a', 'c']);
      expect(recovered).toMatchObject({ ok: true, value: [{ id: 'a', ok: true, agent: { status: 'idle' } }, { id: 'c', ok: false, error: { code: 'invalid_transition' } }] });
      const far = await invoke('agents:bulk-exhaust', frameEvent(), { ids: ['c'], reason: 'billing', recoveryAt: Date.now() + 8 * 86_400_000 });
      expect(far).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(core.service.get('c').status).toBe('idle');
      listening.dispose();
    });

    it('agents:page pages through the fleet in id order, the last page with no next cursor', async () => {
      const { core } = await start();
      for (const id of ['c', 'a', 'e', 'b', 'd']) core.service.recordHeartbeat(id);
      const ids: string[][] = [];
      let cursor: string | null = null;
      do {
        const result = await invoke('agents:page', frameEvent(), cursor, 2);
        if (!result.ok) throw new Error(result.error.message);
        const page = result.value as { agents: { id: string }[]; nextCursor: string | null };
        ids.push(page.agents.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor !== null && ids.length < 10);
      expect(ids).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
      // A page that ends exactly at the last agent says there is no next one.
      expect(await invoke('agents:page', frameEvent(), 'c', 2)).toMatchObject({ ok: true, value: { nextCursor: null } });
    });

    it.each([
      ['another webContents', () => ({ sender: new electron.FakeWebContents() })],
      ['a subframe', () => ({ senderFrame: { url: win().webContents.mainFrame.url } })],
      ['a foreign page in our window', () => ({ senderFrame: Object.assign(win().webContents.mainFrame, { url: 'https://evil.example/' }) })],
      ['no frame', () => ({ senderFrame: null })],
    ])('refuses %s without touching the store', async (_name, overrides) => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      const before = core.service.get('a1');
      const result = await invoke('agents:force-exhaust', frameEvent(overrides()), { id: 'a1', reason: 'billing' });
      expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: "IPC 'agents:force-exhaust' refused: unexpected sender" } });
      expect(core.service.get('a1')).toEqual(before);
    });

    it.each([
      ['agents:recover', []],
      ['agents:recover', [42]],
      ['agents:recover', ['bad id!']],
      ['agents:force-exhaust', [{ id: 'a1', reason: 'tired' }]],
      ['agents:force-exhaust', [{ id: 'a1', reason: 'billing', recoveryAt: 'soon' }]],
      ['agents:force-exhaust', [{ id: 'a1', reason: 'billing', tz: 'Nowhere/Land' }]],
      ['agents:force-exhaust', [{ id: 'a1', reason: 'billing', message: 42 }]],
      ['agents:history', ['a1', 0]],
      ['settings:update', [{ notifications: 'yes' }]],
      ['settings:update', [{ theme: 'dark' }]],
      ['agents:page', [null, 10, 'extra']],
      ['agents:page', [null, 0]],
      ['agents:page', [null, 10_001]],
      ['agents:page', ['bad id!', 10]],
      ['agents:page', [null]],
      ['agents:bulk-recover', ['a1']],
      ['agents:bulk-recover', [Array.from({ length: 10_001 }, (_, i) => `a${i}`)]],
      ['agents:bulk-exhaust', [{ ids: ['a1'], reason: 'tired' }]],
    ])('%s with malformed arguments %j gets {ok:false, bad_request} and changes nothing', async (channel, args) => {
      const { core } = await start();
      core.service.reportBusy('a1', 'work');
      const before = JSON.stringify([core.service.list(), core.service.history('a1')]);
      const result = await invoke(channel, frameEvent(), ...args);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('bad_request');
      expect(JSON.stringify([core.service.list(), core.service.history('a1')])).toBe(before);
    });

    it("force-exhaust with the pasted message: the main side reads the time from it, as the port does", async () => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      const before = Date.now();
      const result = await invoke('agents:force-exhaust', frameEvent(), { id: 'a1', reason: 'rate_limit', message: 'Please retry in 20 minutes.', tz: 'UTC' });
      expect(result).toMatchObject({ ok: true, value: { status: 'exhausted', recoverySource: 'message', exhaustExcerpt: 'Please retry in 20 minutes.' } });
      const recoveryAt = result.ok ? (result.value as { recoveryAt: number }).recoveryAt : 0;
      expect(recoveryAt - before).toBeGreaterThanOrEqual(20 * 60_000);
      expect(recoveryAt - Date.now()).toBeLessThanOrEqual(20 * 60_000);
    });

    it('force-exhaust with a time beyond the recovery horizon is {ok:false, bad_request} saying the bound, and changes nothing', async () => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      const before = JSON.stringify([core.service.list(), core.service.history('a1')]);
      const result = await invoke('agents:force-exhaust', frameEvent(), { id: 'a1', reason: 'billing', recoveryAt: Date.now() + 8 * 86_400_000 });
      expect(result).toEqual({ ok: false, error: { code: 'bad_request', message: 'recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)' } });
      expect(JSON.stringify([core.service.list(), core.service.history('a1')])).toBe(before);
    });

    it('a refused move is {ok:false} with the reference message, never a throw', async () => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      expect(await invoke('agents:recover', frameEvent(), 'a1')).toEqual({
        ok: false,
        error: { code: 'invalid_transition', message: "Agent 'a1' is idle; expected one of [busy, on_call, exhausted, offline]" },
      });
      expect(await invoke('agents:recover', frameEvent(), 'ghost')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it('every operation of the contract works end to end', async () => {
      const { core } = await start();
      core.service.reportBusy('a1', 'work');
      expect(await invoke('agents:get', frameEvent(), 'a1')).toMatchObject({ ok: true, value: { status: 'busy' } });
      expect(await invoke('agents:force-exhaust', frameEvent(), { id: 'a1', reason: 'rate_limit', recoveryAt: Date.now() + 60_000 })).toMatchObject({
        ok: true,
        value: { status: 'exhausted' },
      });
      expect(await invoke('agents:recover', frameEvent(), 'a1')).toMatchObject({ ok: true, value: { status: 'idle' } });
      const history = await invoke('agents:history', frameEvent(), 'a1', 10);
      expect(history.ok && (history.value as { cause: string }[]).map((e) => e.cause)).toEqual(['operator', 'operator', 'agent']);
      const settings = await invoke('settings:get', frameEvent());
      expect(settings).toMatchObject({ ok: true, value: { port: core.port.port, agentToken: core.tokens.agentToken, operatorToken: core.tokens.operatorToken, heartbeatTimeoutS: 120, notifications: true } });
      expect(await invoke('settings:update', frameEvent(), { notifications: false })).toMatchObject({ ok: true, value: { notifications: false } });
      expect(await invoke('agents:forget', frameEvent(), 'a1')).toMatchObject({ ok: true, value: { id: 'a1' } });
    });
  });

  describe('pushes', () => {
    it('1,000 changes in one tick become one message with each agent once', async () => {
      const { core } = await start();
      for (let i = 0; i < 1000; i++) core.service.recordHeartbeat(`agent-${i % 250}`);
      expect(win().webContents.sent).toHaveLength(0);
      timers.runAll();
      const sent = win().webContents.sent.filter((m) => m.channel === 'agents:changed');
      expect(sent).toHaveLength(1);
      const delta = sent[0]!.payload as AgentDelta;
      expect(delta.upserts).toHaveLength(250);
      expect(delta.removed).toEqual([]);
    });

    it('a forget after an update in the same batch is sent as a removal only', async () => {
      const { core } = await start();
      core.service.recordHeartbeat('a1');
      core.service.forget('a1');
      timers.runAll();
      expect(win().webContents.sent.at(-1)!.payload).toEqual({ upserts: [], removed: ['a1'] });
    });
  });

  describe('notifications and tray', () => {
    it.skipIf(process.platform !== 'linux')('on Linux, agent names in a notification body are escaped for libnotify markup', async () => {
      const { core } = await start();
      core.service.reportBusy('a', 'work', { name: '<b>boss</b>' });
      core.service.reportBusy('b', 'work', { name: 'R&D <a href="http://evil.test">' });
      timers.runAll();
      core.service.sweep(Date.now() + 1);
      timers.runAll();
      expect(electron.Notification.shown).toEqual([
        { title: '2 agents need attention: 2 offline', body: '&lt;b&gt;boss&lt;/b&gt;, R&amp;D &lt;a href=&quot;http://evil.test&quot;&gt;' },
      ]);
    });

    it('many agents going offline at once make one notification naming the count; the tray shows counts', async () => {
      const { core } = await start();
      for (const id of ['a', 'b', 'c', 'd']) core.service.reportBusy(id, 'work');
      timers.runAll();
      expect(electron.Tray.instances[0]!.tooltip).toBe('Fleet Monitor: 4 busy');
      core.service.sweep(Date.now() + 1);
      timers.runAll();
      expect(electron.Notification.shown).toEqual([{ title: '4 agents need attention: 4 offline', body: 'a, b, c and 1 more' }]);
      expect(electron.Tray.instances[0]!.tooltip).toBe('Fleet Monitor: 4 offline');
    });

    it('the tray menu is rebuilt only when a count changes, not at every push', async () => {
      const { core } = await start();
      core.service.reportBusy('a', 'work');
      timers.runAll();
      const tray = electron.Tray.instances[0]!;
      const sets = tray.menuSets;
      for (let i = 0; i < 5; i++) {
        core.service.recordHeartbeat('a');
        core.service.flushHeartbeats();
        timers.runAll();
      }
      expect(tray.menuSets).toBe(sets);
      core.service.reportIdle('a');
      timers.runAll();
      expect(tray.menuSets).toBe(sets + 1);
    });

    it.each(['linux', 'win32', 'darwin'] as const)('the tray shows the %s icon file as drawn, never resized; the macOS one as a template', async (platform) => {
      const icon = trayIconPath(path.join(repoRoot, 'out', 'tray'), platform);
      await start(tempDir(), icon);
      const image = electron.Tray.instances[0]!.image as InstanceType<typeof electron.FakeNativeImage>;
      expect(image.path).toBe(icon);
      expect(image.isEmpty()).toBe(false);
      expect(image.isTemplateImage()).toBe(platform === 'darwin');
    });

    it('one exhausted agent is named; the setting turns notifications off', async () => {
      const { core } = await start();
      core.service.reportExhausted('solo', { reason: 'billing', recoveryAt: null });
      timers.runAll();
      expect(electron.Notification.shown).toHaveLength(1);
      expect(electron.Notification.shown[0]!.title).toBe('solo is exhausted');
      await invoke('settings:update', frameEvent(), { notifications: false });
      core.service.reportExhausted('second', { reason: 'rate_limit', recoveryAt: null });
      timers.runAll();
      expect(electron.Notification.shown).toHaveLength(1);
    });
  });

  describe('waiting notifications', () => {
    const permission = { op: { kind: 'heartbeat' } as const, waiting: { kind: 'permission' as const, message: 'Bash: npm test' } };

    it('an agent that starts waiting is told once, not at every heartbeat; a new wait after an answer is told again', async () => {
      const { core } = await start();
      core.service.reportBusy('cc-1', 'work', { name: 'payments-api' });
      core.service.reportActivity('cc-1', permission);
      timers.runAll();
      expect(electron.Notification.shown).toEqual([{ title: 'payments-api needs you', body: 'permission: Bash: npm test' }]);
      core.service.reportActivity('cc-1', permission);
      core.service.recordHeartbeat('cc-1');
      timers.runAll();
      expect(electron.Notification.shown).toHaveLength(1);
      core.service.reportActivity('cc-1', { op: { kind: 'busy', slotType: 'work' }, from: ['idle'], waiting: null });
      core.service.reportActivity('cc-1', permission);
      timers.runAll();
      expect(electron.Notification.shown).toHaveLength(2);
    });

    it('an agent already waiting when the app starts is not told again at its next heartbeat', async () => {
      const userData = tempDir();
      const first = await start(userData);
      first.core.service.reportActivity('cc-1', permission);
      timers.runAll();
      await first.close();
      app = undefined;
      const shown = electron.Notification.shown.length;
      const { core } = await start(userData);
      core.service.recordHeartbeat('cc-1', { usage: { five_hour: { usedPercent: 50, resetsAt: null } } });
      core.service.flushHeartbeats();
      timers.runAll();
      expect(electron.Notification.shown).toHaveLength(shown);
    });

    it('waits coalesce with status changes into one notification', async () => {
      const { core } = await start();
      for (const id of ['w1', 'w2']) core.service.reportActivity(id, permission);
      core.service.reportExhausted('x', { reason: 'rate_limit' });
      timers.runAll();
      expect(electron.Notification.shown).toEqual([{ title: '3 agents need attention: 1 exhausted, 2 waiting for you', body: 'w1, w2, x' }]);
    });
  });

  it.each(['suspend', 'resume', 'lock-screen', 'unlock-screen'])('OS %s starts a new grace period for the sweeper', async (name) => {
    const { core } = await start();
    const before = core.sweeper.graceStartedAt;
    await new Promise((r) => setTimeout(r, 5));
    electron.powerMonitor.emit(name);
    expect(core.sweeper.graceStartedAt).toBeGreaterThan(before);
  });

  it('close() on quit closes the port and the database, removes IPC handlers and the tray', async () => {
    const desktop = await start();
    const { port } = desktop.core.port;
    await desktop.close();
    app = undefined;
    expect(desktop.core.db.open).toBe(false);
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(electron.Tray.instances[0]!.destroyed).toBe(true);
    for (const name of ['suspend', 'resume', 'lock-screen', 'unlock-screen']) expect(electron.powerMonitor.listenerCount(name)).toBe(0);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => (socket.destroy(), resolve(false)));
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(fs.existsSync(path.join(path.dirname(desktop.core.config.dbPath), 'fleet.db-wal'))).toBe(false);
  });
});
