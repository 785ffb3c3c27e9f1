import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import { matchesSearch, parseSearch, type Search } from '../lib/search';
import { comparator, natural } from './agent-order';
import { needsAttention, passesFilters } from './filters';
import { compareGroupValues, groupKey, groupValue, inGroups, sameHeader, sameRows, type GroupRow, type ViewRow } from './groups';
import { applyMoves, lowerBound, planMoves, sameIds } from '../lib/moves';
import { RANKED_COMPARATORS, sortAgents } from './sort-order';
import type { ViewQuery } from './view';

/** What the fleet looks like under a query: what a view renders and the header counts. */
export interface ViewResult {
  /** The ids the filters and search keep, in display order (grouped: group by group, folded groups included). */
  readonly visibleIds: readonly string[];
  /** The ids again without grouping (the very same array); with it, each group's header, then its ids unless folded. */
  readonly rows: readonly ViewRow[];
  /** What the view draws: the ids but those of folded groups (`visibleIds` itself when none is folded). What "Select all" ticks. */
  readonly shownIds: readonly string[];
  /**
   * The agents of `shownIds`, place by place, as the view last took them in:
   * what the map paints from, without looking up each cell's agent by id.
   * The index changes this array in place (an agent taking its old self's
   * place); `version` says when.
   */
  readonly shownAgents: readonly Agent[];
  /** One more whenever a shown agent came, went, moved or changed. */
  readonly version: number;
  /** Agents per status among those the search finds (each what its filter would show). */
  readonly counts: Readonly<Record<AgentStatus, number>>;
  /** Of those, how many wait for their operator, and how many need the operator. */
  readonly waiting: number;
  readonly attention: number;
  /** Agents needing the operator in the whole fleet, whatever the search (the tab's title). */
  readonly fleetAttention: number;
  /** Every label key in the fleet, in natural order (what can be grouped by). */
  readonly labelKeys: readonly string[];
}

/** A group's size and per-status counts among the shown agents. */
interface GroupStats {
  size: number;
  readonly counts: Record<AgentStatus, number>;
}

const zeroCounts = () => Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;

/**
 * Above this share of the fleet changed at once (a page of a loading fleet),
 * the view is worked out afresh: the numeric sort of {@link sortAgents} is
 * then cheaper than putting each changed agent in its place.
 */
const REBUILD_OVER_SHARE = 1 / 16;
/** ...but never for fewer changes than this. */
const REBUILD_OVER_AT_LEAST = 256;

/**
 * The view of the fleet, kept up to date change by change. Worked out from
 * nothing ({@link rebuild}), a view of 100,000 agents costs a pass over them
 * all and a sort, tens of milliseconds: too long to repeat at every refresh
 * while hundreds of changes a second stream in (the map at 100,000 agents
 * must never block the page for 50 ms). So the index remembers each agent
 * as it last counted it, and {@link update} undoes and redoes only the
 * changed agents: their counts, and their places in the order (found by
 * binary search with the view's comparator, then one copy of the order).
 * A refresh then costs its changes' logarithms and one pass of copying,
 * whatever the search, the sort or the grouping.
 */
export class ViewIndex {
  private query: ViewQuery | null = null;
  private search: Search = parseSearch('');
  /** The display order's comparator: the group first when grouped, then the sort key and direction. */
  private compare: (a: Agent, b: Agent) => number = comparator('status', 'asc');
  /** Each agent as last counted: what to take back out when it changes. */
  private readonly indexed = new Map<string, Agent>();
  /** The fleet's map `indexed` was built from (the store changes it in place; a reset brings another). */
  private source: ReadonlyMap<string, Agent> | null = null;
  /** The shown agents, in display order. */
  private order: Agent[] = [];
  private ids: readonly string[] = [];
  private rows: readonly ViewRow[] = [];
  private shown: readonly string[] = [];
  private shownAgents: readonly Agent[] = [];
  private version = 0;
  private counts = zeroCounts();
  private waiting = 0;
  private attention = 0;
  private fleetAttention = 0;
  /** How many agents have each label key. */
  private readonly keyUses = new Map<string, number>();
  private keysMoved = false;
  private labelKeys: readonly string[] = [];
  /** Per group value, grouped: its shown agents' size and counts. */
  private readonly groups = new Map<string | null, GroupStats>();
  /** The last header made per group value, kept while it reads the same (so unchanged rows stay the same objects). */
  private headers = new Map<string | null, GroupRow>();
  /** How many updates found an agent not where its fields put it (changed in place) and worked the view out afresh. */
  private strays = 0;

