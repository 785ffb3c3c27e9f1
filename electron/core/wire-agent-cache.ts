import type { Agent } from '../../shared/agent';
import { AGENT_STATUSES, type AgentStatus } from '../../shared/status';
import { toWireAgent } from '../../shared/wire';
import type { RowWatcher } from './store/agent-repository';

/** One agent as the API sends it: the JSON text of its {@link toWireAgent}. */
export const agentJson = (agent: Agent): string => JSON.stringify(toWireAgent(agent));

/** An agent's wire JSON, with what a list read needs besides: the id (for cursors) and the status (for `?status=`). */
export interface WireAgentText {
  readonly id: string;
  readonly status: AgentStatus;
  readonly json: string;
  /** Whether the JSON is all ASCII (most agents' is), so a chunk of such texts can be sent without UTF-8 encoding. */
  readonly ascii: boolean;
}

/** One slice of a list read as JSON: its agents in id order, and how many of their texts had to be made (not from the cache). */
export interface JsonSlice {
  readonly agents: WireAgentText[];
  readonly made: number;
}

/** One string per status: a row read from SQLite brings a new copy of its status, which a cached text need not keep. */
const STATUS: ReadonlyMap<string, AgentStatus> = new Map(AGENT_STATUSES.map((status) => [status, status]));

/** The agent's {@link WireAgentText}, made now (for an agent the cache must not hold). */
export function wireAgentText(agent: Agent): WireAgentText {
  const json = agentJson(agent);
  // JSON.stringify leaves non-ASCII characters as they are (and escapes lone surrogates):
  // any of them takes more UTF-8 bytes than UTF-16 units.
  return { id: agent.id, status: STATUS.get(agent.status) ?? agent.status, json, ascii: Buffer.byteLength(json, 'utf8') === json.length };
}

/** A full read in progress, whose slices, read one after the other from the table, add up to every id. */
interface IdsRead {
  readonly ids: string[];
  readonly generation: number;
}

/**
 * Each agent's wire JSON as its committed row holds it, so a list read joins
 * strings instead of reading every row into an object and serializing it
 * again (issue 17: 100,000 agents took 1.2–2 s of CPU that way). Filled by
 * reads, outside any transaction, from what is committed; an entry is dropped
 * when the store writes its row ({@link RowWatcher}, so no write can leave it
 * stale: a write rolled back costs a miss, never a stale answer).
 *
 * Which agents there are, in id order, comes from the table, and is kept too:
 * a full read that took every slice from the table while no row came or went
 * leaves the ids it read, and reads after it slice those instead of asking
 * the table, until a row is inserted or deleted (a registration, a forget;
 * counted whether or not its transaction commits). Both hold because the
 * service is the table's only writer (open-store's lock keeps a second
 * instance off the file). Bounded by the fleet: a text per agent read since
 * it last changed, and its id once more in the list; about 0.7 KB of heap
 * per agent whose JSON is 0.4 KB (66 MB at 100,000 such agents).
 */
export class WireAgentCache implements RowWatcher {
  private readonly texts = new Map<string, WireAgentText>();
  /** Bumped when a row is inserted or deleted: a list of ids read before is no longer the table's. */
  private generation = 0;
  /** Every id in the table, in order, as of {@link generation}; undefined when not known. */
  private ids: readonly string[] | undefined;
  /** The full read that may become {@link ids}: the slices read so far, and the generation it started in. */
  private reading: IdsRead | undefined;

  /** The agent's committed JSON, if it was read since its row last changed. */
  get(id: string): WireAgentText | undefined {
    return this.texts.get(id);
  }

  /** Serializes `agent`, which must be its committed row as it stands, and keeps the text. */
  remember(agent: Agent): WireAgentText {
    const text = wireAgentText(agent);
    this.texts.set(agent.id, text);
    return text;
  }

  /**
   * Up to `limit` ids after `after` in the table's order, if every id is
   * known; undefined when the table must be asked. (Ids are ASCII,
   * AGENT_ID_PATTERN: JavaScript's order is SQLite's, and a list out of
   * that order is never kept.)
   */
  idsAfter(after: string, limit: number): readonly string[] | undefined {
    const ids = this.ids;
    if (!ids) return undefined;
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ids[mid]! <= after) low = mid + 1;
      else high = mid;
    }
    return ids.slice(low, low + limit);
  }

  /**
   * Told of each slice of ids a read took from the table (`after`, `limit`
   * as asked). Slices that follow one another from the first id to the last,
   * while no row came or went, are every id: kept for {@link idsAfter}.
   */
  tableRead(after: string, limit: number, ids: readonly string[]): void {
    // A read from the first id starts again; a slice that does not follow on (another read's) is no part of it.
    if (after === '') this.reading = { ids: [], generation: this.generation };
    const read = this.reading;
    if (!read || read.generation !== this.generation || (read.ids.at(-1) ?? '') !== after) return;
    for (const id of ids) read.ids.push(id);
    if (ids.length === limit) return;
    this.reading = undefined;
    if (read.ids.every((id, i) => i === 0 || read.ids[i - 1]! < id)) this.ids = read.ids;
  }

  /** A kept id had no row (written behind the store's back): ask the table again. */
  forgetIds(): void {
    this.ids = undefined;
    this.reading = undefined;
  }

  rowChanged(id: string): void {
    this.texts.delete(id);
  }

  rowAddedOrRemoved(id: string): void {
    this.texts.delete(id);
    this.generation++;
    this.ids = undefined;
  }

  /** How many agents' texts are held. */
  get size(): number {
    return this.texts.size;
  }
}
