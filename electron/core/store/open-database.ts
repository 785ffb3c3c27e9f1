import Database from 'better-sqlite3';
import { StoreError } from './store-error';
import { MIGRATIONS, type Migration } from './migrations';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * Path of a better-sqlite3 addon built for the running runtime. The desktop
   * app passes its Electron-ABI build; Node leaves it unset and uses the
   * copy in node_modules.
   */
  readonly nativeBinding?: string;
  /** Migrations to apply; defaults to the app's own list (tests pass others). */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the fleet database at `path` (`:memory:` for
 * tests), sets its pragmas and brings its schema up to date.
 * Throws {@link StoreError} with code `database_too_new` when the file was
 * written by a newer version of the app.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // Before anything writes the file: a new database is incremental from its first page (see useIncrementalVacuum).
    db.pragma('auto_vacuum = INCREMENTAL');
    // WAL: readers (UI, HTTP reads) never block the writer, and commits are
    // one sequential append.
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives the process being killed (it is in
    // the WAL before we reply); only an OS crash or power cut may lose the last
    // few commits, never corrupt the file. FULL would fsync on every status
    // change and cap throughput at the disk's flush rate.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Another process (a CLI, a second instance) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations ?? MIGRATIONS);
    useIncrementalVacuum(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** `PRAGMA auto_vacuum` values. */
const AUTO_VACUUM_INCREMENTAL = 2;

/**
 * Makes the database give pruned space back to the file system in small steps
 * (`PRAGMA incremental_vacuum`, run by retention). A new file already is
 * (the pragma is set before its first table); one made before issue 13 (with
 * auto_vacuum NONE) changes mode only through a full VACUUM, which cannot run
 * inside a transaction — hence here, once, after the migrations' transaction,
 * not as a migration. The conversion is worth having, never worth a failed
 * start: when VACUUM cannot run (no room for its copy, the file locked by
 * another process, an I/O error) the file stays as it was (pruned pages are
 * still reused inside it), a line says so, and the next start tries again.
 * Only a damaged file is an error here, for the caller to move aside.
 */
export function useIncrementalVacuum(db: SqliteDatabase): void {
  if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  try {
    db.exec('VACUUM');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('SQLITE_') || /^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw error;
    const why = code === 'SQLITE_FULL' ? 'no room for its copy' : (error as Error).message;
    console.error(`fleet-monitor: could not convert the database to incremental vacuum (${why}); will try at the next start`);
    return;
  }
  // VACUUM rewrote every page through the WAL: give that space back too.
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Applies every migration above the file's `user_version`, all in one
 * transaction stamped with the final version, so a failure leaves the file
 * exactly as it was.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new StoreError('migration_order', `Migration '${m.name}' has version ${m.version}, expected ${index + 1}`);
    }
  });
  const target = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > target) {
    throw new StoreError(
      'database_too_new',
      `The database was written by a newer version of Fleet Monitor (schema ${current}; this version knows up to ${target}). ` +
        'Update Fleet Monitor, or point FLEET_DB at another file.',
    );
  }
  if (current === target) return;
  db.transaction(() => {
    for (const m of migrations.slice(current)) db.exec(m.up);
    db.pragma(`user_version = ${target}`);
  }).immediate();
}
