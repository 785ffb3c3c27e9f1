import { useMemo } from 'react';
import { useFleetStore, type FleetState } from './fleet-store';

/**
 * The ids the view shows, in its order: those the filters and search keep,
 * but for the agents of folded groups (what "Select all" ticks, what the map
 * draws). Without groups the rows are the ids themselves (the same array).
 */
export function shownIds(state: Pick<FleetState, 'rows' | 'visibleIds'>): readonly string[] {
  return state.rows === state.visibleIds ? state.visibleIds : state.rows.filter((row): row is string => typeof row === 'string');
}

/** {@link shownIds} of the store, computed again only when the rows change. */
export function useShownIds(): readonly string[] {
  const rows = useFleetStore((s) => s.rows);
  const ids = useFleetStore((s) => s.visibleIds);
  return useMemo(() => shownIds({ rows, visibleIds: ids }), [rows, ids]);
}
