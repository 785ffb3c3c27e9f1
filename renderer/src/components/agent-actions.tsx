import { useState } from 'react';
import type { Agent } from '../../../shared/agent';
import { canApply } from '../../../shared/state-machine';
import { useFleetStore } from '../store/fleet-store';
import { runAction } from './actions';
import { useTransport } from './transport-context';
import { useActionsDisabled } from './use-actions-disabled';

/**
 * "Force exhaust" and "Recover", each enabled only where the shared state
 * machine allows the move, while the stream is live (not on a picture of the
 * fleet that may be stale), and not while a Recover is in flight. Each is
 * marked with `data-action` so focus can find it again after a re-mount.
 */
export function AgentActions({ agent }: { agent: Agent }) {
  const api = useTransport();
  const offline = useActionsDisabled();
  const [recovering, setRecovering] = useState(false);
  const recover = async () => {
    setRecovering(true);
    await runAction(() => api.recover(agent.id));
    setRecovering(false);
  };
  return (
    <div className="tile-actions">
      <button
        type="button"
        data-action="force-exhaust"
        disabled={offline || !canApply(agent.status, 'exhausted')}
        onClick={() => useFleetStore.setState({ exhaustId: agent.id })}
      >
        Force exhaust
      </button>
      <button type="button" data-action="recover" disabled={offline || recovering || !canApply(agent.status, 'idle')} onClick={() => void recover()}>
        Recover
      </button>
    </div>
  );
}
