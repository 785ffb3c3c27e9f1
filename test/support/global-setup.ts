import { execFileSync } from 'node:child_process';

/** Builds the headless entry once, for the tests that run it as a child process. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--node-only'], { stdio: 'inherit' });
}
