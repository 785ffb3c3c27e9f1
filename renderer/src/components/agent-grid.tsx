import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useFleetStore } from '../store/fleet-store';
import { AgentTile } from './agent-tile';

const TILE_MIN_WIDTH = 240;
/** Room for an exhausted tile's recovery source, excerpt and usage bars. */
const ROW_HEIGHT = 222;
const GAP = 8;

/**
 * The grid, virtualized by rows: only the rows in view (plus a few) are in the
 * DOM, whatever the fleet size.
 */
export function AgentGrid() {
  const ids = useFleetStore((s) => s.visibleIds);
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setColumns(Math.max(1, Math.floor((element.clientWidth + GAP) / (TILE_MIN_WIDTH + GAP))));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const rows = Math.ceil(ids.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT + GAP,
    overscan: 3,
    // jsdom and first paint have no layout yet: start with a screenful.
    initialRect: { width: 1200, height: 800 },
  });

  return (
    <div ref={scroller} className="grid-scroller" role="region" aria-label="Agents">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="grid-row"
            style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
          >
            {ids.slice(row.index * columns, row.index * columns + columns).map((id) => (
              <AgentTile key={id} id={id} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
