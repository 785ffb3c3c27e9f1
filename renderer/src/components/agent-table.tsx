import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { formatAgo, formatCountdown, formatDuration } from '../lib/format';
import { useNow } from '../store/clock-store';
import { setQuery, toggleChecked, toggleGroup, useFleetStore } from '../store/fleet-store';
import { groupKey, type GroupRow, type ViewRow } from '../store/groups';
import { displayName, labelsText, SORT_LABELS, type SortKey } from '../store/view';
import { GroupHeader } from './group-header';
import { NoMatch } from './no-match';
import { SelectCheckbox } from './select-checkbox';
import { StatusBadge } from './status-badge';

/** One row per agent; fixed, so the virtualizer never measures. */
export const TABLE_ROW_HEIGHT = 32;

/** The columns, in order: each one also a sort key. */
const COLUMNS: readonly SortKey[] = ['status', 'name', 'id', 'labels', 'heartbeat', 'status_since', 'recovery'];

const open = (id: string) => useFleetStore.setState({ selectedId: id });

/** A row's key: the agent's id, or its group's. */
const rowKey = (row: ViewRow) => (typeof row === 'string' ? row : `group:${groupKey(row.value)}`);

/**
 * The fleet as a table: a row per agent, virtualized (only the rows in view
 * are in the DOM, so `aria-rowcount`/`aria-rowindex` tell the whole), sorted
 * by any column either way (click its header; again to reverse), grouped as
 * the view is (a header row per group, which folds it). One row is in the tab
 * order; the arrow keys, Home/End and PageUp/PageDown move it, Enter opens the
 * agent's details (or folds a group), Space ticks the agent. The focus follows
 * the agent, not the place, when the fleet re-sorts. When nothing matches the
 * search or filters, it says so instead.
 */
export function AgentTable() {
  const rows = useFleetStore((s) => s.rows);
  const groupBy = useFleetStore((s) => s.groupBy);
  const nothingMatches = useFleetStore((s) => s.rows.length === 0 && s.agents.size > 0);
  const keys = useMemo(() => rows.map(rowKey), [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  /** Set by a key press: focus the active row once it is rendered (it may be scrolled to first). */
  const focusPending = useRef(false);
  const activeIndex = useMemo(() => {
    const found = activeKey === null ? -1 : keys.indexOf(activeKey);
    return found === -1 ? 0 : found;
  }, [keys, activeKey]);

  const virtualizer = useVirtualizer({
    count: rows.length,
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
    if (rows.length === 0 || !(event.target instanceof HTMLElement) || !event.target.matches('[role="row"]')) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? TABLE_ROW_HEIGHT * 10) / TABLE_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: rows.length - 1,
    };
    const row = rows[activeIndex]!;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (typeof row !== 'string') toggleGroup(groupKey(row.value));
      else if (event.key === 'Enter') open(row);
      else toggleChecked(row);
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(rows.length - 1, Math.max(0, target));
    focusPending.current = true;
    setActiveKey(keys[next]!);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  if (nothingMatches) return <NoMatch />;
  return (
    <div className="agent-table" role="grid" aria-label="Agents" aria-rowcount={rows.length + 1} aria-colcount={COLUMNS.length + 1}>
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          <div role="columnheader" aria-colindex={1} className="table-cell col-select">
            <span className="visually-hidden">Selected</span>
          </div>
          {COLUMNS.map((key, i) => (
            <SortHeader key={key} column={key} index={i + 2} />
          ))}
        </div>
      </div>
      <div role="rowgroup" className="table-body" ref={scroller} onKeyDown={onKeyDown}>
        <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const key = keys[item.index]!;
            const common = { index: item.index, start: item.start, active: item.index === activeIndex, onActivate: setActiveKey };
            return typeof row === 'string' ? (
              <AgentRow key={key} id={row} {...common} />
            ) : (
              <GroupTableRow key={key} rowKey={key} row={row} labelKey={groupBy ?? ''} {...common} />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** A group's header as a table row: the whole width, its one button folding the group. */
function GroupTableRow({ row, rowKey: key, labelKey, index, start, active, onActivate }: Omit<RowProps, 'id'> & { row: GroupRow; rowKey: string; labelKey: string }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      tabIndex={active ? 0 : -1}
      className="table-row table-group"
      style={{ transform: `translateY(${start}px)` }}
      data-row-index={index}
      onFocus={() => onActivate(key)}
    >
      <div role="gridcell" aria-colindex={1} aria-colspan={COLUMNS.length + 1} className="table-cell col-group">
        {/* The row is the grid's stop (Enter folds it): its button stays out of the tab order. */}
        <GroupHeader row={row} labelKey={labelKey} tabIndex={-1} />
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

/** What a click in a row leaves to the control it landed on (the tick box). */
const CONTROLS = 'input, button, a[href], label';

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
      // The row is the way into the agent's details: focus comes back to it when they close.
      data-action="open-details"
      onFocus={() => onActivate(id)}
      onClick={(event: MouseEvent<HTMLElement>) => {
        if (event.target instanceof Element && event.target.closest(CONTROLS)) return;
        onActivate(id);
        open(id);
      }}
    >
      <div role="gridcell" aria-colindex={1} className="table-cell col-select">
        {/* Out of the tab order, as the grid's cells are: the arrow keys move between rows, Space ticks. */}
        <SelectCheckbox id={agent.id} tabIndex={-1} />
      </div>
      <div role="gridcell" aria-colindex={2} className="table-cell col-status">
        <StatusBadge status={agent.status} />
      </div>
      <div role="gridcell" aria-colindex={3} className="table-cell col-name" title={displayName(agent)}>
        <bdi>{displayName(agent)}</bdi>
      </div>
      <div role="gridcell" aria-colindex={4} className="table-cell col-id" title={agent.id}>
        <bdi>{agent.id}</bdi>
      </div>
      <div role="gridcell" aria-colindex={5} className="table-cell col-labels" title={labels}>
        <bdi>{labels}</bdi>
      </div>
      <div role="gridcell" aria-colindex={6} className="table-cell col-heartbeat">
        {formatAgo(agent.lastSeen, now)}
      </div>
      <div role="gridcell" aria-colindex={7} className="table-cell col-status_since">
        {formatDuration(now - agent.statusSince)}
      </div>
      <div role="gridcell" aria-colindex={8} className="table-cell col-recovery">
        {recovery}
      </div>
    </div>
  );
});
