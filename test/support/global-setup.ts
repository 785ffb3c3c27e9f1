import { execFileSync } from 'node:child_process';

/**
 * Builds out/ once, for the tests that run it as a child process and in
 * Chromium: the headless entry, the UI, and the desktop entry and preload
 * (what the Electron end-to-end test launches where Electron is installed;
 * bundling them needs no Electron binary).
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
