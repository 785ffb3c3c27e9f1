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
  'No Chromium for the browser tests: set FLEET_CHROMIUM to one, install Chromium or Chrome (Debian: apt-get install chromium, as .ci/run does), or run npm install (the @sparticuz/chromium dev dependency ships one for Linux).';

/** Chromium shipped inside the @sparticuz/chromium dev dependency (Linux x64 and arm64), unpacked on first use. */
async function packagedChromium(): Promise<string | null> {
  if (os.platform() !== 'linux') return null;
  try {
    const { default: packaged } = (await import('@sparticuz/chromium')) as { default: { executablePath: () => Promise<string> } };
    const executable = await packaged.executablePath();
    return fs.existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

let found: Promise<string | null> | undefined;

/**
 * The Chromium the browser tests drive, in this order: `FLEET_CHROMIUM` (or
 * the older `CHROMIUM_PATH`), a system Chromium or Chrome at the usual paths,
 * then the one the @sparticuz/chromium dev dependency ships. Never a download.
 * Null when none can be had; with `CI=true` that is an error, not a skip.
 */
export function findChromium(): Promise<string | null> {
  found ??= (async () => {
    const named = process.env.FLEET_CHROMIUM ?? process.env.CHROMIUM_PATH;
    if (named) {
      if (!fs.existsSync(named)) throw new Error(`FLEET_CHROMIUM is ${named}, which does not exist`);
      return named;
    }
    const system = (SYSTEM_BROWSERS[os.platform()] ?? []).find((candidate) => fs.existsSync(candidate));
    const executable = system ?? (await packagedChromium());
    if (!executable && process.env.CI === 'true') throw new Error(NO_BROWSER);
    if (!executable) console.info(NO_BROWSER);
    return executable ?? null;
  })();
  return found;
}

/** Launches headless Chromium the way this workplace allows (no sandbox as root, no background networking). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await findChromium();
  if (!executablePath) throw new Error(NO_BROWSER);
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
