/**
 * `npm run bench`: every figure of the benchmark issue, each next to its
 * target, printed as a table and written to bench/RESULTS.md. Ingest is
 * measured against a bare node:http baseline in the same run, alternating the
 * two and quoting medians, because machines here are shared and noisy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { benchCpu, spread, type CpuSeries } from './cpu-bench';
import { benchList, type ListBench } from './list-bench';
import { benchGrid } from './grid-bench';
import { benchReliability } from './reliability-bench';
import { heartbeatLoad, statusChangeLoad, type LoadResult } from './http-load';
import { benchStartup } from './startup-bench';
import { benchFirstRender } from './views-bench';
import { benchSweeper } from './sweeper-bench';
import { median, rssMb, seedDatabase, startBare, startServe } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const AGENTS = 10_000;
/** `npm run bench -- --long` adds the reliability suites at ten times their CI size. */
const LONG = process.argv.includes('--long');

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean;
}
const rows: Row[] = [];
/** A line under the table about the grid's first render. */
let gridNote = '';
/** The CPU-per-request table, under the main one. */
let cpuTable: string[] = [];
const row = (figure: string, value: string, target: string, met: boolean) => {
  rows.push({ figure, value, target, met });
  console.log(`${met ? 'ok  ' : 'MISS'} ${figure}: ${value} (target ${target})`);
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Each agent's last heartbeat as the port answers it (`GET /v1/agents`), in epoch ms. */
async function lastHeartbeats(url: string, token: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
  const { agents } = (await res.json()) as { agents: { id: string; last_heartbeat: string }[] };
  return new Map(agents.map((agent) => [agent.id, Date.parse(agent.last_heartbeat)]));
}

async function ingest(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-ingest-'));
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, AGENTS);
  const server = await startServe(file);
  const bare = await startBare();
  const real: LoadResult[] = [];
  const base: LoadResult[] = [];
  let rss = 0;
  let persisted = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      base.push(await heartbeatLoad(bare.port, server.agentToken, { connections: 64, agents: AGENTS, seconds: SECONDS }));
      // The server's memory, sampled while the load runs.
      const sampler = setInterval(() => (rss = Math.max(rss, rssMb(server.child.pid!))), 250);
      real.push(await heartbeatLoad(server.port, server.agentToken, { connections: 64, agents: AGENTS, seconds: SECONDS }).finally(() => clearInterval(sampler)));
    }
    // Every heartbeat persisted within 1 s: the last heartbeat the port acknowledged for
    // each agent (its answer to reads includes beats not yet written) must be in the
    // file one second after the load ends.
    const loadEnded = Date.now();
    const acknowledged = await lastHeartbeats(server.url, server.agentToken);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, loadEnded + 1000 - Date.now())));
    const db = new Database(file, { readonly: true });
    const stored = db.prepare('SELECT id, last_heartbeat FROM agents').all() as { id: string; last_heartbeat: number }[];
    db.close();
    persisted = stored.filter((agent) => agent.last_heartbeat >= (acknowledged.get(agent.id) ?? Infinity)).length;
    const realRps = median(real.map((r) => r.requestsPerSecond));
    const baseRps = median(base.map((r) => r.requestsPerSecond));
    const p99 = median(real.map((r) => r.p99Ms));
    const failures = real.reduce((n, r) => n + r.non2xx + r.errors, 0);
    row('heartbeat ingest, real port (req/s, median)', fmt(realRps, 0), 'every reply 2xx', failures === 0);
    row('heartbeat ingest, bare node:http baseline (req/s, median)', fmt(baseRps, 0), '(the baseline)', true);
    row('ingest throughput vs baseline', `${fmt(realRps / baseRps, 2)}×`, '≥ 0.8×', realRps / baseRps >= 0.8);
    row('ingest p99 latency (ms, median of rounds)', fmt(p99), '≤ 10 ms', p99 <= 10);
    row('agents whose last acknowledged heartbeat is in the file 1 s after the load', `${persisted} / ${AGENTS}`, `${AGENTS} / ${AGENTS}`, persisted === AGENTS);
    row('server RSS at 10,000 agents under ingest (MB, peak of samples during the load)', fmt(rss, 0), '≤ 200 MB', rss <= 200);
    if (failures) console.log(`  (${failures} non-2xx or failed requests)`);

    const status: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) status.push(await statusChangeLoad(server.port, server.agentToken, { connections: 64, seconds: SECONDS }));
    const statusRps = median(status.map((r) => r.requestsPerSecond));
    const statusP99 = median(status.map((r) => r.p99Ms));
    const statusFailures = status.reduce((n, r) => n + r.non2xx + r.errors, 0);
    row('status changes committed before reply (req/s, median)', fmt(statusRps, 0), '≥ 5,000/s', statusRps >= 5000 && statusFailures === 0);
    row('status change p99 latency (ms)', fmt(statusP99), '≤ 20 ms', statusP99 <= 20);
    if (statusFailures) console.log(`  (${statusFailures} non-2xx or failed status requests)`);
  } finally {
    await server.stop();
    await bare.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 5);

