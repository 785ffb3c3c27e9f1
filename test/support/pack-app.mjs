// Packs the app with electron-builder, as `npm run dist` does, but with a
// stand-in for Electron's binary (which cannot be downloaded here) and without
// running fpm (which can't either): electron-builder's own hook hands over the
// arguments fpm would get. Run in the project directory (electron-builder
// resolves hooks such as afterPack from the working directory):
//   node pack-app.mjs '{"electronDist": …, "output": …, "targets": ["dir", "deb"]}'
// Prints one JSON line: {"fpm": [{args, desktopEntry}, …]} or {"error": message}.
import { readFileSync } from 'node:fs';
import { Arch, Platform, build } from 'electron-builder';
import { electronArch } from '../../scripts/native-arch.mjs';

const { electronDist, output, targets } = JSON.parse(process.argv[2]);
const fpm = [];
try {
  await build({
    projectDir: process.cwd(),
    targets: Platform.LINUX.createTarget(targets, Arch[electronArch(process.arch)]),
    // Fuses are flipped inside Electron's real binary; the stand-in has none.
    config: { electronDist, electronFuses: null, directories: { output } },
    publish: 'never',
    // Called with fpm's arguments and the .desktop file (a temp file, gone once the build ends).
    effectiveOptionComputed: async ([args, desktopFile]) => {
      fpm.push({ args, desktopFile, desktopEntry: readFileSync(desktopFile, 'utf8') });
      return true;
    },
  });
  console.log(JSON.stringify({ fpm }));
} catch (error) {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
}
