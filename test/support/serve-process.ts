import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';

const SERVE = path.resolve('out/main/serve.js');

/** A running `out/main/serve.js` child with its output collected line by line. */
export class ServeProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    const collect = (into: string[]) => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        into.push(...lines);
      };
    };
    child.stdout.on('data', collect(this.stdout));
    child.stderr.on('data', collect(this.stderr));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static start(args: string[], env: Record<string, string>): ServeProcess {
    const child = spawn(process.execPath, [SERVE, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return new ServeProcess(child);
  }

  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first or after `ms`. */
  async waitForLine(pattern: RegExp, ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.stdout.find((l) => pattern.test(l));
      if (line) return line;
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}: ${this.stderr.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in ${ms} ms: ${this.stdout.join('\n')}`);
      await once(this.child.stdout, 'data').catch(() => undefined);
    }
  }

  exit(): Promise<number | null> {
    return this.exited;
  }
}
