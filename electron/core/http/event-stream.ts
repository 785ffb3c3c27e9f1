import type { ServerResponse } from 'node:http';
import type { Agent, AgentChange } from '../../../shared/agent';
import type { Disposable } from '../../../shared/disposable';
import type { Event } from '../../../shared/emitter';
import { agentListJson, agentSnapshotPages, SLICE_AGENTS, type AgentSource } from './agent-list';
import { agentJson } from '../wire-agent-cache';
import { writeChunks, type BodyChunk } from './chunked-write';
import type { FleetService } from '../fleet-service';

/** A client that has this much unsent is too slow to follow the fleet; it is dropped and can reconnect. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;
/** Agents sent per catch-up chunk after a snapshot, as a read slice. */
const CATCH_UP_AGENTS = SLICE_AGENTS;
/** Catching up may send twice the snapshot's agents, and this many more (a small fleet's margin). */
const CATCH_UP_MARGIN = 1_000;

/**
 * What a stream starts with: nothing; the whole fleet as one `snapshot`
 * event (`?snapshot=1`); or the fleet as `snapshot_page` events
 * (`?snapshot=pages`), so a client can show a large fleet as it arrives.
 */
export type SnapshotMode = 'none' | 'whole' | 'pages';

/** What the hub reads: slices for snapshots, and one agent as it now is for catching up. */
export type StreamSource = AgentSource & Pick<FleetService, 'find'>;

export interface EventStreamOptions {
  /** Unsent bytes past which a client is dropped. */
  readonly maxBufferedBytes?: number;
  /** Where a snapshot that failed to read is reported. */
  readonly onError?: (error: unknown) => void;
}

/** Past every id: the snapshot has read the whole fleet. */
const ALL_READ = Symbol('all read');

interface Snapshot {
  /** The last id the snapshot has read: a change to an agent after it is read with its slice. */
  readUpTo: string | typeof ALL_READ;
  /**
   * Agents already read that changed since: sent as they then are once the
   * snapshot is out. Ids only — however fast the fleet changes, this is
   * bounded by the fleet, never by time.
   */
  readonly changed: Set<string>;
  /** How many agents the snapshot read: what catching up may take is bounded by it. */
  read: number;
}

interface Client {
  readonly res: ServerResponse;
  /** Set while its snapshot (and the catch-up after it) is being sent; then it gets every change live. */
  snapshot: Snapshot | undefined;
}

/**
 * Server-Sent Events for `GET /v1/stream`: one `event: agent` per change with
 * the agent after the change as `data`; a forgotten agent is an
 * `event: agent_removed` with `{"id"}`.
 */
