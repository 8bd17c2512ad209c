/**
 * What only the SQLite store does: its file, its migrations, its triggers, its group commit and
 * its locking. What every store promises is in ../contract.test.ts.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionDraft } from '../../testing/drafts.ts';
import { StoreBusyError, type SessionCheck } from '../types.ts';
import { MigrationError, migrate, readMigrations } from './migrate.ts';
import { migrationsDir, openSqliteStore } from './store.ts';

const newSession = (topic: number, name: string) => sessionDraft(topic, name);
const pass: SessionCheck = () => {};

/** Pages in the write-ahead log: each commit appends every page it changed. */
const walFrames = (path: string) => Math.max(0, (statSync(`${path}-wal`).size - 32) / (4096 + 24));

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-store-'));
  path = join(dir, 'chat.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite store', () => {
  it('creates the database file and its folder, in WAL mode', async () => {
    const nested = join(dir, 'nested', 'folder', 'chat.db');
    await openSqliteStore(nested).close();
    const db = new Database(nested, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('starts an empty database with topic 1 "General", and only once', async () => {
    await openSqliteStore(path).close();
    const db = new Database(path);
    db.prepare('UPDATE chat_topic SET name = ? WHERE id = 1').run('Support');
    db.close();
    const reopened = openSqliteStore(path);
    expect((await reopened.getTopic(1))?.name).toBe('Support');
    await reopened.close();
  });

  it('applies each migration once and records it', async () => {
    const migrations = readMigrations(migrationsDir);
    expect(migrations.length).toBeGreaterThan(0);
    const db = new Database(path);
    expect(migrate(db, migrations)).toBe(migrations.length);
    expect(migrate(db, migrations)).toBe(0);
    const recorded = db.prepare('SELECT name FROM schema_migration ORDER BY version').pluck().all();
    expect(recorded).toEqual(migrations.map((migration) => migration.name));
    db.close();
    await openSqliteStore(path).close();
  });

  it('refuses to start on a database from a newer version', async () => {
    await openSqliteStore(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)').run(9999, '9999_future.sql', 0);
    db.close();
    expect(() => openSqliteStore(path)).toThrow(MigrationError);
  });

  it("adds the agents' foreign keys to an existing database, keeping every session, id and the id sequence", async () => {
    const migrations = readMigrations(migrationsDir);
    const before = migrations.filter((migration) => migration.version < 7);
    const db = new Database(path);
    migrate(db, before);
    db.prepare("INSERT INTO associate (id, user_name, created_at) VALUES (5, 'kari', 0)").run();
    const insert = db.prepare('INSERT INTO chat_session (id, topic_id, user_id, transfer_to_id, status, customer_name, updated_at) VALUES (?, 1, ?, ?, ?, ?, 0)');
    insert.run(1, 5, null, 4, 'kept');
    insert.run(2, 77, 5, 9, 'agent gone');
    insert.run(3, null, null, 4, 'newest, deleted');
    db.prepare('DELETE FROM chat_session WHERE id = 3').run();
    db.close();

    const store = openSqliteStore(path);
    expect(await store.getSession(1)).toMatchObject({ customerName: 'kept', userId: 5 });
    expect(await store.getSession(2)).toMatchObject({ customerName: 'agent gone', userId: null, transferToId: 5 });
    const next = await store.createSession(newSession(1, 'after'), pass);
    expect(next.id).toBe(4);
    expect(next.initialQueuePos).toBe(2);
    await expect(store.createSession({ ...newSession(1, 'no agent'), userId: 77 }, pass)).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    });
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('foreign_key_check')).toEqual([]);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('keeps the waiting count per topic right through inserts, status changes, moves and deletes', async () => {
    const store = openSqliteStore(path);
    const db = new Database(path);
    db.prepare("INSERT INTO chat_topic (id, name) VALUES (2, 'Sales')").run();
    const insert = db.prepare('INSERT INTO chat_session (topic_id, status, updated_at) VALUES (?, ?, 0)');
    const random = (n: number) => Math.floor(Math.random() * n);
    for (let i = 0; i < 300; i++) {
      const ids = db.prepare('SELECT id FROM chat_session').pluck().all() as number[];
      const action = random(4);
      if (action === 0 || ids.length === 0) insert.run(1 + random(2), random(3) === 0 ? 9 : 4);
      else if (action === 1) db.prepare('UPDATE chat_session SET status = ? WHERE id = ?').run([4, 5, 9][random(3)], ids[random(ids.length)]);
      else if (action === 2) db.prepare('UPDATE chat_session SET topic_id = ? WHERE id = ?').run(1 + random(2), ids[random(ids.length)]);
      else db.prepare('DELETE FROM chat_session WHERE id = ?').run(ids[random(ids.length)]);
    }
    const counted = db
      .prepare('SELECT t.id, (SELECT count(*) FROM chat_session s WHERE s.topic_id = t.id AND s.status = 4) AS n FROM chat_topic t ORDER BY t.id')
      .all();
    const kept = db.prepare('SELECT topic_id AS id, waiting AS n FROM chat_queue ORDER BY topic_id').all();
    expect(kept).toEqual(counted);
    db.close();
    await store.close();
  });

  it('reads the queue position with one primary-key lookup, not by scanning sessions', async () => {
    await openSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT waiting FROM chat_queue WHERE topic_id = ?').all(1) as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/USING INTEGER PRIMARY KEY/);
  });

  it('commits the creates of one turn together, each with its own id and queue position', async () => {
    const store = openSqliteStore(path);
    const other = new Database(path);
    other.pragma('wal_checkpoint(TRUNCATE)');
    expect(walFrames(path)).toBe(0);

    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => store.createSession(newSession(1, `Visitor ${i}`), pass)));
    expect(created.map((session) => session.initialQueuePos)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(created.map((session) => session.id)).size).toBe(50);
    expect(await store.getSession(created[49]!.id)).toMatchObject({ customerName: 'Visitor 49', initialQueuePos: 50 });
    // One commit: the session table's pages, its index's, the id sequence's and the queue
    // counter's, once each. Fifty commits would have written at least 200.
    expect(walFrames(path)).toBeLessThan(12);

    // A create on its own is committed on its own, at once.
    const alone = await store.createSession(newSession(1, 'Later'), pass);
    expect(alone.initialQueuePos).toBe(51);
    expect(other.prepare('SELECT customer_name FROM chat_session WHERE id = ?').pluck().get(alone.id)).toBe('Later');
    other.close();
    await store.close();
  });

  it('fails only the create that breaks a rule, not the others committed with it', async () => {
    const store = openSqliteStore(path);
    const results = await Promise.allSettled([
      store.createSession(newSession(1, 'First'), pass),
      store.createSession(newSession(999, 'No such topic'), pass),
      store.createSession(newSession(1, 'Third'), pass),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    const [first, , third] = results.map((result) => (result.status === 'fulfilled' ? result.value : null));
    expect([first?.initialQueuePos, third?.initialQueuePos]).toEqual([1, 2]);
    expect((await store.getSession(third!.id))?.customerName).toBe('Third');
    await store.close();
  });

  it('runs the check of a create inside the transaction that inserts it', async () => {
    const store = openSqliteStore(path);
    const refused = new Error('refused by its checks');
    let inTransaction = false;
    const results = await Promise.allSettled([
      store.createSession(newSession(1, 'First'), pass),
      store.createSession(newSession(1, 'Refused'), () => {
        // The check runs while the group holds the write lock: another connection cannot
        // write in between.
        const other = new Database(path, { timeout: 0 });
        try {
          other.prepare("UPDATE chat_topic SET name = 'Changed' WHERE id = 1").run();
        } catch (error) {
          inTransaction = (error as { code?: string }).code === 'SQLITE_BUSY';
        }
        other.close();
        throw refused;
      }),
      store.createSession(newSession(1, 'Third'), pass),
    ]);
    expect(inTransaction).toBe(true);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value.initialQueuePos : result.reason))).toEqual([1, refused, 2]);
    expect((await store.getTopic(1))?.name).toBe('General');
    await store.close();
  });

  it("reads a topic's rules afresh for each group, so a change by another process counts from the next group", async () => {
    const store = openSqliteStore(path);
    const other = new Database(path);
    const seen: boolean[] = [];
    const create = () => store.createSession(newSession(1, 'Visitor'), (references) => void seen.push(references.topic!.collectConsent));
    await Promise.all([create(), create()]);
    other.prepare('UPDATE chat_topic SET collect_consent = 1 - collect_consent WHERE id = 1').run();
    await Promise.all([create(), create()]);
    const before = seen[0]!;
    expect(seen).toEqual([before, before, !before, !before]);
    other.close();
    await store.close();
  });

  it('reports a database another process holds past the busy timeout as busy, and stores nothing', async () => {
    const store = openSqliteStore(path, { busyTimeout: 50 });
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const results = await Promise.allSettled([
        store.createSession(newSession(1, 'Waits'), pass),
        store.createSession(newSession(1, 'Waits too'), pass),
        store.createTopic({ ...(await store.getTopic(1))!, name: 'Sales' }),
      ]);
      for (const result of results) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreBusyError);
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(await store.listSessions({ skip: 0, top: 10 })).toEqual([]);
    await store.close();
  });
});
