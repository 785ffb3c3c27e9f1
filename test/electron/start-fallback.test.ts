/**
 * `npm start` (with --no-build: global setup built out/ already) where the desktop app cannot start (no display, or no Electron
 * binary as on this machine): one line saying so, then headless mode with the
 * URL to open.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir';

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

describe('npm start fallback', () => {
  const tempDir = useTempDir();

  it('without a display: one line, then headless mode with the link to open; SIGTERM stops it cleanly', async () => {
    const { lines, code } = await startAndStop({ FLEET_DB: path.join(tempDir(), 'fleet.db') });
    expect(lines).toContain("Fleet Monitor: the desktop app can't start here (no display); running headless mode instead.");
    expect(lines.find((l) => l.startsWith('Fleet Monitor UI: '))).toMatch(/^Fleet Monitor UI: http:\/\/127\.0\.0\.1:\d+\/#token=\S+$/);
    expect(code).toBe(0);
  }, 60_000);

  it('with a display but no Electron binary to be had: says so in one line and runs headless', async () => {
    const { lines, code } = await startAndStop({ FLEET_DB: path.join(tempDir(), 'fleet.db'), DISPLAY: ':99', ELECTRON_GET_USE_PROXY: '' });
    const reason = lines.filter((l) => l.startsWith("Fleet Monitor: the desktop app can't start here"));
    expect(reason).toHaveLength(1);
    expect(reason[0]).toMatch(/\((the Electron binary could not be downloaded|no Electron binary|better-sqlite3 could not be built for Electron.*)\); running headless mode instead\.$/);
    expect(code).toBe(0);
  }, 60_000);
});
