import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatAgo, formatCountdown, formatDuration } from '../lib/format';
import { useNow } from '../store/clock-store';
import { setQuery, useFleetStore } from '../store/fleet-store';
import { displayName, labelsText, SORT_LABELS, type SortKey } from '../store/view';
import { StatusBadge } from './status-badge';

/** One row per agent; fixed, so the virtualizer never measures. */
export const TABLE_ROW_HEIGHT = 32;

/** The columns, in order: each one also a sort key. */
const COLUMNS: readonly SortKey[] = ['status', 'name', 'id', 'labels', 'heartbeat', 'status_since', 'recovery'];

const open = (id: string) => useFleetStore.setState({ selectedId: id });

/**
 * The fleet as a table: a row per agent, virtualized (only the rows in view
 * are in the DOM, so `aria-rowcount`/`aria-rowindex` tell the whole), sorted
 * by any column either way (click its header; again to reverse). One row is
 * in the tab order; the arrow keys, Home/End and PageUp/PageDown move it,
 * Enter opens the agent's details. The focus follows the agent, not the
 * place, when the fleet re-sorts.
 */
export function AgentTable() {
  const ids = useFleetStore((s) => s.visibleIds);
  const scroller = useRef<HTMLDivElement>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  /** Set by a key press: focus the active row once it is rendered (it may be scrolled to first). */
  const focusPending = useRef(false);
  const activeIndex = useMemo(() => {
    const found = activeId === null ? -1 : ids.indexOf(activeId);
    return found === -1 ? 0 : found;
  }, [ids, activeId]);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => TABLE_ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1200, height: 800 },
  });

  useEffect(() => {
    if (!focusPending.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-row-index="${activeIndex}"]`);
    if (!row) return;
    focusPending.current = false;
    row.focus({ preventScroll: true });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (ids.length === 0 || !(event.target instanceof HTMLElement) || !event.target.matches('[role="row"]')) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? TABLE_ROW_HEIGHT * 10) / TABLE_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: ids.length - 1,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(ids[activeIndex]!);
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(ids.length - 1, Math.max(0, target));
    focusPending.current = true;
    setActiveId(ids[next]!);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="agent-table" role="grid" aria-label="Agents" aria-rowcount={ids.length + 1} aria-colcount={COLUMNS.length}>
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          {COLUMNS.map((key, i) => (
            <SortHeader key={key} column={key} index={i + 1} />
          ))}
        </div>
      </div>
      <div role="rowgroup" className="table-body" ref={scroller} onKeyDown={onKeyDown}>
        <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <AgentRow
              key={ids[item.index]}
              id={ids[item.index]!}
              index={item.index}
              start={item.start}
              active={item.index === activeIndex}
              onActivate={setActiveId}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

/** A column header: a button that sorts by it, and again reverses; `aria-sort` says which way. */
function SortHeader({ column, index }: { column: SortKey; index: number }) {
  const sorted = useFleetStore((s) => (s.sort === column ? s.sortDir : null));
  const onClick = () => (sorted ? setQuery({ sortDir: sorted === 'asc' ? 'desc' : 'asc' }) : setQuery({ sort: column, sortDir: 'asc' }));
  return (
    <div
      role="columnheader"
      aria-colindex={index}
      className={`table-cell col-${column}`}
      {...(sorted ? { 'aria-sort': sorted === 'asc' ? ('ascending' as const) : ('descending' as const) } : {})}
    >
      <button type="button" className="sort-button" onClick={onClick}>
        {SORT_LABELS[column]}
        <span className="sort-arrow" aria-hidden="true">
          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
        </span>
      </button>
    </div>
  );
}

interface RowProps {
  id: string;
  index: number;
  start: number;
  active: boolean;
  onActivate: (id: string) => void;
}

/** One agent's row. It selects its own agent, so a change to one agent re-renders one row. */
const AgentRow = memo(function AgentRow({ id, index, start, active, onActivate }: RowProps) {
  const agent = useFleetStore((s) => s.agents.get(id));
  const selected = useFleetStore((s) => s.selectedId === id);
  const now = useNow();
  if (!agent) return null;
  const labels = labelsText(agent);
  const recovery = agent.status !== 'exhausted' ? '—' : agent.recoveryAt === null ? 'by hand' : formatCountdown(agent.recoveryAt, now);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      tabIndex={active ? 0 : -1}
      className={`table-row row-${agent.status}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      data-row-index={index}
      data-agent-id={agent.id}
      data-status={agent.status}
      onFocus={() => onActivate(id)}
      onClick={() => {
        onActivate(id);
        open(id);
      }}
    >
      <div role="gridcell" aria-colindex={1} className="table-cell col-status">
        <StatusBadge status={agent.status} />
      </div>
      <div role="gridcell" aria-colindex={2} className="table-cell col-name" title={displayName(agent)}>
        <bdi>{displayName(agent)}</bdi>
      </div>
      <div role="gridcell" aria-colindex={3} className="table-cell col-id" title={agent.id}>
        {agent.id}
      </div>
      <div role="gridcell" aria-colindex={4} className="table-cell col-labels" title={labels}>
        {labels}
      </div>
      <div role="gridcell" aria-colindex={5} className="table-cell col-heartbeat">
        {formatAgo(agent.lastSeen, now)}
      </div>
      <div role="gridcell" aria-colindex={6} className="table-cell col-status_since">
        {formatDuration(now - agent.statusSince)}
      </div>
      <div role="gridcell" aria-colindex={7} className="table-cell col-recovery">
        {recovery}
      </div>
    </div>
  );
});
