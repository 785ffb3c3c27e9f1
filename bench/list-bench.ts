/**
 * Server CPU time of a full `GET /v1/agents` (the fleet fetched whole, as a
 * client without paging does): the first read after start, reads of a fleet
 * that did not change since the last one, and reads after a tenth of the
 * fleet changed status since the last one (a bulk action between reads).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processCpuMs } from './cpu-load';
import { median, seedDatabase, startServe, type Server } from './support';

export interface ListBench {
  readonly agents: number;
  /** The body's size, bytes. */
  readonly bytes: number;
  /** The first read after start, ms of server CPU. */
  readonly firstMs: number;
  /** Median of 3 reads, nothing changed in between (the figure of issue 17). */
  readonly cpuMs: number;
  readonly samplesMs: readonly number[];
  /** Median of 2 reads, each after {@link changed} agents changed status since the read before. */
  readonly afterChangesMs: number;
  readonly afterChangesSamplesMs: readonly number[];
  readonly changed: number;
}

/** One full read: the server's CPU time for it, and the body's size. */
async function readAll(server: Server): Promise<{ ms: number; bytes: number }> {
  const before = processCpuMs(server.child.pid!);
  const res = await fetch(`${server.url}/v1/agents`, { headers: { authorization: `Bearer ${server.agentToken}` } });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: processCpuMs(server.child.pid!) - before, bytes };
}

async function bulk(server: Server, action: 'exhaust' | 'recover', ids: readonly string[]): Promise<void> {
  const res = await fetch(`${server.url}/v1/actions/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.operatorToken}`, 'content-type': 'application/json', prefer: 'return=minimal' },
    body: JSON.stringify(action === 'exhaust' ? { ids, reason: 'rate_limit' } : { ids }),
  });
  if (!res.ok) throw new Error(`bulk ${action}: HTTP ${res.status}`);
  await res.arrayBuffer();
}

export async function benchList(count = 100_000): Promise<ListBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-list-'));
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, count);
  const server = await startServe(file);
  const changed = Math.floor(count / 10);
  // Every tenth agent, spread over the fleet (and so over every slice of the read).
  const ids = Array.from({ length: changed }, (_, i) => `agent-${i * 10}`);
  try {
    const first = await readAll(server);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) samples.push((await readAll(server)).ms);
    const afterChanges: number[] = [];
    for (const action of ['exhaust', 'recover'] as const) {
      await bulk(server, action, ids);
      afterChanges.push((await readAll(server)).ms);
    }
    return {
      agents: count,
      bytes: first.bytes,
      firstMs: first.ms,
      cpuMs: median(samples),
      samplesMs: samples,
      afterChangesMs: median(afterChanges),
      afterChangesSamplesMs: afterChanges,
      changed,
    };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
