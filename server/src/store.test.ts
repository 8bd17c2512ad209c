import { mkdtempSync, rmSync } from 'node:fs';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError, migrate, readMigrations } from './migrate.ts';
import { sessionRow } from './entity.ts';
import { migrationsDir, openStore } from './store.ts';

/** A visitor's new session in `topic`, as the routes make it. */
const newSession = (topic: number, name: string) =>
  sessionRow(
    { TopicId: topic, CustomerName: name, Status: 4 },
    { sessionKeyHash: null, customerHost: '127.0.0.1', whenRequested: 1_700_000_000_000, now: 1_700_000_000_000 },
  );

/** Pages in the write-ahead log: each commit appends every page it changed. */
const walFrames = (path: string) => Math.max(0, (statSync(`${path}-wal`).size - 32) / (4096 + 24));

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
    expect(store.getTopic(1)).toMatchObject({ id: 1, name: 'General', collect_consent: 1, allowed_origins: '' });
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

  it('keeps the waiting count per topic right through inserts, status changes, moves and deletes', () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
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
    store.close();
  });

  it('reads the queue position with one primary-key lookup, not by scanning sessions', () => {
    const path = join(dir, 'chat.db');
    openStore(path).close();
    const db = new Database(path, { readonly: true });
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT waiting FROM chat_queue WHERE topic_id = ?').all(1) as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/USING INTEGER PRIMARY KEY/);
  });

  it('commits the creates of one turn together, each with its own id and queue position', async () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    const other = new Database(path);
    other.pragma('wal_checkpoint(TRUNCATE)');
    expect(walFrames(path)).toBe(0);

    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => store.createSession(() => newSession(1, `Visitor ${i}`))));
    expect(created.map((row) => row.initial_queue_pos)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(created.map((row) => row.id)).size).toBe(50);
    expect(store.getSession(created[49]!.id)).toMatchObject({ customer_name: 'Visitor 49', initial_queue_pos: 50 });
    // One commit: the session table's pages, its index's, the id sequence's and the queue
    // counter's, once each. Fifty commits would have written at least 200.
    expect(walFrames(path)).toBeLessThan(12);

    // A create on its own is committed on its own, at once.
    const alone = await store.createSession(() => newSession(1, 'Later'));
    expect(alone.initial_queue_pos).toBe(51);
    expect(other.prepare('SELECT customer_name FROM chat_session WHERE id = ?').pluck().get(alone.id)).toBe('Later');
    other.close();
    store.close();
  });

  it('fails only the create that breaks a rule, not the others committed with it', async () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    const results = await Promise.allSettled([
      store.createSession(() => newSession(1, 'First')),
      store.createSession(() => newSession(999, 'No such topic')),
      store.createSession(() => newSession(1, 'Third')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    const [first, , third] = results.map((result) => (result.status === 'fulfilled' ? result.value : null));
    expect([first?.initial_queue_pos, third?.initial_queue_pos]).toEqual([1, 2]);
    expect(store.getSession(third!.id)?.customer_name).toBe('Third');
    store.close();
  });

  it('inserts nothing for a create whose checks refuse it, in the same transaction as the others', async () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    const refused = new Error('refused by its checks');
    let inTransaction = false;
    const results = await Promise.allSettled([
      store.createSession(() => newSession(1, 'First')),
      store.createSession(() => {
        // The checks read through the store while the group holds the write lock: another
        // connection cannot write in between.
        const other = new Database(path, { timeout: 0 });
        try {
          other.prepare("UPDATE chat_topic SET name = 'Changed' WHERE id = 1").run();
        } catch (error) {
          inTransaction = (error as { code?: string }).code === 'SQLITE_BUSY';
        }
        other.close();
        throw refused;
      }),
      store.createSession(() => newSession(1, 'Third')),
    ]);
    expect(inTransaction).toBe(true);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value.initial_queue_pos : result.reason))).toEqual([
      1,
      refused,
      2,
    ]);
    expect(store.getTopic(1)?.name).toBe('General');
    store.close();
  });

  it("reads a topic's rules afresh for each group, so a change by another process counts from the next group", async () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    const other = new Database(path);
    const seen: number[] = [];
    const create = () =>
      store.createSession(() => {
        seen.push(store.getTopicRules(1)!.collect_consent);
        return newSession(1, 'Visitor');
      });
    await Promise.all([create(), create()]);
    other.prepare('UPDATE chat_topic SET collect_consent = 1 - collect_consent WHERE id = 1').run();
    await Promise.all([create(), create()]);
    const before = seen[0]!;
    expect(seen).toEqual([before, before, 1 - before, 1 - before]);
    other.close();
    store.close();
  });

  it('commits creates still waiting for their turn when it is closed', async () => {
    const path = join(dir, 'chat.db');
    const store = openStore(path);
    const created = store.createSession(() => newSession(1, 'Just in time'));
    store.close();
    const row = await created;
    const reopened = openStore(path);
    expect(reopened.getSession(row.id)?.customer_name).toBe('Just in time');
    reopened.close();
  });
});
