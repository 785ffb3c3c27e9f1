import { execFileSync } from 'node:child_process';

/** Builds the headless entry and the UI once, for the tests that run them as a child process and in Chromium. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--headless'], { stdio: 'inherit' });
}
