import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { natural } from './agent-order';

/** A group's header among the rows: its label value (null: the agents without the key), size and per-status counts. */
export interface GroupRow {
  readonly kind: 'group';
  readonly value: string | null;
  /** The group's agents shown by the filters and search, whether folded or not. */
  readonly size: number;
  readonly counts: Readonly<Record<AgentStatus, number>>;
  readonly collapsed: boolean;
}

/** One row of a grouped view: a group's header, or an agent's id (the ids of folded groups are left out). */
export type ViewRow = GroupRow | string;

/** The group of agents without the key: NUL, which no label value may contain, so it is no value's key. */
const NO_VALUE_KEY = '\u0000';

/** A group's key in `collapsedGroups` (and its React key): its value, or a key of its own for "no value". */
export function groupKey(value: string | null): string {
  return value ?? NO_VALUE_KEY;
}

/** The header's name for a group: the value; "(no team)" for the agents without the `team` label, "(empty)" for an empty value. */
export function groupLabel(value: string | null, key: string): string {
  if (value === null) return `(no ${key})`;
  return value === '' ? '(empty)' : value;
}

/** The value an agent is grouped under by the label `key`: its value, or null when it has no such label. */
export function groupValue(agent: Agent, key: string): string | null {
  return Object.hasOwn(agent.labels, key) ? agent.labels[key]! : null;
}

/**
 * The order of the groups: values in natural order (values equal to it, as
 * "EU" and "eu", by their code units, for they are two groups), the agents
 * without the key last. Groups keep this order whatever the sort direction.
 */
export function compareGroupValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return natural.compare(a, b) || (a < b ? -1 : 1);
}

/** Whether two row lists show the same thing (so a refresh that changed nothing keeps the old one). */
export function sameRows(a: readonly ViewRow[], b: readonly ViewRow[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'string' || typeof y === 'string') return false;
    if (x.value !== y.value || x.size !== y.size || x.collapsed !== y.collapsed || AGENT_STATUSES.some((s) => x.counts[s] !== y.counts[s])) return false;
  }
  return true;
}

/** `sorted`, each group's agents together in the groups' order, each group keeping their order. */
export function inGroups(sorted: readonly Agent[], key: string): Agent[] {
  const buckets = new Map<string | null, Agent[]>();
  for (const agent of sorted) {
    const value = groupValue(agent, key);
    let bucket = buckets.get(value);
    if (bucket === undefined) buckets.set(value, (bucket = []));
    bucket.push(agent);
  }
  return [...buckets.keys()].sort(compareGroupValues).flatMap((value) => buckets.get(value)!);
}

/** The last header if it still reads the same, else a new one. */
export function sameHeader(last: GroupRow | undefined, value: string | null, stats: { readonly size: number; readonly counts: Readonly<Record<AgentStatus, number>> }, collapsed: boolean): GroupRow {
  if (last !== undefined && last.size === stats.size && last.collapsed === collapsed && AGENT_STATUSES.every((s) => last.counts[s] === stats.counts[s])) return last;
  return { kind: 'group', value, size: stats.size, counts: { ...stats.counts }, collapsed };
}
