import { useId, useRef, useState } from 'react';
import type { Agent } from '../../../shared/agent';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { forgetAgent } from './actions';
import { useTransport } from './transport-context';
import { useModal } from './use-modal';

/**
 * "Forget agent" asks first. Forgetting cannot be undone, so "Keep" has the
 * focus when it opens, and Escape, Keep or a click outside backs out; Tab stays
 * inside until it closes (useModal). A refusal shows the server's message here.
 */
export function ForgetDialog({ agent, onKeep }: { agent: Agent; onKeep: () => void }) {
  const api = useTransport();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  useModal(dialog, onKeep, keep);

  // On success the agent leaves the store, and the panel with this dialog goes with it.
  const forget = async () => {
    if (!(await forgetAgent(api, agent.id))) setError(useFleetStore.getState().notice);
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onKeep()}>
      <div ref={dialog} role="alertdialog" aria-modal="true" aria-labelledby={titleId} className="dialog">
        <h2 id={titleId}>Forget {displayName(agent)} and its history?</h2>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="danger-button" onClick={() => void forget()}>
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
