/**
 * The orders the fleet can be shown in: each sort key's ascending order as a
 * comparator (the reference), and what they compare.
 */
import type { Agent } from '../../../shared/agent';
import type { AgentStatus } from '../../../shared/status';

export const SORT_KEYS = ['status', 'name', 'id', 'labels', 'heartbeat', 'status_since', 'recovery'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Each order in words, as the sort control and the table's column headers say it. */
export const SORT_LABELS: Record<SortKey, string> = {
  status: 'Status',
  name: 'Name',
  id: 'Id',
  labels: 'Labels',
  heartbeat: 'Last heartbeat',
  status_since: 'In status',
  recovery: 'Recovery',
};

/** `asc` is each key's natural order (problems first, A to Z, youngest age first, soonest recovery first); `desc` reverses it exactly. */
export type SortDir = 'asc' | 'desc';

/** Problems first: the order an operator scans in. */
export const STATUS_RANK: Record<AgentStatus, number> = { exhausted: 0, offline: 1, busy: 2, on_call: 3, idle: 4 };

/** The name shown for an agent: its name, else its id. */
export function displayName(agent: Agent): string {
  return agent.name ?? agent.id;
}

/** Natural order, as people count: "agent 9" before "agent 10", case aside. */
export const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Compare = (a: Agent, b: Agent) => number;

/** By name, then id: the tie-break of every order (no two agents tie). */
export const byName: Compare = (a, b) => natural.compare(displayName(a), displayName(b)) || byId(a, b);
/** By id, in natural order (ids that differ only in case by their code units). */
export const byId: Compare = (a, b) => natural.compare(a.id, b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Labels as one text, keys in order: `host=a, team=infra`. */
export function labelsText(agent: Agent): string {
  return Object.keys(agent.labels)
    .sort()
    .map((key) => `${key}=${agent.labels[key]}`)
    .join(', ');
}

/**
 * Each key's ascending order; ties go by name. The ages the UI shows ascend:
 * the freshest heartbeat and the newest status first. Made from the name and
 * id orders, so that an equal order that compares faster can stand in for
 * them (sort-order.ts ranks names once, then compares numbers).
 */
export function comparatorsWith(name: Compare, id: Compare): Record<SortKey, Compare> {
  return {
    // An agent waiting for its operator comes before everything: it is stuck until someone answers.
    status: (a, b) => Number(b.waiting !== null) - Number(a.waiting !== null) || STATUS_RANK[a.status] - STATUS_RANK[b.status] || name(a, b),
    name,
    id,
    // Agents without labels last.
    labels: (a, b) => {
      const x = labelsText(a);
      const y = labelsText(b);
      return Number(x === '') - Number(y === '') || natural.compare(x, y) || (x < y ? -1 : x > y ? 1 : 0) || name(a, b);
    },
    // Most recent first; never-beating agents last.
    heartbeat: (a, b) => b.lastSeen - a.lastSeen || name(a, b),
    status_since: (a, b) => b.statusSince - a.statusSince || name(a, b),
    // Soonest recovery first, then those recovered by hand, then agents not exhausted.
    recovery: (a, b) => recoveryGroup(a) - recoveryGroup(b) || (recoveryGroup(a) === 0 ? a.recoveryAt! - b.recoveryAt! : 0) || name(a, b),
  };
}

/** Each key's ascending order (the reference the faster sorts are held to). */
export const COMPARATORS: Record<SortKey, Compare> = comparatorsWith(byName, byId);

/** 0: exhausted with a recovery time, 1: exhausted until recovered by hand, 2: not exhausted. */
function recoveryGroup(agent: Agent): number {
  if (agent.status !== 'exhausted') return 2;
  return agent.recoveryAt === null ? 1 : 0;
}

/** The comparator for a key and direction: `desc` is the exact reverse of `asc`. */
export function comparator(sort: SortKey, dir: SortDir, comparators: Readonly<Record<SortKey, Compare>> = COMPARATORS): Compare {
  const asc = comparators[sort];
  return dir === 'asc' ? asc : (a, b) => asc(b, a);
}
