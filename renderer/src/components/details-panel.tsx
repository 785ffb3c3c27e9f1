import { useEffect, useState } from 'react';
import type { StatusEvent } from '../../../shared/agent';
import { formatAgo, formatCountdown, formatTime, humanize } from '../lib/format';
import { describeReason, describeRecovery, describeSource } from '../lib/recovery';
import { useNow } from '../store/clock-store';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { AgentActions } from './agent-actions';
import { ForgetDialog } from './forget-dialog';
import { StatusBadge } from './status-badge';
import { TimelineBar } from './timeline-bar';
import { UsageBars } from './usage-bars';
import { WaitingChip } from './waiting-chip';
import { useTransport } from './transport-context';

const HISTORY_LIMIT = 200;

function describeDetail(event: StatusEvent): string {
  const d = event.detail;
  if (!d) return '';
  const parts = [];
  if (typeof d.slot_type === 'string') parts.push(`${humanize(d.slot_type)} slot`);
  if (typeof d.reason === 'string') parts.push(humanize(d.reason));
  if (typeof d.recovery_at === 'string') parts.push(`until ${formatTime(Date.parse(d.recovery_at))}`);
  if (d.recovery_source === 'message' || d.recovery_source === 'headers') parts.push(`time ${describeSource(d.recovery_source)}`);
  if (typeof d.excerpt === 'string') parts.push(`“${d.excerpt}”`);
  return parts.join(', ');
}

/** The selected agent: its facts, actions, 24-hour timeline and history, newest first. */
export function DetailsPanel() {
  const id = useFleetStore((s) => s.selectedId);
  const agent = useFleetStore((s) => (s.selectedId ? s.agents.get(s.selectedId) : undefined));
  const api = useTransport();
  const now = useNow();
  const [events, setEvents] = useState<readonly StatusEvent[]>([]);
  const [confirmForget, setConfirmForget] = useState(false);

  // Reload history whenever the agent changes status (a new event was written).
  const statusKey = agent ? `${agent.status}:${agent.statusSince}:${agent.exhaustedAt}` : '';
  useEffect(() => {
    if (!id) return;
    let live = true;
    void api.history(id, HISTORY_LIMIT).then((result) => {
      if (live && result.ok) setEvents(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, id, statusKey]);
  useEffect(() => setConfirmForget(false), [id]);

  if (!id || !agent) return null;
  const close = () => useFleetStore.setState({ selectedId: null });
  const recovery = describeRecovery(agent, now);

  return (
    <aside className="details" aria-label={`Details of ${displayName(agent)}`} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <header>
        <h2>{displayName(agent)}</h2>
        <button type="button" className="close" onClick={close} aria-label="Close details">
          ×
        </button>
      </header>
      <StatusBadge status={agent.status} />
      {agent.waiting && (
        <p className="waiting-detail" role="status">
          <WaitingChip waiting={agent.waiting} now={now} /> <span>{agent.waiting.message}</span>{' '}
          <span className="muted">since {formatTime(agent.waiting.since)}</span>
        </p>
      )}
      <dl className="facts">
        <dt>Id</dt>
        <dd>{agent.id}</dd>
        <dt>Last heartbeat</dt>
        <dd>{formatAgo(agent.lastHeartbeat, now)}</dd>
        <dt>Registered</dt>
        <dd>{formatTime(agent.createdAt)}</dd>
        {agent.status === 'exhausted' && (
          <>
            <dt>Reason</dt>
            <dd>{describeReason(agent)}</dd>
            <dt>Recovers</dt>
            <dd>
              {agent.recoveryAt === null ? 'by hand' : `${formatCountdown(agent.recoveryAt, now)} (${formatTime(agent.recoveryAt)})`}
              {recovery && <div className="muted">{recovery}</div>}
            </dd>
          </>
        )}
        {Object.keys(agent.labels).length > 0 && (
          <>
            <dt>Labels</dt>
            <dd>
              {Object.entries(agent.labels).map(([k, v]) => (
                <code key={k} className="label">
                  {k}={v}
                </code>
              ))}
            </dd>
          </>
        )}
      </dl>
      {agent.status === 'exhausted' && agent.exhaustExcerpt && (
        <figure className="excerpt-figure">
          <figcaption className="muted">The agent said</figcaption>
          <q className="excerpt">{agent.exhaustExcerpt}</q>
        </figure>
      )}
      {Object.keys(agent.usage).length > 0 && (
        <>
          <h3>Usage</h3>
          <UsageBars usage={agent.usage} now={now} />
        </>
      )}
      <AgentActions agent={agent} />
      <h3>Last 24 hours</h3>
      <TimelineBar events={events} status={agent.status} createdAt={agent.createdAt} now={now} />
      <h3>History</h3>
      {events.length === 0 ? (
        <p className="muted">No status changes yet.</p>
      ) : (
        <ol className="history" aria-label="History">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.at).toISOString()}>{formatTime(e.at)}</time>{' '}
              <span>
                {humanize(e.from)} → <strong>{humanize(e.to)}</strong>
              </span>{' '}
              <span className="muted">
                by {e.cause}
                {describeDetail(e) && ` · ${describeDetail(e)}`}
              </span>
            </li>
          ))}
        </ol>
      )}
      <div className="danger">
        <button type="button" onClick={() => setConfirmForget(true)}>
          Forget agent
        </button>
        {confirmForget && <ForgetDialog agent={agent} onKeep={() => setConfirmForget(false)} />}
      </div>
    </aside>
  );
}
