import type { Agent, AgentChange } from '../../shared/agent';
import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/disposable';
import type { FleetLimits } from '../../shared/fleet-api';
import type { FleetService } from './fleet-service';
import type { TimeoutHost } from './push-batcher';
import type { TimerHost } from './sweeper';

/** How often retention runs ("at least once a minute"). */
export const RETENTION_INTERVAL_MS = 60_000;
/** Most rows one transaction deletes (about 15 ms of work, measured: see the notes). */
export const RETENTION_BATCH_ROWS = 1_000;
/** Most index entries one counting step expects to read (an agent's first count walks its history). */
const SCAN_ROWS = 20_000;
/** Most agents one step counts, prunes or forgets, whatever the cap. */
const MAX_AGENTS_PER_BATCH = 1_000;
/** Free pages given back per step (1 MiB at the default 4 KiB page; moving pages is the slow part). */
const VACUUM_PAGES = 256;
/** Ids a "forgot" log line names; the rest are counted. */
const LOGGED_IDS = 20;
const DAY_MS = 86_400_000;

/** What retention needs of the service: its bounded writes, and the changes to see which agents gained history. */
export type RetentionTarget = Pick<
  FleetService,
  'onDidChange' | 'forgetOfflineSince' | 'pruneHistoryBefore' | 'pruneOldestHistory' | 'historyCounts' | 'agentIdsAfter' | 'reclaimSpace'
>;

export interface RetentionOptions {
  readonly limits: Pick<FleetLimits, 'historyPerAgent' | 'historyDays' | 'forgetOfflineDays'>;
  readonly intervalMs?: number;
  /** Most rows one transaction deletes; tests make it small to see the batching. */
  readonly batchRows?: number;
  /** Where "forgot" lines go. */
  readonly log?: (line: string) => void;
  /** Where a failed pass is reported; the next interval tries again. */
  readonly onError?: (error: unknown) => void;
}

/** What one pass did. */
export interface RetentionReport {
  readonly eventsPruned: number;
  readonly agentsForgotten: number;
  readonly pagesReclaimed: number;
}

/** A leap of the wall clock ahead of the time run that retention takes at once (sleep, a weekend away). */
export const TRUSTED_LEAP_MS = 7 * DAY_MS;
/** How long a larger leap must hold, in time run, before retention prunes by it. */
export const LEAP_TRUSTED_AFTER_MS = DAY_MS;

/**
 * Keeps the database bounded: each pass deletes history older than
 * `historyDays`, then history beyond each agent's newest `historyPerAgent`,
 * then forgets agents offline for more than `forgetOfflineDays` (0: never),
 * then gives the freed pages back to the file system.
 *
 * A pass runs at start and every interval, as a chain of small transactions
 * (each at most `batchRows` deletions) with a turn of the event loop between
 * them, so a big backlog never holds up a heartbeat for long.
 *
 * Counting an agent's history walks it, so each agent is counted once (all of
 * them on the first pass, then each new one at its first event) and its count
 * kept from there: +1 for each event committed (`onDidChange` carries every
 * one; only the service writes history), minus what retention deletes, gone
 * with the agent. A pass then deletes just each agent's excess, oldest first,
 * reading nothing it keeps.
 */
export class Retention implements Disposable {
  private readonly batchRows: number;
  private readonly log: (line: string) => void;
  private interval: unknown;
  private stepTimer: unknown;
  private running: Generator<void, RetentionReport> | undefined;
  private listener: Disposable | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Each counted agent's number of events, exact at every step boundary. */
  private readonly counts = new Map<string, number>();
  /** Counted agents over the cap. */
  private readonly over = new Set<string>();
  /** Agents that gained history before they were counted. */
  private readonly uncounted = new Set<string>();
  /** Where the first count of every agent stands ('' before it began); null once done. */
  private scanCursor: string | null = '';
  private last: RetentionReport | undefined;
  /** Wall minus monotonic time as last trusted: the wall clock pruning goes by is `monotonic + this`. */
  private trustedOffset: number;
  /** A jump ahead too large to trust at once, and since when (monotonic) it has held. */
  private jumpAhead: { offset: number; since: number } | undefined;

  constructor(
    private readonly target: RetentionTarget,
    private readonly clock: Clock,
    private readonly timers: TimerHost,
    private readonly timeouts: TimeoutHost,
    private readonly options: RetentionOptions,
  ) {
    this.batchRows = options.batchRows ?? RETENTION_BATCH_ROWS;
    this.trustedOffset = clock.now() - clock.monotonic();
    this.log = options.log ?? console.log;
  }

