import type { Agent } from '../../../shared/agent';
import type { RecoverySource } from '../../../shared/status';
import { assertNever } from '../../../shared/status';

/** Where an exhausted agent's recovery time came from, in words. */
export function describeSource(source: RecoverySource): string {
  switch (source) {
    case 'given':
      return 'as reported';
    case 'headers':
      return "from the provider's headers";
    case 'message':
      return "from the agent's message";
    case 'default':
      return 'by default (no time was given)';
    default:
      return assertNever(source);
  }
}

/** Why an agent is exhausted, in words ("rate limit", "billing"). */
export function describeReason(agent: Pick<Agent, 'exhaustReason'>): string {
  return agent.exhaustReason ? agent.exhaustReason.replace(/_/g, ' ') : 'unknown';
}

/** A reset moment as a reader wants it: "3:45 PM" today, else "Thu 3:45 PM", else the date. */
export function formatResetClock(at: number, now: number): string {
  const time = new Date(at).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  if (sameDay) return time;
  if (at - now < 6 * 86_400_000) return `${new Date(at).toLocaleDateString(undefined, { weekday: 'short' })} ${time}`;
  return `${new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/**
 * "resets 3:45 PM, from the agent's message": the recovery time with where it
 * came from; null when the agent has no recovery time or no known source.
 */
export function describeRecovery(agent: Pick<Agent, 'recoveryAt' | 'recoverySource'>, now: number): string | null {
  if (agent.recoveryAt === null || agent.recoverySource === null) return null;
  return `resets ${formatResetClock(agent.recoveryAt, now)}, ${describeSource(agent.recoverySource)}`;
}
