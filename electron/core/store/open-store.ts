import fs from 'node:fs';
import path from 'node:path';
import { toDisposable, type Disposable } from '../../../shared/disposable';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './open-database';
import { ensurePrivateDbFile, ensurePrivateDir, SIDE_FILES } from './private-files';
import { StoreError } from './store-error';

/** An opened fleet database, with the lock that keeps a second instance off it. */
export interface FleetStore extends Disposable {
  readonly db: SqliteDatabase;
  /** Where an unreadable database was moved before a new one was started, if that happened. */
  readonly movedAside: string | null;
}

const CORRUPTION_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens the database at `dbPath` the way the app must, whatever it finds:
 * - another running instance using it: refused, naming its pid;
 * - a file or folder it cannot write: refused, saying what to do;
 * - a corrupt file, or one that is not a database: moved aside with a
 *   timestamp (never deleted) and a new database started, so the app comes up
 *   and the operator can still recover the old file;
 * - a database newer than this code: refused (see {@link openDatabase}).
 * Each refusal is a {@link StoreError} whose message is the one line to show.
 */
export function openFleetStore(dbPath: string, options: OpenDatabaseOptions & { now?: () => number } = {}): FleetStore {
  if (dbPath === ':memory:') {
    const db = openDatabase(dbPath, options);
    return { db, movedAside: null, dispose: () => db.close() };
  }
  const file = path.resolve(dbPath);
  ensurePrivateDir(path.dirname(file));
  checkWritable(file);
  const lock = acquireLock(`${file}.lock`, file);
  try {
    let movedAside: string | null = null;
    let db: SqliteDatabase;
    try {
      db = openChecked(file, options);
    } catch (error) {
      if (!isCorruption(error)) throw error;
      movedAside = moveAside(file, options.now?.() ?? Date.now());
      ensurePrivateDbFile(file);
      db = openDatabase(file, options);
    }
    return {
      db,
      movedAside,
      dispose: () => {
        try {
          if (db.open) {
            db.pragma('wal_checkpoint(TRUNCATE)');
            db.close();
          }
        } finally {
          lock.dispose();
        }
      },
    };
  } catch (error) {
    lock.dispose();
    throw error;
  }
}

function openChecked(file: string, options: OpenDatabaseOptions): SqliteDatabase {
  ensurePrivateDbFile(file);
  const db = openDatabase(file, options);
  try {
    // A cheap structural check: corruption found now is handled now, not at some later write.
    const result = db.pragma('quick_check(1)', { simple: true });
    if (result !== 'ok') throw Object.assign(new Error(`quick_check: ${String(result)}`), { code: 'SQLITE_CORRUPT' });
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPTION_CODES.has(code);
}

/** Renames the database and its WAL/SHM files to `<name>.corrupt-<timestamp>…`. */
function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', ...SIDE_FILES]) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

function checkWritable(file: string): void {
  const where = fs.existsSync(file) ? file : path.dirname(file);
  try {
    fs.accessSync(where, fs.constants.R_OK | fs.constants.W_OK);
    // SQLite also writes the -wal and -shm files beside the database.
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch {
    throw new StoreError(
      'read_only',
      `The database ${file} cannot be written (${where} is read-only for this user). Make it writable, or set FLEET_DB to another file.`,
    );
  }
}

/**
 * A lock file holding our pid: SQLite would let two instances share the file,
 * but two monitors would fight over every agent. A lock left by a process
 * that is gone (a crash) is taken over.
 */
function acquireLock(lockFile: string, dbFile: string): Disposable {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      return toDisposable(() => {
        try {
          if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          // Already gone: nothing to release.
        }
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new StoreError(
          'locked',
          `Another Fleet Monitor (pid ${holder}) is using ${dbFile}. Stop it, or set FLEET_DB to another file.`,
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new StoreError('locked', `Could not lock ${dbFile}; remove ${lockFile} if no Fleet Monitor is running.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
