import type { GroupRow, ViewRow } from '../store/groups';

/** One line of the tiles grid: a group's header, or up to `columns` tiles (`rows[start..end)`, all ids). */
export type GridLine = { readonly group: GroupRow } | { readonly start: number; readonly end: number };

/**
 * Lays the view's rows out in lines of the grid: each group header on a line
 * of its own, its agents `columns` to a line after it.
 */
export function gridLines(rows: readonly ViewRow[], columns: number): GridLine[] {
  const lines: GridLine[] = [];
  let i = 0;
  while (i < rows.length) {
    if (typeof rows[i] !== 'string') {
      lines.push({ group: rows[i] as GroupRow });
      i++;
      continue;
    }
    let end = i;
    while (end < rows.length && end - i < columns && typeof rows[end] === 'string') end++;
    lines.push({ start: i, end });
    i = end;
  }
  return lines;
}
