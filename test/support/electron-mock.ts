/**
 * A stand-in for the `electron` module, for unit tests of the shell on plain
 * Node (Electron's binary is not available here). It records what the shell
 * asks of Electron and lets tests play Electron's part (events, IPC calls).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: 'about:blank' };
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  /** Electron calls it with the request's details (PermissionRequest: the frame's URL, whether it is the main frame). */
  permissionHandler:
    | ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void)
    | undefined;
  /** Electron calls it with the requesting origin and the check's details (PermissionCheckHandlerHandlerDetails). */
  permissionCheckHandler:
    | ((wc: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean)
    | undefined;
  destroyed = false;
  readonly session = {
    setPermissionRequestHandler: (handler: FakeWebContents['permissionHandler']) => {
      this.permissionHandler = handler;
    },
    setPermissionCheckHandler: (handler: FakeWebContents['permissionCheckHandler']) => {
      this.permissionCheckHandler = handler;
    },
  };

  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']) {
    this.windowOpenHandler = handler;
  }

  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }

  isDestroyed() {
    return this.destroyed;
  }

  /** Plays a permission request, by default from this page's main frame; returns whether it was granted. */
  requestPermission(permission: string, details = { requestingUrl: this.mainFrame.url, isMainFrame: true }, from: unknown = this): boolean {
    let granted: boolean | undefined;
    this.permissionHandler!(from, permission, (ok) => (granted = ok), details);
    if (granted === undefined) throw new Error('the permission handler did not answer');
    return granted;
  }

  /** Plays a permission check (Notification.permission, navigator.permissions.query…); returns its answer. */
  checkPermission(permission: string, details = { requestingUrl: this.mainFrame.url, isMainFrame: true }, from: unknown = this): boolean {
    return this.permissionCheckHandler!(from, permission, new URL(details.requestingUrl ?? 'about:blank').origin, details);
  }

  /** Plays a navigation attempt; returns whether the shell prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  shown = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }

  async loadFile(file: string) {
    this.webContents.mainFrame.url = pathToFileURL(file).href;
  }

  isDestroyed() {
    return this.destroyed;
  }

  /**
   * As Electron does: the window emits `closed`, and when it was the last one
   * the app emits `window-all-closed` — except while the app itself is
   * quitting, when Electron closes the windows and emits no such event.
   */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (!app.quitting && BrowserWindow.instances.every((w) => w.destroyed)) app.emit('window-all-closed');
  }

  isMinimized() {
    return false;
  }

  restore() {}

  show() {
    this.shown = true;
  }

  focus() {}
}

export const shell = { opened: [] as string[], openExternal: async (url: string) => void shell.opened.push(url) };

export const powerMonitor = new EventEmitter();

export class Notification {
  static shown: { title: string; body: string }[] = [];
  static isSupported() {
    return true;
  }
  constructor(private readonly options: { title: string; body: string }) {}
  show() {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  tooltip = '';
  readonly image: FakeNativeImage | string;
  menu: unknown;
  destroyed = false;
  constructor(image: FakeNativeImage | string) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  /** How many times a menu was set: each is a rebuild the OS sees. */
  menuSets = 0;
  setContextMenu(menu: unknown) {
    this.menu = menu;
    this.menuSets++;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (template: unknown) => template };
/** An image as nativeImage makes it: from a file (empty when the file is missing or unreadable), optionally a template. */
export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  isEmpty() {
    return !fs.existsSync(this.path);
  }
  setTemplateImage(template: boolean) {
    this.template = template;
  }
  isTemplateImage() {
    return this.template;
  }
}
export const nativeImage = { createFromPath: (file: string) => new FakeNativeImage(file) };

/** `app`: the single-instance lock, readiness, paths and Electron's quit sequence. */
class FakeApp extends EventEmitter {
  gotLock = true;
  isPackaged = false;
  userData = '';
  /** Set once a quit got past `before-quit` and `will-quit` (nobody prevented them). */
  quitted = false;
  /** Set while Electron closes the windows of an unprevented quit. */
  quitting = false;
  exitCode: number | undefined;

  appUserModelId: string | undefined;
  setAppUserModelId(id: string) {
    this.appUserModelId = id;
  }

  requestSingleInstanceLock() {
    return this.gotLock;
  }

  whenReady() {
    return Promise.resolve();
  }

  getPath(name: string) {
    if (name !== 'userData') throw new Error(`no path ${name} in the mock`);
    return this.userData;
  }

  /**
   * Electron's quit sequence: `before-quit` (preventable); then each window
   * gets `close` (preventable: a window that stays cancels the quit) and is
   * closed, with no `window-all-closed` then; then `will-quit` (preventable);
   * then `quit`, and the process ends. A quit while one is under way (past
   * `before-quit`) or done does nothing, as Electron's Browser::Quit returns
   * once it is quitting.
   */
  quit() {
    if (this.quitting || this.quitted) return;
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    this.emit('before-quit', event);
    if (prevented) return;
    this.quitting = true;
    try {
      for (const win of BrowserWindow.instances.filter((w) => !w.destroyed)) {
        win.emit('close', event);
        if (prevented) return;
        win.destroy();
      }
      this.emit('will-quit', event);
    } finally {
      this.quitting = false;
    }
    if (prevented) return;
    this.quitted = true;
    this.emit('quit');
  }

  exit(code: number) {
    this.exitCode = code;
  }
}

export const app = new FakeApp();

export const dialog = {
  errors: [] as { title: string; content: string }[],
  showErrorBox(title: string, content: string) {
    this.errors.push({ title, content });
  },
};

/** Forgets everything recorded, between tests. */
export function resetElectronMock(): void {
  app.removeAllListeners();
  Object.assign(app, { gotLock: true, isPackaged: false, userData: '', quitted: false, quitting: false, exitCode: undefined, appUserModelId: undefined });
  dialog.errors = [];
  ipcMain.handlers.clear();
  BrowserWindow.instances = [];
  Tray.instances = [];
  Notification.shown = [];
  shell.opened = [];
  powerMonitor.removeAllListeners();
}
