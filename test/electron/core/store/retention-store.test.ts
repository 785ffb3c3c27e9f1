import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { FleetService } from '../../../../electron/core/fleet-service';
import { OFFLINE_SINCE_SQL } from '../../../../electron/core/store/agent-repository';
import { EVENTS_BEFORE_SQL, EVENTS_COUNT_SQL, EVENTS_OLDEST_SQL, EVENTS_SETTLE_SQL } from '../../../../electron/core/store/event-repository';
import { MIGRATIONS } from '../../../../electron/core/store/migrations';
import { migrate, openDatabase, type SqliteDatabase } from '../../../../electron/core/store/open-database';
import { FakeClock } from '../../../support/fake-clock';
import { useTempDir } from '../../../support/temp-dir';

const INCREMENTAL = 2;
const pragma = (db: SqliteDatabase, name: string) => db.pragma(name, { simple: true }) as number;

/** `agents` agents with `each` events apiece, written straight into the tables (the schema of `db`, any version). */
function fill(db: SqliteDatabase, agents: number, each: number): void {
  const agent = db.prepare("INSERT INTO agents (id, status, status_since, last_heartbeat, created_at) VALUES (?, 'idle', 1, 1, 1)");
  const event = db.prepare("INSERT INTO status_events (agent_id, from_status, to_status, cause, at, detail) VALUES (?, 'idle', 'busy', 'agent', ?, ?)");
  db.transaction(() => {
    for (let a = 0; a < agents; a++) {
      agent.run(`a${a}`);
      for (let e = 0; e < each; e++) event.run(`a${a}`, e, JSON.stringify({ slot_type: 'work', pad: 'x'.repeat(100) }));
    }
  })();
}

describe('retention queries', () => {
  it('each walks an index, never the whole table, and sorts nothing', () => {
    const db = openDatabase(':memory:');
    const plan = (sql: string, ...args: unknown[]) =>
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((row) => (row as { detail: string }).detail).join('; ');
    const before = plan(EVENTS_BEFORE_SQL, 0, 10);
    const oldest = plan(EVENTS_OLDEST_SQL, 'a1', 10);
    const count = plan(EVENTS_COUNT_SQL, 'a1');
    const offline = plan(OFFLINE_SINCE_SQL, 0, 10);
    const settle = plan(EVENTS_SETTLE_SQL, { now: 0, limit: 10 });
    expect(before).toMatch(/SEARCH status_events USING COVERING INDEX status_events_at \(at<\?\)/);
    expect(oldest).toMatch(/SEARCH status_events USING COVERING INDEX status_events_agent_at \(agent_id=\?\)/);
    expect(count).toMatch(/SEARCH status_events USING COVERING INDEX status_events_agent_at \(agent_id=\?\)/);
    expect(offline).toMatch(/SEARCH agents USING INDEX agents_offline_since \(status_since<\?\)/);
    expect(settle).toMatch(/SEARCH status_events USING COVERING INDEX status_events_at \(at>\?\)/);
    expect(before + oldest + count + offline + settle).not.toMatch(/SCAN|TEMP B-TREE/);
    db.close();
  });
});

describe('incremental vacuum', () => {
  const tempDir = useTempDir();

  it('a new database, file or memory, is incremental from the start', () => {
    const file = openDatabase(path.join(tempDir(), 'fleet.db'));
    const memory = openDatabase(':memory:');
    expect([pragma(file, 'auto_vacuum'), pragma(memory, 'auto_vacuum')]).toEqual([INCREMENTAL, INCREMENTAL]);
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    file.close();
    memory.close();
  });

  it('an existing database made without auto_vacuum (schema 3) is migrated: incremental, its data kept, the new indexes built', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS.slice(0, 3));
    fill(old, 3, 10);
    expect(pragma(old, 'auto_vacuum')).toBe(0);
    old.close();

    const db = openDatabase(file);
    expect(pragma(db, 'auto_vacuum')).toBe(INCREMENTAL);
    expect(pragma(db, 'user_version')).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT count(*) FROM status_events').pluck().get()).toBe(30);
    const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN ('status_events_at', 'agents_offline_since')").pluck();
    expect(indexes.all().sort()).toEqual(['agents_offline_since', 'status_events_at']);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    db.close();
    // Once converted, a reopen does not vacuum again (the mode is in the file).
    const again = new Database(file);
    expect(pragma(again, 'auto_vacuum')).toBe(INCREMENTAL);
    again.close();
  });

  it('a conversion that cannot run (the file locked by another process) is said and skipped, never a failed start; the next start converts', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS);
    fill(old, 2, 3);
    expect(pragma(old, 'auto_vacuum')).toBe(0);
    old.exec('BEGIN IMMEDIATE'); // holds the write lock for the whole open below
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
    try {
      const db = openDatabase(file);
      expect(db.prepare('SELECT count(*) FROM status_events').pluck().get()).toBe(6);
      expect(pragma(db, 'auto_vacuum')).not.toBe(INCREMENTAL);
      db.close();
    } finally {
      spy.mockRestore();
      old.exec('ROLLBACK');
      old.close();
    }
    expect(String(lines[0]?.[0])).toMatch(/could not convert the database to incremental vacuum \(.*locked.*\); will try at the next start/);
    const db = openDatabase(file);
    expect(pragma(db, 'auto_vacuum')).toBe(INCREMENTAL);
    db.close();
  }, 20_000);

  it('after pruning many events of a migrated database, the file shrinks: free pages go back to the file system', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS.slice(0, 3));
    fill(old, 20, 1_000);
    old.close();

    const db = openDatabase(file);
    const service = new FleetService(db, new FakeClock(), { heartbeatTimeoutMs: 120_000, defaultRecoveryMs: 3_600_000 });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pagesBefore = pragma(db, 'page_count');
    const bytesBefore = fs.statSync(file).size;
    let deleted = 0;
    for (let a = 0; a < 20; a += 5) {
      const batch = Array.from({ length: 5 }, (_, i) => [`a${a + i}`, 990] as const);
      deleted += service.pruneOldestHistory(batch).reduce((x, y) => x + y, 0);
    }
    expect(deleted).toBe(20 * 990);
    expect(service.historyCounts(['a0', 'a19'])).toEqual([10, 10]);
    expect(pragma(db, 'freelist_count')).toBeGreaterThan(pagesBefore / 2);
    let reclaimed = 0;
    for (let free = -1; free !== 0; ) {
      const step = service.reclaimSpace(100);
      expect(step.shrunk).toBeGreaterThan(0);
      reclaimed += step.shrunk;
      free = step.free;
    }
    expect(pragma(db, 'freelist_count')).toBe(0);
    expect(pragma(db, 'page_count')).toBe(pagesBefore - reclaimed);
    expect(pragma(db, 'page_count')).toBeLessThan(pagesBefore / 2);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.statSync(file).size).toBeLessThan(bytesBefore / 2);
    service.dispose();
    db.close();
  });
});
