import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_STATUSES } from '../../shared/status';
import { bandRowsAt, MapGeometry } from '../../renderer/src/lib/map-geometry';
import { mapLayout } from '../../renderer/src/lib/map-layout';
import type { GroupRow, ViewRow } from '../../renderer/src/store/groups';

const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as GroupRow['counts'];
const group = (value: string | null, size: number, collapsed = false): GroupRow => ({ kind: 'group', value, size, counts, collapsed });

/** Rows as the view gives them: each group's header, then its ids unless folded. */
function rowsOf(groups: readonly { size: number; collapsed: boolean }[]): ViewRow[] {
  const rows: ViewRow[] = [];
  let n = 0;
  for (const [g, { size, collapsed }] of groups.entries()) {
    rows.push(group(`g${g}`, size, collapsed));
    for (let k = 0; k < size; k++, n++) if (!collapsed) rows.push(`agent-${n}`);
  }
  return rows;
}

describe('map geometry', () => {
  it('without groups a cell per agent, one after another', () => {
    const geometry = new MapGeometry(7, 3, null, 2);
    expect(geometry.totalRows).toBe(3);
    expect([...Array(10).keys()].map((slot) => geometry.indexAt(slot))).toEqual([0, 1, 2, 3, 4, 5, 6, -1, -1, -1]);
    expect(geometry.slotOf(5)).toBe(5);
    expect(geometry.bands).toEqual([]);
  });

  it('with groups: each group’s band, then its agents from a row of their own; a folded group is its band alone', () => {
    const rows: ViewRow[] = [group('a', 3), 'x', 'y', 'z', group('b', 2, true), group(null, 2), 'p', 'q'];
    const geometry = new MapGeometry(5, 2, rows, 1);
    // row 0 band a; rows 1-2: x y / z _; row 3 band b (folded); row 4 band (no value); row 5: p q.
    expect(geometry.totalRows).toBe(6);
    expect(geometry.bands.map((band) => [band.row, band.group.value])).toEqual([
      [0, 'a'],
      [3, 'b'],
      [4, null],
    ]);
    expect([...Array(12).keys()].map((slot) => geometry.indexAt(slot))).toEqual([-1, -1, 0, 1, 2, -1, -1, -1, -1, -1, 3, 4]);
    expect([0, 1, 2, 3, 4].map((i) => geometry.slotOf(i))).toEqual([2, 3, 4, 10, 11]);
    // Down from y (column 1): z's row is shorter, so its last (z); then past two bands, q in column 1.
    expect(geometry.stepRows(1, 1)).toBe(2);
    expect(geometry.stepRows(2, 1)).toBe(3);
    expect(geometry.stepRows(1, 2)).toBe(4);
    expect(geometry.stepRows(0, 1)).toBe(2);
    expect(geometry.stepRows(4, -1)).toBe(2);
    expect(geometry.stepRows(3, -2)).toBe(2);
    // At the edges: where it is.
    expect(geometry.stepRows(4, 1)).toBe(4);
    expect(geometry.stepRows(0, -1)).toBe(0);
  });

  it('up and down keep the column across a band (full rows on both sides)', () => {
    // Two groups of one full row of 4: a0..a3, then b0..b3.
    const rows: ViewRow[] = [group('a', 4), 'a0', 'a1', 'a2', 'a3', group('b', 4), 'b0', 'b1', 'b2', 'b3'];
    const geometry = new MapGeometry(8, 4, rows, 1);
    expect(geometry.stepRows(2, 1)).toBe(6);
    expect(geometry.stepRows(5, -1)).toBe(1);
  });

  it('a page past the last row goes to the last row (or past the first, to the first), in the column', () => {
    const geometry = new MapGeometry(100, 10, null, 1);
    expect(geometry.stepRows(3, 20)).toBe(93);
    expect(geometry.stepRows(95, -20)).toBe(5);
    expect(geometry.stepRows(3, 9)).toBe(93);
    // Grouped, with a folded group last (its band is the map's last row): the last row with agents.
    const rows: ViewRow[] = [group('a', 3), 'x', 'y', 'z', group('b', 2, true)];
    const grouped = new MapGeometry(3, 2, rows, 1);
    expect(grouped.stepRows(0, 10)).toBe(2);
    expect(grouped.stepRows(2, -10)).toBe(0);
  });

  it('any grouping: every agent has one slot and every slot at most one agent, in the view’s order, each group after its band', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 9 }), collapsed: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        (groups, columns, bandRows) => {
          const rows = rowsOf(groups);
          const count = rows.filter((row) => typeof row === 'string').length;
          const geometry = new MapGeometry(count, columns, rows, bandRows);
          const slots = [...Array(count).keys()].map((i) => geometry.slotOf(i));
          for (const [i, slot] of slots.entries()) expect(geometry.indexAt(slot)).toBe(i);
          // In order, never two in one slot.
          for (let i = 1; i < count; i++) expect(slots[i]!).toBeGreaterThan(slots[i - 1]!);
          expect(geometry.bands).toHaveLength(groups.length);
          // A group's agents start in the row after its band.
          let first = 0;
          for (const [g, band] of geometry.bands.entries()) {
            const shown = groups[g]!.collapsed ? 0 : groups[g]!.size;
            if (shown > 0) expect(slots[first]!).toBe((band.row + bandRows) * columns);
            first += shown;
          }
          expect(geometry.totalRows * columns).toBeGreaterThan(Math.max(-1, ...slots));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the layout fits groups too: ten groups of 1,000 on a 1440×900 screen, each with its band', () => {
    const sizes = Array(10).fill(1_000);
    const layout = mapLayout(1408, 720, 10_000, { sizes, bandRowsAt });
    expect(layout.rows * layout.pitch).toBeLessThanOrEqual(720);
    const plain = mapLayout(1408, 720, 10_000);
    expect(layout.pitch).toBeLessThanOrEqual(plain.pitch);
    expect(new MapGeometry(10_000, layout.columns, rowsOf(sizes.map((size) => ({ size, collapsed: false }))), bandRowsAt(layout.pitch)).totalRows).toBe(layout.rows);
  });
});
