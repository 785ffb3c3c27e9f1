#!/usr/bin/env node
// `npm run dist`: build out/, build better-sqlite3 for Electron's ABI, then
// package with electron-builder (targets per electron-builder.yml, for this OS
// unless arguments say otherwise: `npm run dist -- --linux deb`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative } from './electron-native.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (args) => {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run([path.join(root, 'scripts/build.mjs')]);
try {
  await ensureElectronNative();
} catch (error) {
  console.error(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
run([path.join(root, 'node_modules/electron-builder/cli.js'), ...process.argv.slice(2)]);
