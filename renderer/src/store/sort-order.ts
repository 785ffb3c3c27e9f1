import type { Agent } from '../../../shared/agent';
import { assertNever } from '../../../shared/status';
import { byId, byName, comparatorsWith, displayName, labelsText, natural, STATUS_RANK, type SortDir, type SortKey } from './agent-order';

const raw = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Entry {
  readonly id: string;
  readonly key: string;
}

/**
 * Each agent's place in a text order, kept between sorts. The natural-order
 * collator costs about a microsecond a comparison, so sorting 100,000 agents
 * by name with it takes a fifth of a second, at every refresh of the view;
 * names, ids and labels rarely change, so their order is worked out once and
 * then only for the agents that joined or changed (sorted, and each put in
 * its place by binary search), and a sort compares numbers.
 */
class RankCache {
  private entries: Entry[] = [];
  /** The most agents one sort has ranked since entries were last dropped. */
  private largest = 0;
  /** Each agent's key and rank. */
  private ranks = new Map<string, { readonly key: string; readonly rank: number }>();
  /**
   * The last answer, by position: the fleet's map keeps its order across
   * copies, so the next sort mostly sees the same ids in the same places and
   * finds their ranks without hashing a string.
   */
  private last: { ids: string[]; keys: string[]; ranks: Float64Array } = { ids: [], keys: [], ranks: new Float64Array(0) };

  /** `equalKeysShareRank`: whether entries of the very same key share a rank (else `compare` orders every pair). */
  constructor(
    private readonly compare: (a: Entry, b: Entry) => number,
    private readonly equalKeysShareRank: boolean,
  ) {}

  /** How many entries are ranked (every rank is below it). */
  get size(): number {
    return this.entries.length;
  }

  /** The rank of agent `id` under `key`, if it was ranked with that key; else undefined. */
  rankOf(id: string, key: string): number | undefined {
    const known = this.ranks.get(id);
    return known !== undefined && known.key === key ? known.rank : undefined;
  }

  /** The rank of each of `agents` by `keyOf`. */
  rank(agents: readonly Agent[], keyOf: (agent: Agent) => string): Float64Array {
    const n = agents.length;
    const out = new Float64Array(n);
    const ids = new Array<string>(n);
    const keys = new Array<string>(n);
    const last = this.last;
    let fresh: Entry[] | null = null;
    for (let i = 0; i < n; i++) {
      const agent = agents[i]!;
      const key = keyOf(agent);
      ids[i] = agent.id;
      keys[i] = key;
      if (last.ids[i] === agent.id && last.keys[i] === key) {
        out[i] = last.ranks[i]!;
        continue;
      }
      const known = this.ranks.get(agent.id);
      if (known !== undefined && known.key === key) out[i] = known.rank;
      else (fresh ??= []).push({ id: agent.id, key });
    }
    // Entries of agents long gone are dropped once they outnumber the largest fleet sorted since the
    // last drop: not the agents of this sort, which may be a search's few (dropping the rest's ranks
    // made every key typed, and clearing the search, rank tens of thousands again with the collator).
    this.largest = Math.max(this.largest, n);
    if (fresh !== null || this.entries.length > 2 * this.largest + 1024) {
      this.update(fresh ?? [], agents);
      for (let i = 0; i < n; i++) out[i] = this.ranks.get(ids[i]!)!.rank;
    }
    this.last = { ids, keys, ranks: out };
    return out;
  }

  private update(fresh: Entry[], agents: readonly Agent[]): void {
    const changed = new Set(fresh.map((entry) => entry.id));
    let kept = this.entries.filter((entry) => !changed.has(entry.id));
    if (kept.length > 2 * this.largest + 1024) {
      const living = new Set(agents.map((agent) => agent.id));
      kept = kept.filter((entry) => living.has(entry.id));
      this.largest = agents.length;
    }
    fresh.sort(this.compare);
    // Each newcomer's place found by binary search (a few comparisons each), then one pass that interleaves.
    const merged: Entry[] = [];
    let from = 0;
    for (const entry of fresh) {
      let lo = from;
      let hi = kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.compare(kept[mid]!, entry) <= 0) lo = mid + 1;
        else hi = mid;
      }
      for (let k = from; k < lo; k++) merged.push(kept[k]!);
      merged.push(entry);
      from = lo;
    }
    for (let k = from; k < kept.length; k++) merged.push(kept[k]!);
    this.entries = merged;
    const ranks = new Map<string, { key: string; rank: number }>();
    let rank = 0;
    for (let k = 0; k < merged.length; k++) {
      const entry = merged[k]!;
      if (k > 0 && !(this.equalKeysShareRank && entry.key === merged[k - 1]!.key)) rank++;
      ranks.set(entry.id, { key: entry.key, rank });
    }
    this.ranks = ranks;
  }
}

