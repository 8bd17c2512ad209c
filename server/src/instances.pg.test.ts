/**
 * Several server processes on one PostgreSQL database, as apps of their own in this process
 * (each its own pool, its own LISTEN connection, its own memory): what one is told, every other
 * one acts on. The processes themselves, behind a real load balancer, are in cluster.pg.test.ts.
 */
import { ChatSessionFlagMasks, ChatSessionStatus } from '@chatline/shared';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError } from './store/migrations.ts';
import { StoreBusyError } from './store/types.ts';
import { openPostgresStore } from './store/postgres/store.ts';
import { reader } from './testing/event-stream.ts';
import { sessionDraft } from './testing/drafts.ts';
import { freshDatabase } from './testing/postgres.ts';
import { createTestApp, json, type TestApp } from './testing/test-app.ts';

let a: TestApp;
let b: TestApp;
let auth: string;
beforeEach(async () => {
  a = await createTestApp({ config: { rateLimit: 0 } });
  b = await createTestApp({ databaseUrl: a.databaseUrl!, config: { rateLimit: 0 } });
  auth = await a.agent('kari', 'kari-secret-1');
});
afterEach(async () => {
  await b.close();
  await a.close();
});

const visitor = { TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true };
async function visitorSession(app: TestApp, headers: Record<string, string> = {}) {
  return (await json(await app.postSession(visitor, headers))) as { ChatSessionId: number; SessionKey: string };
}
const asAgent = (app: TestApp, method: string, path: string, body?: unknown) =>
  app.call(method, path, { json: body, headers: { Authorization: auth } });