  /** {@link strays}: none while agents are replaced, never changed (tests hold the index to it). */
  get strayUpdates(): number {
    return this.strays;
  }

  /**
   * The view of `agents` under `query`, worked out from nothing. With
   * `changed` (the same map as the last call's, and the ids changed in it
   * since, each taken out of the set), what does not depend on the query (the
   * agents as counted, the label keys, the fleet's attention count) is
   * brought up to date from those alone: a new search or sort at 100,000
   * agents does not rebuild a 100,000-entry map.
   */
  rebuild(agents: ReadonlyMap<string, Agent>, query: ViewQuery, changed?: Set<string>): ViewResult {
    this.query = queryOf(query);
    this.search = parseSearch(query.search);
    const byKey = comparator(query.sort, query.sortDir, RANKED_COMPARATORS);
    const key = query.groupBy;
    this.compare = key === null ? byKey : (a, b) => compareGroupValues(groupValue(a, key), groupValue(b, key)) || byKey(a, b);
    if (changed !== undefined && agents === this.source) {
      for (const id of changed) {
        const before = this.indexed.get(id);
        const after = agents.get(id);
        if (before === after) continue;
        if (before !== undefined) this.accountFleet(before, -1);
        if (after === undefined) this.indexed.delete(id);
        else {
          this.indexed.set(id, after);
          this.accountFleet(after, 1);
        }
      }
      changed.clear();
    } else {
      changed?.clear();
      this.source = agents;
      this.indexed.clear();
      this.keyUses.clear();
      this.fleetAttention = 0;
      for (const agent of agents.values()) {
        this.indexed.set(agent.id, agent);
        this.accountFleet(agent, 1);
      }
    }
    this.groups.clear();
    this.counts = zeroCounts();
    this.waiting = this.attention = 0;
    const shown: Agent[] = [];
    for (const agent of this.indexed.values()) if (this.accountView(agent, 1)) shown.push(agent);
    // The numeric sort, then (grouped) each group's agents in that order: the comparator's order, found faster.
    const sorted = sortAgents(shown, query.sort, query.sortDir);
    this.order = key === null ? sorted : inGroups(sorted, key);
    const ids = this.order.map((agent) => agent.id);
    // The same arrays as before while they read the same: what shows them need not render again.
    if (!sameIds(ids, this.ids)) this.ids = ids;
    const labelKeys = [...this.keyUses.keys()].sort(byKeyName);
    if (!sameIds(labelKeys, this.labelKeys)) this.labelKeys = labelKeys;
    this.keysMoved = false;
    this.buildRows();
    this.version++;
    return this.result();
  }

  /**
   * The view after the agents of `changed` (ids) were put in `agents` or
   * taken out of it, under `query`: brought up to date from the last one
   * when only the changes or the folding differ, worked out afresh when the
   * filters, search, sort or grouping changed, a large share of the fleet
   * did, or `agents` is another map than the last (a reset: the agents it
   * left out are in no change). Brought up to date, it takes at most `budget` of the changes, each
   * deleted from `changed` as it is taken: the rest wait for the next call
   * (a burst of changes spread over several short tasks). Worked out afresh,
   * it takes them all.
   */
  refresh(agents: ReadonlyMap<string, Agent>, query: ViewQuery, changed: Set<string>, budget = Infinity): ViewResult {
    const last = this.query;
    if (
      last === null ||
      agents !== this.source ||
      query.search !== last.search ||
      query.statusFilters !== last.statusFilters ||
      query.sort !== last.sort ||
      query.sortDir !== last.sortDir ||
      query.groupBy !== last.groupBy ||
      changed.size > Math.max(REBUILD_OVER_AT_LEAST, this.indexed.size * REBUILD_OVER_SHARE)
    ) {
      return this.rebuild(agents, query, changed);
    }
    const refold = query.collapsedGroups !== last.collapsedGroups;
    this.query = queryOf(query);
    if (!this.update(agents, changed, budget)) {
      this.strays++;
      changed.clear();
      // What was counted no longer holds (an agent changed in place): from nothing.
      return this.rebuild(agents, query);
    }
    if (refold) {
      // Folding takes a group's agents out of what is drawn, or puts them back.
      this.buildRows();
      this.version++;
    }
    return this.result();
  }

