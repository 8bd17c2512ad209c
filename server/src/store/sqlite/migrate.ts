import type Database from 'better-sqlite3';
import { pendingMigrations, type Migration } from '../migrations.ts';

export { MigrationError, readMigrations, type Migration } from '../migrations.ts';

/**
 * Applies the migrations not yet recorded, in order, and records them; refuses a database
 * from the future (`pendingMigrations`).
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
      const record = db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)');
      const pending = pendingMigrations(applied, migrations);
      for (const migration of pending) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, Date.now());
      }
      return pending.length;
    })
    .immediate();
}
