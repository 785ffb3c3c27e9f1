import type { AgentDelta, FleetApi } from '../../../shared/fleet-api';

/**
 * Follows the fleet over the desktop bridge: subscribes to pushes, then loads
 * the whole fleet as a reset. IPC keeps order, so a push that arrives before
 * the list was sent before it was read (the list already holds it) and is
 * dropped; every later push is applied.
 */
export function followBridge(api: FleetApi, apply: (delta: AgentDelta) => void, onError: (message: string) => void): () => void {
  let loaded = false;
  let stopped = false;
  const unsubscribe = api.onAgentsChanged((delta) => {
    if (loaded && !stopped) apply(delta);
  });
  void api.listAgents().then((result) => {
    if (stopped) return;
    if (!result.ok) return onError(result.error.message);
    apply({ upserts: result.value, removed: [], reset: true });
    loaded = true;
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
