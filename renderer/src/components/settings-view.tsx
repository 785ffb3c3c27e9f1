import { formatDuration } from '../lib/format';
import { heartbeatCurl } from '../lib/curl';
import { useFleetStore } from '../store/fleet-store';
import { AlertsSettings } from './alerts-settings';
import { CopyField } from './copy-field';
import { SignInLinkField } from './sign-in-link';
import { useTransport } from './transport-context';
import { useSettings } from './use-settings';

/** Counts as the operator reads them: "100,000". */
const count = (n: number) => n.toLocaleString();
/** "1 day", "90 days". */
const days = (n: number) => `${count(n)} ${n === 1 ? 'day' : 'days'}`;

/** The port, the agent token and a curl line to copy, the timeouts, the fleet's bounds and retention, notifications. */
export function SettingsView() {
  const api = useTransport();
  const [settings, setSettings] = useSettings();
  if (!settings) return <p className="muted">Loading settings…</p>;
  const { limits } = settings;

  const toggle = async (enabled: boolean) => {
    const result = await api.setNotifications(enabled);
    if (result.ok) setSettings(result.value);
    else useFleetStore.setState({ notice: result.error.message });
  };

  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <h3>Agent port</h3>
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          <code>{settings.url}</code>
        </dd>
        <dt>Port</dt>
        <dd>{settings.port}</dd>
      </dl>
      <CopyField label="Agent token" value={settings.agentToken} />
      <CopyField label="Operator token" value={settings.operatorToken} />
      <SignInLinkField />
      <CopyField label="Heartbeat command" value={heartbeatCurl(settings.url, settings.agentToken)} />
      <h3>Timeouts</h3>
      <dl className="facts">
        <dt>Offline after</dt>
        <dd>{formatDuration(settings.heartbeatTimeoutS * 1000)} without a heartbeat</dd>
        <dt>Checked every</dt>
        <dd>{settings.sweepIntervalMs} ms</dd>
        <dt>Default recovery</dt>
        <dd>{formatDuration(settings.defaultRecoveryS * 1000)} after exhaustion</dd>
      </dl>
      <h3>Limits and retention</h3>
      <dl className="facts">
        <dt>History per agent</dt>
        <dd>
          {count(limits.historyPerAgent)} newest {limits.historyPerAgent === 1 ? 'event' : 'events'}
        </dd>
        <dt>History kept for</dt>
        <dd>{days(limits.historyDays)}</dd>
        <dt>Forget offline agents</dt>
        <dd>{limits.forgetOfflineDays === 0 ? 'never' : `after ${days(limits.forgetOfflineDays)} offline`}</dd>
        <dt>Most agents</dt>
        <dd>{count(limits.maxAgents)}</dd>
        <dt>Most event streams</dt>
        <dd>{count(limits.maxStreams)}</dd>
        <dt>Latest recovery time</dt>
        <dd>{formatDuration(limits.maxRecoveryS * 1000)} ahead</dd>
      </dl>
      <h3>Notifications</h3>
      {settings.notifications === null ? (
        <p className="muted">Desktop notifications are available in the desktop app.</p>
      ) : (
        <label>
          <input type="checkbox" checked={settings.notifications} onChange={(e) => void toggle(e.target.checked)} /> Notify when
          an agent goes offline or exhausted
        </label>
      )}
      <AlertsSettings />
    </section>
  );
}
