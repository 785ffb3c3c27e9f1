/** How the status map lays its cells out: a square pitch (cell plus gap), so many columns, so many rows. */
export interface MapLayout {
  /** CSS pixels from one cell's left edge to the next one's. */
  readonly pitch: number;
  readonly columns: number;
  readonly rows: number;
}

/** Cells no smaller than this (a shape still reads); a fleet that will not fit then scrolls. */
export const MIN_PITCH = 6;
/** Nor larger: a small fleet gets readable cells, not a wall of giant squares. */
export const MAX_PITCH = 22;

/**
 * The largest pitch at which `count` cells fit a `width` × `height` box, so
 * the whole fleet shows at once while it can (10,000 agents on a 1440×900
 * screen get pitch 10); below {@link MIN_PITCH} it stays there and the map
 * scrolls. With `groups` (each group's cells shown, 0 for a folded one),
 * each group takes its header band (`bandRowsAt` rows at a pitch) and starts
 * on a row of its own.
 */
export function mapLayout(width: number, height: number, count: number, groups?: { readonly sizes: readonly number[]; readonly bandRowsAt: (pitch: number) => number }): MapLayout {
  const columnsAt = (pitch: number) => Math.max(1, Math.floor(width / pitch));
  const rowsAt = (pitch: number) => {
    const columns = columnsAt(pitch);
    if (!groups) return Math.ceil(count / columns);
    const band = groups.bandRowsAt(pitch);
    let rows = 0;
    for (const size of groups.sizes) rows += band + Math.ceil(size / columns);
    return rows;
  };
  let pitch = MAX_PITCH;
  while (pitch > MIN_PITCH && rowsAt(pitch) > Math.floor(height / pitch)) pitch--;
  return { pitch, columns: columnsAt(pitch), rows: rowsAt(pitch) };
}

/** The gap between cells at a pitch, in the same pixels. */
export function cellGap(pitch: number): number {
  return pitch >= 12 ? 3 : pitch >= 8 ? 2 : 1;
}
