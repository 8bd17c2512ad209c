import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './store/open.ts';
import { freshDatabase, type TestDatabase } from './testing/postgres.ts';
import { runAdmin, startServer } from './testing/server-process.ts';
import { testStoreKind } from './testing/test-app.ts';

let dir: string;
let database: TestDatabase | null;
let env: Record<string, string>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-admin-'));
  // The command and the server on the store the suite runs on: a SQLite file, or a PostgreSQL database.
  database = testStoreKind === 'postgres' ? await freshDatabase() : null;
  env = { CHAT_DB: database?.url ?? join(dir, 'chat.db') };
});
afterEach(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run admin', () => {
  it('adds an agent whose password works, and prints a working token as the last line', async () => {
    const added = runAdmin(['add-agent', 'kari', '--full-name', 'Kari Nordmann'], { ...env, CHAT_PASSWORD: 'kari-secret-1' });
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added agent kari');
    const token = runAdmin(['create-token', 'kari'], env).stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^[\w-]{43}$/);

    const server = await startServer(env);
    try {
      const withToken = await fetch(`${server.url}/api/v1/Associate`, { headers: { Authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);
      expect(await withToken.json()).toMatchObject([{ UserName: 'kari', FullName: 'Kari Nordmann' }]);
      const basic = `Basic ${Buffer.from('kari:kari-secret-1').toString('base64')}`;
      expect((await fetch(`${server.url}/api/v1/Associate`, { headers: { Authorization: basic } })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('says what is wrong and exits non-zero', () => {
    runAdmin(['add-agent', 'kari'], { ...env, CHAT_PASSWORD: 'kari-secret-1' });
    const twice = runAdmin(['add-agent', 'KARI'], { ...env, CHAT_PASSWORD: 'kari-secret-1' });
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain('already an agent named');
    const short = runAdmin(['add-agent', 'ola'], { ...env, CHAT_PASSWORD: 'short' });
    expect(short.stderr).toContain('at least 8 characters');
    const noPassword = runAdmin(['add-agent', 'ola'], env);
    expect(noPassword.stderr).toContain('CHAT_PASSWORD');
    const badName = runAdmin(['add-agent', 'two words'], { ...env, CHAT_PASSWORD: 'kari-secret-1' });
    expect(badName.status).toBe(1);
    const unknown = runAdmin(['create-token', 'nobody'], env);
    expect(unknown.stderr).toContain('no agent named "nobody"');
    expect(runAdmin(['frobnicate'], env).status).toBe(2);
  });

  it('creates CHAT_ADMIN_USER at start once, and keeps its password if it exists', async () => {
    for (const password of ['first-password', 'second-password']) {
      const server = await startServer({ ...env, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: password });
      await server.stop();
    }
    const { store, channel } = await openStore(env.CHAT_DB!);
    expect((await store.listAgents()).map((agent) => agent.userName)).toEqual(['admin']);
    await Promise.all([store.close(), channel?.close()]);
    const server = await startServer(env);
    try {
      const login = (password: string) =>
        fetch(`${server.url}/api/v1/Associate`, {
          headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
        });
      expect((await login('first-password')).status).toBe(200);
      expect((await login('second-password')).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