export class EventStreamHub implements Disposable {
  private readonly clients = new Set<Client>();
  private readonly subscription: Disposable;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    onDidChange: Event<readonly AgentChange[]>,
    private readonly source: StreamSource,
    options: EventStreamOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    this.onError = options.onError ?? ((error) => console.error('fleet-monitor: a stream snapshot failed:', error));
    this.subscription = onDidChange((changes) => this.broadcast(changes));
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.keepAlive = setInterval(() => this.send(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Open streams, those still receiving their snapshot included. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Turns `res` into an event stream until the client goes away, starting
   * with the snapshot `mode` asks for: the fleet in slices, each as it is
   * when read, then — as `agent` and `agent_removed` events — the agents
   * already read that changed meanwhile, as they then are; then every
   * change live. A client that applies it all in order misses nothing. The
   * snapshot is written in slices, the event loop given back between them,
   * and never built whole.
   */
  attach(res: ServerResponse, mode: SnapshotMode = 'none'): void {
    // Gone before it was attached: it must not hold a stream's place.
    if (res.destroyed) return;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    // Added before the first slice is read: no change can fall between the two.
    const client: Client = { res, snapshot: mode === 'none' ? undefined : { readUpTo: '', changed: new Set(), read: 0 } };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (mode !== 'none') void this.sendSnapshot(client, mode);
  }

  dispose(): void {
    clearInterval(this.keepAlive);
    this.subscription.dispose();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private async sendSnapshot(client: Client, mode: 'whole' | 'pages'): Promise<void> {
    const snapshot = client.snapshot!;
    // Reads through here move the snapshot's mark: a slice holds its agents as of its read.
    const tracked: AgentSource = {
      listJsonPage: (after, limit) => {
        const slice = this.source.listJsonPage(after, limit);
        const { agents } = slice;
        snapshot.readUpTo = agents.length < limit ? ALL_READ : agents[agents.length - 1]!.id;
        snapshot.read += agents.length;
        return slice;
      },
    };
    const chunks = concat(mode === 'whole' ? wholeSnapshot(tracked) : pagedSnapshot(tracked), this.catchUp(client));
    try {
      await writeChunks(client.res, chunks);
    } catch (error) {
      // The store failed mid-snapshot: a partial snapshot must never look whole. The client reconnects.
      this.drop(client);
      this.onError(error);
    }
  }

  /**
   * After the snapshot: the changed agents as they now are, a slice at a
   * time; a change meanwhile marks its agent again. When none is left the
   * client goes live, in the same step (no change can fall in between). A
   * client that reads slower than the fleet changes would never get there:
   * past twice the fleet's worth of agents sent it is dropped (it may
   * reconnect), as a live client that falls behind is (plus a margin of
   * {@link CATCH_UP_MARGIN} agents, for small fleets).
   */
  private *catchUp(client: Client): Generator<string> {
    const snapshot = client.snapshot!;
    const { changed } = snapshot;
    const most = 2 * snapshot.read + CATCH_UP_MARGIN;
    for (let sentInAll = 0; ; ) {
      if (changed.size > 0 && sentInAll >= most) {
        this.drop(client);
        return;
      }
      if (changed.size === 0) {
        client.snapshot = undefined;
        return;
      }
      let frame = '';
      let sent = 0;
      for (const id of changed) {
        changed.delete(id);
        const agent = this.source.find(id);
        frame += agent ? agentFrame(agent) : removedFrame(id);
        if (++sent === CATCH_UP_AGENTS) break;
      }
      sentInAll += sent;
      yield frame;
    }
  }

  /**
   * Runs after each COMMIT, inside the service's change event: it must never
   * read the store (a read here could see another group's writes before their
   * COMMIT), and a client goes live only in {@link catchUp}, never here.
   */
  private broadcast(changes: readonly AgentChange[]): void {
    if (this.clients.size === 0) return;
    let frame: string | undefined;
    for (const client of this.clients) {
      const snapshot = client.snapshot;
      if (!snapshot) {
        frame ??= changes.map((change) => (change.type === 'upsert' ? agentFrame(change.agent) : removedFrame(change.agentId))).join('');
        this.write(client, frame);
        continue;
      }
      // Ids are ASCII (AGENT_ID_PATTERN): JavaScript's order is SQLite's.
      for (const change of changes) {
        const id = change.type === 'upsert' ? change.agent.id : change.agentId;
        if (snapshot.readUpTo === ALL_READ || id <= snapshot.readUpTo) snapshot.changed.add(id);
      }
    }
  }

  /** The keep-alive comment, to the clients that are live. */
  private send(frame: string): void {
    for (const client of this.clients) if (!client.snapshot) this.write(client, frame);
  }

  /** Writes to a live client (its snapshot sent), dropping it if it stopped reading. */
  private write(client: Client, frame: string): void {
    if (client.res.writableLength > this.maxBufferedBytes) this.drop(client);
    else client.res.write(frame);
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.res.destroy();
  }
}

const agentFrame = (agent: Agent) => `event: agent\ndata: ${agentJson(agent)}\n\n`;
const removedFrame = (id: string) => `event: agent_removed\ndata: ${JSON.stringify({ id })}\n\n`;

function* concat(...parts: Iterable<BodyChunk>[]): Generator<BodyChunk> {
  for (const part of parts) yield* part;
}

/** `event: snapshot` with `{"agents": […]}` on one data line, in slices. */
function* wholeSnapshot(source: AgentSource): Generator<BodyChunk> {
  yield 'event: snapshot\ndata: ';
  yield* agentListJson(source, { statuses: undefined, page: undefined });
  yield '\n\n';
}

/** One `event: snapshot_page` per slice; see {@link agentSnapshotPages}. */
function* pagedSnapshot(source: AgentSource): Generator<string> {
  for (const page of agentSnapshotPages(source)) yield `event: snapshot_page\ndata: ${page}\n\n`;
}
