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

  it('takes access back from a running server at once: tokens listed and revoked, a password changed, an agent removed', async () => {
    const withPassword = (password: string) => ({ ...env, CHAT_PASSWORD: password });
    expect(runAdmin(['add-agent', 'kari'], withPassword('kari-secret-1')).status).toBe(0);
    expect(runAdmin(['add-agent', 'ola', '--full-name', 'Ola Nordmann'], withPassword('ola-secret-1')).status).toBe(0);
    const tokenOf = () => runAdmin(['create-token', 'ola'], env).stdout.trim().split('\n').at(-1)!;
    const [first, second] = [tokenOf(), tokenOf()];
    const server = await startServer(env);
    try {
      const me = async (headers: Record<string, string>) => (await fetch(`${server.url}/api/v1/Associate/Me`, { headers })).status;
      const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`ola:${password}`).toString('base64')}` });
      /** Every way ola can sign in: Basic, a cookie session, a ticket, and a Bearer token. */
      const everyWay = async (password: string, token: string) => {
        const login = await fetch(`${server.url}/api/v1/Authentication/Login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ UserName: 'ola', Password: password }),
        });
        const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
        const ticket = ((await (await fetch(`${server.url}/api/v1/Authentication/Ticket`, { method: 'POST', headers: basic(password) })).json()) as { Ticket: string }).Ticket;
        return [basic(password), { Cookie: cookie, 'X-XSRF-TOKEN': /XSRF-TOKEN=([^;]+)/.exec(cookie)![1]! }, { Authorization: `SOTicket ${ticket}` }, { Authorization: `Bearer ${token}` }];
      };
      /** The statuses each way gets, once they are what is expected or two seconds have passed. */
      const settled = async (ways: Record<string, string>[], expected: number[]) => {
        const deadline = Date.now() + 2000;
        for (;;) {
          const statuses = await Promise.all(ways.map(me));
          if (statuses.join() === expected.join() || Date.now() > deadline) return statuses;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };

      const used = await me({ Authorization: `Bearer ${first}` });
      expect(used).toBe(200);
      const listed = runAdmin(['list-tokens', 'ola'], env);
      expect(listed.status, listed.stderr).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines.filter((line) => /^made \d{4}-\d\d-\d\d \d\d:\d\d UTC\tlast used \d{4}-/.test(line))).toHaveLength(1);
      expect(lines.filter((line) => line.endsWith('last used never'))).toHaveLength(1);
      expect(listed.stdout + listed.stderr).not.toContain(first);
      const revoked = runAdmin(['revoke-tokens', 'ola'], env);
      expect(revoked.stdout).toContain('Revoked 2 Bearer tokens of ola.');
      expect(await settled([{ Authorization: `Bearer ${first}` }, { Authorization: `Bearer ${second}` }], [401, 401])).toEqual([401, 401]);
      expect(runAdmin(['list-tokens', 'ola'], env).stdout).toContain('ola has no Bearer tokens.');

      let ways = await everyWay('ola-secret-1', tokenOf());
      expect(await Promise.all(ways.map(me))).toEqual([200, 200, 200, 200]);
      const changed = runAdmin(['set-password', 'ola'], withPassword('ola-new-secret'));
      expect(changed.status, changed.stderr).toBe(0);
      expect(await settled(ways, [401, 401, 401, 401])).toEqual([401, 401, 401, 401]);
      expect(await me(basic('ola-new-secret'))).toBe(200);
      expect(runAdmin(['set-password', 'ola'], withPassword('short')).stderr).toContain('at least 8 characters');

      // ola takes a chat, and follows the agent stream, when ola is removed.
      ways = await everyWay('ola-new-secret', tokenOf());
      const created = (await (await fetch(`${server.url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true }),
      })).json()) as { ChatSessionId: number };
      expect((await fetch(`${server.url}/api/v1/ChatSession/${created.ChatSessionId}/Pickup`, { method: 'POST', headers: ways[3] })).status).toBe(200);
      const stream = await fetch(`${server.url}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', ...ways[3] } });
      const ended = stream.body!.pipeTo(new WritableStream()).then(() => 'ended', () => 'ended');
      const removed = runAdmin(['remove-agent', 'ola'], env);
      expect(removed.status, removed.stderr).toBe(0);
      expect(removed.stdout).toContain('Removed agent ola.');
      expect(await settled(ways, [401, 401, 401, 401])).toEqual([401, 401, 401, 401]);
      expect(await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still open'), 2000))])).toBe('ended');
      const kari = { Authorization: `Basic ${Buffer.from('kari:kari-secret-1').toString('base64')}` };
      const chat = (await (await fetch(`${server.url}/api/v1/ChatSession/${created.ChatSessionId}`, { headers: kari })).json()) as { Status: string; User: unknown };
      expect(chat).toMatchObject({ Status: 'InQueue', User: null });
      expect(runAdmin(['list-agents'], env).stdout).toMatch(/\tola\tOla Nordmann\t\(removed\)/);
      expect(runAdmin(['remove-agent', 'ola'], env).stderr).toContain('no agent named "ola"');
      // The record of what the command did goes to standard error, as JSON lines.
      expect(JSON.parse(removed.stderr.trim().split('\n').at(-1)!)).toMatchObject({ event: 'auth', kind: 'agent_removed', account: 'ola', by: 'admin' });
    } finally {
      await server.stop();
    }
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
