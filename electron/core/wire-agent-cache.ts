import type { Agent } from '../../shared/agent';
import type { AgentStatus } from '../../shared/status';
import { toWireAgent } from '../../shared/wire';
import type { RowWatcher } from './store/agent-repository';

/** One agent as the API sends it: the JSON text of its {@link toWireAgent}. */
export const agentJson = (agent: Agent): string => JSON.stringify(toWireAgent(agent));

/** An agent's wire JSON, with what a list read needs besides: the id (for cursors) and the status (for `?status=`). */
export interface WireAgentText {
  readonly id: string;
  readonly status: AgentStatus;
  readonly json: string;
}

/** One slice of a list read as JSON: its agents in id order, and how many of their texts had to be made (not from the cache). */
export interface JsonSlice {
  readonly agents: WireAgentText[];
  readonly made: number;
}

/** The agent's {@link WireAgentText}, made now (for an agent the cache must not hold). */
export function wireAgentText(agent: Agent): WireAgentText {
  return { id: agent.id, status: agent.status, json: agentJson(agent) };
}

/**
 * Each agent's wire JSON as its committed row holds it, so a list read joins
 * strings instead of reading every row into an object and serializing it
 * again (issue 17: 100,000 agents took 1.2–2 s of CPU that way). Filled by
 * reads, outside any transaction, from what is committed; an entry is dropped
 * when the store writes its row ({@link RowWatcher}, so no write can leave it
 * stale: a write rolled back costs a miss, never a stale answer). Which
 * agents exist, and in what order, always comes from the table; the cache
 * only answers what each one's JSON is. Bounded by the fleet: one entry per
 * agent read since it last changed, about 0.5 KB for a typical agent.
 */
export class WireAgentCache implements RowWatcher {
  private readonly texts = new Map<string, WireAgentText>();

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

  rowChanged(id: string): void {
    this.texts.delete(id);
  }

  /** How many agents' texts are held. */
  get size(): number {
    return this.texts.size;
  }
}
