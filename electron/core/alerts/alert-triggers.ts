import type { Agent, Labels } from '../../../shared/agent';
import type { AlertTrigger } from '../../../shared/alerts';
import type { EventCause } from '../../../shared/status';

/**
 * The alert triggers one written change fires, from the agent as it was and
 * as it is now: a move into offline or exhausted; exhausted back to idle by
 * its recovery time (`recovered`; an operator's Recover is the operator's own
 * doing, not news to them); offline back to idle (`online`); and the start of
 * a wait for the operator, or a wait of another kind (`waiting`).
 */
export function triggersOf(before: Agent, after: Agent, cause: EventCause): AlertTrigger[] {
  const fired: AlertTrigger[] = [];
  if (before.status !== after.status) {
    if (after.status === 'offline') fired.push('offline');
    else if (after.status === 'exhausted') fired.push('exhausted');
    else if (after.status === 'idle' && before.status === 'exhausted' && cause === 'recovery') fired.push('recovered');
    else if (after.status === 'idle' && before.status === 'offline') fired.push('online');
  }
  if (after.waiting && after.waiting.kind !== before.waiting?.kind) fired.push('waiting');
  return fired;
}

/** Whether the agent has every label of the selector (null: every agent matches). */
export function matchesSelector(labels: Labels, selector: Labels | null): boolean {
  if (selector === null) return true;
  return Object.entries(selector).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
}
