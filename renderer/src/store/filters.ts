import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';

/** A status, every agent, those waiting for their operator, or all that need the operator ({@link needsAttention}). */
export type StatusFilter = AgentStatus | 'all' | 'waiting' | 'attention';

/** The filters that can be selected together, in the header's order ('all' is none of them selected). */
export const STATUS_FILTERS = ['attention', ...AGENT_STATUSES, 'waiting'] as const satisfies readonly StatusFilter[];

/** What wants the operator: the dead (offline), the stopped (exhausted), and whoever waits for an answer. */
export function needsAttention(agent: Agent): boolean {
  return agent.status === 'offline' || agent.status === 'exhausted' || agent.waiting !== null;
}

function passesFilter(agent: Agent, filter: StatusFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'waiting':
      return agent.waiting !== null;
    case 'attention':
      return needsAttention(agent);
    default:
      return agent.status === filter;
  }
}

/** Whether `agent` passes any of `filters` (none selected: everyone passes). */
export function passesFilters(agent: Agent, filters: ReadonlySet<StatusFilter>): boolean {
  if (filters.size === 0) return true;
  for (const filter of filters) if (passesFilter(agent, filter)) return true;
  return false;
}
