import type { AgentDelta, FleetApi } from '../../../shared/fleet-api';
import { sleep } from '../../../shared/sleep';

const RETRY_MS = 1000;

/**
 * Follows the fleet over the desktop bridge: subscribes to pushes, then loads
 * the whole fleet as a reset. IPC keeps order, so a push that arrives before
 * the list was sent before it was read (the list already holds it) and is
 * dropped; every later push is applied. A failed load is reported and tried
 * again every second until it succeeds or the caller stops following.
 */
export function followBridge(api: FleetApi, apply: (delta: AgentDelta) => void, onError: (message: string) => void): () => void {
  let loaded = false;
  const stop = new AbortController();
  const unsubscribe = api.onAgentsChanged((delta) => {
    if (loaded && !stop.signal.aborted) apply(delta);
  });
  void (async () => {
    while (!stop.signal.aborted) {
      const result = await api.listAgents();
      if (stop.signal.aborted) return;
      if (result.ok) {
        apply({ upserts: result.value, removed: [], reset: true });
        loaded = true;
        return;
      }
      onError(result.error.message);
      await sleep(RETRY_MS, stop.signal);
    }
  })();
  return () => {
    stop.abort();
    unsubscribe();
  };
}
