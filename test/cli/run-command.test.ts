import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processRunIo, RUN_USAGE, runCommand, type RunIo } from '../../cli/run-command';
import { LineSplitter, MAX_SCANNED_LINE_BYTES } from '../../cli/run-lines';
import { LimitWatch, type LimitHit } from '../../cli/run-limit-watch';
import { MAX_BACKLOG_CHARS, ScanQueue } from '../../cli/run-scan-queue';
import { defaultAgentId } from '../../cli/run-options';
import { loadPty } from '../../cli/run-pty';
import type { RunTimers } from '../../cli/run-reporter';
import type { Agent } from '../../shared/agent';
import { MAX_MESSAGE_BYTES } from '../../shared/limit-text';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../support/port-fixture';
import { useTempDir } from '../support/temp-dir';

const CHILD = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));
const NODE = process.execPath;
const LIMIT_LINE = "You've hit your limit · resets 3:45pm (UTC)";
/** 15:45 UTC on the port fixture's day (its clock says 2026-01-01T12:00Z). */
const LIMIT_RESET = Date.UTC(2026, 0, 1, 15, 45);
const hex = (text: string | Buffer) => Buffer.from(text).toString('hex');

/** One-shot timers that fire only when the test says so; a test can wait for one to be set. */
class ManualTimers implements RunTimers {
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private readonly changed = new EventEmitter();
  private next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    this.changed.emit('set');
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Waits until a timer of `ms` is set, then runs every one of that delay. */
  async fire(ms: number): Promise<void> {
    while (!this.delays().includes(ms)) await new Promise((resolve) => this.changed.once('set', resolve));
    for (const [id, timer] of [...this.pending]) {
      if (timer.ms !== ms) continue;
      this.pending.delete(id);
      timer.fn();
    }
  }

  fireAll(): void {
    for (const [id, timer] of [...this.pending]) {
      this.pending.delete(id);
      timer.fn();
    }
  }
}

/** A Writable that keeps every byte, and can be waited on for a text. */
class Sink extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    this.emit('chunk');
    done();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }

  async waitFor(text: string): Promise<void> {
    while (!this.text().includes(text)) await new Promise((resolve) => this.once('chunk', resolve));
  }
}

let f: PortFixture;
let stdin: PassThrough;
beforeEach(async () => {
  f = await startPortFixture();
  stdin = new PassThrough();
});
afterEach(async () => {
  stdin.end(); // children waiting on their stdin exit
  await f.stop();
});

interface Started {
  readonly done: Promise<number>;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly signals: EventEmitter;
  readonly timers: ManualTimers;
}

/** Starts `fleet-monitor run <args>` against the fixture's port; `done` is its exit status. */
function start(args: string[], io: Partial<RunIo> & { env?: Record<string, string | undefined> } = {}): Started {
  const stdout = new Sink();
  const stderr = new Sink();
  const signals = new EventEmitter();
  const timers = new ManualTimers();
  const { env, ...rest } = io;
  const done = runCommand(args, { ...process.env, FLEET_URL: f.port.url, FLEET_AGENT_TOKEN: AGENT_TOKEN, ...env }, {
    stdout,
    stderr,
    stdin,
    signals,
    timers,
    now: () => f.clock.now(),
    hostname: 'test-host',
    loadPty: async () => null,
    ...rest,
  });
  return { done, stdout, stderr, signals, timers };
}

/** Resolves with the agent once `predicate` holds for it, checked at every change the service announces. */
function agentWhere(id: string, predicate: (agent: Agent) => boolean): Promise<Agent> {
  return new Promise((resolve) => {
    const check = () => {
      const agent = f.service.find(id);
      if (agent && predicate(agent)) {
        subscription.dispose();
        resolve(agent);
      }
    };
    const subscription = f.service.onDidChange(check);
    check();
  });
}

