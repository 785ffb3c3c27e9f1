import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ReliabilityFigures {
  readonly crashPassed: boolean;
  readonly killCycles: number | null;
  readonly acknowledgedChecked: number | null;
  readonly inFlightChecked: number | null;
  readonly hostilePassed: boolean;
  readonly hostileRequests: number | null;
  readonly hostileSlowestMs: number | null;
}

/** Runs one test file with vitest in a child process; whether it passed, and what it printed. */
async function runSuite(file: string, env: Record<string, string>): Promise<{ passed: boolean; output: string }> {
  const vitest = path.resolve('node_modules/vitest/vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { passed: code === 0, output };
}

const numberIn = (output: string, pattern: RegExp) => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : null;
};

/**
 * `npm run bench -- --long`: the reliability suites at ten times their CI
 * size (200 SIGKILL cycles, 100,000 hostile requests), each run by vitest in
 * a child process; the figures come from the lines the suites print.
 */
export async function benchReliability(): Promise<ReliabilityFigures> {
  const crash = await runSuite('test/reliability/crash-durability.test.ts', { FLEET_KILL_CYCLES: '200' });
  const hostile = await runSuite('test/electron/core/http/agent-port.property.test.ts', { FC_HTTP_RUNS: '100000' });
  return {
    crashPassed: crash.passed,
    killCycles: numberIn(crash.output, /crash durability: (\d+) SIGKILL cycles/),
    acknowledgedChecked: numberIn(crash.output, /(\d+) acknowledged requests checked/),
    inFlightChecked: numberIn(crash.output, /(\d+) in-flight outcomes checked/),
    hostilePassed: hostile.passed,
    hostileRequests: numberIn(hostile.output, /hostile input: (\d+) generated requests/),
    hostileSlowestMs: numberIn(hostile.output, /slowest ([\d.]+) ms/),
  };
}
