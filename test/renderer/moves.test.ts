import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMoves, planMoves } from '../../renderer/src/lib/moves';

describe('moves: items leaving and arriving, in place', () => {
  it('gives what building the array afresh gives, for any departures and arrivals, growing or shrinking', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }).chain((length) =>
          fc.record({
            length: fc.constant(length),
            gone: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, length - 1) }), { maxLength: length }),
            places: fc.array(fc.integer({ min: 0, max: length }), { maxLength: 60 }),
          }),
        ),
        ({ length, gone, places }) => {
          const before = Array.from({ length }, (_, i) => `old-${i}`);
          const goneSorted = [...gone].filter((i) => i < length).sort((a, b) => a - b);
          const placesSorted = [...places].sort((a, b) => a - b);
          const arriving = placesSorted.map((_, k) => `new-${k}`);
          // Afresh: before each old place its arrivals, then the old item unless it leaves.
          const expected: string[] = [];
          let a = 0;
          for (let i = 0; i <= length; i++) {
            while (a < placesSorted.length && placesSorted[a] === i) expected.push(arriving[a++]!);
            if (i < length && !goneSorted.includes(i)) expected.push(before[i]!);
          }
          const array = before.slice();
          const plan = planMoves(length, goneSorted, placesSorted);
          applyMoves(array, plan, arriving);
          expect(array).toEqual(expected);
          expect(plan.arrivals.map((at) => array[at])).toEqual(arriving);
        },
      ),
      { numRuns: 500 },
    );
  });
});
