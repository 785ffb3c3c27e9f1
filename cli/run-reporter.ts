/**
 * What `fleet-monitor run` tells Fleet Monitor, sent in the background so the
 * wrapped command never waits for the monitor: one queue, sent in order (busy
 * before exhausted before idle), heartbeats on a timer. A monitor that cannot
 * be reached gets one warning and the queue is retried with backoff, quietly;
 * a report the monitor refuses (a move its rules do not allow) is dropped.
 * Queued heartbeats, busy and exhausted reports are coalesced, so an outage
 * of any length holds a handful of reports, not one per period.
 */
import { FleetApiError, FleetClient, FleetConnectionError, type AgentProfile, type WireAgent } from './fleet-client';
import { Emitter, type Event } from '../shared/emitter';
import type { Disposable } from '../shared/disposable';
import { assertNever } from '../shared/status';

/** One-shot timers, injected so tests fire them by hand. */
export interface RunTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RunReporterOptions {
  readonly url: string;
  readonly token: string;
  readonly fetch?: typeof fetch | undefined;
  readonly id: string;
  /** Name and labels, sent with every heartbeat (a forgotten agent comes back as it was). */
  readonly profile: AgentProfile;
  /** The zone of clock times in limit messages. */
  readonly tz: string;
  readonly everyMs: number;
  readonly timers: RunTimers;
  /** Epoch ms. */
  readonly now: () => number;
  readonly warn: (line: string) => void;
}

/** The result of one request: the agent as the monitor now has it, or why not. */
export type ReportAttempt = { readonly ok: true; readonly agent: WireAgent } | { readonly ok: false; readonly transient: boolean };

type Job =
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'exhausted'; readonly message: string; readonly recoveryAt: number | null }
  | { readonly kind: 'idle' | 'offline'; readonly exitCode: number };