  /**
   * Takes each changed agent's old self out and puts its new self in; false
   * if the order was not as kept (then rebuild). An agent whose change leaves
   * it where it was (a heartbeat, under most orders) takes its old self's
   * place in the order: no copy of the order for it.
   */
  private update(agents: ReadonlyMap<string, Agent>, changed: Set<string>, budget: number): boolean {
    const leaving: Agent[] = [];
    const arriving: Agent[] = [];
    let recounted = false;
    let taken = 0;
    for (const id of changed) {
      if (taken++ >= budget) break;
      changed.delete(id);
      const before = this.indexed.get(id);
      const after = agents.get(id);
      if (before === after) continue;
      const wasShown = before !== undefined && this.account(before, -1);
      if (after === undefined) this.indexed.delete(id);
      else this.indexed.set(id, after);
      const isShown = after !== undefined && this.account(after, 1);
      if (wasShown && isShown && this.compare(before, after) === 0) {
        // Equal to its old self, it compares with every other agent as that did: the same place.
        const at = lowerBound(this.order, before, this.compare);
        if (this.order[at] !== before) return false;
        this.order[at] = after;
        this.version++;
        // A group's counts changed, or the shown agents are a copy (groups are folded): the rows again.
        if (before.status !== after.status || this.shownAgents !== this.order) recounted = true;
        continue;
      }
      if (wasShown) leaving.push(before);
      if (isShown) arriving.push(after);
    }
    if (this.keysMoved) {
      const labelKeys = [...this.keyUses.keys()].sort(byKeyName);
      if (!sameIds(labelKeys, this.labelKeys)) this.labelKeys = labelKeys;
      this.keysMoved = false;
    }
    if (leaving.length > 0 || arriving.length > 0) {
      this.version++;
      const ids = this.ids;
      if (!this.reorder(leaving, arriving)) return false;
      // Agents that left and came back to the same places (a change that did not move them): the same ids.
      if (sameIds(this.ids, ids)) this.ids = ids;
    } else if (!recounted) return true;
    // A shown agent moved, came, went or changed status: the rows, and the group headers' counts, with it.
    this.buildRows();
    return true;
  }

  /**
   * Takes `leaving` out of the order and puts `arriving` in, in place: each
   * found by binary search (the order is sorted by the comparator, and the
   * agents in it are immutable, so an agent's old self is where its old
   * fields put it), then the runs of agents between them moved by
   * `copyWithin` (a native memmove) and the arrivals written in the gaps. The
   * ids get the same moves on a copy (the views compare them by identity).
   * False if an agent is not where it should be.
   */
  private reorder(leaving: readonly Agent[], arriving: Agent[]): boolean {
    const order = this.order;
    const compare = this.compare;
    const gone: number[] = [];
    for (const agent of leaving) {
      const at = lowerBound(order, agent, compare);
      if (order[at] !== agent) return false;
      gone.push(at);
    }
    gone.sort((a, b) => a - b);
    arriving.sort(compare);
    const places = arriving.map((agent) => lowerBound(order, agent, compare));
    const plan = planMoves(order.length, gone, places);
    const ids = this.ids.slice();
    applyMoves(order, plan, arriving);
    applyMoves(
      ids,
      plan,
      arriving.map((agent) => agent.id),
    );
    this.ids = ids;
    return true;
  }

