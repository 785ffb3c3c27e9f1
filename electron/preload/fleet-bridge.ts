import { toChannelBody, toRuleBody } from '../../shared/alert-bodies';
import type { FleetApi } from '../../shared/fleet-api';
import { invoke, onPush } from './ipc-renderer';

/**
 * `window.fleet`: the named functions the page may call, nothing else. It
 * implements the same {@link FleetApi} as the browser's HTTP transport.
 */
export const fleetBridge: FleetApi = {
  listAgentsPage: (cursor, limit) => invoke('agents:page', cursor, limit),
  getAgent: (id) => invoke('agents:get', id),
  history: (id, limit) => invoke('agents:history', id, limit),
  forceExhaust: (request) => invoke('agents:force-exhaust', request),
  recover: (id) => invoke('agents:recover', id),
  bulkRecover: (ids) => invoke('agents:bulk-recover', ids),
  bulkExhaust: (request) => invoke('agents:bulk-exhaust', request),
  forget: (id) => invoke('agents:forget', id),
  getSettings: () => invoke('settings:get'),
  setNotifications: (enabled) => invoke('settings:update', { notifications: enabled }),
  listAlertChannels: () => invoke('alerts:channels'),
  createAlertChannel: (channel) => invoke('alerts:create-channel', toChannelBody(channel)),
  deleteAlertChannel: (id) => invoke('alerts:delete-channel', id),
  testAlertChannel: (id) => invoke('alerts:test-channel', id),
  listAlertRules: () => invoke('alerts:rules'),
  createAlertRule: (rule) => invoke('alerts:create-rule', toRuleBody(rule)),
  deleteAlertRule: (id) => invoke('alerts:delete-rule', id),
  listAlertDeliveries: (limit) => invoke('alerts:deliveries', limit),
  onAgentsChanged: (listener) => onPush('agents:changed', listener),
};
