import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError, migrate, readMigrations } from './migrate.ts';
import { migrationsDir, openStore } from './store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite store', () => {
  it('creates the database file and its folder, in WAL mode with foreign keys on', () => {
    const path = join(dir, 'nested', 'folder', 'chat.db');
    openStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('starts an empty database with topic 1 "General", and only once', () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    expect(store.getTopic(1)).toEqual({ id: 1, name: 'General', collect_consent: 1 });
    store.close();
    const db = new Database(path);
    db.prepare('UPDATE chat_topic SET name = ? WHERE id = 1').run('Support');
    db.close();
    const reopened = openStore(path);
    expect(reopened.getTopic(1)?.name).toBe('Support');
    reopened.close();
  });

  it('applies each migration once and records it', () => {
    const path = join(dir, 'chat.db');
    const migrations = readMigrations(migrationsDir);
    expect(migrations.length).toBeGreaterThan(0);
    const db = new Database(path);
    expect(migrate(db, migrations)).toBe(migrations.length);
    expect(migrate(db, migrations)).toBe(0);
    const recorded = db.prepare('SELECT name FROM schema_migration ORDER BY version').pluck().all();
    expect(recorded).toEqual(migrations.map((migration) => migration.name));
    db.close();
    openStore(path).close();
  });

  it('refuses to start on a database from a newer version', () => {
    const path = join(dir, 'chat.db');
    openStore(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)').run(9999, '9999_future.sql', 0);
    db.close();
    expect(() => openStore(path)).toThrow(MigrationError);
  });

  it('counts the queue from the (topic, status) index, not by scanning sessions', () => {
    const path = join(dir, 'chat.db');
    openStore(path).close();
    const db = new Database(path, { readonly: true });
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM chat_session WHERE topic_id = ? AND status = ?')
      .all(1, 4) as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail).join(' ')).toContain('USING COVERING INDEX chat_session_topic_status');
  });
});
