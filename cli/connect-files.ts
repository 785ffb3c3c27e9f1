/**
 * File handling for `fleet-monitor connect` / `disconnect`: the agents'
 * settings files are the user's, so every change is atomic (a temp file in
 * the same directory, then a rename), keeps the file's mode, follows a
 * symlinked file to its target, and leaves a backup beside it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Mode of a file we create: the agents' settings are nobody else's business. */
export const NEW_FILE_MODE = 0o600;
const NEW_DIR_MODE = 0o700;

/** A settings file as read: its text, or undefined when there is none. */
export interface FileSnapshot {
  /** The path the user named (what we print). */
  readonly path: string;
  /** Where the bytes are: the target of a symlinked file (dotfile managers link them), else `path`. */
  readonly realPath: string;
  readonly text: string | undefined;
  /** The named file is a symlink: it is never removed, only its target rewritten. */
  readonly linked: boolean;
  /** Permission bits of the existing file, else {@link NEW_FILE_MODE}. */
  readonly mode: number;
}

/** Reads `file`, following a symlink; a missing file is `text: undefined`. */
export function readSnapshot(file: string): FileSnapshot {
  let realPath = file;
  try {
    realPath = fs.realpathSync(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
    return { path: file, realPath: file, text: undefined, linked: false, mode: NEW_FILE_MODE };
  }
  const text = fs.readFileSync(realPath, 'utf8');
  return { path: file, realPath, text, linked: fs.lstatSync(file).isSymbolicLink(), mode: fs.statSync(realPath).mode & 0o777 };
}

/** `20260101T120000Z`: sortable, and legal in a Windows file name (no colons). */
export function backupStamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The backup path for `file` at `nowMs` that does not exist yet (`…bak-<stamp>`, then `-1`, `-2`, …). */
export function backupPathFor(file: string, nowMs: number): string {
  const base = `${file}.bak-${backupStamp(nowMs)}`;
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}-${n}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/**
 * Replaces `snapshot`'s file with `text`: backup first (when there was a
 * file), then an atomic write with the old mode. Refuses when the file changed
 * since it was read (the agent may be writing its own settings), so nothing
 * the agent wrote meanwhile is lost. Returns the backup path, if any.
 */
export function replaceFile(snapshot: FileSnapshot, text: string, nowMs: number): string | undefined {
  assertUnchanged(snapshot);
  const backup = snapshot.text === undefined ? undefined : writeBackup(snapshot, nowMs);
  writeAtomic(snapshot.realPath, text, snapshot.mode);
  return backup;
}

/**
 * Removes `snapshot`'s file (after a backup unless `backup` is false), and
 * its directory when that is left empty: what connect created goes with it.
 * A symlinked file is not removed (that would leave a dangling link). Returns
 * the backup path, if any.
 */
export function removeFile(snapshot: FileSnapshot, nowMs: number, backup: boolean): string | undefined {
  if (snapshot.linked) throw new Error(`${snapshot.path} is a symlink: not removed`);
  assertUnchanged(snapshot);
  const saved = backup && snapshot.text !== undefined ? writeBackup(snapshot, nowMs) : undefined;
  fs.rmSync(snapshot.path, { force: true });
  try {
    fs.rmdirSync(path.dirname(snapshot.path));
  } catch {
    // Not empty (the usual case), or not ours to remove.
  }
  return saved;
}

// Beside the path the user named: for a symlinked file that is where they look, and it keeps a dotfiles repo clean.
function writeBackup(snapshot: FileSnapshot, nowMs: number): string {
  const backup = backupPathFor(snapshot.path, nowMs);
  // A backup holds the same bytes as the file, so it gets the same mode, never a wider one.
  writeAtomic(backup, snapshot.text ?? '', snapshot.mode);
  return backup;
}

function assertUnchanged(snapshot: FileSnapshot): void {
  let now: string | undefined;
  try {
    now = fs.readFileSync(snapshot.realPath, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  if (now !== snapshot.text) throw new Error(`${snapshot.path} changed while it was being edited; nothing was written, run the command again`);
}

/** Writes `text` to a temp file beside `file`, flushes it, and renames it over `file`. */
export function writeAtomic(file: string, text: string, mode: number): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: NEW_DIR_MODE });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    // The umask may have narrowed the mode given to open: set it exactly.
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
