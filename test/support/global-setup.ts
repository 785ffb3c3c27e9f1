import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from './browser';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser suites drive, resolved once for the run; null when none can be had. */
    chromium: string | null;
  }
}

/**
 * Builds out/ once, for the tests that run it as a child process and in
 * Chromium: the headless entry, the UI, and the desktop entry and preload
 * (what the Electron end-to-end test launches where Electron is installed;
 * bundling them needs no Electron binary). Then finds the browser, once:
 * the one line about a missing browser is printed once, and a packaged
 * Chromium is unpacked before any test file starts.
 */
export default async function setup(project: TestProject): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  project.provide('chromium', await resolveChromium());
}
