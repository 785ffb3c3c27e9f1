/**
 * The wrapped command as a child process with pipes: its stdout and stderr
 * pass on byte for byte (with backpressure: a slow reader slows the command,
 * as a shell pipeline would) and are handed over for scanning; stdin is
 * inherited, or fed from a stream. Also what both ways of running it share:
 * looking the command up, and the exit status a shell would give.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { RunTimers } from './run-reporter';

/** A started command. */
export interface ChildHandle {
  /** Passes a signal on to the command (nothing once it has exited). */
  kill(signal: NodeJS.Signals): void;
  /** Its status as a shell gives it (exit code, or 128 + the number of the signal that ended it), once its output is passed on. */
  readonly exited: Promise<number>;
}

export type OutputStream = 'stdout' | 'stderr';

export interface PipedChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string | undefined;
  readonly stdin: 'inherit' | 'ignore' | Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Each chunk of output, after it was passed on. */
  readonly onOutput: (stream: OutputStream, chunk: Buffer) => void;
  readonly timers: RunTimers;
}

/** Why a command cannot start, with the status a shell gives for it. */
export interface StartFailure {
  readonly status: 126 | 127;
  readonly message: string;
}

/**
 * After the command exits, how long its pipes may stay open: a background
 * job it started may hold them for hours, and `run` must not wait for that.
 */
const PIPE_GRACE_MS = 1_000;

/** Whether `command` can be run, looked up on `PATH` as execvp would; null when it can. */
export function checkCommand(command: string, env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): StartFailure | null {
  // Windows finds programs by PATHEXT, and spawn reports what it cannot find there.
  if (process.platform === 'win32') return null;
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter).map((dir) => path.resolve(cwd, dir || '.', command));
  let found = false;
  for (const file of candidates) {
    try {
      if (!fs.statSync(file).isFile()) continue;
      found = true;
      fs.accessSync(file, fs.constants.X_OK);
      return null;
    } catch {
      // not here, or not executable here: the next directory may have it
    }
  }
  return found ? { status: 126, message: `${command}: permission denied` } : { status: 127, message: `${command}: command not found` };
}

/** Exit code, or 128 + the signal's number, as shells report a command's status. */
export function shellStatus(code: number | null, signal: NodeJS.Signals | number | null): number {
  if (signal) return 128 + (typeof signal === 'number' ? signal : (os.constants.signals[signal] ?? 0));
  return code ?? 1;
}

/** Starts the command with pipes; a start that fails settles `exited` with 127 or 126 after `onStartFailure`. */
export function spawnPiped(options: PipedChildOptions, onStartFailure: (failure: StartFailure) => void): ChildHandle {
  const { stdin } = options;
  const child = spawn(options.command, [...options.args], {
    stdio: [typeof stdin === 'string' ? stdin : 'pipe', 'pipe', 'pipe'],
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  if (typeof stdin !== 'string' && child.stdin) {
    // The command may exit without reading all its input.
    child.stdin.on('error', () => undefined);
    stdin.pipe(child.stdin);
  }
  // Both are 'pipe' above; Node types them nullable for other stdio settings.
  const [stdout, stderr] = [child.stdout!, child.stderr!];
  const stops = [forward(stdout, options.stdout, (chunk) => options.onOutput('stdout', chunk)), forward(stderr, options.stderr, (chunk) => options.onOutput('stderr', chunk))];

  const exited = new Promise<number>((resolve) => {
    let status: number | null = null;
    let grace: unknown;
    let settled = false;
    const settle = (value: number) => {
      if (settled) return;
      settled = true;
      options.timers.clearTimeout(grace);
      if (typeof stdin !== 'string' && child.stdin) stdin.unpipe(child.stdin);
      for (const stop of stops) stop();
      resolve(value);
    };
    child.once('exit', (code, signal) => {
      status = shellStatus(code, signal);
      grace = options.timers.setTimeout(() => {
        stdout.destroy();
        stderr.destroy();
        settle(status!);
      }, PIPE_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) settle(status ?? shellStatus(code, signal));
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill or write: the child runs on
      const failure: StartFailure =
        error.code === 'EACCES' ? { status: 126, message: `${options.command}: permission denied` } : { status: 127, message: `${options.command}: ${error.code === 'ENOENT' ? 'command not found' : error.message}` };
      onStartFailure(failure);
      settle(failure.status);
    });
  });
  return {
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
  };
}

/**
 * Passes `source` on to `sink` chunk by chunk, pausing while the sink is
 * full. If the sink breaks (its reader went away: `run … | head`), the
 * source is closed, so the command gets EPIPE or SIGPIPE as it would have
 * written to that reader itself. Returns how to stop.
 */
function forward(source: Readable, sink: Writable, onChunk: (chunk: Buffer) => void): () => void {
  const resume = () => source.resume();
  const onData = (chunk: Buffer) => {
    if (!sink.write(chunk)) {
      source.pause();
      sink.once('drain', resume);
    }
    onChunk(chunk);
  };
  const onError = () => source.destroy();
  source.on('data', onData);
  sink.on('error', onError);
  return () => {
    source.off('data', onData);
    sink.off('drain', resume);
    sink.off('error', onError);
  };
}
