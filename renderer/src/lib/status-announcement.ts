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
 * Counts, by new status, the agents of `upserts` (a delta's) whose status
 * differs from theirs in `before`, into `into`: the work of one delta is its
 * size, not the fleet's. Agents that arrived are not status changes.
 */
export function countStatusChanges(before: ReadonlyMap<string, Agent>, upserts: Iterable<Agent>, into: Map<AgentStatus, number>): void {
  for (const agent of upserts) {
    const was = before.get(agent.id);
    if (was && was.status !== agent.status) into.set(agent.status, (into.get(agent.status) ?? 0) + 1);
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
