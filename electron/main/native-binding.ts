import path from 'node:path';

/**
 * Where the better-sqlite3 addon built for Electron's ABI lives. node_modules
 * keeps the Node build (for tests and `npm run serve`); the Electron build is
 * a separate file per CPU, made by `scripts/electron-native.mjs` in
 * development, and shipped (the one for the package's CPU) as an extra
 * resource when packaged.
 */
export function electronNativeBinding(packaged: boolean, mainDir: string): string {
  return packaged
    ? path.join(process.resourcesPath, 'native', 'better_sqlite3.node')
    : path.join(mainDir, '..', '..', '.native', 'electron', builderArch(process.arch), 'better_sqlite3.node');
}

/** electron-builder's name for a CPU, which names the folder: Node's `arm` is its `armv7l` (as scripts/native-arch.mjs's electronArch). */
export function builderArch(nodeArch: string): string {
  return nodeArch === 'arm' ? 'armv7l' : nodeArch;
}
