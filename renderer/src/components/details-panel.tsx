import { useEffect, useRef, useState } from 'react';
import type { Agent, StatusEvent } from '../../../shared/agent';
import type { RecoverySource } from '../../../shared/status';
import { formatAgo, formatCountdown, formatDuration, formatTime, humanize } from '../lib/format';
import { describeReason, describeRecovery, describeSource } from '../lib/recovery';
import { useNow } from '../store/clock-store';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { AgentActions } from './agent-actions';
import { findAgentControl } from './find-control';
import { ForgetDialog } from './forget-dialog';
import { LabelList } from './label-list';
import { StatusBadge } from './status-badge';
import { TimelineBar } from './timeline-bar';
import { UsageBars } from './usage-bars';
import { WaitingChip } from './waiting-chip';
import { useTransport } from './transport-context';
import { useActionsDisabled } from './use-actions-disabled';
import { useSettings } from './use-settings';

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

const SOURCES: readonly RecoverySource[] = ['given', 'headers', 'message', 'default'];

/**
 * The exhaustion an agent still carries: its own facts while exhausted; once
 * it went offline from there, the store keeps the reason and the recovery
 * time but not the source or the words (null whenever not exhausted), so
 * those come from the history's last exhaustion, when it is loaded.
 */
function exhaustionFacts(agent: Agent, events: readonly StatusEvent[]): { source: RecoverySource | null; excerpt: string | null } | null {
  if (agent.status === 'exhausted') return { source: agent.recoverySource, excerpt: agent.exhaustExcerpt };
  if (agent.exhaustedAt === null) return null;
  const last = events.find((e) => e.to === 'exhausted');
  const source = last?.detail?.recovery_source;
  const excerpt = last?.detail?.excerpt;
  return {
    source: SOURCES.includes(source as RecoverySource) ? (source as RecoverySource) : null,
    excerpt: typeof excerpt === 'string' ? excerpt : null,
  };
}

/**
 * The selected agent: its facts, actions, timeline and history, newest
 * first. Opening it moves focus to its heading; Escape or × closes it and
 * sends focus back where it was opened from (found again by agent id if that
 * tile was re-mounted).
 */
export function DetailsPanel() {
  const id = useFleetStore((s) => s.selectedId);
  const agent = useFleetStore((s) => (s.selectedId ? s.agents.get(s.selectedId) : undefined));
  const api = useTransport();
  const now = useNow();
  const [events, setEvents] = useState<readonly StatusEvent[]>([]);
  const [confirmForget, setConfirmForget] = useState(false);
  const disconnected = useActionsDisabled();
  const [settings] = useSettings();
  const heading = useRef<HTMLHeadingElement>(null);
  // Where focus was when the panel opened (or moved to another agent), to give it back on closing.
  const opener = useRef<{ element: Element | null; id: string } | null>(null);

  useEffect(() => {
    if (!id) return;
    const active = document.activeElement;
    if (!(active instanceof Node && heading.current?.closest('aside')?.contains(active))) opener.current = { element: active, id };
    heading.current?.focus();
  }, [id]);

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
  const close = () => {
    const from = opener.current;
    opener.current = null;
    useFleetStore.setState({ selectedId: null });
    // After the panel is gone: the opener, else the agent's open button as it is in the grid now.
    queueMicrotask(() => {
      if (from?.element instanceof HTMLElement && from.element.isConnected && from.element !== document.body) from.element.focus();
      else findAgentControl(from?.id ?? id, 'open-details')?.focus();
    });
  };
  const exhaustion = exhaustionFacts(agent, events);
  const recovery = exhaustion ? describeRecovery({ recoveryAt: agent.recoveryAt, recoverySource: exhaustion.source }, now) : null;

  return (
    <aside className="details" aria-label={`Details of ${displayName(agent)}`} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <header>
        <h2 ref={heading} tabIndex={-1}>
          <bdi>{displayName(agent)}</bdi>
        </h2>
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
        <dd>
          <bdi>{agent.id}</bdi>
        </dd>
        {agent.name && (
          <>
            <dt>Name</dt>
            <dd>
              <bdi>{agent.name}</bdi>
            </dd>
          </>
        )}
        <dt>Status since</dt>
        <dd>
          {formatTime(agent.statusSince)} ({formatDuration(now - agent.statusSince)})
        </dd>
        <dt>Last heartbeat</dt>
        <dd>{formatAgo(agent.lastSeen, now)}</dd>
        <dt>Registered</dt>
        <dd>{formatTime(agent.createdAt)}</dd>
        {exhaustion && (
          <>
            <dt>Reason</dt>
            <dd>
              {describeReason(agent)}
              {agent.status !== 'exhausted' && <span className="muted"> (exhausted before it went {humanize(agent.status)})</span>}
            </dd>
            {agent.exhaustedAt !== null && (
              <>
                <dt>Exhausted at</dt>
                <dd>{formatTime(agent.exhaustedAt)}</dd>
              </>
            )}
            <dt>{agent.status === 'exhausted' ? 'Recovers' : 'Was to recover'}</dt>
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
              <LabelList labels={agent.labels} />
            </dd>
          </>
        )}
      </dl>
      {exhaustion?.excerpt && (
        <figure className="excerpt-figure">
          <figcaption className="muted">The agent said</figcaption>
          <q className="excerpt">{exhaustion.excerpt}</q>
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
        <button type="button" className="danger-button" disabled={disconnected} onClick={() => setConfirmForget(true)}>
          Forget agent
        </button>
        {confirmForget && <ForgetDialog agent={agent} now={now} timeoutS={settings?.heartbeatTimeoutS} onKeep={() => setConfirmForget(false)} />}
      </div>
    </aside>
  );
}
