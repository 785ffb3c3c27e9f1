// The desktop toolchain's Node: Electron's installer (@electron/get) and
// @electron/rebuild, which builds the SQLite addon for Electron, declare a
// newer Node than the monitor itself needs (package.json engines: the tests,
// `npm run serve` and the CLI). `npm start` and `npm run dist` check it here,
// against the locked packages' own engines, so the promise stays true when
// they change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Read from node_modules: @electron/rebuild's exports do not include its package.json.
const enginesOf = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).engines?.node;
const TOOLCHAIN = ['electron', '@electron/rebuild'];

/**
 * Why this Node cannot run the desktop toolchain, or null when it can.
 * @param {string} nodeVersion
 * @returns {string | null}
 */
export function desktopNodeProblem(nodeVersion = process.versions.node) {
  const unmet = TOOLCHAIN.map((name) => ({ name, range: enginesOf(name) })).filter(
    ({ range }) => range && !semver.satisfies(nodeVersion, range),
  );
  if (unmet.length === 0) return null;
  return `${unmet.map(({ name, range }) => `${name} needs Node ${range}`).join(', ')}; this is Node ${nodeVersion}`;
}
