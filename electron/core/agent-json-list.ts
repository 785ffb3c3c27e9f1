import type { Agent } from '../../shared/agent';
import type { AgentRepository } from './store/agent-repository';
import { wireAgentText, type JsonSlice, type WireAgentCache, type WireAgentText } from './wire-agent-cache';

/**
 * The list reads' JSON, slice by slice, from the cache of each agent's wire
 * text: which agents, and in what order, the table says (its id index, or
 * the ids the cache kept from it while no row came or went); each one's text
 * is its pending heartbeat's (made now), else the cached one, else made from
 * its row as stored, and then kept.
 */
export class AgentJsonList {
  /** Whether the last slice found most of its texts missing (so the next reads its rows at once). */
  private coldSlices = true;

  constructor(
    private readonly agents: AgentRepository,
    private readonly wire: WireAgentCache,
    /** The agent as its heartbeat not yet written makes it, if one is pending. */
    private readonly pending: (id: string) => Agent | undefined,
  ) {}

  /** Up to `limit` agents after `after`, as JSON texts; `made` counts the texts not found in the cache (what the slice cost). */
  page(after: string, limit: number): JsonSlice {
    const kept = this.wire.idsAfter(after, limit);
    // After a slice whose texts were mostly not cached (the first read after start), the rows are read at once.
    const rows = !kept && this.coldSlices ? this.agents.page(after, limit) : undefined;
    const ids = kept ?? rows?.map((row) => row.id) ?? this.agents.idsAfter(after, limit);
    const texts: (WireAgentText | undefined)[] = new Array<WireAgentText | undefined>(ids.length);
    let made = 0;
    let missing = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const pending = this.pending(id);
      if (pending) {
        texts[i] = wireAgentText(pending);
        made++;
        continue;
      }
      const cached = this.wire.get(id);
      if (cached) {
        texts[i] = cached;
        continue;
      }
      // Only the row as stored makes a text: the agent object written can differ from it (SQLite
      // stores a lone surrogate as U+FFFD), and a cold read must give the very bytes a warm one does.
      const committed = rows?.[i];
      if (committed) {
        texts[i] = this.wire.remember(committed);
        made++;
      } else missing++;
    }
    this.coldSlices = made + missing > ids.length / 2;
    if (missing > 0) {
      // A few rows missing are read one by one; many (a cold cache) in one walk of the page.
      const rows = missing > limit / 4 ? new Map(this.agents.page(after, limit).map((agent) => [agent.id, agent])) : undefined;
      for (let i = 0; i < ids.length; i++) {
        if (texts[i]) continue;
        const row = rows?.get(ids[i]!) ?? this.agents.get(ids[i]!);
        if (!row) {
          // Only a write behind the store's back gets here: the kept ids are wrong, ask the table.
          if (!kept) throw new Error(`Agent '${ids[i]!}' was listed but has no row`);
          this.wire.forgetIds();
          return this.page(after, limit);
        }
        texts[i] = this.wire.remember(row);
      }
    }
    // The texts' ids are the cache's own keys: kept, they are looked up again without hashing anew.
    if (!kept) this.wire.tableRead(after, limit, texts.map((text) => text!.id));
    return { agents: texts as WireAgentText[], made: made + missing };
  }
}
