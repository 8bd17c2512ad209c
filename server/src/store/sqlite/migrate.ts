import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

export type Migration = { version: number; name: string; sql: string };

const FILE_NAME = /^(\d+)_[\w-]+\.sql$/;

/** The numbered `.sql` files of a folder, in order. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((name) => FILE_NAME.test(name))
    .map((name) => ({
      version: Number(FILE_NAME.exec(name)![1]),
      name,
      sql: readFileSync(join(dir, name), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

export class MigrationError extends Error {}

/**
 * Applies the migrations not yet recorded, in order, and records them.
 * Refuses a database whose recorded migrations are not a prefix of ours: it was written by a
 * newer (or a different) version of the server, and running on it could damage it.
 */
export function migrate(db: Database.Database, migrations: Migration[]): number {
  // One IMMEDIATE transaction for the check and the changes: two servers starting together on
  // one file take turns, and the second finds the work done.
  return db
    .transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      )`);
      const applied = db
        .prepare('SELECT version, name FROM schema_migration ORDER BY version')
        .all() as { version: number; name: string }[];
      applied.forEach((record, index) => {
        const ours = migrations[index];
        if (!ours || ours.version !== record.version || ours.name !== record.name) {
          throw new MigrationError(
            `The database has migration ${record.name}, which this server does not know. ` +
              'It was written by a newer version: upgrade the server, or use another CHAT_DB.',
          );
        }
      });
      const record = db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)');
      const pending = migrations.slice(applied.length);
      for (const migration of pending) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, Date.now());
      }
      return pending.length;
    })
    .immediate();
}