  /** Starts: a pass now (as far as its first batch, the whole pass on a small database), then every interval. */
  start(): void {
    if (this.interval !== undefined) return;
    this.listener = this.target.onDidChange((changes) => this.noteGrowth(changes));
    this.interval = this.timers.setInterval(() => this.runPass(), this.options.intervalMs ?? RETENTION_INTERVAL_MS);
    this.runPass();
  }

  /** Begins a pass unless one is under way, running its first batch now. */
  runPass(): void {
    if (this.running) return;
    this.running = this.pass();
    this.step();
  }

  /** Runs the pass under way to its end now (tests; a caller that can afford to block). */
  drain(): void {
    while (this.running) {
      if (this.stepTimer !== undefined) this.timeouts.clearTimeout(this.stepTimer);
      this.step();
    }
  }

  /** Resolves once no pass is under way. */
  whenIdle(): Promise<void> {
    return this.running ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** What the last finished pass did. */
  get lastReport(): RetentionReport | undefined {
    return this.last;
  }

  dispose(): void {
    if (this.interval !== undefined) this.timers.clearInterval(this.interval);
    if (this.stepTimer !== undefined) this.timeouts.clearTimeout(this.stepTimer);
    this.interval = this.stepTimer = undefined;
    this.listener?.dispose();
    this.listener = undefined;
    if (!this.running) return;
    try {
      // Ends the pass where it stands (its `finally` logs who was already forgotten).
      this.running.return({ eventsPruned: 0, agentsForgotten: 0, pagesReclaimed: 0 });
    } catch (error) {
      this.report(error);
    }
    this.ended();
  }

  private noteGrowth(changes: readonly AgentChange[]): void {
    for (const change of changes) {
      if (change.type === 'removed') {
        this.counts.delete(change.agentId);
        this.over.delete(change.agentId);
        this.uncounted.delete(change.agentId);
      } else if (change.event) {
        const n = this.counts.get(change.agent.id);
        if (n === undefined) this.uncounted.add(change.agent.id);
        else this.setCount(change.agent.id, n + 1);
      }
    }
  }

  private setCount(id: string, n: number): void {
    this.counts.set(id, n);
    if (n > this.options.limits.historyPerAgent) this.over.add(id);
    else this.over.delete(id);
  }

  /** Counts agents' history afresh (a walk each). */
  private count(ids: readonly string[]): void {
    const found = this.target.historyCounts(ids);
    ids.forEach((id, i) => {
      this.setCount(id, found[i]!);
      this.uncounted.delete(id);
    });
  }

  /** One batch of the pass; the next is scheduled for a later turn of the event loop. A failure ends the pass, reported. */
  private step(): void {
    this.stepTimer = undefined;
    const pass = this.running;
    if (!pass) return;
    try {
      const result = pass.next();
      if (!result.done) {
        this.stepTimer = this.timeouts.setTimeout(() => this.step(), 0);
        return;
      }
      this.last = result.value;
    } catch (error) {
      this.report(error);
    }
    this.ended();
  }

  private ended(): void {
    this.running = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private report(error: unknown): void {
    (this.options.onError ?? console.error)(error);
  }

  /**
   * The time a pass prunes by: the wall clock, except just after it leapt
   * ahead of the time really run by more than {@link TRUSTED_LEAP_MS}. A
   * clock set a year ahead by mistake would otherwise delete all history and
   * forget every offline agent within a minute, for good; such a leap is
   * trusted only once it has held for {@link LEAP_TRUSTED_AFTER_MS} of
   * running (a clock corrected after a boot without a real-time clock, say),
   * and until then pruning goes by the time last trusted plus the time run.
   * Smaller leaps (a machine waking from sleep) and any step back are taken
   * at once. So a mistaken leap deletes nothing within a day of running —
   * time to notice and fix it; a clock already wrong when the monitor
   * starts cannot be told apart.
   */
  private prunesAsOf(): number {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const offset = wall - mono;
    const small = offset - this.trustedOffset <= TRUSTED_LEAP_MS;
    if (!small && (!this.jumpAhead || Math.abs(this.jumpAhead.offset - offset) > TRUSTED_LEAP_MS)) this.jumpAhead = { offset, since: mono };
    if (small || mono - this.jumpAhead!.since >= LEAP_TRUSTED_AFTER_MS) {
      this.trustedOffset = offset;
      this.jumpAhead = undefined;
      return wall;
    }
    return mono + this.trustedOffset;
  }

  /** The pass, as a generator: each `yield` ends a transaction and gives the event loop a turn. */
  private *pass(): Generator<void, RetentionReport> {
    const now = this.prunesAsOf();
    const { historyPerAgent: keep, historyDays, forgetOfflineDays } = this.options.limits;
    const rows = this.batchRows;
    let eventsPruned = 0;
    let agentsForgotten = 0;
    let pagesReclaimed = 0;

    for (let n = rows; n === rows; ) {
      const whose = this.target.pruneHistoryBefore(now - historyDays * DAY_MS, rows);
      for (const id of whose) {
        const count = this.counts.get(id);
        if (count !== undefined) this.setCount(id, count - 1);
      }
      n = whose.length;
      eventsPruned += n;
      if (n === rows) yield;
    }

    const toCount = Math.max(1, Math.min(MAX_AGENTS_PER_BATCH, Math.floor(SCAN_ROWS / keep)));
    while (this.scanCursor !== null) {
      const ids = this.target.agentIdsAfter(this.scanCursor, toCount);
      this.count(ids);
      this.scanCursor = ids.length < toCount ? null : ids[ids.length - 1]!;
      if (this.scanCursor !== null) yield;
    }
    const uncounted = [...this.uncounted];
    for (let i = 0; i < uncounted.length; i += toCount) {
      if (i > 0) yield;
      this.count(uncounted.slice(i, i + toCount));
    }

    // The agents over the cap now; those that pass it during the pass wait for the next one.
    const over = [...this.over];
    for (let i = 0; i < over.length; ) {
      const excess: [string, number][] = [];
      let budget = rows;
      while (i < over.length && budget > 0 && excess.length < MAX_AGENTS_PER_BATCH) {
        const id = over[i]!;
        const wanted = (this.counts.get(id) ?? keep) - keep; // none: forgotten meanwhile
        const n = Math.min(budget, wanted);
        if (n > 0) excess.push([id, n]);
        budget -= Math.max(0, n);
        if (n === wanted || wanted <= 0) i++; // else the rest of its excess goes in the next batch
      }
      const deleted = excess.length > 0 ? this.target.pruneOldestHistory(excess) : [];
      const miscounted: string[] = [];
      excess.forEach(([id, n], k) => {
        eventsPruned += deleted[k]!;
        const count = this.counts.get(id);
        if (count !== undefined) this.setCount(id, count - deleted[k]!);
        // Fewer rows than counted: the count was wrong (it never should be); count it afresh.
        if (deleted[k]! < n) miscounted.push(id);
      });
      if (miscounted.length > 0) this.count(miscounted);
      if (i < over.length) yield;
    }

    if (forgetOfflineDays > 0) {
      // A forgotten agent's history goes with it (at most `keep` rows by now).
      const agents = Math.max(1, Math.min(MAX_AGENTS_PER_BATCH, Math.floor(rows / (keep + 1))));
      const forgotten = new ForgetLog(forgetOfflineDays);
      try {
        for (let gone = agents; gone === agents; ) {
          const batch = this.target.forgetOfflineSince(now - forgetOfflineDays * DAY_MS, agents);
          forgotten.add(batch);
          gone = batch.length;
          if (gone === agents) yield;
        }
      } finally {
        agentsForgotten = forgotten.count;
        const line = forgotten.line();
        if (line) this.log(line);
      }
    }

    if (eventsPruned > 0 || agentsForgotten > 0) {
      for (;;) {
        const { shrunk, free } = this.target.reclaimSpace(VACUUM_PAGES);
        pagesReclaimed += shrunk;
        // Nothing given back: the file is not in incremental mode (its conversion failed; see openDatabase).
        if (free === 0 || shrunk === 0) break;
        yield;
      }
    }
    return { eventsPruned, agentsForgotten, pagesReclaimed };
  }
}

/** The one log line of a pass's forgetting: which agents and why, bounded whatever their number. */
class ForgetLog {
  count = 0;
  private readonly named: Agent[] = [];

  constructor(private readonly days: number) {}

  add(agents: readonly Agent[]): void {
    this.count += agents.length;
    for (const agent of agents) if (this.named.length < LOGGED_IDS) this.named.push(agent);
  }

  line(): string | null {
    const why = `offline for more than ${this.days} days (FLEET_FORGET_OFFLINE_DAYS)`;
    if (this.count === 0) return null;
    if (this.count === 1) {
      const agent = this.named[0]!;
      return `Fleet Monitor forgot agent ${JSON.stringify(agent.id)}: ${why}, since ${new Date(agent.statusSince).toISOString()}`;
    }
    const ids = this.named.map((agent) => JSON.stringify(agent.id)).join(', ');
    const rest = this.count - this.named.length;
    return `Fleet Monitor forgot ${this.count} agents ${why}: ${ids}${rest > 0 ? ` and ${rest} more` : ''}`;
  }
}
