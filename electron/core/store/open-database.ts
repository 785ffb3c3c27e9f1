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
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
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
