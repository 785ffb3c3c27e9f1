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
 * scrolls.
 */
export function mapLayout(width: number, height: number, count: number): MapLayout {
  const columnsAt = (pitch: number) => Math.max(1, Math.floor(width / pitch));
  let pitch = MAX_PITCH;
  while (pitch > MIN_PITCH && columnsAt(pitch) * Math.floor(height / pitch) < count) pitch--;
  const columns = columnsAt(pitch);
  return { pitch, columns, rows: Math.ceil(count / columns) };
}

/** The gap between cells at a pitch, in the same pixels. */
export function cellGap(pitch: number): number {
  return pitch >= 12 ? 3 : pitch >= 8 ? 2 : 1;
}
