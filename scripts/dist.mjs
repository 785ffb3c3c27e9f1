#!/usr/bin/env node
// `npm run dist`: build out/, build better-sqlite3 for Electron's ABI and for
// each CPU the package is for, then package with electron-builder (targets per
// electron-builder.yml, for this OS and CPU unless arguments say otherwise:
// `npm run dist -- --linux deb`, `npm run dist -- --mac --universal`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { desktopNodeProblem } from './desktop-node.mjs';
import { ensureElectronNative } from './electron-native.mjs';
import { targetArchs, targetPlatforms } from './native-arch.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (args) => {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const args = process.argv.slice(2);
const nodeProblem = desktopNodeProblem();
if (nodeProblem) {
  console.error(`npm run dist cannot package here: ${nodeProblem}.`);
  process.exit(1);
}
run([path.join(root, 'scripts/build.mjs')]);
try {
  for (const platform of targetPlatforms(args, process.platform)) {
    for (const arch of targetArchs(args, process.arch)) await ensureElectronNative(arch, platform);
  }
} catch (error) {
  console.error(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
run([path.join(root, 'node_modules/electron-builder/cli.js'), ...args]);
