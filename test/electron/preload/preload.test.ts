/**
 * The preload with a mocked `electron`: `window.fleet` is named functions
 * only, each a typed invoke on its contract channel; subscriptions hand the
 * page the payload, never the IPC event, and return a working unsubscribe.
 */
import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../../shared/ipc-contract';

const ipc = vi.hoisted(() => ({ invoked: [] as { channel: string; args: unknown[] }[], exposed: new Map<string, unknown>() }));
const ipcRenderer = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports above: import what it needs itself.
  const { EventEmitter: Emitter } = await import('node:events');
  return Object.assign(new Emitter(), {
    invoke: (channel: string, ...args: unknown[]) => {
      ipc.invoked.push({ channel, args });
      return Promise.resolve({ ok: true, value: channel });
    },
  });
});
vi.mock('electron', () => ({
  ipcRenderer,
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => ipc.exposed.set(key, api) },
}));

await import('../../../electron/preload/preload');
const fleet = ipc.exposed.get('fleet') as Record<string, (...args: unknown[]) => unknown>;

describe('preload', () => {
  beforeEach(() => {
    ipc.invoked.length = 0;
  });

  it('exposes window.fleet as named functions only', () => {
    expect([...ipc.exposed.keys()]).toEqual(['fleet']);
    for (const [name, value] of Object.entries(fleet)) expect(typeof value, name).toBe('function');
  });

  it('calls each contract channel it exposes, with the page’s arguments', async () => {
    await fleet.listAgentsPage!('a1', 100);
    await fleet.getAgent!('a1');
    await fleet.history!('a1', 50);
    await fleet.forceExhaust!({ id: 'a1', reason: 'billing' });
    await fleet.recover!('a1');
    await fleet.bulkRecover!(['a1', 'a2']);
    await fleet.bulkExhaust!({ ids: ['a1'], reason: 'billing' });
    await fleet.forget!('a1');
    await fleet.getSettings!();
    await fleet.setNotifications!(false);
    await fleet.listAlertChannels!();
    await fleet.createAlertChannel!({ name: 'pager', kind: 'command', command: ['/usr/bin/page', '--now'], url: undefined });
    await fleet.deleteAlertChannel!('ch_1');
    await fleet.testAlertChannel!('ch_1');
    await fleet.listAlertRules!();
    await fleet.createAlertRule!({ channelId: 'ch_1', on: ['offline'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: null });
    await fleet.deleteAlertRule!('rl_1');
    await fleet.listAlertDeliveries!(20);
    expect(ipc.invoked).toEqual([
      { channel: 'agents:page', args: ['a1', 100] },
      { channel: 'agents:get', args: ['a1'] },
      { channel: 'agents:history', args: ['a1', 50] },
      { channel: 'agents:force-exhaust', args: [{ id: 'a1', reason: 'billing' }] },
      { channel: 'agents:recover', args: ['a1'] },
      { channel: 'agents:bulk-recover', args: [['a1', 'a2']] },
      { channel: 'agents:bulk-exhaust', args: [{ ids: ['a1'], reason: 'billing' }] },
      { channel: 'agents:forget', args: ['a1'] },
      { channel: 'settings:get', args: [] },
      { channel: 'settings:update', args: [{ notifications: false }] },
      // Alerts cross as the port's JSON bodies (snake_case, absent fields left out), which the main side parses.
      { channel: 'alerts:channels', args: [] },
      { channel: 'alerts:create-channel', args: [{ name: 'pager', kind: 'command', command: ['/usr/bin/page', '--now'] }] },
      { channel: 'alerts:delete-channel', args: ['ch_1'] },
      { channel: 'alerts:test-channel', args: ['ch_1'] },
      { channel: 'alerts:rules', args: [] },
      { channel: 'alerts:create-rule', args: [{ channel_id: 'ch_1', on: ['offline'], selector: { team: 'infra' }, coalesce_s: 10, repeat_after_s: null }] },
      { channel: 'alerts:delete-rule', args: ['rl_1'] },
      { channel: 'alerts:deliveries', args: [20] },
    ]);
    // Every invoke of the contract is reachable from the page.
    expect(new Set(ipc.invoked.map((c) => c.channel))).toEqual(new Set(INVOKE_CHANNELS));
  });

  it('hands subscribers the payload only, and unsubscribing stops them', () => {
    const seen: unknown[][] = [];
    const unsubscribe = fleet.onAgentsChanged!((...args: unknown[]) => seen.push(args)) as () => void;
    const delta = { upserts: [], removed: ['a1'] };
    ipcRenderer.emit('agents:changed', { sender: 'the IPC event' }, delta);
    expect(seen).toEqual([[delta]]);
    unsubscribe();
    ipcRenderer.emit('agents:changed', { sender: 'the IPC event' }, delta);
    expect(seen).toHaveLength(1);
    expect((ipcRenderer as EventEmitter).listenerCount('agents:changed')).toBe(0);
  });
});
