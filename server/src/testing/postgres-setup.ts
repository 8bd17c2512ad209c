/**
 * Vitest's global setup: the PostgreSQL half of the suite runs on the server that
 * CHAT_TEST_DATABASE_URL names (`.ci/run` starts one), or else on a throwaway one started
 * here from the machine's packages and stopped at the end. Without either it fails, loudly.
 */
import { startThrowawayPostgres } from './postgres.ts';

export default function setup(): (() => void) | undefined {
  if (process.env.CHAT_TEST_DATABASE_URL) return undefined;
  let server;
  try {
    server = startThrowawayPostgres();
  } catch (error) {
    throw new Error(
      `The PostgreSQL tests need a database server, and none could be started:\n${(error as Error).message}\n` +
        'Install PostgreSQL (Debian: apt-get install postgresql) or set CHAT_TEST_DATABASE_URL.',
    );
  }
  process.env.CHAT_TEST_DATABASE_URL = server.url;
  return () => {
    server.stop();
    delete process.env.CHAT_TEST_DATABASE_URL;
  };
}