// The same orders as COMPARATORS.name and .id, and the labels' text order (ties then go by name).
const byNameEntry = (a: Entry, b: Entry) => natural.compare(a.key, b.key) || natural.compare(a.id, b.id) || raw(a.id, b.id);
const byIdEntry = (a: Entry, b: Entry) => natural.compare(a.id, b.id) || raw(a.id, b.id);
const byLabelsEntry = (a: Entry, b: Entry) => natural.compare(a.key, b.key) || raw(a.key, b.key);
const nameRanks = new RankCache(byNameEntry, false);
const idRanks = new RankCache(byIdEntry, false);
const labelRanks = new RankCache(byLabelsEntry, true);

/**
 * The orders of `COMPARATORS`, comparing the ranks of names and ids where
 * both agents have one (the last sort ranked them, under the names and ids
 * they still have) and with the collator where not: the same order, as the
 * ranks are places in it, at a tenth of the cost. What the view's index
 * puts changed agents in place with.
 */
export const RANKED_COMPARATORS = comparatorsWith(
  (a, b) => {
    const x = nameRanks.rankOf(a.id, displayName(a));
    const y = x === undefined ? undefined : nameRanks.rankOf(b.id, displayName(b));
    return y === undefined ? byName(a, b) : x! - y;
  },
  (a, b) => {
    const x = idRanks.rankOf(a.id, a.id);
    const y = x === undefined ? undefined : idRanks.rankOf(b.id, b.id);
    return y === undefined ? byId(a, b) : x! - y;
  },
);

/** Numbers, most significant first, whose order is the key's ascending order (as `COMPARATORS` in agent-order.ts defines it). */
interface Columns {
  readonly columns: readonly Float64Array[];
  /** Bits each column needs when all are whole numbers from 0 (packable into one number); null for times. */
  readonly bits: readonly number[] | null;
}

const bitsFor = (size: number) => Math.ceil(Math.log2(size + 1));

function columnsFor(sort: SortKey, agents: readonly Agent[]): Columns {
  const column = (of: (agent: Agent) => number) => {
    const out = new Float64Array(agents.length);
    for (let i = 0; i < agents.length; i++) out[i] = of(agents[i]!);
    return out;
  };
  const names = () => nameRanks.rank(agents, displayName);
  switch (sort) {
    case 'status': {
      const name = names();
      return { columns: [column((a) => (a.waiting === null ? 1 : 0) * 8 + STATUS_RANK[a.status]), name], bits: [4, bitsFor(nameRanks.size)] };
    }
    case 'name': {
      const name = names();
      return { columns: [name], bits: [bitsFor(nameRanks.size)] };
    }
    case 'id': {
      const id = idRanks.rank(agents, (a) => a.id);
      return { columns: [id], bits: [bitsFor(idRanks.size)] };
    }
    case 'labels': {
      const labels = labelRanks.rank(agents, labelsText);
      const name = names();
      return { columns: [column((a) => (labelsText(a) === '' ? 1 : 0)), labels, name], bits: [1, bitsFor(labelRanks.size), bitsFor(nameRanks.size)] };
    }
    case 'heartbeat':
      return { columns: [column((a) => -a.lastSeen), names()], bits: null };
    case 'status_since':
      return { columns: [column((a) => -a.statusSince), names()], bits: null };
    case 'recovery':
      return {
        columns: [column((a) => (a.status !== 'exhausted' ? 2 : a.recoveryAt === null ? 1 : 0)), column((a) => (a.status === 'exhausted' && a.recoveryAt !== null ? a.recoveryAt : 0)), names()],
        bits: null,
      };
    default:
      return assertNever(sort);
  }
}

