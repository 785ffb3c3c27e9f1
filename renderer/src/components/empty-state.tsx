import { heartbeatCurl } from '../lib/curl';
import { CopyField } from './copy-field';
import { useSettings } from './use-settings';

/** No agents yet: how to connect the first one. */
export function EmptyState() {
  const [settings] = useSettings();
  return (
    <section className="empty" aria-label="No agents yet">
      <h2>No agents yet</h2>
      <p>Agents appear here with their first heartbeat. Post one from the agent's machine:</p>
      {settings && <CopyField label="Heartbeat command" value={heartbeatCurl(settings.url, settings.agentToken)} />}
      <p className="muted">
        Send it every 30 seconds or so; an agent silent for more than {settings ? settings.heartbeatTimeoutS : 120} s is shown offline.
      </p>
    </section>
  );
}
