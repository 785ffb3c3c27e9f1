import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent, type MouseEvent } from 'react';
import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { humanize } from '../lib/format';
import { bandRowsAt, MapGeometry } from '../lib/map-geometry';
import { mapLayout } from '../lib/map-layout';
import { MapPainter } from '../lib/map-painter';
import { toggleChecked, useFleetStore } from '../store/fleet-store';
import { groupKey, type GroupRow } from '../store/groups';
import { displayName } from '../store/view';
import { GroupHeader } from './group-header';
import { NoMatch } from './no-match';
import { SelectCheckbox } from './select-checkbox';
import { StatusBadge, StatusGlyph } from './status-badge';

/** Ticked cells marked at most (a screen of 10,000 all ticked needs no 10,000 marks to say so). */
const MAX_TICK_MARKS = 2_000;
/**
 * Cells in view up to which each gets its own `Select <id>` box (a fleet of a
 * few hundred, cells 20 px or more). A larger map keeps one box, the current
 * cell's, and the table a box per row: thousands of boxes would be thousands
 * of DOM nodes re-placed at every move of the order.
 */
export const MAX_CELL_BOXES = 1_500;
/** Nor for cells smaller than this: the box takes a corner, under half the cell, and must stay a target. */
const MIN_BOX_PITCH = 20;
/** Groups up to which the map heads each one with a band; more (a key unique to each agent) and it keeps their order unheaded. */
export const MAX_MAP_GROUPS = 200;

const open = (id: string) => useFleetStore.setState({ selectedId: id });

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');
const subscribeScheme = (onChange: () => void) => {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};
/** The colour scheme, so the map redraws its sprites in the theme's colours when it changes. */
const useDark = () => useSyncExternalStore(subscribeScheme, () => darkQuery().matches);

/** The theme's status colours, from the CSS custom properties (styles.css). */
function readColours(element: Element): Record<AgentStatus | 'waiting', string> {
  const style = getComputedStyle(element);
  const colour = (name: string) => style.getPropertyValue(`--${name}`).trim() || '#888';
  return { ...(Object.fromEntries(AGENT_STATUSES.map((s) => [s, colour(s)])) as Record<AgentStatus, string>), waiting: colour('waiting') };
}

/** "Build bot (build-bot), offline, needs you: permission". */
function describe(agent: Agent): string {
  const named = agent.name ? `${agent.name} (${agent.id})` : agent.id;
  return `${named}, ${humanize(agent.status)}${agent.waiting ? `, needs you: ${agent.waiting.kind}` : ''}`;
}

/**
 * The fleet as a map: one small cell per agent, in the view's order, on a
 * canvas painted incrementally at each refresh of the view (only cells whose
 * agent changed look; a cell changes with the order it moves in, not before
 * it), so 10,000 agents fit one screen and 100,000 stay smooth. Hover or focus names
 * the agent; a click or Enter opens its details. For the keyboard and screen
 * readers the canvas is one focusable control: the arrow keys, Home/End and
 * PageUp/PageDown move a focus cell, whose agent a live region names; the
 * legend above counts each status.
 */
