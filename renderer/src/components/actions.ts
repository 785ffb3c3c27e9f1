import type { Agent } from '../../../shared/agent';
import type { FleetApi, Result } from '../../../shared/fleet-api';
import { applyDelta, useFleetStore } from '../store/fleet-store';

/**
 * Runs an operator action. Nothing changes optimistically: the grid moves only
 * when the main side confirms (the confirmed agent is applied at once, and the
 * push that follows agrees). A refusal shows the server's message.
 */
export async function runAction(action: () => Promise<Result<Agent>>): Promise<boolean> {
  const result = await action();
  if (result.ok) {
    applyDelta({ upserts: [result.value], removed: [] });
    return true;
  }
  useFleetStore.setState({ notice: result.error.message });
  return false;
}

/** Forgets an agent; on success it leaves the grid at once. */
export async function forgetAgent(api: FleetApi, id: string): Promise<boolean> {
  const result = await api.forget(id);
  if (result.ok) {
    applyDelta({ upserts: [], removed: [id] });
    return true;
  }
  useFleetStore.setState({ notice: result.error.message });
  return false;
}
