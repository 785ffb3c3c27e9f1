import { memo, type MouseEvent } from 'react';
import { formatAgo, formatCountdown, formatDuration, humanize } from '../lib/format';
import { describeReason, describeRecovery } from '../lib/recovery';
import { useNow } from '../store/clock-store';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { AgentActions } from './agent-actions';
import { LabelList } from './label-list';
import { SelectCheckbox } from './select-checkbox';
import { StatusBadge } from './status-badge';
import { UsageBars } from './usage-bars';
import { WaitingChip } from './waiting-chip';

/** What a click on the tile leaves to the control it landed on. */
const CONTROLS = 'button, a[href], input, select, textarea, label, [role="button"]';

/**
 * One agent. It selects its own agent from the store, so a change to one
 * agent re-renders one tile. A click anywhere on it opens the agent's history,
 * except on its own controls (Force exhaust, Recover), which do only their own
 * thing; the name button is the same way in for the keyboard (tab order).
 * Its box ticks it for a bulk action. A long name, id or many labels are cut
 * with an ellipsis (the whole in the tooltip), never pushing the buttons out.
 */
export const AgentTile = memo(function AgentTile({ id }: { id: string }) {
  const agent = useFleetStore((s) => s.agents.get(id));
  const selected = useFleetStore((s) => s.selectedId === id);
  const now = useNow();
  if (!agent) return null;
  const exhausted = agent.status === 'exhausted';
  const recovery = exhausted ? describeRecovery(agent, now) : null;

  const open = () => useFleetStore.setState({ selectedId: id });
  const onClick = (event: MouseEvent<HTMLElement>) => {
    const control = event.target instanceof Element ? event.target.closest(CONTROLS) : null;
    if (control && event.currentTarget.contains(control)) return;
    open();
  };
  return (
    <article
      onClick={onClick}
      className={`tile tile-${agent.status}${selected ? ' selected' : ''}`}
      data-agent-id={agent.id}
      data-status={agent.status}
      aria-label={`${displayName(agent)}, ${humanize(agent.status)}${agent.waiting ? `, needs you: ${agent.waiting.kind}` : ''}`}
    >
      <div className="tile-head">
        <SelectCheckbox id={agent.id} />
        <button type="button" className="tile-open" data-action="open-details" onClick={open} title={`Open the history of ${agent.id}`}>
          <bdi className="tile-name" title={displayName(agent)}>
            {displayName(agent)}
          </bdi>
          {agent.name && (
            <bdi className="tile-id" title={agent.id}>
              {agent.id}
            </bdi>
          )}
        </button>
      </div>
      <div className="tile-status">
        <StatusBadge status={agent.status} />
        {exhausted && <span className="tile-reason">{describeReason(agent)}</span>}
        {agent.waiting && <WaitingChip waiting={agent.waiting} now={now} />}
      </div>
      <dl className="tile-facts">
        <dt>Heartbeat</dt>
        <dd>{formatAgo(agent.lastSeen, now)}</dd>
        <dt>In status</dt>
        <dd>{formatDuration(now - agent.statusSince)}</dd>
        {exhausted && (
          <>
            <dt>Recovers</dt>
            <dd>{agent.recoveryAt === null ? 'by hand' : formatCountdown(agent.recoveryAt, now)}</dd>
          </>
        )}
      </dl>
      {recovery && (
        <p className="tile-line tile-source" title={recovery}>
          {recovery}
        </p>
      )}
      {exhausted && agent.exhaustExcerpt && (
        <q className="tile-line tile-excerpt" title={agent.exhaustExcerpt}>
          {agent.exhaustExcerpt}
        </q>
      )}
      <LabelList labels={agent.labels} compact />
      <UsageBars usage={agent.usage} now={now} compact />
      <AgentActions agent={agent} />
    </article>
  );
});
