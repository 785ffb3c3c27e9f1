import { useFleetStore } from '../store/fleet-store';

/**
 * Whether operator actions are off: while the stream is down the page shows
 * the fleet as it was, and a button acting on that picture could act on an
 * agent that has since moved (the server would decide, but the operator
 * decided on stale facts).
 */
export function useActionsDisabled(): boolean {
  return useFleetStore((s) => s.connection !== 'live');
}
