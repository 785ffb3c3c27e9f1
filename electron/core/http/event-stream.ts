import type { ServerResponse } from 'node:http';
import type { Agent, AgentChange } from '../../../shared/agent';
import type { Disposable } from '../../../shared/disposable';
import type { Event } from '../../../shared/emitter';
import { toWireAgent } from '../../../shared/wire';

/** A client that has this much unsent is too slow to follow the fleet; it is dropped and can reconnect. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-Sent Events for `GET /v1/stream`: one `event: agent` per change with
 * the agent after the change as `data`; a forgotten agent is an
 * `event: agent_removed` with `{"id"}`.
 */
export class EventStreamHub implements Disposable {
  private readonly clients = new Set<ServerResponse>();
  private readonly subscription: Disposable;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    onDidChange: Event<readonly AgentChange[]>,
    private readonly snapshot: () => readonly Agent[],
  ) {
    this.subscription = onDidChange((changes) => this.broadcast(changes));
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.keepAlive = setInterval(() => this.send(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Turns `res` into an event stream until the client goes away. With
   * `withSnapshot` the first event is `event: snapshot` carrying
   * `{"agents": [...]}`: the whole fleet as of the moment the stream starts,
   * so a client that applies it and then every event misses nothing.
   */
  attach(res: ServerResponse, withSnapshot = false): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    // Synchronous with adding the client: no change can fall between the two.
    if (withSnapshot) res.write(`event: snapshot\ndata: ${JSON.stringify({ agents: this.snapshot().map(toWireAgent) })}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  dispose(): void {
    clearInterval(this.keepAlive);
    this.subscription.dispose();
    for (const res of this.clients) res.end();
    this.clients.clear();
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
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}
