import type { Agent } from '../../../shared/agent';
import type { BulkResult, FleetApi, Result } from '../../../shared/fleet-api';
import { applyDelta, flushViewRefresh, useFleetStore } from '../store/fleet-store';

/**
 * Runs an operator action. Nothing changes optimistically: the grid moves only
 * when the main side confirms (the confirmed agent is applied at once, and the
 * push that follows agrees). A refusal shows the server's message.
 */
export async function runAction(action: () => Promise<Result<Agent>>): Promise<boolean> {
  const result = await action();
  if (result.ok) {
    applyDelta({ upserts: [result.value], removed: [] });
    // Re-sort now, in the same render that closes the dialog, so its focus return finds the moved tile.
    flushViewRefresh();
    return true;
  }
  useFleetStore.setState({ notice: result.error.message });
  return false;
}

/**
 * Runs a bulk action: the agents the server moved are applied at once (one
 * delta, one re-sort), and the results returned for the summary; a failure of
 * the whole request is returned as its message.
 */
export async function runBulk(action: () => Promise<Result<readonly BulkResult[]>>): Promise<{ ok: true; results: readonly BulkResult[] } | { ok: false; message: string }> {
  const result = await action();
  if (!result.ok) return { ok: false, message: result.error.message };
  const moved = result.value.flatMap((r) => (r.ok ? [r.agent] : []));
  if (moved.length > 0) {
    applyDelta({ upserts: moved, removed: [] });
    flushViewRefresh();
  }
  return { ok: true, results: result.value };
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
