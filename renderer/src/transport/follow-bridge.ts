import type { AgentDelta, FleetApi } from '../../../shared/fleet-api';
import { sleep } from '../../../shared/sleep';

const RETRY_MS = 1000;
/** Agents per page of the first load: the first page shows at once, a large fleet fills in behind it. */
export const LOAD_PAGE = 2_000;

/**
 * Follows the fleet over the desktop bridge: subscribes to pushes, then loads
 * the fleet page by page, the first page as a reset (`loading` while more
 * is to come), the others added to it. IPC keeps order: a push that arrives
 * before the first page was sent before that page was read, so the page (or
 * a later one) already holds it, and it is dropped; every push after it is
 * applied, and a later page, read later, only repeats or supersedes it. A
 * failed page is reported and tried again every second until it loads or
 * the caller stops following.
 */
export function followBridge(
  api: FleetApi,
  apply: (delta: AgentDelta) => void,
  onError: (message: string) => void,
  /** A page loaded after one failed: the bridge is working again (the first page's reset says so by itself). */
  onRecovered: () => void = () => {},
): () => void {
  let loaded = false;
  let failed = false;
  const stop = new AbortController();
  const unsubscribe = api.onAgentsChanged((delta) => {
    if (loaded && !stop.signal.aborted) apply(delta);
  });
  void (async () => {
    let cursor: string | null = null;
    while (!stop.signal.aborted) {
      const result = await api.listAgentsPage(cursor, LOAD_PAGE);
      if (stop.signal.aborted) return;
      if (!result.ok) {
        failed = true;
        onError(result.error.message);
        await sleep(RETRY_MS, stop.signal);
        continue;
      }
      const { agents, nextCursor } = result.value;
      const first = !loaded;
      loaded = true;
      apply({ upserts: agents, removed: [], ...(first ? { reset: true } : {}), loading: nextCursor !== null });
      if (failed && !first) onRecovered();
      failed = false;
      if (nextCursor === null) return;
      cursor = nextCursor;
    }
  })();
  return () => {
    stop.abort();
    unsubscribe();
  };
}
