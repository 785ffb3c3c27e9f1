/**
 * `npm start` (with --no-build: global setup built out/ already) where the desktop app cannot start (no display, or no Electron
 * binary as on this machine): one line saying so, then headless mode with the
 * URL to open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopNodeProblem as desktopNodeProblemNow } from '../../scripts/desktop-node.mjs';
import { useTempDir } from '../support/temp-dir';

const root = path.resolve(import.meta.dirname, '../..');

async function startAndStop(env: Record<string, string>): Promise<{ lines: string[]; code: number | null }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-build', '--port', '0'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  const lines: string[] = [];
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.some((l) => l.startsWith('Fleet Monitor UI: '))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready: ${lines.join('\n')}`)));
  });
  await ready;
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { lines, code };
}

describe('the desktop toolchain’s Node', () => {
  it('is checked against the locked Electron’s and @electron/rebuild’s own engines', async () => {
    const { desktopNodeProblem } = await import('../../scripts/desktop-node.mjs');
    const { engines } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { engines: { node: string } };
    const floor = engines.node.replace(/^>=\s*/, '');
    expect(desktopNodeProblem(floor)).toBeNull();
    expect(desktopNodeProblem('24.1.0')).toBeNull();
    const problem = desktopNodeProblem('20.19.0')!;
    expect(problem.startsWith(`electron needs Node ${engines.node}`)).toBe(true);
    expect(problem.endsWith('; this is Node 20.19.0')).toBe(true);
  });

  // On a Node that can package, dist would really package (rebuild out/, download Electron): not a test's business.
  it.skipIf(desktopNodeProblemNow() === null)('npm run dist refuses, in one line, a Node older than that', () => {
    const run = spawnSync(process.execPath, ['scripts/dist.mjs'], { cwd: root, encoding: 'utf8' });
    const problem = desktopNodeProblemNow();
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`npm run dist cannot package here: ${problem}.`);
  });
});

describe('npm start fallback', () => {
  const tempDir = useTempDir();

  it('without a display: one line, then headless mode with the link to open; SIGTERM stops it cleanly', async () => {
    const { lines, code } = await startAndStop({ FLEET_DB: path.join(tempDir(), 'fleet.db') });
    expect(lines).toContain("Fleet Monitor: the desktop app can't start here (no display); running headless mode instead.");
    expect(lines.find((l) => l.startsWith('Fleet Monitor UI: '))).toMatch(/^Fleet Monitor UI: http:\/\/127\.0\.0\.1:\d+\/#code=\S+$/);
    expect(code).toBe(0);
  }, 60_000);

  it('with a display but no Electron binary to be had: says so in one line and runs headless', async () => {
    const { lines, code } = await startAndStop({ FLEET_DB: path.join(tempDir(), 'fleet.db'), DISPLAY: ':99', ELECTRON_GET_USE_PROXY: '' });
    const reason = lines.filter((l) => l.startsWith("Fleet Monitor: the desktop app can't start here"));
    expect(reason).toHaveLength(1);
    expect(reason[0]).toMatch(
      /\((electron needs Node .*; this is Node [\d.]+|the Electron binary could not be downloaded|no Electron binary|better-sqlite3 could not be built for Electron.*)\); running headless mode instead\.$/,
    );
    expect(code).toBe(0);
  }, 60_000);
});
