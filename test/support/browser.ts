import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where a system Chromium or Chrome usually lives, per OS. */
const SYSTEM_BROWSERS: Readonly<Record<string, readonly string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
  win32: [
    path.join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google/Chrome/Application/chrome.exe'),
    path.join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google/Chrome/Application/chrome.exe'),
  ],
};

/** The one line a run without a browser prints (and, with CI=true, fails with). */
export const NO_BROWSER =
  'No Chromium for the browser tests: set FLEET_CHROMIUM to one, install Chromium or Chrome (Debian: apt-get install chromium, as .ci/run does), or run npm install (the @sparticuz/chromium dev dependency ships one for Linux x64).';

/** Chromium shipped inside the @sparticuz/chromium dev dependency (Linux x64 only), unpacked to the temp folder on first use. */
async function packagedChromium(): Promise<string | null> {
  if (os.platform() !== 'linux' || os.arch() !== 'x64') return null;
  try {
    const { default: packaged } = (await import('@sparticuz/chromium')) as { default: { executablePath: () => Promise<string> } };
    const executable = await packaged.executablePath();
    if (runs(executable)) return executable;
    // A first unpacking cut short leaves a broken file that every later run would reuse: unpack again.
    fs.rmSync(executable, { force: true });
    const again = await packaged.executablePath();
    return runs(again) ? again : null;
  } catch {
    return null;
  }
}

/** Whether `executable` starts and reports its version. */
function runs(executable: string): boolean {
  try {
    execFileSync(executable, ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive, in this order: `FLEET_CHROMIUM` (or
 * the older `CHROMIUM_PATH`), a system Chromium or Chrome at the usual paths,
 * then the one the @sparticuz/chromium dev dependency ships. Never a download.
 * Null when none can be had, after printing {@link NO_BROWSER} (the browser
 * suites then skip, or with `CI=true` fail: {@link requireBrowserInCi}). `npm test` resolves it once, in the
 * global setup (test/support/global-setup.ts), and hands the result to every
 * test file: the packaged one is unpacked once, never by two files at a time.
 */
export async function resolveChromium(): Promise<string | null> {
  for (const variable of ['FLEET_CHROMIUM', 'CHROMIUM_PATH']) {
    const named = process.env[variable];
    if (!named) continue;
    if (!fs.existsSync(named)) throw new Error(`${variable} is ${named}, which does not exist`);
    return named;
  }
  const system = (SYSTEM_BROWSERS[os.platform()] ?? []).find((candidate) => fs.existsSync(candidate));
  const executable = system ?? (await packagedChromium());
  if (!executable) console.info(NO_BROWSER);
  return executable ?? null;
}

/** With `CI=true`, a browser suite without a browser fails (the rest of the run goes on). */
export function requireBrowserInCi(executable: string | null): void {
  if (executable === null && process.env.CI === 'true') throw new Error(NO_BROWSER);
}

/**
 * Launches headless Chromium the way this workplace allows (no sandbox as
 * root, no background networking): `executablePath`, or one resolved now.
 */
export async function launchChromium(executablePath?: string | null): Promise<Browser> {
  executablePath ??= await resolveChromium();
  if (!executablePath) throw new Error(NO_BROWSER);
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