  /** Adds (`sign` 1) or takes back (-1) what `agent` counts for; returns whether the view shows it. */
  private account(agent: Agent, sign: 1 | -1): boolean {
    this.accountFleet(agent, sign);
    return this.accountView(agent, sign);
  }

  /** What `agent` counts for whatever the query: the fleet's attention count and the label keys. */
  private accountFleet(agent: Agent, sign: 1 | -1): void {
    if (needsAttention(agent)) this.fleetAttention += sign;
    for (const key in agent.labels) {
      const uses = (this.keyUses.get(key) ?? 0) + sign;
      if (uses === 0) {
        this.keyUses.delete(key);
        this.keysMoved = true;
      } else {
        if (uses === 1 && sign === 1) this.keysMoved = true;
        this.keyUses.set(key, uses);
      }
    }
  }

  /** What `agent` counts for under the query; returns whether the view shows it. */
  private accountView(agent: Agent, sign: 1 | -1): boolean {
    if (!matchesSearch(agent, this.search)) return false;
    this.counts[agent.status] += sign;
    if (agent.waiting !== null) this.waiting += sign;
    if (needsAttention(agent)) this.attention += sign;
    const query = this.query!;
    if (!passesFilters(agent, query.statusFilters)) return false;
    if (query.groupBy !== null) {
      const value = groupValue(agent, query.groupBy);
      let stats = this.groups.get(value);
      if (stats === undefined) this.groups.set(value, (stats = { size: 0, counts: zeroCounts() }));
      stats.size += sign;
      stats.counts[agent.status] += sign;
      if (stats.size === 0) this.groups.delete(value);
    }
    return true;
  }

  /**
   * The rows and the shown ids from the order. Grouped: each group's header,
   * then its ids unless it is folded (a group's agents are contiguous in the
   * order); the shown ids are the same ids, kept the same array as the last
   * shown ones when they read the same (nothing that draws them redraws).
   */
  private buildRows(): void {
    const query = this.query!;
    if (query.groupBy === null) {
      this.rows = this.shown = this.ids;
      this.shownAgents = this.order;
      return;
    }
    const rows: ViewRow[] = [];
    const shown: string[] = [];
    const shownAgents: Agent[] = [];
    let folded = false;
    const headers = new Map<string | null, GroupRow>();
    const order = this.order;
    for (let i = 0; i < order.length; ) {
      const value = groupValue(order[i]!, query.groupBy);
      const stats = this.groups.get(value)!;
      const header = sameHeader(this.headers.get(value), value, stats, query.collapsedGroups.has(groupKey(value)));
      headers.set(value, header);
      rows.push(header);
      const end = i + stats.size;
      if (header.collapsed) folded = true;
      else
        for (let k = i; k < end; k++) {
          rows.push(this.ids[k]!);
          shown.push(this.ids[k]!);
          shownAgents.push(order[k]!);
        }
      i = end;
    }
    this.headers = headers;
    if (!sameRows(rows, this.rows)) this.rows = rows;
    this.shown = !folded ? this.ids : sameIds(shown, this.shown) ? this.shown : shown;
    this.shownAgents = folded ? shownAgents : order;
  }

  private result(): ViewResult {
    return {
      visibleIds: this.ids,
      rows: this.rows,
      shownIds: this.shown,
      shownAgents: this.shownAgents,
      version: this.version,
      counts: { ...this.counts },
      waiting: this.waiting,
      attention: this.attention,
      fleetAttention: this.fleetAttention,
      labelKeys: this.labelKeys,
    };
  }
}

/** Label keys in natural order; keys equal to it ("team", "Team") by their code units, so the order never depends on who came first. */
const byKeyName = (a: string, b: string) => natural.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** The query's own fields (the store passes its whole state, which the index must not hold on to). */
function queryOf(query: ViewQuery): ViewQuery {
  const { statusFilters, search, sort, sortDir, view, groupBy, collapsedGroups } = query;
  return { statusFilters, search, sort, sortDir, view, groupBy, collapsedGroups };
}
