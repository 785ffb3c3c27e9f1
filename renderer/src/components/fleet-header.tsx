import { AGENT_STATUSES } from '../../../shared/status';
import { humanize } from '../lib/format';
import { setQuery, useFleetStore } from '../store/fleet-store';
import { SORT_KEYS, SORT_LABELS, type SortKey, type StatusFilter } from '../store/view';
import { ViewSwitch } from './view-switch';

/** Counts per status over what the search finds (each one a filter), text search and sort. */
export function FleetHeader() {
  const counts = useFleetStore((s) => s.counts);
  const waiting = useFleetStore((s) => s.waitingCount);
  const attention = useFleetStore((s) => s.attentionCount);
  const statusFilter = useFleetStore((s) => s.statusFilter);
  const search = useFleetStore((s) => s.search);
  const sort = useFleetStore((s) => s.sort);
  const total = AGENT_STATUSES.reduce((sum, status) => sum + counts[status], 0);

  const filterButton = (value: StatusFilter, label: string, count: number) => (
    <button
      key={value}
      type="button"
      className={`count count-${value}`}
      aria-pressed={statusFilter === value}
      onClick={() => setQuery({ statusFilter: statusFilter === value && value !== 'all' ? 'all' : value })}
    >
      <span className="count-label">{label}</span> <span className="count-value">{count}</span>
    </button>
  );

  return (
    <div className="fleet-header">
      <div className="counts" role="group" aria-label="Filter by status">
        {filterButton('all', 'All', total)}
        {filterButton('attention', 'Needs attention', attention)}
        {AGENT_STATUSES.map((status) => filterButton(status, humanize(status), counts[status]))}
        {filterButton('waiting', 'Needs you', waiting)}
      </div>
      <div className="query">
        <ViewSwitch />
        <input
          type="search"
          placeholder="Search: team=infra region=eu -staging"
          title="All terms must match. key=value matches a label exactly; a leading - excludes; other words are found in the id, name or labels."
          aria-label="Search agents"
          value={search}
          onChange={(e) => setQuery({ search: e.target.value })}
        />
        <label>
          Sort by{' '}
          <select value={sort} onChange={(e) => setQuery({ sort: e.target.value as SortKey })}>
            {SORT_KEYS.map((key) => (
              <option key={key} value={key}>
                {SORT_LABELS[key]}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
