import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, seedDatabase, startServe } from './support';

/** Time from spawning headless mode over a 100,000-agent database to its port answering /healthz. */
export async function benchStartup(fleet = 100_000, runs = 3): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-start-'));
  try {
    const file = path.join(dir, 'fleet.db');
    await seedDatabase(file, fleet);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const server = await startServe(file);
      const res = await fetch(`${server.url}/healthz`);
      if (res.status !== 200) throw new Error(`healthz answered ${res.status}`);
      times.push(performance.now() - started);
      await server.stop();
    }
    return median(times);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
