/**
 * The desktop shell around the shared core: window, typed IPC, batched
 * pushes, power events, notifications and tray. No domain logic lives here.
 * Everything started is owned by one store and closed together on quit.
 */
import path from 'node:path';
import type { BrowserWindow } from 'electron';
import { DisposableStore, toDisposable } from '../../shared/disposable';
import type { BulkResult, FleetSettings } from '../../shared/fleet-api';
import { fleetLimits, loadConfig, pickConfigArgs } from '../core/config';
import { readExhaustion } from '../core/exhaustion-report';
import { readDesktopSettings, writeDesktopSettings, type DesktopSettings } from '../core/desktop-settings';
import { startFleetCore, type FleetCore } from '../core/fleet-core';
import type { BulkOutcome } from '../core/fleet-service';
import { PushBatcher, type TimeoutHost } from '../core/push-batcher';
import { StatusAlerts } from '../core/status-alerts';
import { systemTimeouts } from '../core/system-clock';
import { alertHandlers } from './alert-handlers';
import { registerInvokeHandlers, sendPush, type InvokeHandlers } from './ipc-main';
import { showNotification } from './notifications';
import { watchPower } from './power';
import { FleetTray } from './tray';
import { createMainWindow, isAppPage } from './window';

export interface DesktopOptions {
  readonly userData: string;
  /** Command-line arguments after the app's own (flags of the configuration table). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory holding out/main, out/preload and out/renderer. */
  readonly outDir: string;
  /**
   * The better-sqlite3 addon built for Electron. main.ts always sets it: the
   * bundled main.js cannot find the addon the way better-sqlite3 does on its
   * own (`bindings`). Unset only in tests, which run on Node's build.
   */
  readonly nativeBinding?: string;
  readonly icon: string;
  readonly quit: () => void;
  readonly timers?: TimeoutHost;
  readonly onError?: (error: unknown) => void;
  /**
   * Aborted when the app quits during start-up: the core cannot stop half-way,
   * so the start finishes it, then closes it again and throws the abort reason
   * instead of opening the window.
   */
  readonly signal?: AbortSignal;
}

export interface DesktopApp {
  readonly core: FleetCore;
  readonly window: BrowserWindow;
  /** Brings the window to the front (second launch, tray click). */
  show(): void;
  /** Closes everything: IPC, tray, timers, then the port and the database. */
  close(): Promise<void>;
}


export async function startDesktopApp(options: DesktopOptions): Promise<DesktopApp> {
  const onError = options.onError ?? ((error: unknown) => console.error('fleet-monitor:', error));
  const timers = options.timers ?? systemTimeouts;
  const config = loadConfig(pickConfigArgs(options.argv), { FLEET_DB: path.join(options.userData, 'fleet.db'), ...options.env });
  const core = await startFleetCore(config, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), timeouts: timers, onError });
  const owned = new DisposableStore();

  try {
    // Quit while the core started: close it again (below) rather than open the window.
    options.signal?.throwIfAborted();
    const settingsFile = path.join(options.userData, 'settings.json');
    let desktopSettings: DesktopSettings = readDesktopSettings(settingsFile);
    const page = path.join(options.outDir, 'renderer', 'index.html');
    const win = createMainWindow({ preload: path.join(options.outDir, 'preload', 'preload.cjs'), page });
    owned.add(toDisposable(() => !win.isDestroyed() && win.destroy()));
    const show = () => {
      if (win.isDestroyed()) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    };

    if (core.movedAside) {
      showNotification({ title: 'Fleet Monitor started a new database', body: `The old one was unreadable and was moved to ${core.movedAside}.` });
    }
    const tray = owned.add(new FleetTray(options.icon, { show, quit: options.quit }));
    tray.update(core.service.countByStatus());
    const batcher = owned.add(
      new PushBatcher((delta) => {
        sendPush(win.webContents, 'agents:changed', delta);
        tray.update(core.service.countByStatus());
      }, timers),
    );
    owned.add(core.service.onDidChange(batcher.accept));
    const alerts = owned.add(new StatusAlerts((alert) => desktopSettings.notifications && showNotification(alert), timers));
    alerts.knownWaiting(core.service.list().filter((agent) => agent.waiting !== null).map((agent) => agent.id));
    owned.add(core.service.onDidChange(alerts.accept));
    owned.add(watchPower(core.sweeper));

    const settings = (): FleetSettings => ({
      url: core.port.url,
      port: core.port.port,
      agentToken: core.tokens.agentToken,
      operatorToken: core.tokens.operatorToken,
      heartbeatTimeoutS: config.heartbeatTimeoutS,
      sweepIntervalMs: config.sweepIntervalMs,
      defaultRecoveryS: config.defaultRecoveryS,
      limits: fleetLimits(config),
      notifications: desktopSettings.notifications,
    });
    const { service } = core;
    const handlers: InvokeHandlers = {
      'agents:page': (cursor, limit) => {
        // One more than asked tells whether there is a next page.
        const agents = service.listPage(cursor ?? '', limit + 1);
        const more = agents.length > limit;
        return { agents: more ? agents.slice(0, limit) : agents, nextCursor: more ? agents[limit - 1]!.id : null };
      },
      'agents:get': (id) => service.get(id),
      'agents:history': (id, limit) => service.history(id, limit),
      'agents:force-exhaust': ({ id, reason, recoveryAt, message, tz }) =>
        service.forceExhaust(id, readExhaustion({ reason, recovery_at: recoveryAt, message, tz }, core.clock.now()).report),
      'agents:recover': (id) => service.recover(id),
      'agents:bulk-recover': (ids) => bulkResults(service.bulk(ids, (id) => service.recover(id))),
      'agents:bulk-exhaust': ({ ids, reason, recoveryAt, message, tz }) => {
        const { report } = readExhaustion({ reason, recovery_at: recoveryAt, message, tz }, core.clock.now());
        service.checkRecoveryHorizon(report);
        return bulkResults(service.bulk(ids, (id) => service.forceExhaust(id, report)));
      },
      'agents:forget': (id) => service.forget(id),
      'settings:get': settings,
      'settings:update': (patch) => {
        desktopSettings = { ...desktopSettings, ...(patch.notifications === undefined ? {} : { notifications: patch.notifications }) };
        writeDesktopSettings(settingsFile, desktopSettings);
        return settings();
      },
      ...alertHandlers(core.alerts),
    };
    owned.add(registerInvokeHandlers(handlers, { webContents: () => (win.isDestroyed() ? undefined : win.webContents), isAppUrl: (url) => isAppPage(url, page) }, onError));

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        owned.dispose();
        await core.close();
      })());
    return { core, window: win, show, close };
  } catch (error) {
    owned.dispose();
    await core.close();
    throw error;
  }
}

/** A bulk action's outcomes as the bridge carries them: errors as their stable code and message. */
function bulkResults(outcomes: readonly BulkOutcome[]): BulkResult[] {
  return outcomes.map((o) => (o.ok ? { id: o.id, ok: true, agent: o.agent } : { id: o.id, ok: false, error: o.error.toInfo() }));
}
