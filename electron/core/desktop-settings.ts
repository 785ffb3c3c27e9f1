import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What the operator changes in the desktop app's settings view. */
export interface DesktopSettings {
  readonly notifications: boolean;
}

const schema = z.object({ notifications: z.boolean().default(true) });
export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { notifications: true };

/** Reads `settings.json`; a missing or unreadable file gives the defaults (it is only preferences). */
export function readDesktopSettings(file: string): DesktopSettings {
  try {
    return schema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return DEFAULT_DESKTOP_SETTINGS;
  }
}

/** Writes `settings.json` atomically (temp file, then rename). */
export function writeDesktopSettings(file: string, settings: DesktopSettings): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`);
  fs.renameSync(temp, file);
}
