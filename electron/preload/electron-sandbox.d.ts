/**
 * The part of Electron a sandboxed preload may use, typed without Node.
 * Electron's own electron.d.ts references @types/node, so a project that
 * imported it would see `process`, `Buffer` and `require` as if the sandbox
 * had them; tsconfig.preload.json maps `electron` here instead (VS Code keeps
 * its electron-sandbox layer apart the same way). The declarations follow
 * electron.d.ts for Electron 45; the node project, which type-checks the
 * preload's source (and its tests) against the real electron.d.ts, keeps them
 * honest. Declare here only what the preload uses.
 */

export interface IpcRendererEvent extends Event {
  ports: MessagePort[];
  sender: IpcRenderer;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: never[]) => void): this;
  removeListener(channel: string, listener: (...args: never[]) => void): this;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export declare const ipcRenderer: IpcRenderer;
export declare const contextBridge: ContextBridge;
