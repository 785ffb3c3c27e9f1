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

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..');

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance focuses its window.
  app.quit();
} else {
  let desktop: DesktopApp | undefined;
  /** Settles once the start has succeeded or failed; unset until the app is ready. */
  let starting: Promise<void> | undefined;
  let quitting = false;
  // A quit during start-up cannot stop the core half-way: the start finishes it,
  // closes it again and opens no window.
  const startUp = new AbortController();

  app.on('second-instance', () => desktop?.show());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    startUp.abort();
    // Before ready nothing was started; otherwise hold the quit until all is closed.
    if (!starting) return;
    event.preventDefault();
    void starting.then(() => desktop?.close()).finally(() => app.quit());
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
        icon: path.join(outDir, 'renderer', 'icon.png'),
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
