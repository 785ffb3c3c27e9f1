import { useFleetStore } from './fleet-store';

/**
 * The ids the view shows, in its order: those the filters and search keep,
 * but for the agents of folded groups (what "Select all" ticks, what the map
 * draws). Worked out with the view, once per refresh, not per render or frame.
 */
export function useShownIds(): readonly string[] {
  return useFleetStore((s) => s.shownIds);
}
