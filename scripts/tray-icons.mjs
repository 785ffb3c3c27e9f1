#!/usr/bin/env node
// Draws the tray icons into build/tray/ (`node scripts/tray-icons.mjs [dir]`),
// at the pixel sizes each platform shows, instead of letting the OS shrink the
// 512 px app icon into a blur:
//   tray.png, tray@2x.png              Linux: 24 px, and 48 px for HiDPI panels
//   tray.ico                           Windows: 16–64 px, the small-icon sizes per DPI scale
//   trayTemplate.png, trayTemplate@2x.png  macOS: 16 pt template images, black and alpha only
// The mark is the app icon's (a disc holding four status dots), drawn as
// geometry at each size; the dots are a little larger than in the app icon so
// they survive 16 px. Output is deterministic: test/electron/main/tray-icons.test.ts
// checks that the committed files are what this script draws.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const DISC = '#2557d6';
// The app icon's dots, in its order: top left, top right, bottom left, bottom right.
const DOTS = ['#4cc47a', '#7aa2ff', '#ff8a4c', '#e6e9ee'];
/** In units of the icon's size: disc radius, dot radius, dot offset from the centre. */
const GEOMETRY = { disc: 0.47, dot: 0.125, offset: 0.2 };
/** Samples per pixel side, for anti-aliased edges. */
const SUPERSAMPLE = 8;

export const LINUX_SIZES = [24, 48];
export const WINDOWS_SIZES = [16, 20, 24, 32, 40, 48, 64];
export const MAC_SIZES = [16, 32];

const rgb = (hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

/**
 * RGBA pixels of the mark at `size` px. In colour, the dots are painted on the
 * disc; as a template, the disc is black and the dots are holes in it (macOS
 * tints template images for light, dark and highlighted menu bars).
 */
export function drawMark(size, { template = false } = {}) {
  const c = size / 2;
  const dots = [
    [-1, -1],
    [1, -1],
    [-1, 1],
    [1, 1],
  ].map(([dx, dy], i) => ({ x: c + dx * GEOMETRY.offset * size, y: c + dy * GEOMETRY.offset * size, color: rgb(DOTS[i]) }));
  const disc = rgb(DISC);
  const rDisc = GEOMETRY.disc * size;
  const rDot = GEOMETRY.dot * size;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = px + (sx + 0.5) / SUPERSAMPLE;
          const y = py + (sy + 0.5) / SUPERSAMPLE;
          if ((x - c) ** 2 + (y - c) ** 2 > rDisc ** 2) continue;
          const dot = dots.find((d) => (x - d.x) ** 2 + (y - d.y) ** 2 <= rDot ** 2);
          if (template && dot) continue;
          const color = template ? [0, 0, 0] : (dot?.color ?? disc);
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      // Colour averaged over the covered samples only (straight, not premultiplied, alpha).
      if (a > 0) pixels.set([Math.round(r / a), Math.round(g / a), Math.round(b / a)], i);
      pixels[i + 3] = Math.round((a * 255) / SUPERSAMPLE ** 2);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A truecolour-with-alpha PNG (8 bits per channel, no filtering). */
export function encodePng(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO holding one PNG per size (the PNG-in-ICO form Windows reads since Vista). */
export function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size % 256; // 0 means 256
    entry[1] = size % 256;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** Every tray icon file, by name. */
export function trayIcons() {
  const png = (size, template) => encodePng(size, drawMark(size, { template }));
  return {
    'tray.png': png(LINUX_SIZES[0], false),
    'tray@2x.png': png(LINUX_SIZES[1], false),
    'tray.ico': encodeIco(WINDOWS_SIZES.map((size) => ({ size, png: png(size, false) }))),
    'trayTemplate.png': png(MAC_SIZES[0], true),
    'trayTemplate@2x.png': png(MAC_SIZES[1], true),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? path.join(root, 'build', 'tray'));
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(trayIcons())) writeFileSync(path.join(dir, name), bytes);
  console.log(`tray icons written to ${path.relative(process.cwd(), dir) || '.'}`);
}
