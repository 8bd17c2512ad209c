/**
 * Throwaway PostgreSQL databases for tests, on the server `CHAT_TEST_DATABASE_URL` names (a
 * role that may create databases). `.ci/run` and `npm test` start one (`scripts/postgres.sh`);
 * without one the PostgreSQL half of the suite fails, it is never skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function testDatabaseServer(): string {
  const url = process.env.CHAT_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'The PostgreSQL tests need a database server: set CHAT_TEST_DATABASE_URL to a postgres:// URL of a role that may create databases, ' +
        'or run `npm test`, which starts a throwaway one (scripts/postgres.sh).',
    );
  }
  return url;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseServer() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** A new, empty database; `drop` removes it, closing what is still connected to it. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `chatline_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseServer());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
}
