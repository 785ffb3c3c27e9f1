/**
 * The desktop's `alerts:*` IPC handlers: each hands its already-validated
 * arguments (ipc-main.ts parsed them with the port's schemas) to the core's
 * alerts facade, whose FleetErrors ipc-main.ts turns into error results.
 */
import type { AlertChannel, AlertDelivery, AlertRule, NewAlertChannel, NewAlertRule } from '../../shared/alerts';
import type { InvokeChannel } from '../../shared/ipc-contract';
import type { InvokeHandlers } from './ipc-main';

/** What the shell needs of the core's alerts (`core.alerts`): structural, so the shell does not depend on how the core builds it. */
export interface AlertsFacade {
  channels(): readonly AlertChannel[];
  createChannel(channel: NewAlertChannel): AlertChannel;
  deleteChannel(id: string): AlertChannel;
  testChannel(id: string): Promise<AlertDelivery>;
  rules(): readonly AlertRule[];
  createRule(rule: NewAlertRule): AlertRule;
  deleteRule(id: string): AlertRule;
  deliveries(limit: number): readonly AlertDelivery[];
}

type AlertChannelName = Extract<InvokeChannel, `alerts:${string}`>;

/** The eight `alerts:*` handlers over `alerts`. */
export function alertHandlers(alerts: AlertsFacade): Pick<InvokeHandlers, AlertChannelName> {
  return {
    'alerts:channels': () => alerts.channels(),
    'alerts:create-channel': (channel) => alerts.createChannel(channel),
    'alerts:delete-channel': (id) => alerts.deleteChannel(id),
    'alerts:test-channel': (id) => alerts.testChannel(id),
    'alerts:rules': () => alerts.rules(),
    'alerts:create-rule': (rule) => alerts.createRule(rule),
    'alerts:delete-rule': (id) => alerts.deleteRule(id),
    'alerts:deliveries': (limit) => alerts.deliveries(limit),
  };
}
