import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

export interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly agentToken: string;
  readonly operatorToken: string;
  stop(): Promise<void>;
}

/** Starts `out/main/serve.js` on port 0 over `dbFile`; resolves when it listens. */
export async function startServe(dbFile: string, extraEnv: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('out/main/serve.js'), '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', FLEET_DB: dbFile, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const tokens = JSON.parse(fs.readFileSync(path.join(path.dirname(dbFile), 'tokens.json'), 'utf8')) as { agent_token: string; operator_token: string };
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    agentToken: tokens.agent_token,
    operatorToken: tokens.operator_token,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Starts the bare baseline server. */
export async function startBare(): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.resolve('bench/bare-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Resident memory of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The name and labels agent number `i` of the bench fleet sends, and is seeded with. */
export const benchProfile = (i: number) => ({ name: `Coding agent ${i}`, labels: { team: 'bench', host: 'bench-1' } });

/** Fills a fresh database file with `count` idle agents (heartbeat now). */
export async function seedDatabase(dbFile: string, count: number, heartbeatAt = Date.now()): Promise<void> {
  const { openDatabase } = await import('../electron/core/store/open-database');
  const db = openDatabase(dbFile);
  const now = heartbeatAt;
  const status = 'idle';
  const insert = db.prepare(
    'INSERT INTO agents (id, name, labels, status, status_since, last_heartbeat, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { name, labels } = benchProfile(i);
      insert.run(`agent-${i}`, name, JSON.stringify(labels), status, now, now, now);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
