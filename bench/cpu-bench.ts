/**
 * Server CPU time per request, the port against a bare node:http server in
 * the same run: heartbeats as each of Fleet Monitor's senders makes them (the
 * client's `beat()`, the CLI and `run`, the Claude Code http hook) and as a
 * plain curl does, and busy/idle status changes. Rounds alternate the servers; each server's CPU
 * time (user + system) is read from the OS for a fixed count of requests, so
 * the load generator sharing the CPU does not count against either.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { heartbeatCpu, statusChangeCpu, type CpuResult } from './cpu-load';
import { benchList, type ListBench } from './list-bench';
import { benchServiceCpu, type ServiceCpu } from './service-cpu';
import { median, seedDatabase, startBare, startServe } from './support';

export interface CpuSeries {
  readonly bare: readonly CpuResult[];
  readonly port: readonly CpuResult[];
}

export interface CpuBench {
  readonly rounds: number;
  readonly heartbeatRequests: number;
  readonly statusRequests: number;
  readonly minimal: CpuSeries;
  readonly client: CpuSeries;
  readonly hook: CpuSeries;
  readonly full: CpuSeries;
  readonly status: CpuSeries;
  /** Server CPU time of full `GET /v1/agents` reads of 100,000 agents. */
  readonly list: ListBench;
  /** The fleet service alone, in this process (no HTTP): one run per round, all after the servers' rounds. */
  readonly service: readonly ServiceCpu[];
}

const AGENTS = 10_000;
const CONNECTIONS = 32;

export async function benchCpu(options: { rounds: number; heartbeatRequests: number; statusRequests: number }): Promise<CpuBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-cpu-'));
  const file = path.join(dir, 'fleet.db');
  await seedDatabase(file, AGENTS);
  const server = await startServe(file);
  const bare = await startBare();
  const beat = { requests: options.heartbeatRequests, agents: AGENTS, connections: CONNECTIONS };
  const changes = { requests: options.statusRequests, connections: CONNECTIONS };
  const series = () => ({ bare: [] as CpuResult[], port: [] as CpuResult[] });
  const minimal = series();
  const client = series();
  const hook = series();
  const full = series();
  const status = series();
  try {
    // One unmeasured round of each first: JIT warm-up, and the port's first read of every agent.
    for (let round = -1; round < options.rounds; round++) {
      const keep = <T>(list: T[], value: T) => round >= 0 && list.push(value);
      keep(minimal.bare, await heartbeatCpu(bare.pid, bare.port, server.agentToken, 'minimal', beat));
      keep(minimal.port, await heartbeatCpu(server.child.pid!, server.port, server.agentToken, 'minimal', beat));
      keep(client.bare, await heartbeatCpu(bare.pid, bare.port, server.agentToken, 'client', beat));
      keep(client.port, await heartbeatCpu(server.child.pid!, server.port, server.agentToken, 'client', beat));
      keep(hook.bare, await heartbeatCpu(bare.pid, bare.port, server.agentToken, 'hook', beat));
      keep(hook.port, await heartbeatCpu(server.child.pid!, server.port, server.agentToken, 'hook', beat));
      keep(full.bare, await heartbeatCpu(bare.pid, bare.port, server.agentToken, 'full', beat));
      keep(full.port, await heartbeatCpu(server.child.pid!, server.port, server.agentToken, 'full', beat));
      keep(status.bare, await statusChangeCpu(bare.pid, bare.port, server.agentToken, changes));
      keep(status.port, await statusChangeCpu(server.child.pid!, server.port, server.agentToken, changes));
    }
  } finally {
    await server.stop();
    await bare.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const service: ServiceCpu[] = [];
  for (let round = 0; round < options.rounds; round++) service.push(await benchServiceCpu({ heartbeats: 5 * beat.requests, statusChanges: changes.requests }));
  return { rounds: options.rounds, heartbeatRequests: beat.requests, statusRequests: changes.requests, minimal, client, hook, full, status, service, list: await benchList(100_000) };
}

/** Median and range of a figure over the rounds. */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}
