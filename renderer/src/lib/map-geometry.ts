import type { GroupRow, ViewRow } from '../store/groups';

/** A group's header band in the map: from grid row `row`, `MapGeometry.bandRows` rows tall. */
export interface MapBand {
  readonly row: number;
  readonly group: GroupRow;
}

/** A group's header is this tall, at least (a whole number of cell rows). */
export const BAND_PX = 26;

/** How many cell rows a group's header band takes at `pitch`. */
export function bandRowsAt(pitch: number): number {
  return Math.max(1, Math.ceil(BAND_PX / pitch));
}

/**
 * Where each shown agent sits in the map's grid of `columns`: without groups
 * one after another (slot = index); with groups, each group's header band,
 * then its agents from the start of the next row (a folded group is its band
 * alone). Agents are numbered as in the view's shown ids.
 */
export class MapGeometry {
  /** Rows of the grid, bands included. */
  readonly totalRows: number;
  readonly bands: readonly MapBand[];
  /** Slot → agent index (-1: a band or the rest of a group's last row); null without groups (slot = index). */
  private readonly indexOfSlot: Int32Array | null;
  /** Agent index → slot; null without groups. */
  private readonly slotOfIndex: Int32Array | null;

  /** `rows`: the view's rows with groups (headers and the ids of open groups), or null without groups. */
  constructor(
    readonly count: number,
    readonly columns: number,
    rows: readonly ViewRow[] | null,
    readonly bandRows: number,
  ) {
    if (rows === null) {
      this.totalRows = Math.ceil(count / columns);
      this.bands = [];
      this.indexOfSlot = this.slotOfIndex = null;
      return;
    }
    const bands: MapBand[] = [];
    let row = 0;
    let column = 0;
    for (const entry of rows) {
      if (typeof entry === 'string') {
        column++;
        if (column === columns) {
          row++;
          column = 0;
        }
        continue;
      }
      if (column > 0) row++;
      column = 0;
      bands.push({ row, group: entry });
      row += bandRows;
    }
    this.totalRows = row + (column > 0 ? 1 : 0);
    this.bands = bands;
    const slots = new Int32Array(this.totalRows * columns).fill(-1);
    const places = new Int32Array(count);
    let index = 0;
    let slot = 0;
    for (const entry of rows) {
      if (typeof entry !== 'string') {
        // A new group: from the next whole row, after its band.
        slot = (Math.ceil(slot / columns) + bandRows) * columns;
        continue;
      }
      slots[slot] = index;
      places[index++] = slot++;
    }
    this.indexOfSlot = slots;
    this.slotOfIndex = places;
  }

  /** The agent index at `slot`, or -1 where no agent sits. */
  indexAt(slot: number): number {
    if (slot < 0) return -1;
    if (this.indexOfSlot === null) return slot < this.count ? slot : -1;
    return slot < this.indexOfSlot.length ? this.indexOfSlot[slot]! : -1;
  }

  /** The slot of agent `index`. */
  slotOf(index: number): number {
    return this.slotOfIndex === null ? index : this.slotOfIndex[index]!;
  }

  /**
   * From `index`, `rows` rows down (negative: up) in the same column: the
   * agent there, or the row's last when it is shorter; a row with no agent
   * (a band) is passed for the next one beyond. Past the last row (or the
   * first), the last (first) row with an agent: a page down near the end goes
   * to the end. `index` itself when no other row has an agent that way.
   */
  stepRows(index: number, rows: number): number {
    const slot = this.slotOf(index);
    const column = slot % this.columns;
    const from = Math.floor(slot / this.columns);
    const direction = Math.sign(rows);
    const target = Math.min(this.totalRows - 1, Math.max(0, from + rows));
    // On from the target, away from the start; then back towards it (the map's edge may be a band).
    for (let row = target; row >= 0 && row < this.totalRows; row += direction) {
      const found = this.inRow(row, column);
      if (found >= 0) return found;
    }
    for (let row = target - direction; row !== from; row -= direction) {
      const found = this.inRow(row, column);
      if (found >= 0) return found;
    }
    return index;
  }

  /** The agent of `row` in `column`, or the row's last when it is shorter; -1 for a row without agents. */
  private inRow(row: number, column: number): number {
    // A row fills from its first column: if it has any agent, one is at or left of `column`.
    for (let c = column; c >= 0; c--) {
      const found = this.indexAt(row * this.columns + c);
      if (found >= 0) return found;
    }
    return -1;
  }
}
