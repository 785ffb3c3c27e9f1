/**
 * Electron composition root: one instance, the shared core (store, service,
 * sweeper) at the user-data folder, one secure window. Everything started is
 * owned by one store and disposed on quit. IPC, tray, notifications and the
 * agent port are wired here by their own issues.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, shell } from 'electron';
import { DisposableStore } from '../../shared/disposable';
import { loadConfig } from '../core/config';
import { startFleetCore } from '../core/fleet-core';
import { electronNativeBinding } from './native-binding';

const here = path.dirname(fileURLToPath(import.meta.url));
const owned = new DisposableStore();

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Fleet Monitor',
    show: false,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  win.once('ready-to-show', () => win.show());
  // The window shows our bundled page only: no navigation, no new windows;
  // http(s) links open in the system browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(path.join(here, '../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.whenReady().then(async () => {
    const config = loadConfig(process.argv.slice(app.isPackaged ? 1 : 2), {
      FLEET_DB: path.join(app.getPath('userData'), 'fleet.db'),
      ...process.env,
    });
    owned.add(await startFleetCore(config, { nativeBinding: electronNativeBinding(app.isPackaged, here) }));
    win = createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => owned.dispose());
}
