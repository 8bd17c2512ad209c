/**
 * Throwaway PostgreSQL databases for tests, on the server `CHAT_TEST_DATABASE_URL` names (a
 * role that may create databases). `.ci/run` and `npm test` start one (`scripts/postgres.sh`);
 * without one the PostgreSQL half of the suite fails, it is never skipped.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const script = fileURLToPath(new URL('../../../scripts/postgres.sh', import.meta.url));

/** A PostgreSQL server of its own in a temporary folder (scripts/postgres.sh), on a free port. */
export type ThrowawayPostgres = {
  /** The URL of its `postgres` database, as a role that may create databases. */
  url: string;
  /** Stops it at once, as a crash would: it recovers from its log when started again. */
  crash(): void;
  /** Starts it again, on the same port. */
  restart(): void;
  /** Stops it and removes its folder. */
  stop(): void;
};

export function startThrowawayPostgres(): ThrowawayPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-postgres-'));
  const run = (...args: string[]) => {
    const result = spawnSync('bash', [script, args[0]!, dir, ...args.slice(1)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`scripts/postgres.sh ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout.trim();
  };
  let url: string;
  try {
    url = run('start');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    crash: () => void run('stop', 'immediate'),
    restart: () => void run('restart'),
    stop() {
      spawnSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes a database on the server at `serverUrl`; its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

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
  const url = await createDatabase(testDatabaseServer(), name);
  return { url, name, drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
}