async function cpu(): Promise<void> {
  const c = await benchCpu({ rounds: CPU_ROUNDS, heartbeatRequests: 30_000, statusRequests: 20_000 });
  const us = (s: CpuSeries, side: 'bare' | 'port') => spread(s[side].map((r) => r.cpuUsPerRequest));
  /** bare ÷ port CPU per request: per round (the two ran side by side), then median and range. */
  const ratio = (s: CpuSeries) => spread(s.bare.map((b, i) => b.cpuUsPerRequest / s.port[i]!.cpuUsPerRequest));
  const range = (v: { median: number; min: number; max: number }, digits = 1) => `${fmt(v.median, digits)} (${fmt(v.min, digits)}–${fmt(v.max, digits)})`;
  const failures = [c.minimal, c.client, c.hook, c.full, c.status].flatMap((s) => s.port).reduce((n, r) => n + r.failures, 0);
  const minimal = ratio(c.minimal);
  const client = ratio(c.client);
  const hook = ratio(c.hook);
  const full = ratio(c.full);
  const status = ratio(c.status);
  row('bare ÷ port server CPU per heartbeat, the client’s beat(): Prefer: return=minimal (median, range over rounds)', range(minimal, 2), '≥ 0.8', minimal.median >= 0.8 && failures === 0);
  row('bare ÷ port server CPU per heartbeat, the CLI’s and run’s: profile, full reply', range(client, 2), '≥ 0.8', client.median >= 0.8 && failures === 0);
  row('bare ÷ port server CPU per heartbeat, the Claude Code http hook’s: a tool event, Prefer: return=minimal', range(hook, 2), '≥ 0.8', hook.median >= 0.8 && failures === 0);
  row('bare ÷ port server CPU per heartbeat, full reply (plain curl)', range(full, 2), '≥ 0.6', full.median >= 0.6 && failures === 0);
  row('bare ÷ port server CPU per status change (busy/idle, each committed before its reply)', range(status, 2), '≥ 0.5', status.median >= 0.5 && failures === 0);
  // The store's share: were the port's HTTP layer as cheap as the bare server, bare ÷ port would be at most bare ÷ (bare + the service alone).
  const serviceBeat = spread(c.service.map((r) => r.heartbeatUs));
  const serviceStatus = spread(c.service.map((r) => r.statusUs));
  const bareBeat = us(c.minimal, 'bare').median;
  const bareStatus = us(c.status, 'bare').median;
  row('the fleet service alone, no HTTP: CPU per plain heartbeat, held and group-committed (µs, median, range over runs)', range(serviceBeat), '(reported)', true);
  row('the fleet service alone, no HTTP: CPU per busy or idle report, committed sixteen to a transaction, as the port groups them (µs)', range(serviceStatus), '(reported)', true);
  row('the most bare ÷ port could be with an HTTP layer costing no more than the bare server, heartbeat: bare ÷ (bare + service)', fmt(bareBeat / (bareBeat + serviceBeat.median), 2), '(reported: the most the ≥ 0.8 target could reach)', true);
  row('the same, status change', fmt(bareStatus / (bareStatus + serviceStatus.median), 2), '(reported: the most the ≥ 0.5 target could reach)', true);
  listRows(c.list);
  if (failures) console.log(`  (${failures} non-2xx or failed requests in the CPU rounds)`);
  const line = (what: string, s: CpuSeries, side: 'bare' | 'port') => {
    const runs = s[side];
    return `| ${what} | ${range(us(s, side))} | ${fmt(median(runs.map((r) => r.requestsPerSecond)), 0)} | ${fmt(median(runs.map((r) => r.p99Ms)), 0)} |`;
  };
  cpuTable = [
    `CPU per request: ${c.heartbeatRequests.toLocaleString('en')} heartbeats (10,000 agents) or ${c.statusRequests.toLocaleString('en')} status changes per server per round, 32 connections, ${c.rounds} rounds after a warm-up round, alternating the bare server and the port; server user + system CPU time read from /proc. Medians, range over the rounds in brackets.`,
    '',
    '| load | server CPU per request (µs) | requests/s | p99 (ms) |',
    '|---|---|---|---|',
    line('heartbeat, bare node:http (reads the body, answers 204)', c.minimal, 'bare'),
    line('heartbeat, port, `Prefer: return=minimal` (as the client’s `beat()` sends it)', c.minimal, 'port'),
    line('heartbeat with the agent’s profile, bare node:http', c.client, 'bare'),
    line('heartbeat with the agent’s profile, port, full reply (the CLI’s `agent heartbeat`, `run`)', c.client, 'port'),
    line('Claude Code PostToolUse event (≈ 410 bytes), bare node:http', c.hook, 'bare'),
    line('Claude Code PostToolUse event, port `/v1/hooks/claude-code`, `Prefer: return=minimal` (the http hook `connect` installs)', c.hook, 'port'),
    line('heartbeat without body, bare node:http', c.full, 'bare'),
    line('heartbeat without body, port, full `{"agent"}` reply (plain curl)', c.full, 'port'),
    line('busy/idle, bare node:http', c.status, 'bare'),
    line('busy/idle, port (each committed before its reply)', c.status, 'port'),
    '',
    `Ratios bare ÷ port: beat() ${range(minimal, 2)}, CLI/run ${range(client, 2)}, http hook ${range(hook, 2)}, curl ${range(full, 2)}, status changes ${range(status, 2)}.`,
    '',
    `The fleet service alone, in the bench process with no HTTP (${c.rounds} runs, on a file database as the port's): ${range(serviceBeat, 2)} µs of CPU per plain heartbeat (its rules, caches and share of the group commit's SQLite UPDATE), ${range(serviceStatus, 2)} µs per busy or idle report (the row, the history row and the COMMIT, sixteen to a transaction as the port groups them under this load). Were the port's HTTP layer as cheap as the bare server, bare ÷ port would be at most ${fmt(bareBeat / (bareBeat + serviceBeat.median), 2)} for the minimal heartbeat and ${fmt(bareStatus / (bareStatus + serviceStatus.median), 2)} for a status change.`,
  ];
  console.log(cpuTable.join('\n'));
}

