/**
 * Moving items of a long array in place: some leave, others arrive, the rest
 * shift by runs with `copyWithin` (a native memmove), never one by one.
 */

/** How an array changes when some of its items leave and others arrive: the runs that stay, where they go, and where the arrivals go. */
export interface MovePlan {
  /** Each run of staying items: from `start` to `end` (old places), moved by `shift`. */
  readonly runs: readonly { readonly start: number; readonly end: number; readonly shift: number }[];
  /** Each arrival's new place, in the order of the arrivals. */
  readonly arrivals: readonly number[];
  readonly length: number;
}

/**
 * The moves that take the items at `gone` (old places, ascending) out of an
 * array of `length` and put arrivals in before the old places `places`
 * (ascending; several may share one): between two such events, the items
 * that stay move by the arrivals before them less the departures.
 */
export function planMoves(length: number, gone: readonly number[], places: readonly number[]): MovePlan {
  const runs: { start: number; end: number; shift: number }[] = [];
  const arrivals: number[] = [];
  let shift = 0;
  let start = 0;
  let g = 0;
  let a = 0;
  while (g < gone.length || a < places.length) {
    const at = Math.min(gone[g] ?? Infinity, places[a] ?? Infinity);
    if (at > start) runs.push({ start, end: at, shift });
    // An arrival goes before the item at its place, so before that item leaves.
    if (places[a] === at) {
      arrivals.push(at + shift);
      shift++;
      a++;
      start = at;
    } else {
      shift--;
      g++;
      start = at + 1;
    }
  }
  if (length > start) runs.push({ start, end: length, shift });
  return { runs, arrivals, length: length + places.length - gone.length };
}

/**
 * Carries out `plan` on `array`, in place. Runs that move left go first,
 * left to right, then those that move right, right to left: no run is
 * written over before it moved (each one's new place lies beyond the old
 * places of the runs still to move on that side).
 */
export function applyMoves<T>(array: T[], plan: MovePlan, arriving: readonly T[]): void {
  // Grown by pushing, so the array stays packed (a longer length would leave holes).
  while (array.length < plan.length) array.push(arriving[0]!);
  for (const run of plan.runs) if (run.shift < 0) array.copyWithin(run.start + run.shift, run.start, run.end);
  for (let r = plan.runs.length - 1; r >= 0; r--) {
    const run = plan.runs[r]!;
    if (run.shift > 0) array.copyWithin(run.start + run.shift, run.start, run.end);
  }
  for (let k = 0; k < plan.arrivals.length; k++) array[plan.arrivals[k]!] = arriving[k]!;
  array.length = plan.length;
}

/** The first place in the sorted `order` whose item does not come before `item`. */
export function lowerBound<T>(order: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(order[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether two arrays hold the same items in the same places. */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
