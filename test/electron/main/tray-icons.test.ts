/**
 * The tray icons: drawn at the sizes each platform shows (never a big PNG
 * shrunk), a template image on macOS, an ICO on Windows, and the committed
 * files are what scripts/tray-icons.mjs draws.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../support/temp-dir';

vi.mock('electron', () => import('../../support/electron-mock'));
const { trayIconPath } = await import('../../../electron/main/tray');

const root = path.resolve(import.meta.dirname, '../../..');
const committed = path.join(root, 'build', 'tray');
const read = (name: string) => fs.readFileSync(path.join(committed, name));

/** A PNG's size and RGBA pixels (8-bit RGBA, unfiltered rows: what the script writes; anything else fails). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 10)]).toEqual([8, 6]); // 8 bits, RGBA
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

/** The sizes an ICO holds, each with its embedded PNG's own size. */
function icoEntries(ico: Buffer): { size: number; png: { width: number; height: number } }[] {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1);
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
    const entry = ico.subarray(6 + 16 * i, 22 + 16 * i);
    const png = decodePng(ico.subarray(entry.readUInt32LE(12), entry.readUInt32LE(12) + entry.readUInt32LE(8)));
    return { size: entry[0] || 256, png: { width: png.width, height: png.height } };
  });
}

describe('tray icons', () => {
  const tempDir = useTempDir('fleet-tray-');

  it('are the files scripts/tray-icons.mjs draws, byte for byte', () => {
    const dir = tempDir();
    execFileSync(process.execPath, [path.join(root, 'scripts/tray-icons.mjs'), dir]);
    const drawn = fs.readdirSync(dir).sort();
    expect(fs.readdirSync(committed).sort()).toEqual(drawn);
    for (const name of drawn) expect(read(name).equals(fs.readFileSync(path.join(dir, name))), name).toBe(true);
  });

  it('Linux: a 24 px PNG and its 48 px @2x, in colour', () => {
    expect(decodePng(read('tray.png'))).toMatchObject({ width: 24, height: 24 });
    const hidpi = decodePng(read('tray@2x.png'));
    expect(hidpi).toMatchObject({ width: 48, height: 48 });
    const centre = (24 * 48 + 24) * 4;
    expect([...hidpi.rgba.subarray(centre, centre + 4)]).toEqual([0x25, 0x57, 0xd6, 255]); // the disc's blue
  });

  it('Windows: one ICO with the small-icon sizes for 100–200 % scale, 16 to 64 px', () => {
    const entries = icoEntries(read('tray.ico'));
    expect(entries.map((e) => e.size)).toEqual([16, 20, 24, 32, 40, 48, 64]);
    for (const e of entries) expect(e.png).toEqual({ width: e.size, height: e.size });
  });

  it('macOS: 16 px and 32 px @2x template images, black and alpha only, the dots cut out', () => {
    for (const [name, size] of [
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      const { width, height, rgba } = decodePng(read(name));
      expect({ width, height }).toEqual({ width: size, height: size });
      let opaque = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3]! > 0) expect([rgba[i], rgba[i + 1], rgba[i + 2]], `${name} pixel ${i / 4}`).toEqual([0, 0, 0]);
        if (rgba[i + 3] === 255) opaque++;
      }
      expect(opaque).toBeGreaterThan(size * size * 0.2);
      // A dot's centre (0.3 of the way in) is a hole, the disc's centre is ink.
      const at = (x: number, y: number) => rgba[(Math.floor(y) * size + Math.floor(x)) * 4 + 3];
      expect(at(size * 0.3, size * 0.3)).toBe(0);
      expect(at(size / 2, size / 2)).toBe(255);
    }
  });

  it('each platform gets its own file, and the build puts them all in out/tray', () => {
    const dir = path.join(root, 'out', 'tray');
    expect(trayIconPath(dir, 'win32')).toBe(path.join(dir, 'tray.ico'));
    expect(trayIconPath(dir, 'darwin')).toBe(path.join(dir, 'trayTemplate.png'));
    expect(trayIconPath(dir, 'linux')).toBe(path.join(dir, 'tray.png'));
    for (const name of fs.readdirSync(committed)) expect(fs.readFileSync(path.join(dir, name)).equals(read(name)), name).toBe(true);
  });
});
