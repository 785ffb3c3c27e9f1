/**
 * Electron entry: one instance; on ready, the desktop app; on quit, close it
 * all (port, database) before the process goes.
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
  let quitting = false;
  app.on('second-instance', () => desktop?.show());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!desktop || quitting) return;
    event.preventDefault();
    quitting = true;
    void desktop.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(async () => {
      desktop = await startDesktopApp({
        userData: app.getPath('userData'),
        argv: process.argv.slice(app.isPackaged ? 1 : 2),
        env: process.env,
        outDir,
        nativeBinding: electronNativeBinding(app.isPackaged, here),
        icon: path.join(outDir, 'renderer', 'icon.png'),
        quit: () => app.quit(),
      });
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('Fleet Monitor cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
