import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a receiver got it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as sent (what a signature covers). */
  readonly body: string;
}

/** How the receiver answers a request: a status (and headers), or never (`hang`). */
export type Answer = number | { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP server on 127.0.0.1 standing in for a webhook, Slack, Discord or
 * ntfy: it records every request and answers as the test says (200 unless told).
 */
export class AlertReceiver {
  readonly received: Received[] = [];
  private answers: Answer[] = [];
  private fallback: Answer = 200;
  private readonly hanging = new Set<http.ServerResponse>();
  private waiters: (() => void)[] = [];

  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.take(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  private constructor() {}

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<AlertReceiver> {
    const receiver = new AlertReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The next requests are answered so, in order; then `fallback`. */
  answer(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  always(answer: Answer): this {
    this.fallback = answer;
    return this;
  }

  /** Resolves once `count` requests have come (or rejects after `ms`). */
  async waitFor(count: number, ms = 10_000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.received.length} of ${count} requests in ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    for (const wake of this.waiters.splice(0)) wake();
    const answer = this.answers.shift() ?? this.fallback;
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    const { status, headers, body: text } = typeof answer === 'number' ? { status: answer, headers: {}, body: '' } : answer;
    res.writeHead(status, headers);
    res.end(text ?? '');
  }
}
