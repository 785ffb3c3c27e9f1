/**
 * Issue 13, "one read blocks everyone": with 200,000 agents, one
 * `GET /v1/agents` built its 48 MB body in one piece in 5 s, and 4 such reads
 * in parallel held a heartbeat up by 16.6 s. Now reads go out in slices with
 * the event loop given back between them: a heartbeat sent while several
 * full reads run must not wait more than 50 ms longer than one sent with no
 * read running (95th percentile against the median of a baseline measured
 * in the same run), against the real server (`out/main/serve.js`).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/store/open-database';
import { ServeProcess } from '../support/serve-process';

const AGENTS = 200_000;
const READERS = 4;
const HOLD_UP_MS = 50;
const AGENT_TOKEN = 'agent-token-0123456789abcdef';
const OPERATOR_TOKEN = 'operator-token-0123456789abcdef';

let dir: string;
let server: ServeProcess;
let base: URL;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-read-latency-'));
  const dbFile = path.join(dir, 'fleet.db');
  const db = openDatabase(dbFile);
  const insert = db.prepare(
    `INSERT INTO agents (id, name, labels, status, status_since, last_heartbeat, created_at, usage)
     VALUES (?, ?, '{"team":"infra"}', 'idle', ?, ?, ?, '{}')`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < AGENTS; i++) insert.run(`agent-${String(i).padStart(6, '0')}`, `agent ${i}`, now, now, now);
  })();
  db.close();
  server = ServeProcess.start(['--port', '0'], { FLEET_DB: dbFile, FLEET_AGENT_TOKEN: AGENT_TOKEN, FLEET_OPERATOR_TOKEN: OPERATOR_TOKEN });
  base = new URL((await server.waitForLine(/^Fleet Monitor listening on /, 30_000)).replace('Fleet Monitor listening on ', ''));
}, 60_000);

afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exit();
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One heartbeat of an existing agent over a kept-alive connection; its latency in ms. */
function heartbeat(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method: 'POST', path: '/v1/agents/agent-000042/heartbeat', agent: keepAlive, headers: { authorization: `Bearer ${AGENT_TOKEN}` } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`heartbeat: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** One full read, its body counted and dropped; the bytes. */
function fullRead(): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: base.hostname, port: base.port, path: '/v1/agents', headers: { authorization: `Bearer ${AGENT_TOKEN}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`read: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** Heartbeats one after another, `gapMs` apart, while `running()` holds (at least `min` of them). */
async function beatWhile(running: () => boolean, min: number, gapMs = 10): Promise<number[]> {
  const latencies: number[] = [];
  while (latencies.length < min || running()) {
    latencies.push(await heartbeat());
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return latencies;
}

const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const median = (xs: readonly number[]) => percentile(xs, 0.5);

/** Heartbeats before and during `READERS` full reads at once: the reads' sizes, the beats during them, and the hold-up at p95. */
async function beatsDuringReads(what: string): Promise<{ sizes: number[]; underLoad: number[]; holdUp: number }> {
  await beatWhile(() => false, 20); // warm up the connection and the server
  const baseline = await beatWhile(() => false, 50);
  let reading = READERS;
  const reads = Array.from({ length: READERS }, () => fullRead().finally(() => reading--));
  const underLoad = await beatWhile(() => reading > 0, 20);
  const sizes = await Promise.all(reads);
  const holdUp = percentile(underLoad, 0.95) - median(baseline);
  console.log(
    `read latency (${what}): baseline median ${median(baseline).toFixed(1)} ms; under ${READERS} reads: ${underLoad.length} beats, ` +
      `median ${median(underLoad).toFixed(1)} ms, p95 ${percentile(underLoad, 0.95).toFixed(1)} ms, ` +
      `p99 ${percentile(underLoad, 0.99).toFixed(1)} ms, max ${Math.max(...underLoad).toFixed(1)} ms (held up ${holdUp.toFixed(1)} ms at p95)`,
  );
  return { sizes, underLoad, holdUp };
}

describe(`${AGENTS.toLocaleString('en')} agents, ${READERS} full reads at once`, () => {
  // The 95th percentile, not the maximum: on a shared two-core machine (the test's own four
  // readers are processes too) a beat now and then loses the CPU to another process for longer
  // than any read slice takes; p99 and the maximum are printed. Before slicing, every beat sent
  // during the reads waited seconds.
  it(`a heartbeat is held up by at most ${HOLD_UP_MS} ms (95th percentile)`, async () => {
    const { sizes, underLoad, holdUp } = await beatsDuringReads('first reads after start');
    // Each read was the whole fleet, and the heartbeats ran through all of it.
    for (const size of sizes) expect(size).toBeGreaterThan(AGENTS * 200);
    expect(underLoad.length).toBeGreaterThan(20);
    expect(holdUp).toBeLessThanOrEqual(HOLD_UP_MS);
  }, 120_000);

  // Warm, a read joins cached JSON, several slices a turn: the turn's limits must still give the
  // event loop back (a review showed the first reads alone never reach that path).
  it(`with every agent's JSON cached (a full read before), still at most ${HOLD_UP_MS} ms`, async () => {
    await fullRead();
    const { sizes, underLoad, holdUp } = await beatsDuringReads('the JSON cache warm');
    for (const size of sizes) expect(size).toBeGreaterThan(AGENTS * 200);
    expect(underLoad.length).toBeGreaterThan(20);
    expect(holdUp).toBeLessThanOrEqual(HOLD_UP_MS);
  }, 120_000);
});
