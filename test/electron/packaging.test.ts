/**
 * What `npm run dist` packages, checked by packing the app for real with
 * electron-builder (a stand-in for Electron's binary, fpm's arguments taken
 * instead of running it): only what the app runs, the native addon for the
 * package's CPU, and the metadata the deb needs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopMainOptions } from '../../scripts/build.mjs';
import { electronArch } from '../../scripts/native-arch.mjs';
import { useTempDir } from '../support/temp-dir';

const root = path.resolve(import.meta.dirname, '../..');
const nodeAddon = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

/** A copy of the project as `npm run dist` sees it after its build step (node_modules linked, not copied). */
function stageProject(dir: string, addon: Buffer): void {
  for (const entry of ['package.json', 'package-lock.json', 'electron-builder.yml', 'out', 'build', 'scripts']) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const arch = electronArch(process.arch);
  fs.mkdirSync(path.join(dir, '.native/electron', arch), { recursive: true });
  fs.writeFileSync(path.join(dir, '.native/electron', arch, 'better_sqlite3.node'), addon);
  // An unpacked Electron, as electron-builder expects one: the executable (renamed to the app's) and resources/.
  fs.mkdirSync(path.join(dir, 'electron-dist/resources'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron-dist/electron'), '#!/bin/sh\n', { mode: 0o755 });
}

function pack(dir: string, targets: string[]): { fpm?: { args: string[]; desktopFile: string; desktopEntry: string }[]; error?: string } {
  const stdout = execFileSync(
    process.execPath,
    [path.join(root, 'test/support/pack-app.mjs'), JSON.stringify({ electronDist: path.join(dir, 'electron-dist'), output: path.join(dir, 'release'), targets })],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe.skipIf(process.platform !== 'linux')('the packaged app (electron-builder, Linux)', { timeout: 120_000 }, () => {
  const tempDir = useTempDir('fleet-pack-');
  let dir: string;
  let result: ReturnType<typeof pack>;
  const unpacked = () => path.join(dir, 'release', `linux${process.arch === 'x64' ? '' : `-${electronArch(process.arch)}`}-unpacked`);

  // One package, made once for the tests that read it.
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-pack-'));
    stageProject(dir, fs.readFileSync(nodeAddon));
    result = pack(dir, ['dir', 'deb']);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ships what the app runs and nothing else: the main and preload bundles, the page, the tray icons, package.json', () => {
    expect(result.error).toBeUndefined();
    const files = listPackage(path.join(unpacked(), 'resources/app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    const shipped = files.filter((f) => fs.statSync(path.join(dir, f)).isFile());
    const renderer = fs.readdirSync(path.join(root, 'out/renderer'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(shipped.sort()).toEqual(
      [
        '/package.json',
        '/out/main/main.js',
        '/out/preload/preload.cjs',
        ...renderer.map((e) => `/${path.relative(root, path.join(e.parentPath, e.name)).replaceAll('\\', '/')}`),
        ...fs.readdirSync(path.join(root, 'build/tray')).map((name) => `/out/tray/${name}`),
      ].sort(),
    );
    // In particular: no node_modules (react, zustand… are in Vite's bundle), no CLI, serve.js, bench or maps.
    expect(files.filter((f) => /node_modules|\/out\/cli|serve\.js|\/out\/bench|\.map$/.test(f))).toEqual([]);
    expect(fs.existsSync(path.join(unpacked(), 'resources/app.asar.unpacked'))).toBe(false);
  });

  it('ships the addon built for its own CPU, outside the asar where native code can load', () => {
    expect(fs.readFileSync(path.join(unpacked(), 'resources/native/better_sqlite3.node')).equals(fs.readFileSync(nodeAddon))).toBe(true);
  });

  it('makes a deb: a homepage, a maintainer, the .desktop file named after package.json’s desktopName', () => {
    const { args, desktopFile, desktopEntry } = result.fpm![0]!;
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--url')).toBe('https://fleetmonitor.dev');
    expect(value('--maintainer')).toBe('Fleet Monitor contributors');
    expect(args).toContain(`${desktopFile}=/usr/share/applications/fleet-monitor.desktop`);
    expect(desktopEntry).toMatch(/^StartupWMClass=fleet-monitor$/m);
  });

  it('refuses to package an addon built for another CPU', () => {
    const other = tempDir();
    const addon = Buffer.from(fs.readFileSync(nodeAddon));
    // The same ELF, its machine field (e_machine) set to another CPU's.
    addon.writeUInt16LE(process.arch === 'arm64' ? 0x3e : 0xb7, 18);
    stageProject(other, addon);
    const { error } = pack(other, ['dir']);
    expect(error).toMatch(/^the linux-\w+ package's better_sqlite3\.node holds ELF code for (arm64|x64), not for linux-\w+: make it with npm run dist/);
  });

  it('the main bundle is self-contained, and opens SQLite through its bundled better-sqlite3', async () => {
    const main = fs.readFileSync(path.join(root, 'out/main/main.js'), 'utf8');
    const imported = new Set([...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!));
    expect([...imported].filter((m) => m !== 'electron' && !m.startsWith('node:'))).toEqual([]);
    // The same bundling, of a probe that opens a database as the core does, run in plain Node.
    const probe = path.join(tempDir(), 'probe.ts');
    fs.writeFileSync(probe, "import Database from 'better-sqlite3';\nconst db = new Database(':memory:', { nativeBinding: process.argv[2] });\nconsole.log(db.prepare('select 6 * 7 as x').get().x);\n");
    await build({ ...desktopMainOptions, sourcemap: false, entryPoints: [probe], outfile: `${probe}.mjs`, nodePaths: [path.join(root, 'node_modules')], logLevel: 'silent' });
    expect(execFileSync(process.execPath, [`${probe}.mjs`, nodeAddon], { encoding: 'utf8' }).trim()).toBe('42');
  });
});
