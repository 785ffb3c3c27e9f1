// electron-builder's afterPack hook (electron-builder.yml): the last check
// before a package is made that its better_sqlite3.node is for the package's
// OS and CPU, however electron-builder was run (`npm run dist` builds the
// right one; electron-builder on its own would ship whatever .native holds).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Arch } from 'electron-builder';
import { nativeBinaryProblem } from './native-arch.mjs';

export async function afterPack(context) {
  const arch = Arch[context.arch] ?? String(context.arch);
  const platform = context.electronPlatformName;
  const file = path.join(context.packager.getResourcesDir(context.appOutDir), 'native', 'better_sqlite3.node');
  if (!existsSync(file)) {
    throw new Error(`the ${platform}-${arch} package has no native/better_sqlite3.node: make it with npm run dist, which builds one`);
  }
  const problem = nativeBinaryProblem(readFileSync(file), platform, arch);
  if (problem) throw new Error(`the ${platform}-${arch} package's ${problem}: make it with npm run dist on a machine of that kind`);
}
