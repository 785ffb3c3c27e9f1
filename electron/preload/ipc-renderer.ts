/**
 * The only file that touches `ipcRenderer` (a lint rule keeps it so): typed
 * invoke and push subscription over the shared contract. Listeners never see
 * the IPC event object.
 */
import { ipcRenderer } from 'electron';
import type { Result } from '../../shared/fleet-api';
import type { InvokeChannel, InvokeInput, InvokeResults, PushChannel, PushPayloads } from '../../shared/ipc-contract';

export function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeInput<C>): Promise<Result<InvokeResults[C]>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<Result<InvokeResults[C]>>;
}

/** Subscribes to a push; returns the unsubscribe function. */
export function onPush<C extends PushChannel>(channel: C, listener: (payload: PushPayloads[C]) => void): () => void {
  const wrapped = (_event: unknown, payload: PushPayloads[C]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}
