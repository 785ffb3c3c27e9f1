import { AGENT_STATUSES } from '../../../shared/status';
import { humanize } from '../lib/format';
import { setQuery, toggleStatusFilter, useFleetStore } from '../store/fleet-store';
import { SORT_KEYS, SORT_LABELS, type SortKey, type StatusFilter } from '../store/view';
import { ViewSwitch } from './view-switch';

/** Counts per status over what the search finds (each one a filter, several at once), text search, sort and grouping. */
export function FleetHeader() {
  const counts = useFleetStore((s) => s.counts);
  const waiting = useFleetStore((s) => s.waitingCount);
  const attention = useFleetStore((s) => s.attentionCount);
  const statusFilters = useFleetStore((s) => s.statusFilters);
  const search = useFleetStore((s) => s.search);
  const sort = useFleetStore((s) => s.sort);
  const total = AGENT_STATUSES.reduce((sum, status) => sum + counts[status], 0);

  const filterButton = (value: StatusFilter, label: string, count: number) => (
    <button
      key={value}
      type="button"
      className={`count count-${value}`}
      aria-pressed={value === 'all' ? statusFilters.size === 0 : statusFilters.has(value)}
      onClick={() => toggleStatusFilter(value)}
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
        <GroupBySelect />
      </div>
    </div>
  );
}

/** "Group by": none, or one of the label keys in the fleet (and the chosen one, even before an agent with it has arrived). */
function GroupBySelect() {
  const groupBy = useFleetStore((s) => s.groupBy);
  const labelKeys = useFleetStore((s) => s.labelKeys);
  const keys = groupBy === null || labelKeys.includes(groupBy) ? labelKeys : [...labelKeys, groupBy];
  return (
    <label>
      Group by{' '}
      <select value={groupBy ?? ''} onChange={(e) => setQuery({ groupBy: e.target.value === '' ? null : e.target.value })}>
        <option value="">None</option>
        {keys.map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    </label>
  );
}