export function StatusMap() {
  // The shown ids: grouped, in the groups' order, a folded group's agents left out.
  const ids = useFleetStore((s) => s.shownIds);
  const viewRows = useFleetStore((s) => s.rows);
  const groupBy = useFleetStore((s) => s.groupBy);
  const nothingMatches = useFleetStore((s) => s.visibleIds.length === 0 && s.agents.size > 0);
  const checkedIds = useFleetStore((s) => s.checkedIds);
  const counts = useFleetStore((s) => s.counts);
  const waiting = useFleetStore((s) => s.waitingCount);
  const selectedId = useFleetStore((s) => s.selectedId);
  const dark = useDark();
  const scroller = useRef<HTMLDivElement>(null);
  const cells = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painter = useRef<MapPainter | null>(null);
  const [box, setBox] = useState({ width: 1200, height: 700 });
  const [scrollTop, setScrollTop] = useState(0);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const [hover, setHover] = useState<number | null>(null);

  // Grouped (and the groups few enough to head), each group has its header band and starts a row of its own.
  const groups = useMemo(() => (groupBy === null ? null : viewRows.filter((row): row is GroupRow => typeof row !== 'string')), [groupBy, viewRows]);
  const headed = groups !== null && groups.length <= MAX_MAP_GROUPS;
  const sizes = useMemo(() => (headed ? groups.map((group) => (group.collapsed ? 0 : group.size)) : null), [headed, groups]);
  const { pitch, columns } = useMemo(() => mapLayout(box.width, box.height, ids.length, sizes ? { sizes, bandRowsAt } : undefined), [box, ids.length, sizes]);
  // Without groups the rows are the ids, a new array at each move: the geometry (slot = index) must not follow them.
  const headedRows = headed ? viewRows : null;
  const geometry = useMemo(() => new MapGeometry(ids.length, columns, headedRows, bandRowsAt(pitch)), [ids.length, columns, headedRows, pitch]);
  const rows = geometry.totalRows;
  const geometryRef = useRef(geometry);
  geometryRef.current = geometry;
  const ratio = typeof window === 'undefined' ? 1 : Math.max(1, Math.round(window.devicePixelRatio || 1));
  const firstRow = Math.floor(scrollTop / pitch);
  const rowCount = Math.max(0, Math.min(rows - firstRow, Math.ceil(box.height / pitch) + 1));
  // The focus agent's place; -1 when it has left the map (filtered out, its group folded): the keys then start at the first cell.
  const focusAt = useMemo(() => (focusId === null ? -1 : ids.indexOf(focusId)), [ids, focusId]);
  const focusIndex = Math.max(0, focusAt);
  const selectedIndex = useMemo(() => (selectedId === null ? -1 : ids.indexOf(selectedId)), [ids, selectedId]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setBox({ width: Math.floor(entry.contentRect.width), height: Math.floor(entry.contentRect.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A new window of rows, pitch or theme: new sprites, and every cell painted again.
  useLayoutEffect(() => {
    if (!canvas.current) return;
    if (painter.current?.canvas !== canvas.current) painter.current = new MapPainter(canvas.current);
    painter.current.reset({ firstRow, rowCount, columns, pitch: pitch * ratio }, readColours(canvas.current));
    painter.current.paint(useFleetStore.getState().shownAgents, geometryRef.current);
  }, [firstRow, rowCount, columns, pitch, ratio, dark]);

  // New places for the cells (grouped: a group grew, shrank or folded): only the cells that look different are painted.
  useLayoutEffect(() => {
    painter.current?.paint(useFleetStore.getState().shownAgents, geometry);
  }, [geometry]);

  // The view's refresh (agents changed or moved): at most one incremental paint a frame, outside React.
  useEffect(() => {
    let frame = 0;
    const unsubscribe = useFleetStore.subscribe((state, previous) => {
      if (frame || state.viewVersion === previous.viewVersion) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        painter.current?.paint(useFleetStore.getState().shownAgents, geometryRef.current);
      });
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, []);

  const cellAt = (event: MouseEvent<HTMLElement>): number | null => {
    const rect = cells.current!.getBoundingClientRect();
    const column = Math.floor((event.clientX - rect.left) / pitch);
    if (column < 0 || column >= columns) return null;
    const at = geometry.indexAt(Math.floor((event.clientY - rect.top) / pitch) * columns + column);
    return at >= 0 ? at : null;
  };

  const moveFocus = (next: number) => {
    const clamped = Math.min(ids.length - 1, Math.max(0, next));
    setFocusId(ids[clamped]!);
    const element = scroller.current;
    if (!element) return;
    const top = Math.floor(geometry.slotOf(clamped) / columns) * pitch;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + pitch > element.scrollTop + element.clientHeight) element.scrollTop = top + pitch - element.clientHeight;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (ids.length === 0) return;
    const page = Math.max(1, Math.floor(box.height / pitch) - 1);
    // Up and down go by the grid, in the column (past a group's band); left and right by the order.
    const moves: Record<string, number> = {
      ArrowRight: focusIndex + 1,
      ArrowLeft: focusIndex - 1,
      ArrowDown: geometry.stepRows(focusIndex, 1),
      ArrowUp: geometry.stepRows(focusIndex, -1),
      PageDown: geometry.stepRows(focusIndex, page),
      PageUp: geometry.stepRows(focusIndex, -page),
      Home: 0,
      End: ids.length - 1,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setFocusId(ids[focusIndex]!);
      // Enter opens the agent, Space ticks it (as in the table).
      if (event.key === 'Enter') open(ids[focusIndex]!);
      else toggleChecked(ids[focusIndex]!);
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveFocus(target);
  };

  const tipIndex = hover ?? (focused ? focusIndex : null);
  // Only the agents named re-render the map, not every change to the fleet.
  const tipAgent = useFleetStore((s) => (tipIndex === null ? undefined : s.agents.get(ids[tipIndex] ?? '')));
  const focusAgent = useFleetStore((s) => (focused ? s.agents.get(ids[focusIndex] ?? '') : undefined));
  const place = (at: number) => {
    const slot = geometry.slotOf(at);
    return { left: (slot % columns) * pitch, top: Math.floor(slot / columns) * pitch, width: pitch, height: pitch };
  };
  const total = AGENT_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  // The cell bar: the agent of the focus cell (clicked, or moved to with the keys), with its tick box.
  // Only while its cell is on the map: the bar must name the agent the keys act on.
  const current = useFleetStore((s) => (focusId === null || focusAt < 0 ? undefined : s.agents.get(focusId)));
  // The agents in the rows on screen: a few thousand at most, whatever the fleet.
  const inView: number[] = [];
  for (let slot = firstRow * columns, end = Math.min(rows, firstRow + rowCount) * columns; slot < end; slot++) {
    const at = geometry.indexAt(slot);
    if (at >= 0) inView.push(at);
  }
  // A box per cell in view, in the cell's top left corner (its middle stays the cell's: a click there opens the agent).
  const boxSize = Math.floor(pitch / 2) - 1;
  const boxes = inView.length <= MAX_CELL_BOXES && pitch >= MIN_BOX_PITCH ? inView : [];
  const ticks = checkedIds.size === 0 ? [] : inView.filter((at) => checkedIds.has(ids[at]!)).slice(0, MAX_TICK_MARKS);
  const bands = geometry.bands.filter((band) => band.row + geometry.bandRows > firstRow && band.row < firstRow + rowCount);

  // Nothing matches: the map's parts stay mounted, hidden (the canvas keeps its painter, the scroller its size observer).
  return (
    <section className="status-map" aria-label="Status map">
      {nothingMatches && <NoMatch />}
      <ul className="map-legend" aria-label="Agents per status" hidden={nothingMatches}>
        {AGENT_STATUSES.map((status) => (
          <li key={status} className={`legend-${status}`}>
            <StatusGlyph status={status} />
            <span className="legend-word">
              {humanize(status)} {counts[status].toLocaleString()}
            </span>
          </li>
        ))}
        <li className="legend-waiting">
          <svg className="glyph" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
            <rect x="6" width="4" height="4" />
            <rect y="0" width="10" height="10" fill="none" stroke="var(--muted)" />
          </svg>
          <span className="legend-word">Needs you {waiting.toLocaleString()}</span>
        </li>
        <li className="legend-word">
          Showing {ids.length.toLocaleString()} of {total.toLocaleString()}
        </li>
        {groups !== null && !headed && (
          <li className="legend-word">
            {groups.length.toLocaleString()} groups, in their order: too many to head here (Tiles and Table head each one)
          </li>
        )}
      </ul>
      <div className="map-current" aria-label="Current cell" role="group" hidden={nothingMatches}>
        {current ? (
          <>
            {/* The cell's own box, when cells have one, is this agent's: one `Select <id>` per agent. */}
            {!boxes.includes(focusAt) && <SelectCheckbox id={current.id} />}
            <StatusBadge status={current.status} />
            <bdi className="map-current-name">{displayName(current)}</bdi>
            {current.name && <bdi className="tooltip-id">{current.id}</bdi>}
            <button type="button" onClick={() => open(current.id)}>
              Open details
            </button>
          </>
        ) : (
          <span className="muted">Click a cell, or use the arrow keys in the map: Enter opens an agent, Space ticks it (Ctrl-click ticks too).</span>
        )}
      </div>
      <div className="map-scroller" ref={scroller} hidden={nothingMatches} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div
          ref={cells}
          className="map-cells"
          style={{ width: columns * pitch, height: rows * pitch }}
          data-pitch={pitch}
          data-columns={columns}
          onMouseMove={(e) => setHover(cellAt(e))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const at = cellAt(e);
            if (at === null) return;
            setFocusId(ids[at]!);
            // Ctrl- or ⌘-click ticks the agent instead of opening it.
            if (e.ctrlKey || e.metaKey) toggleChecked(ids[at]!);
            else open(ids[at]!);
          }}
        >
          <canvas
            ref={canvas}
            tabIndex={0}
            role="application"
            aria-roledescription="status map"
            aria-label={`Status map of ${ids.length.toLocaleString()} agents`}
            aria-describedby="status-map-help"
            style={{ top: firstRow * pitch, width: columns * pitch, height: rowCount * pitch }}
            onKeyDown={onKeyDown}
            onFocus={() => setFocused(true)}
            onBlur={() => setFocused(false)}
          />
          {ticks.map((at) => (
            <div key={`tick-${at}`} className="map-tick" style={place(at)} />
          ))}
          {bands.map((band) => (
            <div key={`band-${groupKey(band.group.value)}`} className="map-band" style={{ top: band.row * pitch, height: geometry.bandRows * pitch, width: columns * pitch }}>
              <GroupHeader row={band.group} labelKey={groupBy ?? ''} />
            </div>
          ))}
          {boxes.map((at) => (
            <span
              key={ids[at]}
              className={`map-cell-box${at === hover ? ' is-hover' : ''}`}
              style={{ left: place(at).left + 1, top: place(at).top + 1, width: boxSize, height: boxSize }}
              // The box ticks; it must not also open the agent, as a click on its cell does.
              onClick={(e) => e.stopPropagation()}
            >
              <SelectCheckbox id={ids[at]!} tabIndex={-1} />
            </span>
          ))}
          {selectedIndex >= 0 && <div className="map-ring map-selected" style={place(selectedIndex)} />}
          {focusAgent && <div className="map-ring map-focus" style={place(focusIndex)} />}
          {hover !== null && <div className="map-ring map-hover" style={place(hover)} />}
          {tipAgent && tipIndex !== null && (
            <div
              className="map-tooltip"
              role="tooltip"
              data-agent-id={tipAgent.id}
              data-status={tipAgent.status}
              style={tooltipPlace(place(tipIndex), columns * pitch)}
            >
              <bdi>{displayName(tipAgent)}</bdi>
              {tipAgent.name && <span className="tooltip-id">{tipAgent.id}</span>}
              <StatusBadge status={tipAgent.status} />
              {tipAgent.waiting && <span>needs you: {tipAgent.waiting.kind}</span>}
            </div>
          )}
        </div>
      </div>
      <p id="status-map-help" className="visually-hidden">
        Arrow keys move between agents, in the order of the sort; Enter opens the agent&apos;s details; Space ticks it for a bulk action.
      </p>
      <p className="visually-hidden" aria-live="polite">
        {focusAgent ? `${describe(focusAgent)}; ${(focusIndex + 1).toLocaleString()} of ${ids.length.toLocaleString()}` : ''}
      </p>
    </section>
  );
}

/** Below the cell, or above it near the bottom; kept inside the map's width. */
function tooltipPlace(cell: { left: number; top: number; width: number; height: number }, width: number) {
  const left = Math.max(0, Math.min(cell.left - 8, width - 320));
  return cell.top > 60 ? { left, top: cell.top - 32 } : { left, top: cell.top + cell.height + 6 };
}
