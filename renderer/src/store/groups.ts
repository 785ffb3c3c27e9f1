import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';

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

/**
 * Groups `shown` (already in display order, which each group keeps) by their
 * `key` label: groups in natural order of their values (by `compare`), the
 * agents without the key last. `visibleIds` is every shown agent in that
 * order, folded groups included; `rows` are the headers and the ids of the
 * groups not folded.
 */
export function groupRows(
  shown: readonly Agent[],
  key: string,
  collapsed: ReadonlySet<string>,
  compare: (a: string, b: string) => number,
): { visibleIds: string[]; rows: ViewRow[] } {
  const buckets = new Map<string | null, Agent[]>();
  for (const agent of shown) {
    const value = Object.hasOwn(agent.labels, key) ? agent.labels[key]! : null;
    let bucket = buckets.get(value);
    if (!bucket) buckets.set(value, (bucket = []));
    bucket.push(agent);
  }
  const values = [...buckets.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)));
  const visibleIds: string[] = [];
  const rows: ViewRow[] = [];
  for (const value of values) {
    const members = buckets.get(value)!;
    const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
    for (const agent of members) counts[agent.status]++;
    const folded = collapsed.has(groupKey(value));
    rows.push({ kind: 'group', value, size: members.length, counts, collapsed: folded });
    for (const agent of members) {
      visibleIds.push(agent.id);
      if (!folded) rows.push(agent.id);
    }
  }
  return { visibleIds, rows };
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
