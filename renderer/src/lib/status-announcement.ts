import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, assertNever, type AgentStatus } from '../../../shared/status';

/** How each status change reads, said of one agent or many. */
function verb(status: AgentStatus): string {
  switch (status) {
    case 'offline':
      return 'went offline';
    case 'exhausted':
      return 'became exhausted';
    case 'idle':
      return 'became idle';
    case 'busy':
      return 'became busy';
    case 'on_call':
      return 'went on call';
    default:
      return assertNever(status);
  }
}

/**
 * Counts, by new status, the agents of `before` whose status differs in
 * `after` into `into`. Agents that arrived or left are not status changes.
 * Only replaced objects are compared: a delta replaces just what it changed.
 */
export function countStatusChanges(before: ReadonlyMap<string, Agent>, after: ReadonlyMap<string, Agent>, into: Map<AgentStatus, number>): void {
  for (const [id, agent] of after) {
    const was = before.get(id);
    if (was && was !== agent && was.status !== agent.status) into.set(agent.status, (into.get(agent.status) ?? 0) + 1);
  }
}

/** "3 agents went offline; 1 agent became idle": the coalesced changes, worst first. */
export function describeStatusChanges(changes: ReadonlyMap<AgentStatus, number>): string {
  const order: AgentStatus[] = ['offline', 'exhausted', ...AGENT_STATUSES.filter((s) => s !== 'offline' && s !== 'exhausted')];
  return order
    .filter((s) => (changes.get(s) ?? 0) > 0)
    .map((s) => {
      const n = changes.get(s)!;
      return `${n} ${n === 1 ? 'agent' : 'agents'} ${verb(s)}`;
    })
    .join('; ');
}
