import { humanize } from '../lib/format';
import { setQuery, useFleetStore } from '../store/fleet-store';
import { STATUS_FILTERS, type StatusFilter } from '../store/view';

const FILTER_NAMES: Partial<Record<StatusFilter, string>> = { attention: 'needs attention', waiting: 'needs you' };

/** What narrows the fleet now, as words: `the search "team=infra" and the filters offline, exhausted`. */
export function describeQuery(search: string, filters: ReadonlySet<StatusFilter>): string {
  const parts: string[] = [];
  if (search.trim() !== '') parts.push(`the search “${search.trim()}”`);
  if (filters.size > 0) {
    const names = STATUS_FILTERS.filter((filter) => filters.has(filter)).map((filter) => FILTER_NAMES[filter] ?? humanize(filter));
    parts.push(`${filters.size === 1 ? 'the filter' : 'the filters'} ${names.join(', ')}`);
  }
  return parts.join(' and ');
}

/** Clears the search and filters; focus goes to the search box, as this button leaves with the state it cleared. */
function clear(): void {
  setQuery({ search: '', statusFilters: new Set() });
  document.querySelector<HTMLInputElement>('input[type="search"][aria-label="Search agents"]')?.focus();
}

/** The fleet has agents, but none passes the search and filters: say so, and offer to clear them. */
export function NoMatch() {
  const search = useFleetStore((s) => s.search);
  const filters = useFleetStore((s) => s.statusFilters);
  const what = describeQuery(search, filters);
  return (
    <section className="no-match" aria-labelledby="no-match-title">
      <h2 id="no-match-title">No agents match {what || 'the view'}</h2>
      <p className="muted">The fleet has agents; none of them passes what is set above.</p>
      <button type="button" onClick={clear}>
        Clear search and filters
      </button>
    </section>
  );
}
