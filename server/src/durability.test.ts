/**
 * Nothing lost: the real server in child processes, killed, stopped and run three at a time
 * on one database file.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './store/sqlite/store.ts';
import type { SessionRecord } from './store/types.ts';
import { startServer, type ServerProcess } from './testing/server-process.ts';

let dir: string;
let dbPath: string;
const servers: ServerProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-durability-'));
  dbPath = join(dir, 'chat.db');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServer({ CHAT_DB: dbPath, CHAT_RATE_LIMIT: '0' });
  servers.push(server);
  return server;
}

type Created = { ChatSessionId: number; CustomerName: string; InitialQueuePos: number };

async function create(url: string, name: string): Promise<Created | null> {
  try {
    const response = await fetch(`${url}/api/v1/ChatSession`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ TopicId: 1, CustomerName: name, CustomerEmail: `${name}@example.com`, CustomerConsented: true }),
    });
    return response.status === 200 ? ((await response.json()) as Created) : null;
  } catch {
    return null; // the server died mid-request: not answered, not promised
  }
}

/** What the database holds, read through the store as the next server would. */
async function stored(): Promise<Map<number, SessionRecord>> {
  const store = openSqliteStore(dbPath);
  try {
    return new Map((await store.listSessions({ skip: 0, top: 1_000_000 })).map((session) => [session.id, session]));
  } finally {
    await store.close();
  }
}

describe('the server', () => {
  it('keeps every session it answered 200 for when it is killed mid-stream', async () => {
    const server = await start();
    const answered: Created[] = [];
    let stop = false;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        const created = await create(server.url, `w${worker}-${i}`);
        if (created) answered.push(created);
      }
    });
    while (answered.length < 150) await new Promise((resolve) => setTimeout(resolve, 10));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);

    const restarted = await start();
    expect((await fetch(`${restarted.url}/chat-widget.js`, { method: 'HEAD' })).status).toBeLessThan(500);
    const sessions = await stored();
    for (const session of answered) {
      const kept = sessions.get(session.ChatSessionId);
      expect(kept, `session ${session.ChatSessionId}`).toBeDefined();
      expect(kept).toMatchObject({ customerName: session.CustomerName, customerEmail: `${session.CustomerName}@example.com` });
    }
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('gives exact queue positions 1..N with three processes on one file, and no request fails', async () => {
    const three = await Promise.all([start(), start(), start()]);
    const total = 300;
    const results: (Created | null)[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        while (next < total) {
          const n = next++;
          results.push(await create(three[n % 3]!.url, `v${n}`));
        }
      }),
    );
    expect(results.filter((result) => result === null)).toHaveLength(0);
    const positions = results.map((result) => result!.InitialQueuePos).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('finishes a request in flight when told to stop, then exits', async () => {
    const server = await start();
    const { port } = new URL(server.url);
    const body = JSON.stringify({ TopicId: 1, CustomerName: 'Late Larry', CustomerConsented: true });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/ChatSession', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    const { status, body: text } = await answer;
    expect(status).toBe(200);
    const id = (JSON.parse(text) as Created).ChatSessionId;
    await exited;
    expect(server.output()).toContain('chatline: stopped');
    expect((await stored()).get(id)?.customerName).toBe('Late Larry');
    await expect(fetch(`${server.url}/chat-widget.js`)).rejects.toThrow();
  });
});