/** The agent's moves, oldest first, as `from>to` with the detail's exit code if any. */
function moves(id: string): string[] {
  return f.service
    .history(id)
    .reverse()
    .map((e) => `${e.from}>${e.to}${e.detail && 'exit_code' in e.detail ? ` exit ${String(e.detail.exit_code)}` : ''}`);
}

function closedPortUrl(): Promise<string> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

describe('fleet-monitor run: the command and its output', () => {
  const tempDir = useTempDir();

  it('passes stdout and stderr through byte for byte and exits with the command’s code; busy, then idle with it', async () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0xe2, 0x82]); // not UTF-8, a NUL, CRLF, half a character
    const run = start(['--id', 'pass', '--', NODE, CHILD, `out:${hex('one\r\ntwo\rthree\n')}`, `out:${hex(binary)}`, 'big:1000000', `err:${hex('to stderr, no newline')}`, 'exit:3']);
    expect(await run.done).toBe(3);
    const expected = Buffer.concat([Buffer.from('one\r\ntwo\rthree\n'), binary, Buffer.alloc(1_000_000, 'x')]);
    // Buffer#equals: toEqual walks a megabyte element by element.
    expect(run.stdout.bytes().length).toBe(expected.length);
    expect(run.stdout.bytes().equals(expected)).toBe(true);
    expect(run.stderr.text()).toBe('to stderr, no newline');
    expect(moves('pass')).toEqual(['idle>busy', 'busy>idle exit 3']);
  });

  it.each([0, 1, 42, 255])('exit code %i is run’s exit status', async (code) => {
    const run = start(['--id', `code-${code}`, '--', NODE, CHILD, `exit:${code}`]);
    expect(await run.done).toBe(code);
    expect(moves(`code-${code}`).at(-1)).toBe(`busy>idle exit ${code}`);
  });

  it('the command’s own flags after -- are its own; stdin reaches it; name and labels register the agent', async () => {
    const run = start(['--name', 'Runner', '--label', 'team=infra', '--', NODE, CHILD, 'argv', '--every', 'nonsense', '--help', 'wait', 'line:read it']);
    stdin.write('go\n');
    expect(await run.done).toBe(0);
    expect(run.stdout.text()).toBe(`${JSON.stringify(['argv', '--every', 'nonsense', '--help', 'wait', 'line:read it'])}\nread it\n`);
    // No --id: run-<file name of CMD>-<host>.
    const id = defaultAgentId(NODE, 'test-host');
    expect(id).toBe(`run-${path.basename(NODE)}-test-host`);
    expect(f.service.get(id)).toMatchObject({ name: 'Runner', labels: { team: 'infra' }, status: 'idle' });
  });

  it('--offline-on-exit reports offline with the exit code', async () => {
    const run = start(['--id', 'off', '--offline-on-exit', '--', NODE, CHILD, 'exit:7']);
    expect(await run.done).toBe(7);
    expect(moves('off')).toEqual(['idle>busy', 'busy>offline exit 7']);
  });

  it('does not wait for a background job that keeps the command’s pipes open', async () => {
    const run = start(['--id', 'bg', '--', NODE, CHILD, 'orphan', 'exit:6']);
    await run.stdout.waitFor('orphan ');
    const pid = Number(/orphan (\d+)/.exec(run.stdout.text())![1]);
    try {
      await run.timers.fire(1_000); // the grace for the pipes after the command exited
      expect(await run.done).toBe(6);
      expect(moves('bg')).toEqual(['idle>busy', 'busy>idle exit 6']);
    } finally {
      process.kill(pid);
    }
  });

  it('a command that is not there exits 127 (126 if not executable) and registers nothing', async () => {
    const missing = start(['--', 'no-such-command-here']);
    expect(await missing.done).toBe(127);
    expect(missing.stderr.text()).toBe('fleet-monitor: no-such-command-here: command not found\n');
    const script = path.join(tempDir(), 'script.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho ran\n', { mode: 0o644 });
    const notExecutable = start(['--', script]);
    expect(await notExecutable.done).toBe(126);
    expect(notExecutable.stderr.text()).toBe(`fleet-monitor: ${script}: permission denied\n`);
    expect(f.service.count()).toBe(0);
  });
});

