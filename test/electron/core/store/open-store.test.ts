import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openFleetStore } from '../../../../electron/core/store/open-store';
import { StoreError } from '../../../../electron/core/store/store-error';
import { useTempDir } from '../../../support/temp-dir';

function seeded(file: string, agents = 50): void {
  const store = openFleetStore(file);
  const insert = store.db.prepare("INSERT INTO agents (id, name, status, status_since, last_heartbeat, created_at) VALUES (?, ?, 'idle', 1, 1, 1)");
  store.db.transaction(() => {
    for (let i = 0; i < agents; i++) insert.run(`agent-${i}`, 'x'.repeat(200));
  })();
  store.dispose();
}

describe('openFleetStore: what the app finds on disk', () => {
  const tempDir = useTempDir();

  it('a file that is not a database is moved aside with a timestamp, never deleted, and a new one starts', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleet.db');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const store = openFleetStore(file, { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(store.movedAside).toBe(`${file}.corrupt-2026-01-02T03-04-05-000Z`);
    expect(fs.readFileSync(store.movedAside!, 'utf8')).toContain('these are my notes');
    expect(store.db.prepare('SELECT count(*) FROM agents').pluck().get()).toBe(0);
    store.dispose();
  });

  it('a database with damaged pages is moved aside too', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleet.db');
    seeded(file, 500);
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the second page onwards, keeping the header so SQLite opens it.
    bytes.fill(0xa5, pageSize, Math.min(bytes.length, pageSize * 4));
    fs.writeFileSync(file, bytes);
    const store = openFleetStore(file);
    expect(store.movedAside).not.toBeNull();
    expect(fs.existsSync(store.movedAside!)).toBe(true);
    expect(store.db.prepare('SELECT count(*) FROM agents').pluck().get()).toBe(0);
    store.dispose();
  });

  it('a healthy database opens as it is, and integrity_check stays ok', () => {
    const file = path.join(tempDir(), 'fleet.db');
    seeded(file);
    const store = openFleetStore(file);
    expect(store.movedAside).toBeNull();
    expect(store.db.prepare('SELECT count(*) FROM agents').pluck().get()).toBe(50);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.dispose();
  });

  it('refuses a database another running instance holds, naming its pid; takes over a stale lock', async () => {
    const file = path.join(tempDir(), 'fleet.db');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(`${file}.lock`, String(holder.pid));
      expect(() => openFleetStore(file)).toThrow(StoreError);
      expect(() => openFleetStore(file)).toThrow(`Another Fleet Monitor (pid ${holder.pid}) is using ${file}. Stop it, or set FLEET_DB to another file.`);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const store = openFleetStore(file);
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(String(process.pid));
    store.dispose();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('two opens in one process: the second is refused while the first holds it', () => {
    const file = path.join(tempDir(), 'fleet.db');
    const first = openFleetStore(file);
    // Same pid: the lock file says us, so take-over logic must not steal it from a live store.
    fs.writeFileSync(`${file}.lock`, '1');
    expect(() => openFleetStore(file)).toThrow(/Another Fleet Monitor \(pid 1\)/);
    fs.writeFileSync(`${file}.lock`, String(process.pid));
    first.dispose();
  });

  it.skipIf(process.platform === 'win32')('a database the user cannot write stops the start with one line saying what to do', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'fleet.db');
    seeded(file);
    // Root may write any file, so as root the start runs as `nobody` over a file it does
    // not own; any other user gets a file without write permission.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(file, asRoot ? 0o644 : 0o444);
    const result = spawnSync(process.execPath, [path.resolve('out/main/serve.js')], {
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      env: { PATH: process.env.PATH ?? '', HOME: dir, FLEET_DB: file, FLEET_PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `fleet-monitor: The database ${file} cannot be written (${file} is read-only for this user). Make it writable, or set FLEET_DB to another file.`,
    ]);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM agents').pluck().get()).toBe(50);
    check.close();
  });
});

describe.skipIf(process.platform === 'win32')('openFleetStore: the data folder and database files are the user\'s alone', () => {
  const tempDir = useTempDir();
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it('the folders it creates are 0700, and the database, its -wal and -shm 0600, whatever the umask', () => {
    const previous = process.umask(0o002);
    try {
      const root = tempDir();
      const file = path.join(root, 'data', 'fleet-monitor', 'fleet.db');
      const store = openFleetStore(file);
      store.db.prepare("INSERT INTO agents (id, status, status_since, last_heartbeat, created_at) VALUES ('a', 'idle', 1, 1, 1)").run();
      expect(mode(path.join(root, 'data'))).toBe(0o700);
      expect(mode(path.dirname(file))).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.lock`]) expect(mode(f), f).toBe(0o600);
      store.dispose();
    } finally {
      process.umask(previous);
    }
  });

  it('a database and side files left world-readable by an earlier version are tightened on open', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'fleet.db');
    seeded(file, 1);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(`${file}-wal`, '', { mode: 0o644 });
    fs.chmodSync(`${file}-wal`, 0o644);
    const store = openFleetStore(file);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    store.dispose();
    // The folder was the user's own choice: not changed.
    expect(mode(dir)).toBe(0o755);
  });

  it('a new database started after moving a corrupt one aside is 0600 too', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleet.db');
    fs.writeFileSync(file, 'not a database\n'.repeat(100), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const store = openFleetStore(file);
    expect(store.movedAside).not.toBeNull();
    expect(mode(file)).toBe(0o600);
    store.dispose();
  });
});
