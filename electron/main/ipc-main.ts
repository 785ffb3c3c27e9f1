/**
 * The only file that touches `ipcMain` (a lint rule keeps it so). Every
 * handler is checked here: the sender must be our window's main frame showing
 * our page, and the arguments must match the shared schemas. Handlers never
 * throw across IPC: they answer `{ok: true, value}` or `{ok: false, error}`.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { toDisposable, type Disposable } from '../../shared/disposable';
import { FleetError } from '../../shared/errors';
import type { Result } from '../../shared/fleet-api';
import { describeIssue } from '../../shared/http-schemas';
import { INVOKE_ARGS, type InvokeArgs, type InvokeChannel, type InvokeResults, type PushChannel, type PushPayloads } from '../../shared/ipc-contract';

export type InvokeHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => InvokeResults[C] | Promise<InvokeResults[C]>;
};

/** Decides whether an IPC message comes from our own page. */
export interface SenderPolicy {
  /** The webContents allowed to call (our window's). */
  readonly webContents: () => WebContents | undefined;
  /** Whether `url` is our page (the bundled index.html). */
  readonly isAppUrl: (url: string) => boolean;
}

/** Whether `event` comes from the main frame of our window showing our page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, policy: SenderPolicy): boolean {
  const ours = policy.webContents();
  const frame = event.senderFrame;
  if (!ours || event.sender !== ours || !frame) return false;
  if (frame !== ours.mainFrame) return false;
  return policy.isAppUrl(frame.url);
}

/**
 * Registers every invoke handler of the contract. Returns how to remove them all.
 * `onError` receives unexpected failures (bugs), which the caller sees only as `internal`.
 */
export function registerInvokeHandlers(handlers: InvokeHandlers, policy: SenderPolicy, onError: (error: unknown) => void): Disposable {
  const channels = Object.keys(INVOKE_ARGS) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...raw: unknown[]) => dispatch(channel, event, raw, handlers, policy, onError));
  }
  return toDisposable(() => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  });
}

async function dispatch<C extends InvokeChannel>(
  channel: C,
  event: IpcMainInvokeEvent,
  raw: unknown[],
  handlers: InvokeHandlers,
  policy: SenderPolicy,
  onError: (error: unknown) => void,
): Promise<Result<InvokeResults[C]>> {
  if (!isTrustedSender(event, policy)) {
    return { ok: false, error: { code: 'forbidden', message: `IPC '${channel}' refused: unexpected sender` } };
  }
  const parsed = INVOKE_ARGS[channel].safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_request', message: `IPC '${channel}': ${describeIssue(parsed.error)}` } };
  }
  try {
    const handler = handlers[channel] as (...args: unknown[]) => InvokeResults[C] | Promise<InvokeResults[C]>;
    return { ok: true, value: await handler(...(parsed.data as unknown[])) };
  } catch (error) {
    if (error instanceof FleetError) return { ok: false, error: error.toInfo() };
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      return { ok: false, error: { code: 'storage_error', message: `The database cannot be written right now (${code})` } };
    }
    onError(error);
    return { ok: false, error: { code: 'internal', message: 'Internal error' } };
  }
}

/** Sends a push to the renderer, if its window is still there. */
export function sendPush<C extends PushChannel>(webContents: WebContents | undefined, channel: C, payload: PushPayloads[C]): void {
  if (webContents && !webContents.isDestroyed()) webContents.send(channel, payload);
}