/** Per request: a monitor on this machine answers in milliseconds. */
const REQUEST_TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export class RunReporter implements Disposable {
  private readonly client: FleetClient;
  private readonly queue: Job[] = [];
  private inFlight: Job | null = null;
  private retryTimer: unknown = undefined;
  private beatTimer: unknown = undefined;
  private failures = 0;
  private readonly warned = new Set<'unreachable' | 'refused'>();
  private closing = false;
  private disposed = false;
  /** CMD runs: the monitor should show the agent busy. */
  private working = false;
  private last: WireAgent | null = null;
  private lastFailed = false;
  private readonly abort = new AbortController();
  private readonly attempts = new Emitter<ReportAttempt>();
  private readonly drained = new Emitter<void>();

  /** After every request, sent or failed. */
  readonly onDidAttempt: Event<ReportAttempt> = this.attempts.event;

  constructor(private readonly options: RunReporterOptions) {
    const fetchFn = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    // One abort ends whatever is in flight when `run` has to go.
    const signal = this.abort.signal;
    this.client = new FleetClient({
      url: options.url,
      token: options.token,
      timeoutMs: REQUEST_TIMEOUT_MS,
      fetch: (input, init) => fetchFn(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
    });
  }

  /** Registers the agent and starts the heartbeat timer. */
  start(): void {
    this.push({ kind: 'heartbeat' });
    this.armBeat();
  }

  /** CMD started. */
  busy(): void {
    this.working = true;
    this.push({ kind: 'busy' });
  }

  /** CMD printed a limit: the port reads reason and reset time from the message. `recoveryAt` is this side's reading. */
  exhausted(message: string, recoveryAt: number | null): void {
    this.push({ kind: 'exhausted', message, recoveryAt });
  }

  /**
   * CMD exited: offline when asked, else idle, with its exit code; but an
   * exhausted agent stays exhausted (idle would clear the limit before it resets).
   */
  exited(exitCode: number, options: { offline: boolean }): void {
    this.working = false;
    if (options.offline) this.push({ kind: 'offline', exitCode });
    else if (!this.isExhausted()) this.push({ kind: 'idle', exitCode });
  }

  /** A heartbeat now (coalesced with one already waiting), to learn the agent's status. */
  heartbeatNow(): void {
    this.push({ kind: 'heartbeat' });
  }

  /**
   * The limit has passed by this side's clock while the monitor could not be
   * asked: drops exhausted reports not yet sent (read late, "resets 3pm" would
   * mean tomorrow) and the monitor's last word, if it said exhausted, until it answers again.
   */
  limitPassed(): void {
    this.removeQueued((job) => job.kind === 'exhausted');
    if (this.last?.status === 'exhausted') this.last = null;
  }

  /** The agent as the monitor last answered, or null before the first answer. */
  get agent(): WireAgent | null {
    return this.last;
  }

  /** The last request failed for a reason that may pass (the monitor is down, slow, or restarting). */
  get unreachable(): boolean {
    return this.lastFailed;
  }

  /** Whether the agent stands exhausted: an exhausted report is waiting to be sent, or the monitor last said so. */
  isExhausted(): boolean {
    if (this.inFlight?.kind === 'exhausted' || this.queue.some((job) => job.kind === 'exhausted')) return true;
    return this.last?.status === 'exhausted';
  }

  /**
   * Stops the heartbeats and sends what is queued, each report tried once,
   * for at most `deadlineMs`; then ends whatever is still in flight.
   */
  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.clear('beat');
    if (this.retryTimer !== undefined) {
      this.clear('retry');
      void this.pump();
    }
    if (this.inFlight || this.queue.length > 0) {
      let timer: unknown;
      let subscription: Disposable | undefined;
      await new Promise<void>((resolve) => {
        timer = this.options.timers.setTimeout(resolve, deadlineMs);
        subscription = this.drained.event(resolve);
      });
      this.options.timers.clearTimeout(timer);
      subscription?.dispose();
      if ((this.inFlight || this.queue.length > 0) && !this.warned.has('unreachable')) {
        this.warned.add('unreachable');
        this.options.warn(`fleet-monitor: Fleet Monitor at ${this.options.url} did not answer in time; its last reports are not sent`);
      }
    }
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closing = true;
    this.clear('beat');
    this.clear('retry');
    this.queue.length = 0;
    this.abort.abort();
    this.attempts.dispose();
    this.drained.dispose();
  }

  private push(job: Job): void {
    if (this.disposed) return;
    if (job.kind === 'heartbeat') {
      // One waiting is enough; one in flight was sent before this beat was due.
      if (this.queue.some((queued) => queued.kind === 'heartbeat')) return;
    } else if (job.kind === 'busy') {
      if (this.inFlight?.kind === 'busy' || this.queue.some((queued) => queued.kind === 'busy')) return;
    } else if (job.kind === 'exhausted') {
      // The newest message says the most: it replaces one still waiting.
      this.removeQueued((queued) => queued.kind === 'exhausted');
    }
    this.queue.push(job);
    void this.pump();
  }

  private removeQueued(match: (job: Job) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (match(this.queue[i]!)) this.queue.splice(i, 1);
  }

  private armBeat(): void {
    this.beatTimer = this.options.timers.setTimeout(() => {
      this.beatTimer = undefined;
      if (this.closing) return;
      this.push({ kind: 'heartbeat' });
      this.armBeat();
    }, this.options.everyMs);
  }

  private clear(which: 'beat' | 'retry'): void {
    const handle = which === 'beat' ? this.beatTimer : this.retryTimer;
    if (handle !== undefined) this.options.timers.clearTimeout(handle);
    if (which === 'beat') this.beatTimer = undefined;
    else this.retryTimer = undefined;
  }

  private async pump(): Promise<void> {
    while (!this.inFlight && this.retryTimer === undefined && !this.disposed) {
      const job = this.queue.shift();
      if (!job) {
        this.drained.fire();
        return;
      }
      if (job.kind === 'exhausted' && job.recoveryAt !== null && job.recoveryAt <= this.options.now()) continue;
      this.inFlight = job;
      let attempt: ReportAttempt;
      try {
        const agent = await this.send(job);
        attempt = { ok: true, agent };
        this.failures = 0;
        this.lastFailed = false;
        this.observe(job, agent);
      } catch (error) {
        const transient = isTransient(error);
        attempt = { ok: false, transient };
        this.lastFailed = transient;
        // After dispose, a failure is only the abort of what was still in flight.
        if (!this.disposed) this.warnOnce(error, transient);
        if (transient && !this.closing && !this.disposed) {
          // Back to the head of the queue, and try again later.
          this.queue.unshift(job);
          const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures++);
          this.retryTimer = this.options.timers.setTimeout(() => {
            this.retryTimer = undefined;
            void this.pump();
          }, delay);
        }
      } finally {
        this.inFlight = null;
      }
      if (!this.disposed) this.attempts.fire(attempt);
    }
  }

  private send(job: Job): Promise<WireAgent> {
    const { id, profile, tz } = this.options;
    switch (job.kind) {
      case 'heartbeat':
        return this.client.heartbeat(id, profile);
      case 'busy':
        return this.client.busy(id, 'work');
      case 'exhausted':
        return this.client.exhausted(id, { message: job.message, tz });
      case 'idle':
        return this.client.idle(id, { exitCode: job.exitCode });
      case 'offline':
        return this.client.offline(id, { exitCode: job.exitCode });
      default:
        return assertNever(job);
    }
  }

  /** An agent found idle while CMD runs (the monitor restarted, the limit reset, an operator's recover) is busy again. */
  private observe(job: Job, agent: WireAgent): void {
    this.last = agent;
    if (job.kind === 'heartbeat' && this.working && agent.status === 'idle') this.push({ kind: 'busy' });
  }

  private warnOnce(error: unknown, transient: boolean): void {
    const kind = transient ? 'unreachable' : 'refused';
    // A refused move (busy while exhausted, say) is the rules at work, not a fault to tell about.
    if (!transient && !(error instanceof FleetApiError && (error.status === 401 || error.status === 403))) return;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    const why = error instanceof FleetApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    const then = this.closing ? 'its last reports are not sent' : transient ? 'the command runs on, and reports are retried in the background' : 'the command runs on';
    this.options.warn(transient ? `fleet-monitor: ${why}; ${then}` : `fleet-monitor: Fleet Monitor refused the report (${why}); ${then}`);
  }
}

/** Worth asking again: no connection, no answer in time, or the monitor busy or failing. */
function isTransient(error: unknown): boolean {
  if (error instanceof FleetConnectionError) return true;
  return error instanceof FleetApiError && (error.status >= 500 || error.status === 429 || error.status === 408);
}