describe('fleet-monitor run: signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s reaches the command; killed by it, run exits %i', async (signal, status) => {
    const run = start(['--id', 'sig', '--', NODE, CHILD, 'ready', 'hang']);
    await run.stdout.waitFor('ready\n');
    run.signals.emit(signal);
    expect(await run.done).toBe(status);
    expect(moves('sig').at(-1)).toBe(`busy>idle exit ${status}`);
  });

  it('a command that traps SIGTERM exits with its own code, after its last words', async () => {
    const run = start(['--id', 'trap', '--restart-on-recovery', '--', NODE, CHILD, 'trap:SIGTERM:143', 'ready', 'hang']);
    await run.stdout.waitFor('ready\n');
    run.signals.emit('SIGTERM');
    expect(await run.done).toBe(143);
    expect(run.stdout.text()).toBe('ready\ngot SIGTERM\n');
    expect(run.signals.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('fleet-monitor run: limits', () => {
  it('a limit line exhausts the agent until its reset time, once however often it is printed; the agent stays exhausted after exit', async () => {
    const run = start(['--id', 'lim', '--tz', 'UTC', '--', NODE, CHILD, 'line:working', `line:${LIMIT_LINE}`, `line:${LIMIT_LINE}`, `line:\u001b[1m${LIMIT_LINE}\u001b[0m`, 'wait', 'exit:1']);
    const agent = await agentWhere('lim', (a) => a.status === 'exhausted');
    expect(agent).toMatchObject({ exhaustReason: 'rate_limit', recoveryAt: LIMIT_RESET, recoverySource: 'message', exhaustExcerpt: LIMIT_LINE });
    stdin.write('\n');
    expect(await run.done).toBe(1);
    expect(moves('lim')).toEqual(['idle>busy', 'busy>exhausted']);
    expect(run.stdout.text()).toContain(`\u001b[1m${LIMIT_LINE}\u001b[0m\n`); // passed on as printed
  });

  it('a limit on stderr with its time on the next line, in CRLF lines split across writes', async () => {
    const run = start(['--id', 'two', '--tz', 'UTC', '--', NODE, CHILD, `err:${hex("Error: You've hit your lim")}`, `err:${hex('it\r')}`, `err:${hex('\nresets 3:45pm\r\n')}`, 'exit:1']);
    expect(await run.done).toBe(1);
    expect(f.service.get('two')).toMatchObject({ status: 'exhausted', recoveryAt: LIMIT_RESET, exhaustExcerpt: "Error: You've hit your limit resets 3:45pm" });
  });

  it('lines that are not a limit leave the agent busy', async () => {
    const run = start(['--id', 'calm', '--', NODE, CHILD, 'line:Context limit reached · /compact or /clear to continue', 'line:all tests passed', 'wait']);
    await run.stdout.waitFor('passed\n');
    stdin.write('\n');
    expect(await run.done).toBe(0);
    expect(moves('calm')).toEqual(['idle>busy', 'busy>idle exit 0']);
  });
});

describe('fleet-monitor run: heartbeats', () => {
  it('beats every interval while the command runs, and leaves no timer behind', async () => {
    const run = start(['--id', 'beat', '--every', '5s', '--', NODE, CHILD, 'wait']);
    await agentWhere('beat', (a) => a.status === 'busy');
    for (let beat = 0; beat < 2; beat++) {
      f.clock.advance(5_000);
      await run.timers.fire(5_000);
      await agentWhere('beat', (a) => a.lastHeartbeat === f.clock.now());
    }
    expect(run.timers.delays()).toContain(5_000);
    stdin.write('\n');
    expect(await run.done).toBe(0);
    expect(run.timers.size).toBe(0);
  });

  it('a heartbeat that finds the agent idle while the command runs (an operator’s recover) makes it busy again', async () => {
    const run = start(['--id', 'again', '--', NODE, CHILD, 'wait']);
    await agentWhere('again', (a) => a.status === 'busy');
    f.service.recover('again');
    await run.timers.fire(30_000);
    await agentWhere('again', (a) => a.status === 'busy');
    stdin.write('\n');
    expect(await run.done).toBe(0);
    expect(moves('again')).toEqual(['idle>busy', 'busy>idle', 'idle>busy', 'busy>idle exit 0']);
  });
});

describe('fleet-monitor run: the monitor is down', () => {
  it('at a closed port the command runs all the same, with one warning', async () => {
    const run = start(['--id', 'alone', '--', NODE, CHILD, 'line:work done', `line:${LIMIT_LINE}`, 'exit:4'], { env: { FLEET_URL: await closedPortUrl() } });
    expect(await run.done).toBe(4);
    expect(run.stdout.text()).toBe(`work done\n${LIMIT_LINE}\n`);
    const warnings = run.stderr.text().split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^fleet-monitor: cannot reach Fleet Monitor at http:\/\/127\.0\.0\.1:\d+ \(connection failed\)/);
  });

  it('reports are retried in the background: when the monitor answers, the running command’s agent is registered and busy', async () => {
    let down = true;
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));
    const run = start(['--id', 'late', '--', NODE, CHILD, 'ready', 'wait'], { fetch: flaky });
    await run.stdout.waitFor('ready\n');
    await run.stderr.waitFor('retried in the background');
    down = false;
    run.timers.fireAll();
    await agentWhere('late', (a) => a.status === 'busy');
    stdin.write('\n');
    expect(await run.done).toBe(0);
    expect(moves('late')).toEqual(['idle>busy', 'busy>idle exit 0']);
    expect(run.stderr.text().split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('fleet-monitor run: the monitor refuses', () => {
  it('a wrong token gets one warning; the command runs and its code is run’s', async () => {
    const run = start(['--id', 'tok', '--', NODE, CHILD, 'line:still works', 'exit:3'], { env: { FLEET_AGENT_TOKEN: 'not-the-token' } });
    expect(await run.done).toBe(3);
    expect(run.stdout.text()).toBe('still works\n');
    const warnings = run.stderr.text().split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^fleet-monitor: Fleet Monitor refused the report \(unauthorized/);
    expect(f.service.count()).toBe(0);
  });
});

describe('fleet-monitor run --restart-on-recovery', () => {
  const tempDir = useTempDir();

  it('a command that exits exhausted runs again once the monitor recovers the agent', async () => {
    const counter = path.join(tempDir(), 'runs');
    const run = start(['--id', 'rr', '--tz', 'UTC', '--every', '5s', '--restart-on-recovery', '--', NODE, CHILD, `limit-first:${counter}:1`, 'exit:0']);
    await run.stderr.waitFor('runs again when Fleet Monitor recovers the agent (restart 1 of 10)');
    expect(f.service.get('rr')).toMatchObject({ status: 'exhausted', recoveryAt: LIMIT_RESET });
    f.service.recover('rr');
    await run.timers.fire(5_000);
    expect(await run.done).toBe(0);
    expect(run.stdout.text()).toBe(`${LIMIT_LINE}\nrun 2\n`);
    expect(moves('rr')).toEqual(['idle>busy', 'busy>exhausted', 'exhausted>idle', 'idle>busy', 'busy>idle exit 0']);
    expect(run.timers.size).toBe(0);
  });

  it('--max-restarts bounds the restarts; the agent is left exhausted', async () => {
    const counter = path.join(tempDir(), 'runs');
    const run = start(['--id', 'max', '--tz', 'UTC', '--restart-on-recovery', '--max-restarts', '1', '--', NODE, CHILD, `limit-first:${counter}:99`]);
    await run.stderr.waitFor('(restart 1 of 1)');
    f.service.recover('max');
    await run.timers.fire(30_000);
    expect(await run.done).toBe(1);
    expect(run.stderr.text()).toContain('no restart left (--max-restarts 1)');
    expect(f.service.get('max').status).toBe('exhausted');
    expect(moves('max').filter((m) => m === 'busy>exhausted')).toHaveLength(2);
  });

  it('while the monitor cannot be reached, the limit’s own reset time decides', async () => {
    const counter = path.join(tempDir(), 'runs');
    let now = Date.UTC(2026, 0, 1, 12, 0);
    const run = start(['--id', 'solo', '--tz', 'UTC', '--restart-on-recovery', '--', NODE, CHILD, `limit-first:${counter}:1`], {
      env: { FLEET_URL: await closedPortUrl() },
      now: () => now,
    });
    await run.stderr.waitFor('(restart 1 of 10)');
    now = LIMIT_RESET + 1;
    // The next retry meets the closed port again, and the reset time has come.
    run.timers.fireAll();
    expect(await run.done).toBe(0);
    expect(run.stdout.text()).toBe(`${LIMIT_LINE}\nrun 2\n`);
  });

  it('an exhaustion the monitor confirmed before it went away does not outlive the reset time', async () => {
    const counter = path.join(tempDir(), 'runs');
    let now = f.clock.now();
    let down = false;
    const answered = new EventEmitter();
    const flaky: typeof fetch = async (input, init) => {
      if (down) throw new TypeError('fetch failed');
      const res = await fetch(input, init);
      // Once run has read this answer (its reading takes only microtasks), say so.
      setImmediate(() => answered.emit(String(input).split('/').pop()!));
      return res;
    };
    const exhaustedSeen = new Promise((resolve) => answered.on('exhausted', resolve));
    const run = start(['--id', 'gone', '--tz', 'UTC', '--restart-on-recovery', '--', NODE, CHILD, `limit-first:${counter}:1`], { fetch: flaky, now: () => now });
    await exhaustedSeen;
    await run.stderr.waitFor('(restart 1 of 10)');
    down = true;
    now = LIMIT_RESET + 1;
    run.timers.fireAll();
    expect(await run.done).toBe(0);
    expect(run.stdout.text()).toBe(`${LIMIT_LINE}\nrun 2\n`); // run 2 went well: no second wait, no third run
  });

  it('a signal while waiting ends run with 128 + its number', async () => {
    const counter = path.join(tempDir(), 'runs');
    const run = start(['--id', 'wait', '--tz', 'UTC', '--restart-on-recovery', '--', NODE, CHILD, `limit-first:${counter}:1`]);
    await run.stderr.waitFor('(restart 1 of 10)');
    run.signals.emit('SIGINT');
    expect(await run.done).toBe(130);
    expect(f.service.get('wait').status).toBe('exhausted');
  });
});

describe('fleet-monitor run: the command line', () => {
  it.each([
    [['--id', 'x'], /'run' needs -- and the command to run/],
    [['--'], /no command after --/],
    [[NODE, CHILD, 'line:ran'], /unexpected argument '.*node': the command to run goes after --/],
    [['stray', '--', NODE, CHILD, 'line:ran'], /unexpected argument 'stray': the command to run goes after --/],
    [['--every', '10ms', '--', NODE], /--every must be a duration from 1s to 1h/],
    [['--tz', 'Moon/Base', '--', NODE], /--tz must be an IANA time-zone name/],
    [['--label', 'novalue', '--', NODE], /--label must be key=value/],
    [['--id', 'bad id!', '--', NODE], /not a valid agent id/],
    [['--max-restarts', '3', '--', NODE], /--max-restarts needs --restart-on-recovery/],
    [['--restart-on-recovery', '--max-restarts', 'lots', '--', NODE], /--max-restarts must be a whole number from 0 to 1000/],
    [['--url', 'ftp://x', '--', NODE], /--url must be an http/],
    [['--bogus', '--', NODE], /Unknown option '--bogus'/],
  ])('%j exits 2 with one line, running and sending nothing', async (args, message) => {
    const run = start(args.at(-1) === NODE ? [...args, CHILD, 'line:ran'] : args);
    expect(await run.done).toBe(2);
    const lines = run.stderr.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet-monitor: /);
    expect(lines[0]).toMatch(message);
    expect(run.stdout.text()).toBe('');
    expect(f.service.count()).toBe(0);
  });

  it('no token is a usage error', async () => {
    const run = start(['--', NODE, CHILD], { env: { FLEET_AGENT_TOKEN: undefined } });
    expect(await run.done).toBe(2);
    expect(run.stderr.text()).toBe('fleet-monitor: no token: pass --token or set FLEET_AGENT_TOKEN\n');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = start(['--help']);
    expect(await run.done).toBe(0);
    expect(run.stdout.text()).toBe(`${RUN_USAGE}\n`);
  });

  it('the default id is run-<file name>-<host>, made valid', () => {
    expect(defaultAgentId('/usr/local/bin/claude', 'dev-box.local')).toBe('run-claude-dev-box.local');
    expect(defaultAgentId('./my tool', 'Büro PC')).toBe('run-my-tool-B-ro-PC');
    expect(defaultAgentId('x', 'h'.repeat(200))).toHaveLength(128);
  });

  it('the real process’s io: its stdio and signals, a terminal only when both ends are one', () => {
    const io = processRunIo();
    expect(io).toMatchObject({ stdout: process.stdout, stderr: process.stderr, stdin: 'inherit', signals: process });
    expect(io.terminal === undefined).toBe(!(process.stdin.isTTY && process.stdout.isTTY));
  });
});

describe('LineSplitter', () => {
  const split = (chunks: (string | Buffer)[]) => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of chunks) splitter.push(Buffer.from(chunk));
    splitter.end();
    return lines;
  };

  it('ends lines at LF, CRLF (also across chunks) and a bare CR, and keeps a last line without newline', () => {
    expect(split(['a\nb\r\nc\rd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(split(['a\r', '\nb\r', '', '\n', 'c'])).toEqual(['a', 'b', 'c']);
    expect(split(['\n\n'])).toEqual(['', '']);
  });

  it('decodes a character split across chunks', () => {
    const euro = Buffer.from('€ limit\n');
    expect(split([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)])).toEqual(['€ limit']);
  });

  it('holds at most the bound for a line that never ends, and goes on after it', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let most = 0;
    for (let i = 0; i < 160; i++) {
      splitter.push(chunk); // 10 MB in all
      most = Math.max(most, splitter.bufferedBytes);
    }
    splitter.push(Buffer.from('\nnext\n'));
    expect(most).toBe(MAX_SCANNED_LINE_BYTES);
    expect(lines).toEqual(['x'.repeat(MAX_SCANNED_LINE_BYTES), 'next']);
  });
});

describe('ScanQueue', () => {
  it('reads lines in order after the output moved on, and all that wait on flush', async () => {
    const read: string[] = [];
    const queue = new ScanQueue((line) => read.push(line));
    queue.push('a');
    queue.push('b');
    expect(read).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toEqual(['a', 'b']);
    queue.push('c');
    queue.flush();
    expect(read).toEqual(['a', 'b', 'c']);
  });

  it('keeps the newest lines when output outruns the scanning', () => {
    const read: string[] = [];
    const queue = new ScanQueue((line) => read.push(line));
    const line = 'z'.repeat(1000);
    for (let i = 0; i < 1000; i++) queue.push(`${i} ${line}`); // ~1 MB, no turn of the event loop
    queue.push(LIMIT_LINE);
    queue.flush();
    expect(queue.droppedLines).toBeGreaterThan(700);
    expect(read.length + queue.droppedLines).toBe(1001);
    expect(read.reduce((n, l) => n + l.length, 0)).toBeLessThanOrEqual(MAX_BACKLOG_CHARS);
    expect(read.at(-1)).toBe(LIMIT_LINE);
    expect(read[0]).toBe(`${queue.droppedLines} ${line}`);
  });
});

describe('LimitWatch', () => {
  const NOW = Date.UTC(2026, 0, 1, 12, 0);
  const watch = (exhausted = true) => {
    const hits: LimitHit[] = [];
    const w = new LimitWatch({ now: () => NOW, tz: 'UTC', onLimit: (hit) => hits.push(hit), isExhausted: () => exhausted });
    return { hits, feed: (...lines: string[]) => lines.forEach((line) => w.feed(line)) };
  };

  it('reports a limit once, redrawn or not; a new limit again', () => {
    const { hits, feed } = watch();
    feed('working…', LIMIT_LINE, LIMIT_LINE, `\u001b[2K\u001b[31m${LIMIT_LINE}\u001b[0m`, 'Weekly limit reached · resets Jan 3, 9am');
    expect(hits.map((h) => h.reading.recoveryAt)).toEqual([LIMIT_RESET, Date.UTC(2026, 0, 3, 9)]);
    expect(hits[0]!.message).toBe(`working…\n${LIMIT_LINE}`);
  });

  it('a countdown is one limit', () => {
    const { hits, feed } = watch();
    feed('Please retry in 30s', 'Please retry in 29s', 'Please retry in 28s');
    expect(hits).toHaveLength(1);
  });

  it('a time on the lines after the limit line is reported with them', () => {
    const { hits, feed } = watch();
    feed('noise', "You've hit your limit", '', 'resets 3:45pm', 'more output');
    expect(hits.map((h) => [h.message, h.reading.recoveryAt])).toEqual([
      ["noise\nYou've hit your limit", null],
      ["You've hit your limit\nresets 3:45pm", LIMIT_RESET],
    ]);
  });

  it('a wrapped line that the line before sets aside is no limit', () => {
    const { hits, feed } = watch();
    feed('API Error: Server is temporarily limiting requests (not your usage', '     limit) · Rate limited');
    expect(hits).toEqual([]);
  });

  it('a limit without a time adds nothing to a timed one while the agent is exhausted', () => {
    const exhausted = watch(true);
    // Far enough apart that the parser does not lend the first line's time to the second.
    const lines = [LIMIT_LINE, 'a', 'b', 'c', 'd', 'Rate limit exceeded'];
    exhausted.feed(...lines);
    expect(exhausted.hits).toHaveLength(1);
    const recovered = watch(false);
    recovered.feed(...lines);
    expect(recovered.hits).toHaveLength(2);
  });

  it('keeps a message within the port’s size limit, the limit line in it', () => {
    const { hits, feed } = watch();
    const long = 'y'.repeat(MAX_SCANNED_LINE_BYTES);
    feed(long, long, long, LIMIT_LINE);
    expect(Buffer.byteLength(hits[0]!.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(hits[0]!.message.endsWith(LIMIT_LINE)).toBe(true);
  });
});

const pty = await loadPty();

// node-pty is an optional dependency: without it, `run` uses the pipes tested above.
describe.runIf(pty)('fleet-monitor run on a pseudo-terminal', () => {
  it('gives the command a terminal of run’s size, raw keys in, bytes out, and restores the terminal', async () => {
    const input = Object.assign(new PassThrough(), { isRaw: false, setRawMode: vi.fn() });
    const output = Object.assign(new Sink(), { columns: 100, rows: 30 });
    const run = start(['--id', 'tty', '--', NODE, CHILD, 'tty', 'wait', 'line:bye', 'exit:5'], { terminal: { input, output }, loadPty: async () => pty });
    await output.waitFor('true 100');
    input.write('go\r');
    expect(await run.done).toBe(5);
    expect(output.text()).toMatch(/^true 100\r\n[^]*bye\r\n$/);
    expect(input.setRawMode.mock.calls).toEqual([[true], [false]]);
    expect(moves('tty')).toEqual(['idle>busy', 'busy>idle exit 5']);
  });
});
