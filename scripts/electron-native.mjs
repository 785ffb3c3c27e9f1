#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .native/electron/<arch>/, one
// per CPU a package is for, leaving the Node build in node_modules untouched
// (tests and `npm run serve` use that one). The desktop app loads the result
// through better-sqlite3's `nativeBinding` option, and packaging ships the
// one for the package's arch as an extra resource (electron-builder.yml).
// Rebuilds only when Electron's or better-sqlite3's version changed; refuses a
// CPU this machine cannot build for, and checks what it built is for that CPU.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossBuildProblem, electronArch, nativeBinaryProblem } from './native-arch.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

/** Where the Electron build for `arch` (electron-builder's name) lives; native-binding.ts reads the same path in development. */
export const electronNativePath = (arch) => path.join(root, '.native', 'electron', arch, 'better_sqlite3.node');

/**
 * Builds for `platform`-`arch` (default: this machine's) if needed and returns
 * the addon's path. Throws with a readable message on failure.
 */
export async function ensureElectronNative(arch = electronArch(process.arch), platform = process.platform) {
  const problem = crossBuildProblem(platform, arch, process.platform, process.arch);
  if (problem) throw new Error(problem);
  const outFile = electronNativePath(arch);
  const outDir = path.dirname(outFile);
  const stampFile = path.join(outDir, 'stamp.json');
  const electronVersion = require('electron/package.json').version;
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version;
  const stamp = JSON.stringify({ electronVersion, sqliteVersion, arch });
  if (existsSync(outFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return outFile;

  const work = path.join(outDir, 'work');
  rmSync(work, { recursive: true, force: true });
  const target = path.join(work, 'node_modules', 'better-sqlite3');
  mkdirSync(target, { recursive: true });
  // Sources only: the Node build in node_modules must not leak into this one.
  cpSync(sqliteDir, target, { recursive: true, filter: (src) => !src.startsWith(path.join(sqliteDir, 'build')) });
  writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));

  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${arch})…`);
  const { rebuild } = await import('@electron/rebuild');
  // @electron/rebuild (node-gyp) takes Node's arch names: armv7l is its `arm`.
  await rebuild({ buildPath: work, electronVersion, arch: arch === 'armv7l' ? 'arm' : arch, onlyModules: ['better-sqlite3'], force: true });
  const built = path.join(target, 'build', 'Release', 'better_sqlite3.node');
  const mismatch = nativeBinaryProblem(readFileSync(built), platform, arch);
  if (mismatch) throw new Error(`${mismatch}: refusing to package it`);
  copyFileSync(built, outFile);
  writeFileSync(stampFile, stamp);
  rmSync(work, { recursive: true, force: true });
  return outFile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    // `node scripts/electron-native.mjs [arch…]`
    for (const arch of process.argv.length > 2 ? process.argv.slice(2) : [electronArch(process.arch)]) console.log(await ensureElectronNative(arch));
  } catch (error) {
    console.error(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
