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

const AGENT = `Basic ${Buffer.from('ola:ola-secret-1').toString('base64')}`;

async function start(): Promise<ServerProcess> {
  const server = await startServer({ CHAT_DB: dbPath, CHAT_RATE_LIMIT: '0', CHAT_ADMIN_USER: 'ola', CHAT_ADMIN_PASSWORD: 'ola-secret-1' });
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

  it('keeps every message it answered 200 for when killed while both sides write, and a retry stores none twice', async () => {
    const server = await start();
    const chats: { id: number; key: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const created = (await (await fetch(`${server.url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ TopicId: 1, CustomerAlias: `visitor${i}`, CustomerConsented: true }),
      })).json()) as { ChatSessionId: number; SessionKey: string };
      chats.push({ id: created.ChatSessionId, key: created.SessionKey });
      expect((await fetch(`${server.url}/api/v1/ChatSession/${created.ChatSessionId}/Pickup`, { method: 'POST', headers: { Authorization: AGENT } })).status).toBe(200);
    }
    type Sent = { chat: number; text: string; key: string; headers: Record<string, string> };
    const send = async (url: string, sent: Sent): Promise<number | null> => {
      try {
        const response = await fetch(`${url}/api/v1/ChatSession/${sent.chat}/Messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': sent.key, ...sent.headers },
          body: JSON.stringify({ Message: sent.text }),
        });
        return response.status === 200 ? ((await response.json()) as { ChatMessageId: number }).ChatMessageId : null;
      } catch {
        return null; // the server died mid-request: the client will retry with the same key
      }
    };
    const acknowledged = new Map<string, number>();
    const unanswered: Sent[] = [];
    let stop = false;
    const writer = async (side: 'agent' | 'visitor', worker: number) => {
      for (let i = 0; !stop; i++) {
        const chat = chats[(worker + i) % chats.length]!;
        // A visitor writes as fast as the rate a person may write allows, an agent as fast as it can.
        if (side === 'visitor' && i >= 18) break;
        const sent: Sent = {
          chat: chat.id,
          text: `${side} ${worker}-${i}`,
          key: `${side}-${worker}-${i}`,
          headers: side === 'agent' ? { Authorization: AGENT } : { 'X-Chat-Session-Key': chat.key },
        };
        const id = await send(server.url, sent);
        if (id === null) unanswered.push(sent);
        else acknowledged.set(sent.text, id);
      }
    };
    const writers = [...Array.from({ length: 6 }, (_, worker) => writer('agent', worker)), ...chats.map((_, worker) => writer('visitor', worker))];
    while (acknowledged.size < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);

    // The clients that got no answer send again, with the same keys.
    const restarted = await start();
    for (const sent of unanswered) {
      const id = await send(restarted.url, sent);
      expect(id, sent.text).not.toBeNull();
      acknowledged.set(sent.text, id!);
    }
    const texts: string[] = [];
    for (const chat of chats) {
      const response = await fetch(`${restarted.url}/api/v1/ChatSession/${chat.id}/Messages`, { headers: { Authorization: AGENT } });
      const messages = (await response.json()) as { ChatMessageId: number; Message: string }[];
      for (const message of messages) {
        texts.push(message.Message);
        if (acknowledged.has(message.Message)) expect(message.ChatMessageId, message.Message).toBe(acknowledged.get(message.Message));
      }
    }
    // Every message acknowledged is there, and none twice.
    for (const text of acknowledged.keys()) expect(texts, text).toContain(text);
    const counted = new Map<string, number>();
    for (const text of texts) counted.set(text, (counted.get(text) ?? 0) + 1);
    expect([...counted].filter(([, count]) => count > 1)).toEqual([]);
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
