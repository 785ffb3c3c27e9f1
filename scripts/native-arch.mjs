// Which CPU a native addon is built for, read from its header, and which CPUs
// a package is for, read from electron-builder's arguments: so that
// `npm run dist -- --arm64` never ships an x64 better_sqlite3.node.

/** Electron's arch names for the machine types of ELF (e_machine), Mach-O (cputype) and PE (Machine). */
const ELF = new Map([[0x3e, 'x64'], [0xb7, 'arm64'], [0x28, 'armv7l'], [0x03, 'ia32']]);
const MACH_O = new Map([[0x01000007, 'x64'], [0x0100000c, 'arm64']]);
const PE = new Map([[0x8664, 'x64'], [0xaa64, 'arm64'], [0x014c, 'ia32']]);

const name = (map, key) => map.get(key) ?? `unknown (0x${key.toString(16)})`;

/**
 * What a native binary is: its format and the archs it holds (one for ELF, PE
 * and thin Mach-O; each slice's for a universal, fat, Mach-O). Throws on
 * anything else.
 * @param {Uint8Array} bytes the file, or at least its first 4 KiB
 * @returns {{ format: 'elf' | 'mach-o' | 'pe', archs: string[] }}
 */
export function readNativeBinary(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0) === 0x7f454c46) {
    return { format: 'elf', archs: [name(ELF, view.getUint16(18, bytes[5] === 1))] };
  }
  if (bytes.length >= 8 && view.getUint32(0, true) === 0xfeedfacf) return { format: 'mach-o', archs: [name(MACH_O, view.getUint32(4, true))] };
  if (bytes.length >= 8 && view.getUint32(0) === 0xcafebabe) {
    const archs = Array.from({ length: view.getUint32(4) }, (_, i) => name(MACH_O, view.getUint32(8 + 20 * i)));
    return { format: 'mach-o', archs };
  }
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 <= bytes.length && view.getUint32(pe) === 0x50450000) return { format: 'pe', archs: [name(PE, view.getUint16(pe + 4, true))] };
  }
  throw new Error('not an ELF, Mach-O or PE binary');
}

const FORMATS = { linux: 'elf', darwin: 'mach-o', mas: 'mach-o', win32: 'pe' };
const FORMAT_NAMES = { elf: 'ELF', 'mach-o': 'Mach-O', pe: 'PE' };

/**
 * Why `bytes` cannot be the addon of a package for `platform`-`arch`, or null
 * when it can (a universal macOS package needs both x64 and arm64 in it).
 * @returns {string | null}
 */
export function nativeBinaryProblem(bytes, platform, arch) {
  let binary;
  try {
    binary = readNativeBinary(bytes);
  } catch (error) {
    return `better_sqlite3.node is ${error.message}`;
  }
  const wanted = arch === 'universal' ? ['x64', 'arm64'] : [arch];
  if (binary.format === FORMATS[platform] && wanted.every((a) => binary.archs.includes(a))) return null;
  return `better_sqlite3.node holds ${FORMAT_NAMES[binary.format]} code for ${binary.archs.join(' + ')}, not for ${platform}-${arch}`;
}

/**
 * electron-builder's name for a Node `process.arch`: the same but for 32-bit
 * ARM, which Node calls `arm` and electron-builder (and its `${arch}`) `armv7l`.
 * electron/main/native-binding.ts maps the running CPU the same way.
 * @param {string} nodeArch
 */
export const electronArch = (nodeArch) => (nodeArch === 'arm' ? 'armv7l' : nodeArch);

const ARCH_FLAGS = ['x64', 'ia32', 'armv7l', 'arm64', 'universal'];

/**
 * The CPUs `electron-builder <args>` packages for: its --x64/--ia32/--armv7l/--arm64/--universal
 * flags and `target:arch` targets, else this machine's. A universal macOS app holds x64 and arm64.
 * @param {string[]} args
 * @param {string} hostArch
 * @returns {string[]}
 */
export function targetArchs(args, hostArch) {
  const archs = new Set();
  for (const arg of args) {
    const flag = arg.match(/^--(\w+)$/)?.[1];
    const suffix = arg.match(/^[\w-]+:(\w+)$/)?.[1];
    for (const arch of [flag, suffix]) if (arch && ARCH_FLAGS.includes(arch)) archs.add(arch);
  }
  if (archs.delete('universal')) archs.add('x64').add('arm64');
  return archs.size > 0 ? [...archs] : [electronArch(hostArch)];
}

const PLATFORM_FLAGS = { mac: 'darwin', m: 'darwin', mas: 'darwin', win: 'win32', w: 'win32', linux: 'linux', l: 'linux' };

/**
 * The OSes `electron-builder <args>` packages for: its --mac/--win/--linux flags (and -m/-w/-l), else this one.
 * @param {string[]} args
 * @param {string} hostPlatform
 * @returns {string[]}
 */
export function targetPlatforms(args, hostPlatform) {
  const platforms = new Set(args.map((arg) => PLATFORM_FLAGS[arg.replace(/^--?/, '')]).filter(Boolean));
  return platforms.size > 0 ? [...platforms] : [hostPlatform];
}

/**
 * Why the Electron build of the addon cannot be made for `platform`-`arch`
 * here, or null when it can: node-gyp builds for this OS and CPU, and on
 * macOS also for the other of x64 and arm64 (one compiler builds both). Other
 * cross builds (MSVC's ia32 or arm64 on Windows x64, a Linux cross toolchain)
 * are possible with the right tools installed, but untested here, so they are
 * refused rather than trusted.
 * @returns {string | null}
 */
export function crossBuildProblem(platform, arch, hostPlatform, nodeHostArch) {
  const hostArch = electronArch(nodeHostArch);
  if (platform !== hostPlatform) {
    return `better-sqlite3 is built for this OS only (${hostPlatform}): make the ${platform} package on ${platform}`;
  }
  if (arch === hostArch) return null;
  if (platform === 'darwin' && ['x64', 'arm64'].includes(arch) && ['x64', 'arm64'].includes(hostArch)) return null;
  return `better-sqlite3 cannot be built for ${platform}-${arch} on this ${hostArch} machine: make the ${arch} package on an ${arch} machine`;
}
