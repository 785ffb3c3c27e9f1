/**
 * The wrapped command on a pseudo-terminal, so an interactive program (an
 * agent's TUI) sees a real terminal: `run` puts its own terminal in raw mode
 * and passes keys in and output out byte for byte, the window size along,
 * and signals by name. The pty comes from node-pty when it is installed (an
 * optional dependency: it is native code), else `run` uses pipes.
 */
import type { Readable, Writable } from 'node:stream';
import type { ChildHandle, OutputStream } from './run-child';
import { shellStatus } from './run-child';

/** The part of node-pty's `IPty` that `run` uses. */
export interface PtyProcess {
  onData(listener: (data: string | Uint8Array) => void): { dispose(): void };
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(data: string | Buffer): void;
  resize(columns: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
}

/** The part of node-pty's module that `run` uses. */
export interface PtyModule {
  spawn(
    file: string,
    args: string[],
    options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string>; encoding: null },
  ): PtyProcess;
}

/** `run`'s own terminal: process.stdin and process.stdout when both are one. */
export interface RunTerminal {
  readonly input: Readable & { setRawMode?(raw: boolean): unknown; readonly isRaw?: boolean };
  readonly output: Writable & { readonly columns?: number; readonly rows?: number };
}

/**
 * Microsoft's package first; then a fork that ships the same code prebuilt
 * for Linux too (node-pty itself compiles there, like better-sqlite3).
 */
const PTY_PACKAGES = ['node-pty', '@lydell/node-pty'];

/** node-pty's module if one of the packages is installed and loads in this Node, else null. */
export async function loadPty(): Promise<PtyModule | null> {
  for (const name of PTY_PACKAGES) {
    try {
      const loaded = (await import(name)) as { spawn?: unknown; default?: { spawn?: unknown } };
      const module = typeof loaded.spawn === 'function' ? loaded : loaded.default;
      if (module && typeof module.spawn === 'function') return module as PtyModule;
    } catch {
      // Not installed, or built for another Node: try the next, then pipes.
    }
  }
  return null;
}

export interface PtyChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly terminal: RunTerminal;
  /** Each chunk of output (stdout and stderr are one stream on a terminal), after it was passed on. */
  readonly onOutput: (stream: OutputStream, chunk: Buffer) => void;
}

/** Starts the command on a new pseudo-terminal the size of `run`'s own. */
export function spawnInPty(pty: PtyModule, options: PtyChildOptions): ChildHandle {
  const { input, output } = options.terminal;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const child = pty.spawn(options.command, [...options.args], {
    name: env.TERM || 'xterm-256color',
    cols: output.columns || 80,
    rows: output.rows || 24,
    cwd: options.cwd,
    env,
    // Bytes, not strings: the output must pass unchanged, whatever its encoding.
    encoding: null,
  });

  const wasRaw = input.isRaw ?? false;
  // Keys go to the command as typed; Ctrl-C becomes its SIGINT on its own terminal, not ours.
  input.setRawMode?.(true);
  const onInput = (data: Buffer | string) => child.write(data);
  input.on('data', onInput);
  input.resume();
  const onResize = () => child.resize(output.columns || 80, output.rows || 24);
  output.on('resize', onResize);
  const resume = () => child.resume();
  const data = child.onData((received) => {
    const chunk = typeof received === 'string' ? Buffer.from(received) : Buffer.from(received.buffer, received.byteOffset, received.byteLength);
    if (!output.write(chunk)) {
      child.pause();
      output.once('drain', resume);
    }
    options.onOutput('stdout', chunk);
  });

  let running = true;
  const exited = new Promise<number>((resolve) => {
    const exit = child.onExit(({ exitCode, signal }) => {
      running = false;
      data.dispose();
      exit.dispose();
      input.off('data', onInput);
      input.setRawMode?.(wasRaw);
      // Reading stdin would keep `run` alive after the command is gone.
      input.pause();
      output.off('resize', onResize);
      output.off('drain', resume);
      resolve(shellStatus(exitCode, signal ?? null));
    });
  });
  return {
    kill: (signal) => {
      if (running) child.kill(signal);
    },
    exited,
  };
}
