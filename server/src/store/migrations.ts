/** Numbered `.sql` migrations, as every store reads and checks them; each store applies its own. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Migration = { version: number; name: string; sql: string };

/**
 * A store's migrations folder: `migrations` beside its module in the source, or
 * `<store>-migrations` beside the compiled server, which bundles every store into one file.
 */
export function migrationsFolder(moduleUrl: string, store: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  return [join(here, 'migrations'), join(here, `${store}-migrations`)].find((dir) => existsSync(dir)) ?? join(here, 'migrations');
}

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
 * The migrations not yet applied to a database that recorded `applied`, in order. Refuses a
 * database whose recorded migrations are not a prefix of ours: it was written by a newer (or
 * a different) version of the server, and running on it could damage it.
 */
export function pendingMigrations(applied: readonly { version: number; name: string }[], migrations: readonly Migration[]): Migration[] {
  applied.forEach((record, index) => {
    const ours = migrations[index];
    if (!ours || ours.version !== record.version || ours.name !== record.name) {
      throw new MigrationError(
        `The database has migration ${record.name}, which this server does not know. ` +
          'It was written by a newer version: upgrade the server, or use another CHAT_DB.',
      );
    }
  });
  return migrations.slice(applied.length);
}
