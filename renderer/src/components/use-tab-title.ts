import { useEffect } from 'react';
import { useFleetStore } from '../store/fleet-store';

const TITLE = 'Fleet Monitor';

/** The tab's title counts the agents needing attention, "(3) Fleet Monitor", so a background tab still tells. */
export function useTabTitle(): void {
  const attention = useFleetStore((s) => s.attentionCount);
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
