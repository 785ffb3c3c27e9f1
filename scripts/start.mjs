#!/usr/bin/env node
// `npm start`: builds, then launches the desktop app. Where the desktop app
// cannot start (no display, a Node older than Electron's tools need, no
// Electron binary can be had, no Electron build of the SQLite addon), it says why in one line and runs the headless mode
// instead, so the same command always gets the operator to the fleet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { desktopNodeProblem } from './desktop-node.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// `--no-build` runs what is already in out/ (the tests use it, so as not to rebuild under other tests' feet).
const noBuild = process.argv.includes('--no-build');
const args = process.argv.slice(2).filter((arg) => arg !== '--no-build');

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** `{ electronPath }` when the desktop app can start, else `{ reason }` why not. */
async function desktopReadiness() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'no display' };
  const nodeProblem = desktopNodeProblem();
  if (nodeProblem) return { reason: nodeProblem };
  // Electron 45+ fetches its binary on first use. Ask in a child so that a
  // failed download's noise stays out of the operator's terminal.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const electronPath = probe.stdout;
  if (probe.status !== 0) return { reason: 'the Electron binary could not be downloaded' };
  if (!electronPath || !existsSync(electronPath)) return { reason: 'no Electron binary' };
  try {
    const { ensureElectronNative } = await import('./electron-native.mjs');
    await ensureElectronNative();
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `better-sqlite3 could not be built for Electron (${why})` };
  }
  return { electronPath };
}

if (!noBuild) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { reason, electronPath } = await desktopReadiness();
if (reason) {
  console.log(`Fleet Monitor: the desktop app can't start here (${reason}); running headless mode instead.`);
  run(process.execPath, [path.join(root, 'out/main/serve.js'), ...args]);
} else {
  run(electronPath, [root, ...args]);
}
