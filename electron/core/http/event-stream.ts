import type { ServerResponse } from 'node:http';
import type { AgentChange } from '../../../shared/agent';
import type { Disposable } from '../../../shared/disposable';
import type { Event } from '../../../shared/emitter';
import { toWireAgent } from '../../../shared/wire';
import { agentListJson, agentSnapshotPages, type AgentSource } from './agent-list';
import { writeChunks } from './chunked-write';

/** A client that has this much unsent is too slow to follow the fleet; it is dropped and can reconnect. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

/**
 * What a stream starts with: nothing; the whole fleet as one `snapshot`
 * event (`?snapshot=1`); or the fleet as `snapshot_page` events
 * (`?snapshot=pages`), so a client can show a large fleet as it arrives.
 */
export type SnapshotMode = 'none' | 'whole' | 'pages';

export interface EventStreamOptions {
  /** Unsent bytes past which a client is dropped. */
  readonly maxBufferedBytes?: number;
  /** Where a snapshot that failed to read is reported. */
  readonly onError?: (error: unknown) => void;
}

interface Client {
  readonly res: ServerResponse;
  /** While its snapshot is being sent: the changes since it began, sent right after it. */
  queue: string[] | undefined;
  queuedBytes: number;
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
    private readonly source: AgentSource,
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
   * with the snapshot `mode` asks for: the fleet as of when each slice of it
   * is read, then every change since the snapshot began, in order — changes
   * to agents already sent, and repeats of ones read after the change, both
   * apply cleanly — so a client that applies it all misses nothing. The
   * snapshot is written in slices, the event loop given back between them,
   * and never built whole.
   */
  attach(res: ServerResponse, mode: SnapshotMode = 'none'): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    // Added before the first slice is read: no change can fall between the two.
    const client: Client = { res, queue: mode === 'none' ? undefined : [], queuedBytes: 0 };
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
    const chunks = mode === 'whole' ? wholeSnapshot(this.source) : pagedSnapshot(this.source);
    let sent: boolean;
    try {
      sent = await writeChunks(client.res, chunks);
    } catch (error) {
      // The store failed mid-snapshot: a partial snapshot must never look whole. The client reconnects.
      sent = false;
      client.res.destroy();
      this.onError(error);
    }
    if (!sent) return;
    const queued = client.queue!.join('');
    client.queue = undefined;
    client.queuedBytes = 0;
    if (queued !== '') this.write(client, queued);
  }

  private broadcast(changes: readonly AgentChange[]): void {
    if (this.clients.size === 0) return;
    let frame = '';
    for (const change of changes) {
      frame +=
        change.type === 'upsert'
          ? `event: agent\ndata: ${JSON.stringify(toWireAgent(change.agent))}\n\n`
          : `event: agent_removed\ndata: ${JSON.stringify({ id: change.agentId })}\n\n`;
    }
    this.send(frame);
  }

  private send(frame: string): void {
    for (const client of this.clients) {
      if (!client.queue) this.write(client, frame);
      else if (!frame.startsWith(':')) {
        client.queue.push(frame);
        client.queuedBytes += frame.length;
        if (client.queuedBytes > this.maxBufferedBytes) this.drop(client);
      }
    }
  }

  /** Writes to a client that has its snapshot, dropping it if it stopped reading. */
  private write(client: Client, frame: string): void {
    if (client.res.writableLength > this.maxBufferedBytes) this.drop(client);
    else client.res.write(frame);
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.res.destroy();
  }
}

/** `event: snapshot` with `{"agents": […]}` on one data line, in slices. */
function* wholeSnapshot(source: AgentSource): Generator<string> {
  yield 'event: snapshot\ndata: ';
  yield* agentListJson(source, { statuses: undefined, page: undefined });
  yield '\n\n';
}

/** One `event: snapshot_page` per slice; see {@link agentSnapshotPages}. */
function* pagedSnapshot(source: AgentSource): Generator<string> {
  for (const page of agentSnapshotPages(source)) yield `event: snapshot_page\ndata: ${page}\n\n`;
}
