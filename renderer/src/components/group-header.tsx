import { humanize } from '../lib/format';
import { toggleGroup } from '../store/fleet-store';
import { groupKey, groupLabel, type GroupRow } from '../store/groups';
import type { AgentStatus } from '../../../shared/status';

/** Problems first, as the grid sorts by status. */
const COUNT_ORDER: readonly AgentStatus[] = ['exhausted', 'offline', 'busy', 'on_call', 'idle'];

/** "2 offline, 1 idle": a group's agents per status, the statuses it has only. */
export function describeCounts(counts: Readonly<Record<AgentStatus, number>>): string {
  return COUNT_ORDER.filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${humanize(status)}`)
    .join(', ');
}

/** A group's header: one button that folds or opens the group, naming its label value, size and per-status counts. */
export function GroupHeader({ row, labelKey, tabIndex }: { row: GroupRow; labelKey: string; tabIndex?: number }) {
  return (
    <div className="group-header" role="heading" aria-level={2}>
      <button
        type="button"
        className="group-toggle"
        aria-expanded={!row.collapsed}
        onClick={() => toggleGroup(groupKey(row.value))}
        {...(tabIndex === undefined ? {} : { tabIndex })}
      >
        <span className="group-chevron" aria-hidden="true">
          {row.collapsed ? '▸' : '▾'}
        </span>{' '}
        <bdi className={row.value === null ? 'group-value group-none' : 'group-value'}>{groupLabel(row.value, labelKey)}</bdi>{' '}
        <span className="group-size">
          {row.size.toLocaleString()} {row.size === 1 ? 'agent' : 'agents'}
        </span>{' '}
        <span className="group-counts">{describeCounts(row.counts)}</span>
      </button>
    </div>
  );
}
