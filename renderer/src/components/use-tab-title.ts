import { useEffect } from 'react';
import { useFleetStore } from '../store/fleet-store';

const TITLE = 'Fleet Monitor';

/** The tab's title counts the agents needing attention, "(3) Fleet Monitor", so a background tab still tells. */
export function useTabTitle(): void {
  // The whole fleet's, not the search's: a background tab tells of every agent that needs you.
  const attention = useFleetStore((s) => s.fleetAttentionCount);
  useEffect(() => {
    document.title = attention > 0 ? `(${attention}) ${TITLE}` : TITLE;
  }, [attention]);
  useEffect(
    () => () => {
      document.title = TITLE;
    },
    [],
  );
}
