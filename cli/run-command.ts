/**
 * `fleet-monitor run [options] -- CMD [ARGS…]`: runs a command as a Fleet
 * Monitor agent. The agent is registered, busy while CMD runs, exhausted when
 * CMD prints a limit, idle (or offline) with CMD's exit code when it exits;
 * with `--restart-on-recovery`, a CMD that exits while the agent is
 * exhausted runs again once the monitor has recovered it. The work comes
 * first: CMD starts whether or not the monitor answers, its output is passed
 * on before it is read, and every report is sent in the background.
 */
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { checkCommand, spawnPiped, type ChildHandle, type OutputStream } from './run-child';
import { LineSplitter } from './run-lines';
import { LimitWatch } from './run-limit-watch';
import { ScanQueue } from './run-scan-queue';
import { parseRunArgs, RUN_USAGE, type RunOptions } from './run-options';
import { UsageError } from './usage-error';
import { loadPty, spawnInPty, type PtyModule, type RunTerminal } from './run-pty';
import { RunReporter, type RunTimers } from './run-reporter';

export { RUN_USAGE } from './run-options';

/** Where signals for `run` come from: `process` in the CLI. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface RunIo {
  /** Where CMD's stdout goes, byte for byte. */
  readonly stdout: Writable;
  /** Where CMD's stderr goes, byte for byte; `run`'s own few lines go here too. */
  readonly stderr: Writable;
  /** CMD's stdin with pipes: `run`'s own (default), none, or this stream. */
  readonly stdin?: 'inherit' | 'ignore' | Readable;
  /** Set when `run`'s stdin and stdout are a terminal: CMD then gets a pseudo-terminal, if one can be had. */
  readonly terminal?: RunTerminal | undefined;
  readonly signals?: SignalSource;
  readonly fetch?: typeof fetch;
  readonly timers?: RunTimers;
  /** Epoch ms. */
  readonly now?: () => number;
  /** For the default agent id. */
  readonly hostname?: string;
  readonly cwd?: string;
  /** node-pty's module, or null for pipes (tests choose). */
  readonly loadPty?: () => Promise<PtyModule | null>;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** After CMD exits, how long the last reports may take before `run` exits anyway. */
const CLOSE_DEADLINE_MS = 3_000;
/** The monitor's sweeper recovers an agent within a second of its reset time: ask just after. */
const RECOVERY_MARGIN_MS = 1_000;

const REAL_TIMERS: RunTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `fleet-monitor run`; `argv` is everything after `run`. Resolves to
 * CMD's exit status (128 + N for signal N), 127 or 126 when CMD cannot be
 * started, 2 for a usage error.
 */
