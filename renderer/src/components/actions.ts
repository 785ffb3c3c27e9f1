import type { Agent } from '../../../shared/agent';
import { MAX_BULK_IDS, type BulkResult, type FleetApi, type Result } from '../../../shared/fleet-api';
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

/**
 * A bulk action over any number of ids: in requests of at most
 * {@link MAX_BULK_IDS} (each its own transaction), one after the other. The
 * results of every request that went through, and — when one failed — why,
 * and how many ids were not tried.
 */
export async function runBulkChunked(
  ids: readonly string[],
  action: (chunk: readonly string[]) => Promise<Result<readonly BulkResult[]>>,
): Promise<{ results: readonly BulkResult[]; failure: { message: string; untried: number } | null }> {
  const results: BulkResult[] = [];
  for (let start = 0; start < ids.length; start += MAX_BULK_IDS) {
    const chunk = ids.slice(start, start + MAX_BULK_IDS);
    const outcome = await runBulk(() => action(chunk));
    if (!outcome.ok) return { results, failure: { message: outcome.message, untried: ids.length - start } };
    results.push(...outcome.results);
  }
  return { results, failure: null };
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
