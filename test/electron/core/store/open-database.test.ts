import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AgentRepository, HEARTBEAT_DUE_SQL, RECOVERY_DUE_SQL } from '../../../../electron/core/store/agent-repository';
import { MIGRATIONS } from '../../../../electron/core/store/migrations';
import { migrate, openDatabase } from '../../../../electron/core/store/open-database';
import { StoreError } from '../../../../electron/core/store/store-error';
import { useTempDir } from '../../../support/temp-dir';

describe('openDatabase', () => {
  const tempDir = useTempDir();

  it('turns on WAL, foreign keys, NORMAL sync and a busy timeout', () => {
    const db = openDatabase(path.join(tempDir(), 'fleet.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('creates the schema and stamps user_version with the last migration', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['agents', 'alert_changes', 'alert_channels', 'alert_deliveries', 'alert_episodes', 'alert_rules', 'status_events']);
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    expect(columns.all('agents')).toEqual([
      'id', 'name', 'labels', 'status', 'status_since', 'last_heartbeat',
      'exhausted_at', 'recovery_at', 'exhaust_reason', 'created_at', 'recovery_source', 'exhaust_excerpt', 'usage', 'waiting', 'last_seen',
    ]);
    expect(columns.all('status_events')).toEqual(['id', 'agent_id', 'from_status', 'to_status', 'cause', 'at', 'detail']);
    db.close();
  });

  it('reopening an up-to-date file changes nothing and keeps the data', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const first = openDatabase(file);
    first.prepare("INSERT INTO agents (id, status, status_since, last_heartbeat, created_at) VALUES ('a1', 'idle', 1, 1, 1)").run();
    first.close();
    const second = openDatabase(file);
    expect(second.prepare('SELECT id FROM agents').pluck().all()).toEqual(['a1']);
    second.close();
  });

  it('refuses a database newer than the code with a clear message, leaving the file alone', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    let thrown: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown).toMatchObject({ reason: 'database_too_new', code: 'storage_error' });
    expect((thrown as Error).message).toMatch(/newer version of Fleet Monitor.*Update Fleet Monitor/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    check.close();
  });

  it('applies pending migrations in one transaction: a failing step leaves the file at its old version', () => {
    const db = new Database(':memory:');
    const broken = [
      { version: 1, name: 'one', up: 'CREATE TABLE one (x INTEGER);' },
      { version: 2, name: 'two', up: 'CREATE TABLE two (x INTEGER); THIS IS NOT SQL;' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'one'").pluck().get()).toBe(0);
    db.close();
  });

  it('applies only the migrations above the current version', () => {
    const db = new Database(':memory:');
    migrate(db, [{ version: 1, name: 'one', up: 'CREATE TABLE one (x INTEGER);' }]);
    migrate(db, [
      { version: 1, name: 'one', up: 'CREATE TABLE one (x INTEGER);' },
      { version: 2, name: 'two', up: 'CREATE TABLE two (x INTEGER);' },
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('migration 6 gives every agent of an older file a last_seen equal to its last heartbeat', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 5));
    db.prepare("INSERT INTO agents (id, status, status_since, last_heartbeat, created_at) VALUES ('a1', 'offline', 5, 1234, 1)").run();
    migrate(db, MIGRATIONS);
    expect(db.prepare("SELECT last_heartbeat, last_seen FROM agents WHERE id = 'a1'").get()).toEqual({ last_heartbeat: 1234, last_seen: 1234 });
    db.close();
  });

  it('rejects a migration list out of order', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'two', up: '' }])).toThrow(/expected 1/);
    db.close();
  });

  it('the sweeper queries use the partial indexes, never a full scan', () => {
    const db = openDatabase(':memory:');
    const plan = (sql: string) =>
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, 10).map((row) => (row as { detail: string }).detail).join('; ');
    expect(plan(HEARTBEAT_DUE_SQL)).toMatch(/SEARCH agents USING INDEX agents_heartbeat_due \(last_heartbeat<\?\)/);
    expect(plan(RECOVERY_DUE_SQL)).toMatch(/SEARCH agents USING INDEX agents_recovery_due \(recovery_at<\?\)/);
    expect(plan(HEARTBEAT_DUE_SQL) + plan(RECOVERY_DUE_SQL)).not.toMatch(/SCAN/);
    db.close();
  });
});

describe('migration 002 (limit facts)', () => {
  it('an existing database gains recovery_source, exhaust_excerpt and usage; its agents read back unchanged', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare(
      `INSERT INTO agents (id, name, labels, status, status_since, last_heartbeat, exhausted_at, recovery_at, exhaust_reason, created_at)
       VALUES ('old', 'Old', '{}', 'exhausted', 1, 1, 1, 100, 'billing', 1)`,
    ).run();
    migrate(db, MIGRATIONS);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(new AgentRepository(db).get('old')).toMatchObject({
      status: 'exhausted', recoveryAt: 100, exhaustReason: 'billing', recoverySource: null, exhaustExcerpt: null, usage: {}, waiting: null,
    });
    db.close();
  });
});
