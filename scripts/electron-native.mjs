#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .native/electron/, leaving the
// Node build in node_modules untouched (tests and `npm run serve` use that one).
// The desktop app loads the result through better-sqlite3's `nativeBinding`
// option, and packaging ships it as an extra resource. Rebuilds only when the
// Electron or better-sqlite3 version changed.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const outDir = path.join(root, '.native', 'electron');
const outFile = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');

/** Builds if needed and returns the addon's path. Throws with a readable message on failure. */
export async function ensureElectronNative() {
  const electronVersion = require('electron/package.json').version;
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version;
  const stamp = JSON.stringify({ electronVersion, sqliteVersion, arch: process.arch });
  if (existsSync(outFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return outFile;

  const work = path.join(outDir, 'work');
  rmSync(work, { recursive: true, force: true });
  const target = path.join(work, 'node_modules', 'better-sqlite3');
  mkdirSync(target, { recursive: true });
  // Sources only: the Node build in node_modules must not leak into this one.
  cpSync(sqliteDir, target, { recursive: true, filter: (src) => !src.startsWith(path.join(sqliteDir, 'build')) });
  writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));

  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}…`);
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
  copyFileSync(path.join(target, 'build', 'Release', 'better_sqlite3.node'), outFile);
  writeFileSync(stampFile, stamp);
  rmSync(work, { recursive: true, force: true });
  return outFile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(await ensureElectronNative());
  } catch (error) {
    console.error(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
