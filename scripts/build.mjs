#!/usr/bin/env node
// Builds what the app runs from out/:
//   out/main/serve.js     headless entry (plain Node)
//   out/cli/fleet-monitor.js  the agent CLI (bin/fleet-monitor.js)
//   out/cli/agent-hooks.js    its hook and status-line commands, on their own (they must start fast)
//   out/main/main.js      Electron main process, self-contained: it is all the packaged app runs
//   out/preload/preload.cjs  the sandboxed preload, one bundled CommonJS file
//   out/tray/             the tray icons, per platform (made by scripts/tray-icons.mjs)
//   out/renderer/         the React UI (vite)
// `--node-only` builds just the Node entries (what the tests run); `--headless`
// adds the renderer (what `npm run serve` serves); `--bench` also bundles bench/run.ts.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const nodeOnly = process.argv.includes('--node-only');
const headless = process.argv.includes('--headless');
const bench = process.argv.includes('--bench');

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The headless entry and the CLI run from a checkout, beside node_modules.
  packages: 'external',
};

/**
 * The Electron main process's bundle: everything but Electron is in it, so the
 * package ships no node_modules (electron-builder.yml). better-sqlite3's
 * CommonJS loads its addon with a computed require(), which an ES module has
 * only through createRequire. Exported for the packaging test.
 */
/** @type {import('esbuild').BuildOptions} */
export const desktopMainOptions = {
  ...common,
  packages: undefined,
  external: ['electron'],
  format: 'esm',
  banner: { js: "import { createRequire as __fleetCreateRequire } from 'node:module'; const require = __fleetCreateRequire(import.meta.url);" },
};

/** Builds the headless entry. Exported for test setup. */
export async function buildNode() {
  await build({ ...common, entryPoints: ['electron/serve.ts'], outfile: 'out/main/serve.js', format: 'esm' });
  if (existsSync(path.join(root, 'cli/main.ts'))) {
    await build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'out/cli/fleet-monitor.js', format: 'esm' });
    await build({ ...common, entryPoints: ['cli/hooks-main.ts'], outfile: 'out/cli/agent-hooks.js', format: 'esm' });
  }
}

function buildRenderer() {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (vite.status !== 0) throw new Error('vite build failed');
}

async function buildDesktop() {
  if (existsSync(path.join(root, 'electron/main/main.ts'))) {
    await build({ ...desktopMainOptions, entryPoints: ['electron/main/main.ts'], outfile: 'out/main/main.js' });
  }
  cpSync(path.join(root, 'build/tray'), path.join(root, 'out/tray'), { recursive: true });
  if (existsSync(path.join(root, 'electron/preload/preload.ts'))) {
    // A sandboxed preload cannot require local files: everything in one CommonJS bundle.
    await build({ ...common, packages: undefined, external: ['electron'], entryPoints: ['electron/preload/preload.ts'], outfile: 'out/preload/preload.cjs', format: 'cjs' });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildNode();
    if (!nodeOnly) buildRenderer();
    if (!nodeOnly && !headless && !bench) await buildDesktop();
    if (bench) await build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'out/bench/run.js', format: 'esm' });
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
