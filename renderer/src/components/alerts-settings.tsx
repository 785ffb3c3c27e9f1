import { useId, useRef } from 'react';
import { AlertChannelForm } from './alert-channel-form';
import { AlertChannelList } from './alert-channels';
import { AlertDeliveryList } from './alert-deliveries';
import { AlertRuleForm, AlertRuleList } from './alert-rules';
import { DELIVERIES_SHOWN, useAlerts } from './use-alerts';

/**
 * Settings' "Alerts": the channels alerts go to (each with "Send test"), the
 * rules that send them, and the newest deliveries, read again every few
 * seconds while open and after each action. The same over IPC and HTTP.
 */
export function AlertsSettings() {
  const [{ channels, rules, deliveries, error }, refresh] = useAlerts();
  const id = useId();
  // Where the keyboard goes once a deleted row is gone (rather than to <body>).
  const channelsHeading = useRef<HTMLHeadingElement>(null);
  const rulesHeading = useRef<HTMLHeadingElement>(null);
  const ruleCounts = new Map<string, number>();
  for (const rule of rules ?? []) ruleCounts.set(rule.channelId, (ruleCounts.get(rule.channelId) ?? 0) + 1);

  return (
    <section className="alerts-settings" aria-labelledby={id}>
      <h3 id={id}>Alerts</h3>
      <p className="muted">
        Messages to a webhook, Slack, Discord, ntfy or a local command when agents go offline, exhaust, recover, come back or
        wait for you, from this app and from the headless server alike.
      </p>
      <p role="alert" className="error">
        {error ? `Alerts could not be read: ${error}` : ''}
      </p>
      <h4 ref={channelsHeading} tabIndex={-1}>
        Channels
      </h4>
      {channels === null ? <p className="muted">Loading channels…</p> : <AlertChannelList channels={channels} ruleCounts={ruleCounts} refresh={refresh} onDeleted={() => channelsHeading.current?.focus()} />}
      <AlertChannelForm refresh={refresh} />
      <h4 id={`${id}-rules`} ref={rulesHeading} tabIndex={-1}>
        Rules
      </h4>
      {rules === null ? <p className="muted">Loading rules…</p> : <AlertRuleList labelledBy={`${id}-rules`} rules={rules} channels={channels ?? []} refresh={refresh} onDeleted={() => rulesHeading.current?.focus()} />}
      <AlertRuleForm channels={channels ?? []} refresh={refresh} />
      <h4 id={`${id}-deliveries`}>Recent deliveries</h4>
      <p className="muted">The newest {DELIVERIES_SHOWN}, newest first.</p>
      {deliveries === null ? <p className="muted">Loading deliveries…</p> : <AlertDeliveryList labelledBy={`${id}-deliveries`} deliveries={deliveries} channels={channels ?? []} />}
    </section>
  );
}