/** The last packed sort: its key, its input's ids by position, their keys, and the order found. */
let last: { sort: SortKey; ids: readonly string[]; packed: Float64Array; order: Uint32Array } | null = null;

function sortPacked(packed: Float64Array, shift: number): Uint32Array {
  const keys = packed.slice();
  keys.sort();
  const order = new Uint32Array(keys.length);
  for (let k = 0; k < keys.length; k++) order[k] = keys[k]! % shift;
  return order;
}

/** Above this share of changed places, a fresh sort is cheaper than patching. */
const PATCH_AT_MOST = 1 / 16;

/**
 * The same fleet in the same places as the last sort by the same key (the
 * fleet's map keeps its order, and between two refreshes a few agents
 * change): the last order with only the changed agents taken out and put
 * back where their keys now go, by binary search. Null when the input is
 * another fleet or too much changed.
 */
function patch(agents: readonly Agent[], sort: SortKey, packed: Float64Array): Uint32Array | null {
  const n = agents.length;
  if (last === null || last.sort !== sort || last.ids.length !== n) return null;
  const changed: number[] = [];
  for (let i = 0; i < n; i++) {
    if (agents[i]!.id !== last.ids[i]) return null;
    if (packed[i] !== last.packed[i] && changed.push(i) > n * PATCH_AT_MOST) return null;
  }
  if (changed.length === 0) return last.order;
  const moved = new Uint8Array(n);
  for (const i of changed) moved[i] = 1;
  const kept = new Uint32Array(n - changed.length);
  let k = 0;
  for (const i of last.order) if (!moved[i]) kept[k++] = i;
  changed.sort((i, j) => packed[i]! - packed[j]!);
  const order = new Uint32Array(n);
  let out = 0;
  let from = 0;
  for (const i of changed) {
    let lo = from;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (packed[kept[mid]!]! < packed[i]!) lo = mid + 1;
      else hi = mid;
    }
    order.set(kept.subarray(from, lo), out);
    out += lo - from;
    order[out++] = i;
    from = lo;
  }
  order.set(kept.subarray(from), out);
  return order;
}

/**
 * `agents` in the order of `sort` and `dir`: the same order as sorting with
 * `comparator(sort, dir)` (every key ends in the name, then the id, so no two
 * agents tie and `desc` is the exact reverse), but comparing precomputed
 * numbers. Where the columns and the position fit the 52 bits of a double's
 * integers (the status, name, id and labels orders), each agent becomes one
 * number and the engine's numeric sort runs without a comparator.
 */
export function sortAgents(agents: readonly Agent[], sort: SortKey, dir: SortDir): Agent[] {
  const n = agents.length;
  const { columns, bits } = columnsFor(sort, agents);
  const indexBits = bitsFor(n);
  let order: Uint32Array;
  if (bits !== null && bits.reduce((sum, b) => sum + b, indexBits) <= 52) {
    // key = (c0 · 2^b1 + c1) · 2^b2 + … , then the position below it: whole numbers, exact in a double.
    const packed = new Float64Array(n);
    for (let c = 0; c < columns.length; c++) {
      const values = columns[c]!;
      const shift = 2 ** bits[c]!;
      for (let i = 0; i < n; i++) packed[i] = packed[i]! * shift + values[i]!;
    }
    const shift = 2 ** indexBits;
    for (let i = 0; i < n; i++) packed[i] = packed[i]! * shift + i;
    order = patch(agents, sort, packed) ?? sortPacked(packed, shift);
    last = { sort, ids: agents.map((agent) => agent.id), packed, order };
  } else {
    last = null;
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((i, j) => {
      for (const c of columns) {
        const x = c[i]!;
        const y = c[j]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
  }
  const sorted = new Array<Agent>(n);
  for (let k = 0; k < n; k++) sorted[dir === 'asc' ? k : n - 1 - k] = agents[order[k]!]!;
  return sorted;
}
