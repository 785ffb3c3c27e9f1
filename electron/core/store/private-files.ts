/**
 * The data folder and database files are the user's alone: the database
 * holds every agent's names, labels and limit messages, and the tokens file
 * sits beside it. Modes are set explicitly (chmod), not left to the umask,
 * which may be 002 or 022 and would let others read them. Windows has no
 * such modes (its ACLs on the per-user data folder already keep others out),
 * so there this does nothing.
 */
import fs from 'node:fs';
import path from 'node:path';

const POSIX = process.platform !== 'win32';

/** SQLite's files beside the database: it creates them with the database file's own mode. */
export const SIDE_FILES = ['-wal', '-shm'] as const;

/**
 * Creates `dir` and any missing parents, each new one 0700. A folder that
 * already existed is left as it is: it is the user's (a home, a chosen
 * folder), not ours to change.
 */
export function ensurePrivateDir(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined || !POSIX) return;
  // mkdir returns the first folder it made; it and every folder below it down to `dir` are new.
  for (let made = path.resolve(dir); ; made = path.dirname(made)) {
    fs.chmodSync(made, 0o700);
    if (made === path.resolve(first) || made === path.dirname(made)) break;
  }
}

/**
 * Makes the database file exist with mode 0600 before SQLite opens it (so
 * SQLite gives its -wal and -shm the same), and tightens a file, or side
 * files, left wider by an earlier version.
 */
export function ensurePrivateDbFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  if (!POSIX) return;
  for (const suffix of ['', ...SIDE_FILES]) {
    try {
      if ((fs.statSync(file + suffix).mode & 0o077) !== 0) fs.chmodSync(file + suffix, 0o600);
    } catch (error) {
      // No such side file yet: SQLite makes it, with the database's mode.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
