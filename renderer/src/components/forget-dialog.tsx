import { useId, useRef, useState } from 'react';
import type { Agent } from '../../../shared/agent';
import { DEFAULT_HEARTBEAT_TIMEOUT_S } from '../../../shared/status';
import { formatAgo } from '../lib/format';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { forgetAgent } from './actions';
import { useTransport } from './transport-context';
import { useModal } from './use-modal';
import { useActionsDisabled } from './use-actions-disabled';

/**
 * "Forget agent" asks first. Forgetting cannot be undone, so "Keep" has the
 * focus when it opens, and Escape, Keep or a click outside backs out; Tab stays
 * inside until it closes (useModal). A refusal shows the server's message here.
 * An agent still beating (a heartbeat within the timeout, `timeoutS`, 2 min
 * by default) is said to come back: its next heartbeat registers it again.
 */
export function ForgetDialog({ agent, now, timeoutS = DEFAULT_HEARTBEAT_TIMEOUT_S, onKeep }: { agent: Agent; now: number; timeoutS?: number | undefined; onKeep: () => void }) {
  const api = useTransport();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  const disconnected = useActionsDisabled();
  useModal(dialog, onKeep, keep);
  const beating = agent.status !== 'offline' && now - agent.lastSeen <= timeoutS * 1000;

  // On success the agent leaves the store, and the panel with this dialog goes with it.
  const forget = async () => {
    if (!(await forgetAgent(api, agent.id))) setError(useFleetStore.getState().notice);
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onKeep()}>
      <div ref={dialog} role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={beating ? `${titleId}-beating` : undefined} className="dialog">
        <h2 id={titleId}>
          Forget <bdi>{displayName(agent)}</bdi> and its history?
        </h2>
        {beating && (
          <p className="warning" id={`${titleId}-beating`}>
            It is still sending heartbeats (the last {formatAgo(agent.lastSeen, now)}): it will come back at its next one, as a new agent
            without this history. Stop the agent first to keep it forgotten.
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="danger-button" disabled={disconnected} onClick={() => void forget()}>
            Forget
          </button>
          <button ref={keep} type="button" onClick={onKeep}>
            Keep
          </button>
        </div>
      </div>
    </div>
  );
}