export async function runCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: RunIo): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseRunArgs(argv, env, io.hostname ?? os.hostname());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`fleet-monitor: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  return new RunSession(options, env, io).run();
}

/** The RunIo of the real process: its stdio, its signals, a terminal when it has one. */
export function processRunIo(): RunIo {
  const terminal = process.stdin.isTTY && process.stdout.isTTY ? { input: process.stdin, output: process.stdout } : undefined;
  return { stdout: process.stdout, stderr: process.stderr, stdin: 'inherit', terminal, signals: process };
}

class RunSession {
  private readonly timers: RunTimers;
  private readonly now: () => number;
  private readonly cwd: string;
  private readonly reporter: RunReporter;
  private child: ChildHandle | null = null;
  /** The signal that asked `run` to stop: no restart after it. */
  private stopSignal: NodeJS.Signals | null = null;
  private readonly stopWaiting = new AbortController();
  /** The reset time this side read from the last limit, for when the monitor cannot say. */
  private localRecoveryAt: number | null = null;

  constructor(
    private readonly options: RunOptions,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly io: RunIo,
  ) {
    this.timers = io.timers ?? REAL_TIMERS;
    this.now = io.now ?? Date.now;
    this.cwd = io.cwd ?? process.cwd();
    const profile = { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.labels ? { labels: options.labels } : {}) };
    this.reporter = new RunReporter({
      url: options.url,
      token: options.token,
      fetch: io.fetch,
      id: options.id,
      profile,
      tz: options.tz,
      everyMs: options.everyMs,
      timers: this.timers,
      now: this.now,
      warn: (line) => this.say(line),
    });
  }

  async run(): Promise<number> {
    const { options } = this;
    const failure = checkCommand(options.command, this.env, this.cwd);
    if (failure) {
      this.say(`fleet-monitor: ${failure.message}`);
      return failure.status;
    }
    const pty = options.pty && this.io.terminal ? await (this.io.loadPty ?? loadPty)() : null;
    if (options.pty && this.io.terminal && !pty) this.say(`fleet-monitor: no pseudo-terminal (node-pty is not installed): ${options.command} writes to a pipe, not a terminal`);

    // A reader that went away (`run … 2>&1 | head`) must not crash `run` while CMD works.
    const ignore = () => undefined;
    this.io.stdout.on('error', ignore);
    this.io.stderr.on('error', ignore);
    const signals = this.io.signals;
    const listeners = FORWARDED_SIGNALS.map((signal) => [signal, () => this.onSignal(signal)] as const);
    for (const [signal, listener] of listeners) signals?.on(signal, listener);
    try {
      this.reporter.start();
      let status: number;
      for (let restarts = 0; ; restarts++) {
        status = await this.runOnce(pty);
        if (this.stopSignal || !options.restartOnRecovery || !this.reporter.isExhausted()) break;
        if (restarts >= options.maxRestarts) {
          this.say(`fleet-monitor: ${options.command} exited (status ${status}) while agent '${options.id}' is exhausted; no restart left (--max-restarts ${options.maxRestarts})`);
          break;
        }
        this.say(`fleet-monitor: ${options.command} exited (status ${status}) while agent '${options.id}' is exhausted; it runs again when Fleet Monitor recovers the agent (restart ${restarts + 1} of ${options.maxRestarts})`);
        if (!(await this.waitForRecovery())) {
          status = 128 + (os.constants.signals[this.stopSignal!] ?? 0);
          break;
        }
      }
      this.reporter.exited(status, { offline: options.offlineOnExit });
      await this.reporter.close(CLOSE_DEADLINE_MS);
      return status;
    } finally {
      for (const [signal, listener] of listeners) signals?.off(signal, listener);
      this.io.stdout.off('error', ignore);
      this.io.stderr.off('error', ignore);
      this.reporter.dispose();
    }
  }

  /** Runs CMD once, reading its output for limits; resolves to its status. */
  private async runOnce(pty: PtyModule | null): Promise<number> {
    const { options, reporter } = this;
    // A new watch for each run: what an earlier run printed has been dealt with.
    const watch = new LimitWatch({
      now: this.now,
      tz: options.tz,
      isExhausted: () => reporter.isExhausted(),
      onLimit: ({ message, reading }) => {
        this.localRecoveryAt = reading.recoveryAt ?? this.localRecoveryAt;
        reporter.exhausted(message, reading.recoveryAt);
      },
    });
    const scanning = new ScanQueue((line) => watch.feed(line));
    const splitters: Record<OutputStream, LineSplitter> = { stdout: new LineSplitter((line) => scanning.push(line)), stderr: new LineSplitter((line) => scanning.push(line)) };
    const onOutput = (stream: OutputStream, chunk: Buffer) => splitters[stream].push(chunk);
    const start = { command: options.command, args: options.args, env: this.env, cwd: this.cwd, onOutput };
    this.localRecoveryAt = null;
    let child: ChildHandle;
    try {
      child =
        pty && this.io.terminal
          ? spawnInPty(pty, { ...start, terminal: this.io.terminal })
          : spawnPiped({ ...start, stdin: this.io.stdin ?? 'inherit', stdout: this.io.stdout, stderr: this.io.stderr, timers: this.timers }, (failure) =>
              this.say(`fleet-monitor: ${failure.message}`),
            );
    } catch (error) {
      this.say(`fleet-monitor: cannot run ${options.command}: ${error instanceof Error ? error.message : String(error)}`);
      return 126;
    }
    this.child = child;
    reporter.busy();
    const status = await child.exited;
    this.child = null;
    splitters.stdout.end();
    splitters.stderr.end();
    // Before anyone asks whether the agent is exhausted: CMD's last words are often its limit.
    scanning.flush();
    return status;
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.stopSignal = signal;
    if (this.child) this.child.kill(signal);
    else this.stopWaiting.abort();
  }

  /**
   * Waits until the agent is no longer exhausted: the monitor says so (asked
   * at every heartbeat, and just after the reset time). While the monitor
   * cannot be reached, the reset time read from the limit decides, so that a
   * monitor that is down does not hold up the work. False if a signal came first.
   */
  private waitForRecovery(): Promise<boolean> {
    const { reporter, timers } = this;
    return new Promise<boolean>((resolve) => {
      let timer: unknown;
      const done = (recovered: boolean) => {
        subscription.dispose();
        timers.clearTimeout(timer);
        this.stopWaiting.signal.removeEventListener('abort', onAbort);
        resolve(recovered);
      };
      const onAbort = () => done(false);
      const check = () => {
        if (!reporter.isExhausted()) return done(true);
        const agent = reporter.agent;
        const recoveryAt = (agent?.status === 'exhausted' && agent.recovery_at ? Date.parse(agent.recovery_at) : null) ?? this.localRecoveryAt;
        if (reporter.unreachable && recoveryAt !== null && this.now() >= recoveryAt) {
          reporter.limitPassed();
          return done(true);
        }
        timers.clearTimeout(timer);
        timer = undefined;
        const wait = recoveryAt === null ? 0 : recoveryAt + RECOVERY_MARGIN_MS - this.now();
        if (wait > 0) timer = timers.setTimeout(() => reporter.heartbeatNow(), wait);
      };
      const subscription = reporter.onDidAttempt(check);
      this.stopWaiting.signal.addEventListener('abort', onAbort);
      if (this.stopWaiting.signal.aborted) return done(false);
      check();
    });
  }

  private say(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }
}