describe('several server processes on one database', () => {
  it('sends what is said on one to the streams open on another, the state as well as the messages', async () => {
    const session = await visitorSession(a);
    const id = session.ChatSessionId;
    const base = await b.listen();
    const stream = reader(
      (await fetch(`${base}/api/v1/ChatSession/${id}/Events`, { headers: { Accept: 'text/event-stream', 'X-Chat-Session-Key': session.SessionKey } })).body!,
    );
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'InQueue', QueuePosition: 1 } });

    expect((await asAgent(a, 'POST', `/api/v1/ChatSession/${id}/Pickup`)).status).toBe(200);
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'CustomerLast', Agent: 'kari Nordmann' } });
    await asAgent(a, 'POST', `/api/v1/ChatSession/${id}/Messages`, { Message: 'Hello from A' });
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'UserLast' } });
    expect(await stream.next()).toMatchObject({ event: 'message', data: { Message: 'Hello from A' } });

    // The visitor answers through the other process; the agent's stream on the first hears it.
    const agentBase = await a.listen();
    const agentStream = reader((await fetch(`${agentBase}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: auth } })).body!);
    expect(await agentStream.next()).toMatchObject({ event: 'sessions' });
    await b.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'Hi from B' }, headers: { 'X-Chat-Session-Key': session.SessionKey } });
    const frames = [await agentStream.next(), await agentStream.next()];
    expect(frames.find((frame) => frame.event === 'message')).toMatchObject({ data: { Message: 'Hi from B', Type: 'ToUser' } });
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'CustomerLast' } });
    expect(await stream.next()).toMatchObject({ event: 'message', data: { Message: 'Hi from B' } });
    await stream.close();
    await agentStream.close();
  });

  it('opens a stream on one with a ticket made by another, once', async () => {
    const session = await visitorSession(a);
    const id = session.ChatSessionId;
    const ticket = (await json(await a.call('POST', `/api/v1/ChatSession/${id}/Events/Ticket`, { headers: { 'X-Chat-Session-Key': session.SessionKey } }))).Ticket;
    const base = await b.listen();
    const open = () => fetch(`${base}/api/v1/ChatSession/${id}/Events?ticket=${ticket}`, { headers: { Accept: 'text/event-stream' } });
    const first = await open();
    expect(first.status).toBe(200);
    await first.body!.cancel();
    expect((await open()).status).toBe(401);
  });

  it('counts a visitor’s creates on all of them together', async () => {
    const limited = await createTestApp({ config: { rateLimit: 4 } });
    const other = await createTestApp({ databaseUrl: limited.databaseUrl!, config: { rateLimit: 4 } });
    try {
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push((await (i % 2 ? other : limited).postSession(visitor)).status);
      expect(answers.filter((status) => status === 200)).toHaveLength(4);
      expect(answers.filter((status) => status === 429)).toHaveLength(4);
    } finally {
      await other.close();
      await limited.close();
    }
  });

  it('stores a create or a message retried on another process once', async () => {
    const headers = { 'Idempotency-Key': 'create-1' };
    const first = await visitorSession(a, headers);
    const again = await visitorSession(b, headers);
    expect(again.ChatSessionId).toBe(first.ChatSessionId);
    expect(again.SessionKey).toBe(first.SessionKey);
    const id = first.ChatSessionId;
    const send = (app: TestApp) =>
      app.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'Once' }, headers: { 'X-Chat-Session-Key': first.SessionKey, 'Idempotency-Key': 'message-1' } });
    const [one, two] = await Promise.all([send(a), send(b)]);
    expect((await json(one)).ChatMessageId).toBe((await json(two)).ChatMessageId);
    expect(await a.store.listMessages(id, 0, 10)).toHaveLength(1);
  });

  it('ends an agent’s streams on every process when it signs out on one', async () => {
    const agent = (await a.store.findAgent('kari'))!;
    const { session } = await a.chat.agents.startBrowserSession(agent);
    const base = await b.listen();
    const stream = reader((await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: auth } })).body!);
    expect(await stream.next()).toMatchObject({ event: 'sessions' });
    await a.chat.agents.endBrowserSession({ kind: 'agent', agent } as Parameters<typeof a.chat.agents.endBrowserSession>[0], session);
    expect(await stream.ends(3000)).toBe(true);
  });

  it('catches up after losing its connection to the others: nothing said meanwhile is missed', async () => {
    const session = await visitorSession(a);
    const id = session.ChatSessionId;
    await asAgent(a, 'POST', `/api/v1/ChatSession/${id}/Pickup`);
    const base = await b.listen();
    const stream = reader(
      (await fetch(`${base}/api/v1/ChatSession/${id}/Events`, { headers: { Accept: 'text/event-stream', 'X-Chat-Session-Key': session.SessionKey } })).body!,
    );
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'CustomerLast' } });
    // Every LISTEN connection is cut, as when the network between a process and the database goes.
    const admin = new pg.Client({ connectionString: a.databaseUrl! });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    } finally {
      await admin.end();
    }
    await asAgent(a, 'POST', `/api/v1/ChatSession/${id}/Messages`, { Message: 'While you were away' });
    expect(await stream.next(5000)).toMatchObject({ event: 'state', data: { Status: 'UserLast' } });
    expect(await stream.next(5000)).toMatchObject({ event: 'message', data: { Message: 'While you were away' } });
    await asAgent(a, 'POST', `/api/v1/ChatSession/${id}/Messages`, { Message: 'And after' });
    expect(await stream.next(5000)).toMatchObject({ event: 'message', data: { Message: 'And after' } });
    await stream.close();
  });

  it('ends a side’s typing a few seconds after it last said so, whichever process it told', async () => {
    const typingA = await createTestApp({ typingExpiresMs: 400 });
    const typingB = await createTestApp({ databaseUrl: typingA.databaseUrl!, typingExpiresMs: 400 });
    try {
      const session = await visitorSession(typingA);
      const id = session.ChatSessionId;
      const say = (app: TestApp, typing: boolean) =>
        app.call('POST', `/api/v1/ChatSession/${id}/Typing`, { json: { Typing: typing }, headers: { 'X-Chat-Session-Key': session.SessionKey } });
      const typing = async () => (((await typingA.store.getSession(id))!.flags & ChatSessionFlagMasks.CustomerIsTyping) !== 0);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      expect((await say(typingA, true)).status).toBeLessThan(300);
      expect(await typing()).toBe(true);
      // Still typing, said to the other process: the first one's timer starts again.
      await pause(250);
      await say(typingB, true);
      await pause(250);
      expect(await typing()).toBe(true);
      // Then nothing more: it ends by itself.
      await expect.poll(typing, { timeout: 2000 }).toBe(false);
    } finally {
      await typingB.close();
      await typingA.close();
    }
  });

  it('never deadlocks two processes that move sessions into and out of queues at once', async () => {
    const second = await a.topic({ name: 'Sales' });
    const draft = (topicId: number) => sessionDraft(topicId, 'Ada');
    const leaves = { session: { status: ChatSessionStatus.ClosedFromQueue } };
    const deadlocks = async () => {
      const client = new pg.Client({ connectionString: a.databaseUrl! });
      await client.connect();
      try {
        return Number((await client.query('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()')).rows[0].deadlocks);
      } finally {
        await client.end();
      }
    };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(1100);
    const before = await deadlocks();
    for (let round = 0; round < 6; round++) {
      const [inFirst, inSecond] = await Promise.all([a.store.createSession(draft(1), () => {}), b.store.createSession(draft(second.id), () => {})]);
      // Each process, in one turn: a visitor leaves one topic's queue while another joins the other's.
      await Promise.all([
        a.store.changeSession(inFirst.id, () => leaves),
        a.store.createSession(draft(second.id), () => {}),
        b.store.changeSession(inSecond.id, () => leaves),
        b.store.createSession(draft(1), () => {}),
      ]);
    }
    // The database counts the deadlocks it broke (its statistics are written within a second).
    await pause(1100);
    expect(await deadlocks()).toBe(before);
  });

  it('makes the other writes of a group when one waits too long for a row another holds', async () => {
    const quick = await createTestApp({ databaseUrl: a.databaseUrl!, store: { busyTimeout: 200 } });
    const sessions = await Promise.all([1, 2, 3, 4].map(() => quick.store.createSession(sessionDraft(1, 'Ada'), () => {})));
    const holder = new pg.Client({ connectionString: a.databaseUrl! });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM chat_session WHERE id = $1 FOR UPDATE', [sessions[0]!.id]);
      const says = (text: string) => () => ({ session: { lastMessage: text } });
      const results = await Promise.allSettled([
        ...sessions.map((session, i) => quick.store.changeSession(session.id, says(`m${i}`))),
        quick.store.createSession(sessionDraft(1, 'Per'), () => {}),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreBusyError);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await quick.close();
    }
  });

  it('answers 503 while its connections are cut mid-request, and goes on once they are back', async () => {
    const admin = new pg.Client({ connectionString: a.databaseUrl! });
    await admin.connect();
    try {
      const answers = Array.from({ length: 30 }, () => a.postSession(visitor));
      // Every connection of the database but this one goes, requests in flight included.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      const statuses = (await Promise.all(answers)).map((answer) => answer.status);
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
      const stored = await a.store.listSessions({ skip: 0, top: 100 });
      expect(stored.length).toBeGreaterThanOrEqual(statuses.filter((status) => status === 200).length);
    } finally {
      await admin.end();
    }
    expect((await a.postSession(visitor)).status).toBe(200);
    expect((await b.postSession(visitor)).status).toBe(200);
  });

  it('numbers a topic’s queue exactly when three take 300 creates each at once', async () => {
    const c = await createTestApp({ databaseUrl: a.databaseUrl!, config: { rateLimit: 0 } });
    try {
      const apps = [a, b, c];
      const answers = await Promise.all(
        apps.flatMap((app, n) => Array.from({ length: 300 }, (_, i) => app.postSession(visitor, {}, `198.51.100.${n * 10 + (i % 10)}`))),
      );
      expect(answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
      const positions = (await Promise.all(answers.map(json))).map((entity) => entity.InitialQueuePos as number);
      expect([...positions].sort((x, y) => x - y)).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
    } finally {
      await c.close();
    }
  }, 60_000);

  it('makes the schema once when they start together, and refuses a database from a newer version', async () => {
    const database = await freshDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(database.url)));
      await Promise.all(stores.map((store) => store.close()));
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const applied = await client.query<{ version: number }>('SELECT version FROM schema_migration ORDER BY version');
        expect(applied.rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);
        await client.query("INSERT INTO schema_migration (version, name, applied_at) VALUES (99, '0099_from_the_future.sql', 0)");
      } finally {
        await client.end();
      }
      await expect(openPostgresStore(database.url)).rejects.toThrow(MigrationError);
    } finally {
      await database.drop();
    }
  });
});
