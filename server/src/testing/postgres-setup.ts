/**
 * Vitest's global setup: the PostgreSQL half of the suite runs on the server that
 * CHAT_TEST_DATABASE_URL names (`.ci/run` starts one), or else on a throwaway one started
 * here from the machine's packages and stopped at the end. Without either it fails, loudly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/postgres.sh', import.meta.url));

export default function setup(): (() => void) | undefined {
  if (process.env.CHAT_TEST_DATABASE_URL) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'chatline-postgres-'));
  const started = spawnSync('bash', [script, 'start', dir], { encoding: 'utf8' });
  if (started.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `The PostgreSQL tests need a database server, and none could be started:\n${started.stderr}\n` +
        'Install PostgreSQL (Debian: apt-get install postgresql) or set CHAT_TEST_DATABASE_URL.',
    );
  }
  process.env.CHAT_TEST_DATABASE_URL = started.stdout.trim();
  return () => {
    spawnSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
    delete process.env.CHAT_TEST_DATABASE_URL;
  };
}
