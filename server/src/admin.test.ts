import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './store/sqlite/store.ts';
import { runAdmin, startServer } from './testing/server-process.ts';

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-admin-'));
  env = { CHAT_DB: join(dir, 'chat.db') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
    const store = openSqliteStore(env.CHAT_DB!);
    expect((await store.listAgents()).map((agent) => agent.userName)).toEqual(['admin']);
    await store.close();
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
