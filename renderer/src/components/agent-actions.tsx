import type { Agent } from '../../../shared/agent';
import { canApply } from '../../../shared/state-machine';
import { useFleetStore } from '../store/fleet-store';
import { runAction } from './actions';
import { useTransport } from './transport-context';

/** "Force exhaust" and "Recover", each enabled only where the shared state machine allows the move. */
export function AgentActions({ agent }: { agent: Agent }) {
  const api = useTransport();
  return (
    <div className="tile-actions">
      <button type="button" disabled={!canApply(agent.status, 'exhausted')} onClick={() => useFleetStore.setState({ exhaustId: agent.id })}>
        Force exhaust
      </button>
      <button type="button" disabled={!canApply(agent.status, 'idle')} onClick={() => void runAction(() => api.recover(agent.id))}>
        Recover
      </button>
    </div>
  );
}