/** The full read's rows: the figure of issue 17 (a fleet unchanged since the last read), then the first read and reads after changes. */
function listRows(l: ListBench): void {
  const agents = l.agents.toLocaleString('en');
  const samples = (values: readonly number[]) => values.map((v) => fmt(v, 0)).join(', ');
  row(`full GET /v1/agents of ${agents} agents, server CPU (ms, median of 3 [${samples(l.samplesMs)}]; ${fmt(l.bytes / 2 ** 20)} MB)`, fmt(l.cpuMs, 0), '< 300 ms', l.cpuMs < 300);
  row(`full GET /v1/agents of ${agents} agents, the first read after start, server CPU (ms)`, fmt(l.firstMs, 0), '(reported)', true);
  row(
    `full GET /v1/agents of ${agents} agents after ${l.changed.toLocaleString('en')} of them changed status since the last read, server CPU (ms, median of 2 [${samples(l.afterChangesSamplesMs)}])`,
    fmt(l.afterChangesMs, 0),
    '(reported)',
    true,
  );
}

/** `--only list`: the full read's figures alone, without the CPU rounds before them. */
async function list(): Promise<void> {
  listRows(await benchList(100_000));
}

async function sweeper(): Promise<void> {
  const small = await benchSweeper(10_000);
  const large = await benchSweeper(100_000);
  row('sweeper tick, nothing due, 10,000 agents (ms)', fmt(small.idleTickMs, 3), '≤ 2 ms', small.idleTickMs <= 2);
  row('sweeper tick, nothing due, 100,000 agents (ms)', fmt(large.idleTickMs, 3), '≤ 2 ms', large.idleTickMs <= 2);
  row('sweeper tick, 1,000 due, 10,000 agents (ms)', fmt(small.dueTickMs), '≤ 50 ms', small.dueTickMs <= 50);
  row('sweeper tick, 1,000 due, 100,000 agents (ms)', fmt(large.dueTickMs), '≤ 50 ms', large.dueTickMs <= 50);
}

async function startup(): Promise<void> {
  const ms = await benchStartup();
  row('headless start to port answering, 100,000 agents (ms, median of 3)', fmt(ms, 0), '≤ 1,000 ms', ms <= 1000);
}

async function grid(): Promise<void> {
  const g = await benchGrid();
  row('grid first render, 10,000 agents (ms)', fmt(g.firstRenderMs, 0), '≤ 1,000 ms', g.firstRenderMs <= 1000);
  row(
    `grid long tasks (> 50 ms) under 500 changes/s, 1 in 5 a status change (${g.changesAccepted} of ${g.changesSent} accepted, ${fmt(g.changesPerSecond, 0)}/s to the last answer)`,
    `${g.longTasks} (longest ${fmt(g.longestTaskMs, 0)} ms)`,
    '0, every change accepted',
    g.longTasks === 0 && g.changesSent === g.changesPlanned && g.changesAccepted === g.changesSent,
  );
  row('grid DOM nodes at 10,000 agents (all nodes, text included)', String(g.domNodes), '< 3,000', g.domNodes < 3000);
  gridNote = `Grid: the longest task during the first render (before the load, not under the target) was ${fmt(g.firstRenderLongestTaskMs, 0)} ms.`;
}

