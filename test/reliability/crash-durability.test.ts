/**
 * Crash durability: the headless server is driven by concurrent clients and
 * killed with SIGKILL at a random moment, again and again, on one database.
 * After each restart every change that got a 2xx reply must be there, and
 * each agent must be in a state that its acknowledged changes, or at most its
 * one in-flight request, produced. FLEET_KILL_CYCLES sets the count (default 20).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

const CYCLES = Number(process.env.FLEET_KILL_CYCLES ?? 20);
const AGENTS = 200;
const CLIENTS = 4;

type Status = 'idle' | 'busy' | 'on_call' | 'exhausted';
interface Op {
  readonly path: string;
  readonly body?: unknown;
  /** The status after the op, and whether it writes a history event. */
  readonly to: Status | null;
}
interface Known {
  status: Status | null; // null: not registered yet
  events: number;
  inflight: Op | null;
}

/** A valid next move from `status`, or a heartbeat now and then. */
function nextOp(id: string, status: Status | null, random: () => number): Op {
  const base = `/v1/agents/${id}`;
  if (status !== null && random() < 0.25) return { path: `${base}/heartbeat`, to: null };
  switch (status) {
    case null:
    case 'idle': {
      const r = random();
      if (r < 0.45) return { path: `${base}/busy`, body: { slot_type: 'work' }, to: 'busy' };
      if (r < 0.8) return { path: `${base}/busy`, body: { slot_type: 'on_call' }, to: 'on_call' };
      return { path: `${base}/exhausted`, body: { reason: 'rate_limit' }, to: 'exhausted' };
    }
    case 'busy':
    case 'on_call':
      return random() < 0.8 ? { path: `${base}/idle`, to: 'idle' } : { path: `${base}/exhausted`, body: { reason: 'billing' }, to: 'exhausted' };
    case 'exhausted':
      return { path: `${base}/idle`, to: 'idle' };
  }
}

function post(agent: http.Agent, port: number, token: string, op: Op): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = op.body === undefined ? undefined : JSON.stringify(op.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: op.path,
        agent,
        timeout: 5_000,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
}

describe('crash durability under SIGKILL', () => {
  const tempDir = useTempDir('fleet-crash-');

  it(`survives ${CYCLES} kill cycles with every acknowledged change in place`, async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'fleet.db');
    const known = new Map<string, Known>(Array.from({ length: AGENTS }, (_, i) => [`agent-${i}`, { status: null, events: 0, inflight: null }]));
    const seed = Number(process.env.FLEET_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    let acknowledged = 0;
    let inflightChecked = 0;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: dbFile });
      const url = (await serve.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
      const port = Number(new URL(url).port);
      const token = (JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string }).agent_token;

      let killed = false;
      const clients = Array.from({ length: CLIENTS }, async (_, c) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const mine = [...known.keys()].filter((_, i) => i % CLIENTS === c);
        try {
          for (let n = 0; !killed; n++) {
            const id = mine[n % mine.length]!;
            const state = known.get(id)!;
            const op = nextOp(id, state.status, random);
            state.inflight = op;
            let status: number;
            try {
              status = await post(agent, port, token, op);
            } catch {
              return; // the server is gone: this request's outcome is unknown
            }
            if (status !== 200) throw new Error(`${op.path} answered ${status} in cycle ${cycle} (seed ${seed})`);
            state.inflight = null;
            acknowledged++;
            if (op.to !== null) {
              state.status = op.to;
              state.events++;
            } else if (state.status === null) {
              state.status = 'idle';
            }
          }
        } finally {
          agent.destroy();
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 100 + random() * 400));
      killed = true;
      serve.child.kill('SIGKILL');
      await serve.exit();
      await Promise.all(clients);

      // Restart on the same database, then check it against what was acknowledged.
      const again = ServeProcess.start(['--port', '0'], { FLEET_DB: dbFile });
      await again.waitForLine(/^Fleet Monitor listening on /);
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = new Map(db.prepare<[], { id: string; status: Status }>('SELECT id, status FROM agents').all().map((r) => [r.id, r.status]));
        const counts = new Map(
          db.prepare<[], { agent_id: string; n: number }>('SELECT agent_id, count(*) AS n FROM status_events GROUP BY agent_id').all().map((r) => [r.agent_id, r.n]),
        );
        for (const [id, state] of known) {
          const actual = { status: rows.get(id) ?? null, events: counts.get(id) ?? 0 };
          const asAcked = { status: state.status, events: state.events };
          if (!state.inflight) {
            expect({ id, ...actual }).toEqual({ id, ...asAcked });
            continue;
          }
          inflightChecked++;
          const op = state.inflight;
          const asApplied = { status: op.to ?? state.status ?? 'idle', events: state.events + (op.to !== null ? 1 : 0) };
          expect([asAcked, asApplied], `${id} after ${op.path} in flight (seed ${seed})`).toContainEqual(actual);
          state.status = actual.status as Status | null;
          state.events = actual.events;
          state.inflight = null;
        }
      } finally {
        db.close();
      }
      again.child.kill('SIGTERM');
      expect(await again.exit()).toBe(0);
    }
    console.info(`crash durability: ${CYCLES} SIGKILL cycles, ${acknowledged} acknowledged requests checked, ${inflightChecked} in-flight outcomes checked (seed ${seed})`);
    expect(acknowledged).toBeGreaterThan(CYCLES * 10);
  }, 240_000);
});
