/**
 * The Electron entry (electron/main/main.ts) with a mocked `electron`: one
 * instance, and on quit everything it started closes (port, database, IPC,
 * tray) before the app really quits, also when the quit comes during start-up.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FleetCoreModule from '../../../electron/core/fleet-core';
import { useTempDir } from '../../support/temp-dir';

// One mock instance for every fresh import of main.ts (each test resets the module registry).
const electron = await vi.hoisted(() => import('../../support/electron-mock'));
vi.mock('electron', () => electron);
// The Electron-ABI addon is not built here; the entry then opens the store with node_modules' build.
vi.mock('../../../electron/main/native-binding', () => ({ electronNativeBinding: () => undefined }));
// The real core, with a gate a test can close to hold the start-up open once the port listens.
const startup = vi.hoisted(() => ({
  gate: undefined as Promise<void> | undefined,
  onCoreStarted: undefined as ((port: number) => void) | undefined,
}));
vi.mock('../../../electron/core/fleet-core', async (importOriginal) => {
  const actual = await importOriginal<typeof FleetCoreModule>();
  return {
    ...actual,
    startFleetCore: async (...args: Parameters<typeof actual.startFleetCore>) => {
      const core = await actual.startFleetCore(...args);
      startup.onCoreStarted?.(core.port.port);
      await startup.gate;
      return core;
    },
  };
});

const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(true));
  });

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Electron entry', () => {
  const tempDir = useTempDir('fleet-entry-');
  const env = { ...process.env };

  beforeEach(() => {
    electron.resetElectronMock();
    vi.resetModules();
    electron.app.userData = tempDir();
    process.env.FLEET_PORT = '0';
    delete process.env.FLEET_DB;
    startup.gate = undefined;
    startup.onCoreStarted = undefined;
  });
  afterEach(() => {
    process.env = { ...env };
    if (!electron.app.quitted) electron.app.quit();
  });

  /** Imports main.ts (which starts the app) and waits for the window and its IPC. */
  async function launch() {
    await import('../../../electron/main/main');
    await until(() => electron.ipcMain.handlers.size > 0 || electron.dialog.errors.length > 0);
    expect(electron.dialog.errors).toEqual([]);
    const win = electron.BrowserWindow.instances[0]!;
    const settings = (await electron.ipcMain.handlers.get('settings:get')!({ sender: win.webContents, senderFrame: win.webContents.mainFrame })) as {
      ok: true;
      value: { port: number };
    };
    return { win, port: settings.value.port };
  }

  it('on quit, closes the port, the database, IPC and the tray first, then quits', async () => {
    const { port } = await launch();
    expect(await refuses(port)).toBe(false);
    // What is still open at the moment the process would end: the store's lock file says whether the database closed.
    const lock = path.join(electron.app.userData, 'fleet.db.lock');
    expect(fs.existsSync(lock)).toBe(true);
    const lockAtQuit: boolean[] = [];
    electron.app.on('quit', () => lockAtQuit.push(fs.existsSync(lock)));

    electron.app.quit();
    // The first before-quit is held back while everything closes.
    expect(electron.app.quitted).toBe(false);
    await until(() => electron.app.quitted);
    // Closing the window makes Electron emit window-all-closed, whose app.quit() must not cut the close short.
    // One quit, the database closed by then (the lock file gone).
    expect(lockAtQuit).toEqual([false]);
    expect(await refuses(port)).toBe(true);
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(electron.Tray.instances[0]!.destroyed).toBe(true);
    expect(electron.powerMonitor.listenerCount('resume')).toBe(0);
  });

  it('a quit while it is still starting waits for the start, then closes the port and quits, with no window', async () => {
    let finishStart!: () => void;
    startup.gate = new Promise((resolve) => (finishStart = resolve));
    const coreStarted = new Promise<number>((resolve) => (startup.onCoreStarted = resolve));
    await import('../../../electron/main/main');
    const port = await coreStarted;
    expect(await refuses(port)).toBe(false);

    electron.app.quit();
    // Held back: the start is not done, and what it opened must be closed first.
    expect(electron.app.quitted).toBe(false);
    finishStart();
    await until(() => electron.app.quitted);
    expect(await refuses(port)).toBe(true);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
    expect(electron.Tray.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(electron.dialog.errors).toEqual([]);
    expect(electron.app.exitCode).toBeUndefined();
  });

  it('on Windows it sets the AppUserModelID to the packaged appId, so notifications are attributed to the app', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      await launch();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    const builder = fs.readFileSync(path.resolve('electron-builder.yml'), 'utf8');
    expect(builder).toContain(`appId: ${electron.app.appUserModelId}`);
    electron.app.quit();
    await until(() => electron.app.quitted);
  });

  it('a second launch shows the first window', async () => {
    const { win } = await launch();
    win.shown = false;
    electron.app.emit('second-instance');
    expect(win.shown).toBe(true);
  });

  it('without the single-instance lock it quits at once and starts nothing', async () => {
    electron.app.gotLock = false;
    await import('../../../electron/main/main');
    await new Promise((r) => setTimeout(r, 50));
    expect(electron.app.quitted).toBe(true);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});
