import { BrowserWindow, shell, type WebPreferences } from 'electron';
import { pathToFileURL } from 'node:url';

/** The window's web preferences: the renderer gets no Node and no Electron, only the preload's bridge. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Whether `url` opens in the system browser: http(s) only, never file:, javascript: or custom schemes. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The main window, showing our bundled page only: navigation away is denied,
 * new windows are denied, and http(s) links go to the system browser.
 */
export function createMainWindow(options: { preload: string; page: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Fleet Monitor',
    show: false,
    backgroundColor: '#111418',
    webPreferences: secureWebPreferences(options.preload),
  });
  const pageUrl = pathToFileURL(options.page).href;
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, url) => {
    if (url === pageUrl) return;
    event.preventDefault();
    // A plain link to the web leaves the app for the system browser, like a new-window one.
    if (isExternalWebUrl(url)) void shell.openExternal(url);
  });
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The page asks for one thing, writing to the clipboard (its Copy buttons);
  // no camera, notifications (the main side sends those), geolocation… Checks
  // answer the same as requests (Electron's default check says "granted" to
  // all, which Notification.permission and navigator.permissions would report).
  const session = win.webContents.session;
  session.setPermissionRequestHandler((wc, permission, callback, details) =>
    callback(wc === win.webContents && isPermissionGranted(permission, details, options.page)),
  );
  session.setPermissionCheckHandler((wc, permission, _origin, details) => wc === win.webContents && isPermissionGranted(permission, details, options.page));
  void win.loadFile(options.page);
  return win;
}

/** The one permission our page's main frame is granted: clipboard writes. Every other request, and any from elsewhere, is refused. */
export const GRANTED_PERMISSION = 'clipboard-sanitized-write';

/** Whether a permission request is granted: {@link GRANTED_PERMISSION}, asked by our own page's main frame. */
export function isPermissionGranted(permission: string, details: { isMainFrame?: boolean; requestingUrl?: string }, page: string): boolean {
  return permission === GRANTED_PERMISSION && details.isMainFrame === true && isAppPage(details.requestingUrl ?? '', page);
}

/** Our page, and nothing else, counts as the app (for the IPC sender check). */
export function isAppPage(url: string, page: string): boolean {
  const expected = pathToFileURL(page).href;
  return url === expected || url.startsWith(`${expected}#`) || url.startsWith(`${expected}?`);
}
