/**
 * Electron entry: one instance; on ready, the desktop app; on quit, close it
 * all (port, database) before the process goes, even when the quit comes
 * while the app is still starting.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog } from 'electron';
import { startDesktopApp, type DesktopApp } from './desktop-app';
import { electronNativeBinding } from './native-binding';
import { trayIconPath } from './tray';

/** The app's id, as electron-builder.yml's appId: Windows attributes notifications by it. */
export const APP_USER_MODEL_ID = 'dev.fleetmonitor.app';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..');

// Without it, Windows files the app's notifications under electron.exe (or drops them).
if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance focuses its window.
  app.quit();
} else {
  let desktop: DesktopApp | undefined;
  /** Settles once the start has succeeded or failed; unset until the app is ready. */
  let starting: Promise<void> | undefined;
  let quitting = false;
  /** Set once everything the app opened is closed: the quit may then go through. */
  let closed = false;
  // A quit during start-up cannot stop the core half-way: the start finishes it,
  // closes it again and opens no window.
  const startUp = new AbortController();

  app.on('second-instance', () => desktop?.show());
  app.on('window-all-closed', () => {
    if (!quitting) app.quit();
  });
  app.on('before-quit', (event) => {
    if (closed) return;
    startUp.abort();
    // Before ready nothing was started: the quit goes through.
    if (!starting) {
      quitting = closed = true;
      return;
    }
    // Every quit is held until all is closed — also the one Electron's window-all-closed
    // brings when the close destroys the window — or the process would end mid-close.
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void starting
      .then(() => desktop?.close())
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  /** Starts the desktop app; a failure says why and exits, unless a quit aborted the start. */
  const start = async () => {
    try {
      desktop = await startDesktopApp({
        userData: app.getPath('userData'),
        argv: process.argv.slice(app.isPackaged ? 1 : 2),
        env: process.env,
        outDir,
        nativeBinding: electronNativeBinding(app.isPackaged, here),
        icon: trayIconPath(path.join(outDir, 'tray'), process.platform),
        quit: () => app.quit(),
        signal: startUp.signal,
      });
    } catch (error) {
      // Aborted by a quit: what the start opened is closed again, and the quit goes on.
      if (startUp.signal.aborted) return;
      dialog.showErrorBox('Fleet Monitor cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    }
  };
  void app.whenReady().then(() => {
    if (!quitting) starting = start();
  });
}
