import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useFleetStore } from '../store/fleet-store';
import { AgentTile } from './agent-tile';
import { GroupHeader } from './group-header';
import { gridLines } from './grid-lines';
import { NoMatch } from './no-match';

const TILE_MIN_WIDTH = 240;
/** Room for an exhausted tile's recovery source, excerpt and usage bars. */
const ROW_HEIGHT = 222;
const GROUP_HEIGHT = 40;
const GAP = 8;

/**
 * The grid, virtualized by lines: only the lines in view (plus a few) are in
 * the DOM, whatever the fleet size. Grouped, each group's header is a line of
 * its own, its tiles on the lines after it. When nothing matches the search or
 * filters, it says so instead.
 */
export function AgentGrid() {
  const rows = useFleetStore((s) => s.rows);
  const groupBy = useFleetStore((s) => s.groupBy);
  const nothingMatches = useFleetStore((s) => s.rows.length === 0 && s.agents.size > 0);
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
  }, [nothingMatches]);

  const lines = useMemo(() => gridLines(rows, columns), [rows, columns]);
  // Tile lines keep their index as key, as rows always did (a re-sort moves tiles between rows, not rows). A new
  // layout is a new key function too: the virtualizer recomputes positions when that function changes, not its sizes.
  const getItemKey = useCallback((index: number) => ('group' in lines[index]! ? `group-${index}` : index), [lines]);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => ('group' in lines[index]! ? GROUP_HEIGHT : ROW_HEIGHT + GAP),
    getItemKey,
    overscan: 3,
    // jsdom and first paint have no layout yet: start with a screenful.
    initialRect: { width: 1200, height: 800 },
  });

  if (nothingMatches) return <NoMatch />;
  return (
    <div ref={scroller} className="grid-scroller" role="region" aria-label="Agents">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const line = lines[item.index]!;
          if ('group' in line) {
            return (
              <div key={item.key} className="grid-group" style={{ transform: `translateY(${item.start}px)`, height: GROUP_HEIGHT }}>
                <GroupHeader row={line.group} labelKey={groupBy ?? ''} />
              </div>
            );
          }
          return (
            <div
              key={item.key}
              className="grid-row"
              style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
            >
              {rows.slice(line.start, line.end).map((id) => (
                <AgentTile key={id as string} id={id as string} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