async function views(): Promise<void> {
  for (const view of ['tiles', 'table', 'map'] as const) {
    const f = await benchFirstRender(view);
    row(
      `${view} view first render, 10,000 agents at 1440×900 (ms to the first agents; to the whole fleet shown)`,
      `${fmt(f.firstAgentMs, 0)}; ${fmt(f.wholeFleetMs, 0)} (longest task ${fmt(f.longestTaskMs, 0)} ms, ${f.domNodes} DOM nodes)`,
      '≤ 1,000 ms to the first agents',
      f.firstAgentMs <= 1000,
    );
    if (f.map) row(`map: 10,000 agents on one 1440×900 screen, no scrolling (cells ${f.map.pitch} px apart)`, f.map.fitsScreen ? 'yes' : 'no', 'yes', f.map.fitsScreen);
  }
  const m = await benchGrid(100_000, 500, 5, 'map');
  row('map first render, 100,000 agents (ms to the first agents; longest task until the whole fleet is in)', `${fmt(m.firstRenderMs, 0)} (longest task ${fmt(m.firstRenderLongestTaskMs, 0)} ms)`, '(reported)', true);
  row(
    `map long tasks (> 50 ms) at 100,000 agents under 500 changes/s, 1 in 5 a status change (${m.changesAccepted} of ${m.changesSent} accepted, ${fmt(m.changesPerSecond, 0)}/s to the last answer)`,
    `${m.longTasks} (longest ${fmt(m.longestTaskMs, 0)} ms)`,
    '0, every change accepted',
    m.longTasks === 0 && m.changesSent === m.changesPlanned && m.changesAccepted === m.changesSent,
  );
  row('map DOM nodes at 100,000 agents (all nodes, text included)', String(m.domNodes), '< 3,000', m.domNodes < 3000);
}

async function reliability(): Promise<void> {
  const r = await benchReliability();
  const cycles = `${r.killCycles ?? '?'} (${r.acknowledgedChecked ?? '?'} acknowledged requests and ${r.inFlightChecked ?? '?'} in-flight outcomes checked)`;
  row('crash durability: SIGKILL cycles survived (--long)', cycles, '200, every acknowledged change kept', r.crashPassed && r.killCycles === 200);
  row('hostile requests answered without a 5xx, a crash or a change (--long)', `${r.hostileRequests ?? '?'} (slowest ${r.hostileSlowestMs ?? '?'} ms)`, '100,000, each within 1 s', r.hostilePassed && r.hostileRequests === 100_000);
}

function writeResults(started: Date, seconds: number): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${started.toISOString()} in ${fmt(seconds, 0)} s.`,
    `Machine: ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}.`,
    ...(LONG ? ['Run with `--long`: the reliability suites at ten times their CI size follow the benchmarks.'] : []),
    `Ingest: autocannon in the bench process, 64 connections, ${AGENTS} distinct agent ids, ${ROUNDS} rounds of ${SECONDS} s alternating baseline and real port; medians.`,
    '',
    '| figure | value | target | met |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`),
    '',
    ...(gridNote ? [gridNote, ''] : []),
    ...(cpuTable.length ? [...cpuTable, ''] : []),
  ];
  fs.writeFileSync(path.resolve('bench/RESULTS.md'), lines.join('\n'));
}

const started = new Date();
const t0 = performance.now();
const steps = [['ingest', ingest], ['cpu', cpu], ['sweeper', sweeper], ['startup', startup], ['grid', grid], ['views', views]] as const;
/** `npm run bench -- --only cpu` (or `--only list`, the full read's figures alone) runs one step, prints it and writes no RESULTS.md (a partial table would replace the whole). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
/** Steps run only when named with `--only` (their figures are part of another step's). */
const alone = [['list', list]] as const;
for (const [name, step] of [...(LONG ? [...steps, ['reliability', reliability] as const] : steps), ...(only === undefined ? [] : alone)]) {
  if (only !== undefined && name !== only) continue;
  console.log(`— ${name}`);
  await step();
}
if (only === undefined) {
  writeResults(started, (performance.now() - t0) / 1000);
  console.log(`\nwrote bench/RESULTS.md (${rows.filter((r) => !r.met).length} of ${rows.length} figures miss their target)`);
}
