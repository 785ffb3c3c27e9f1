import { MAX_AGENT_PAGE } from '../../../shared/fleet-api';
import { AGENT_ID_PATTERN } from '../../../shared/http-schemas';
import { AGENT_STATUSES, type AgentStatus } from '../../../shared/status';
import type { FleetService } from '../fleet-service';
import type { JsonSlice, WireAgentText } from '../wire-agent-cache';
import type { BodyChunk } from './chunked-write';
import { HttpError } from './http-error';

/**
 * How many agents one slice of a read takes from the store. A turn of the
 * event loop serializes at most one slice's worth of agents before the read
 * gives the loop back: a heartbeat queued behind a read waits for about one
 * slice, however large the fleet (a maximal agent is about 11 KB of JSON, so
 * a slice stays a few MB at most).
 */
export const SLICE_AGENTS = 100;

/**
 * Agents whose JSON is cached cost a lookup, not a serialization: a turn goes
 * on with further slices, each read as it stands, up to this many agents…
 */
export const TURN_AGENTS = 1_000;

/** …or this much JSON (characters; the JSON is mostly ASCII), whichever comes first. */
export const TURN_CHARS = 256 * 1024;

/** What `GET /v1/agents` was asked for. */
export interface AgentQuery {
  /** Only these statuses (`?status=a,b`); undefined: all. */
  readonly statuses: ReadonlySet<AgentStatus> | undefined;
  /** A page (`?limit=`, `?cursor=`): answered with `next_cursor`. Undefined: the whole fleet, as before paging. */
  readonly page: { readonly limit: number; readonly after: string } | undefined;
}

/** Where reads take their slices from: the service. */
export type AgentSource = Pick<FleetService, 'listJsonPage'>;

/** One slice as a read takes it: its agents that match, how many it read and how many texts it had to make. */
interface ReadSlice {
  readonly agents: readonly WireAgentText[];
  readonly read: number;
  readonly made: number;
}

const STATUS_SET: ReadonlySet<string> = new Set(AGENT_STATUSES);

/** Reads `?status`, `?limit` and `?cursor`; 400 `bad_request` naming the bad one. */
export function parseAgentQuery(query: URLSearchParams): AgentQuery {
  let statuses: Set<AgentStatus> | undefined;
  if (query.has('status')) {
    statuses = new Set();
    for (const name of query.getAll('status').flatMap((list) => list.split(','))) {
      const status = name.trim();
      if (!STATUS_SET.has(status)) {
        throw new HttpError('bad_request', `status must be a comma-separated list of ${AGENT_STATUSES.join(', ')}; got '${status.slice(0, 32)}'`);
      }
      statuses.add(status as AgentStatus);
    }
  }
  if (!query.has('limit') && !query.has('cursor')) return { statuses, page: undefined };
  const limitText = query.get('limit');
  const limit = limitText === null ? MAX_AGENT_PAGE : Number(limitText);
  if (!/^\d{1,6}$/.test(limitText ?? '0') || !Number.isInteger(limit) || limit < 1 || limit > MAX_AGENT_PAGE) {
    throw new HttpError('bad_request', `limit must be a whole number from 1 to ${MAX_AGENT_PAGE}`);
  }
  const cursor = query.get('cursor');
  return { statuses, page: { limit, after: cursor === null || cursor === '' ? '' : decodeCursor(cursor) } };
}

/** A cursor is the last id of the page before, opaque to callers (base64url). */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!AGENT_ID_PATTERN.test(id) || encodeCursor(id) !== cursor) {
    throw new HttpError('bad_request', 'cursor is not one this server gave (use next_cursor as it came)');
  }
  return id;
}

/**
 * The agents in id order, read one slice at a time as the caller pulls, each
 * slice as the store has it when it is read (a read that spans changes sees
 * each agent once, as it was when its slice was read). Yields each slice,
 * its agents possibly none when a filter matched nothing in it.
 */
function* slices(service: AgentSource, statuses: ReadonlySet<AgentStatus> | undefined, after: string): Generator<ReadSlice> {
  let last = after;
  for (;;) {
    const { agents, made }: JsonSlice = service.listJsonPage(last, SLICE_AGENTS);
    if (agents.length === 0) return;
    last = agents[agents.length - 1]!.id;
    yield { agents: statuses ? agents.filter((agent) => statuses.has(agent.status)) : agents, read: agents.length, made };
    if (agents.length < SLICE_AGENTS) return;
  }
}

/** A chunk of JSON as sent: its Latin-1 bytes when it is all ASCII (the same bytes as UTF-8, made by a copy), else the text. */
const chunk = (text: string, ascii: boolean): BodyChunk => (ascii ? Buffer.from(text, 'latin1') : text);

/**
 * The reply of `GET /v1/agents` as chunks, never the whole body in one
 * string: `{"agents": […]}` for the whole fleet (byte for byte what
 * `JSON.stringify` of it gives), or with a page asked for, `{"agents": […],
 * "next_cursor": string | null}`, the cursor null when no agent after the
 * page matches. Each chunk is a turn's worth of slices, ended by the slice
 * that brings the agents whose JSON had to be made in the turn to a slice's
 * worth (so a cold turn serializes under two slices), or, while their JSON
 * comes from the cache, by {@link TURN_AGENTS} agents or {@link TURN_CHARS}
 * of JSON. An empty chunk just gives the event loop back.
 */
export function* agentListJson(service: AgentSource, query: AgentQuery): Generator<BodyChunk> {
  const page = query.page;
  let sent = 0;
  let lastId = '';
  let text = '{"agents":[';
  // The JSON around the agents (brackets, keys, a base64url cursor) is ASCII.
  let ascii = true;
  let read = 0;
  let made = 0;
  for (const slice of slices(service, query.statuses, page?.after ?? '')) {
    for (const agent of slice.agents) {
      if (page && sent === page.limit) {
        // One more matches: there is a next page, which starts after the last one sent.
        yield chunk(`${text}],"next_cursor":${JSON.stringify(encodeCursor(lastId))}}`, ascii);
        return;
      }
      text += (sent === 0 ? '' : ',') + agent.json;
      ascii &&= agent.ascii;
      sent++;
      lastId = agent.id;
    }
    read += slice.read;
    made += slice.made;
    if (made >= SLICE_AGENTS || read >= TURN_AGENTS || text.length >= TURN_CHARS) {
      yield chunk(text, ascii);
      text = '';
      ascii = true;
      read = 0;
      made = 0;
    }
  }
  yield chunk(page ? `${text}],"next_cursor":null}` : `${text}]}`, ascii);
}

/**
 * The fleet as pages of at most {@link SLICE_AGENTS} agents, in id order,
 * for the event stream's paged snapshot: each `{"agents": […], "last":
 * boolean}`, the last one (an empty fleet's only one) marked. One slice of
 * look-ahead tells which is last.
 */
export function* agentSnapshotPages(service: AgentSource): Generator<string> {
  let pending: readonly WireAgentText[] | undefined;
  const join = (agents: readonly WireAgentText[]) => agents.map((agent) => agent.json).join(',');
  for (const slice of slices(service, undefined, '')) {
    if (pending) yield `{"agents":[${join(pending)}],"last":false}`;
    pending = slice.agents;
  }
  yield `{"agents":[${join(pending ?? [])}],"last":true}`;
}
