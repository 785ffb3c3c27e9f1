/** Which CPU a native addon is for, and which CPUs and OSes `npm run dist` packages for (scripts/native-arch.mjs). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossBuildProblem, nativeBinaryProblem, readNativeBinary, targetArchs, targetPlatforms } from '../../scripts/native-arch.mjs';

const root = path.resolve(import.meta.dirname, '../..');

/** The first bytes of a binary of each format, with the given machine field. */
function elf(machine: number): Uint8Array {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeUInt16LE(machine, 18);
  return b;
}
function machO(cpu: number): Uint8Array {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}
function fatMachO(...cpus: number[]): Uint8Array {
  const b = Buffer.alloc(8 + 20 * cpus.length);
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(cpus.length, 4);
  cpus.forEach((cpu, i) => b.writeUInt32BE(cpu, 8 + 20 * i));
  return b;
}
function pe(machine: number): Uint8Array {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32BE(0x50450000, 0x80);
  b.writeUInt16LE(machine, 0x84);
  return b;
}

describe('readNativeBinary', () => {
  it('reads the format and CPU of ELF, thin and fat Mach-O, and PE binaries', () => {
    expect(readNativeBinary(elf(0x3e))).toEqual({ format: 'elf', archs: ['x64'] });
    expect(readNativeBinary(elf(0xb7))).toEqual({ format: 'elf', archs: ['arm64'] });
    expect(readNativeBinary(elf(0x28))).toEqual({ format: 'elf', archs: ['armv7l'] });
    expect(readNativeBinary(machO(0x0100000c))).toEqual({ format: 'mach-o', archs: ['arm64'] });
    expect(readNativeBinary(fatMachO(0x01000007, 0x0100000c))).toEqual({ format: 'mach-o', archs: ['x64', 'arm64'] });
    expect(readNativeBinary(pe(0x8664))).toEqual({ format: 'pe', archs: ['x64'] });
    expect(readNativeBinary(pe(0xaa64))).toEqual({ format: 'pe', archs: ['arm64'] });
    expect(readNativeBinary(elf(0xf3)).archs).toEqual(['unknown (0xf3)']);
  });

  it('reads the real addon this machine built', () => {
    const addon = fs.readFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    const format = { linux: 'elf', darwin: 'mach-o', win32: 'pe' }[process.platform as string];
    expect(readNativeBinary(addon)).toEqual({ format, archs: [process.arch] });
  });

  it('throws on what is no binary', () => {
    expect(() => readNativeBinary(Buffer.from('#!/bin/sh\necho hi\n'))).toThrow('not an ELF, Mach-O or PE binary');
    expect(() => readNativeBinary(Buffer.alloc(0))).toThrow('not an ELF, Mach-O or PE binary');
  });
});

describe('nativeBinaryProblem', () => {
  it('accepts a binary of the package’s OS and CPU, and both CPUs for a universal macOS app', () => {
    expect(nativeBinaryProblem(elf(0x3e), 'linux', 'x64')).toBeNull();
    expect(nativeBinaryProblem(pe(0xaa64), 'win32', 'arm64')).toBeNull();
    expect(nativeBinaryProblem(fatMachO(0x01000007, 0x0100000c), 'darwin', 'universal')).toBeNull();
  });

  it('refuses another CPU, another OS, half a universal binary, and no binary', () => {
    expect(nativeBinaryProblem(elf(0x3e), 'linux', 'arm64')).toBe('better_sqlite3.node holds ELF code for x64, not for linux-arm64');
    expect(nativeBinaryProblem(elf(0x3e), 'win32', 'x64')).toBe('better_sqlite3.node holds ELF code for x64, not for win32-x64');
    expect(nativeBinaryProblem(machO(0x0100000c), 'darwin', 'universal')).toBe('better_sqlite3.node holds Mach-O code for arm64, not for darwin-universal');
    expect(nativeBinaryProblem(Buffer.from('fake'), 'linux', 'x64')).toBe('better_sqlite3.node is not an ELF, Mach-O or PE binary');
  });
});

describe('what npm run dist packages for', () => {
  it('the CPUs: electron-builder’s arch flags or target:arch, universal as both macOS CPUs, else this machine’s', () => {
    expect(targetArchs([], 'x64')).toEqual(['x64']);
    expect(targetArchs(['--linux', 'deb'], 'arm64')).toEqual(['arm64']);
    expect(targetArchs(['--linux', '--arm64'], 'x64')).toEqual(['arm64']);
    expect(targetArchs(['--x64', '--arm64'], 'x64')).toEqual(['x64', 'arm64']);
    expect(targetArchs(['--mac', '--universal'], 'arm64')).toEqual(['x64', 'arm64']);
    expect(targetArchs(['--linux', 'deb:armv7l'], 'x64')).toEqual(['armv7l']);
    expect(targetArchs(['--publish', 'never'], 'x64')).toEqual(['x64']);
  });

  it('the OSes: --mac/--win/--linux and -m/-w/-l, else this one', () => {
    expect(targetPlatforms([], 'linux')).toEqual(['linux']);
    expect(targetPlatforms(['--win', 'nsis'], 'linux')).toEqual(['win32']);
    expect(targetPlatforms(['-m', '-l'], 'darwin')).toEqual(['darwin', 'linux']);
  });

  it('builds the addon only for this OS and CPU, and on macOS for both of its CPUs', () => {
    expect(crossBuildProblem('linux', 'x64', 'linux', 'x64')).toBeNull();
    expect(crossBuildProblem('darwin', 'arm64', 'darwin', 'x64')).toBeNull();
    expect(crossBuildProblem('darwin', 'x64', 'darwin', 'arm64')).toBeNull();
    expect(crossBuildProblem('linux', 'arm64', 'linux', 'x64')).toBe(
      'better-sqlite3 cannot be built for linux-arm64 on this x64 machine: make the arm64 package on an arm64 machine',
    );
    expect(crossBuildProblem('win32', 'x64', 'linux', 'x64')).toBe('better-sqlite3 is built for this OS only (linux): make the win32 package on win32');
  });
});

describe('arch names', () => {
  it('are electron-builder’s: Node’s arm is armv7l, in the build script and in the app alike', async () => {
    const { electronArch } = await import('../../scripts/native-arch.mjs');
    const { builderArch } = await import('../../electron/main/native-binding');
    for (const nodeArch of ['x64', 'arm64', 'ia32', 'arm']) expect(builderArch(nodeArch)).toBe(electronArch(nodeArch));
    expect(electronArch('arm')).toBe('armv7l');
    expect(targetArchs([], 'arm')).toEqual(['armv7l']);
    expect(crossBuildProblem('linux', 'armv7l', 'linux', 'arm')).toBeNull();
  });
});
