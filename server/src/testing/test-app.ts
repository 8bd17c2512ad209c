/**
 * Builds the real app on a real store: a SQLite file in a fresh temporary folder, or with
 * `CHAT_TEST_STORE=postgres` a fresh PostgreSQL database (the suite runs both ways).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type AppDeps } from '../app.ts';
import { inProcessBus, sharedBus, type EventBus } from '../chat/events.ts';
import { createChat, type Chat } from '../chat/index.ts';
import { sharedLimiters } from '../middleware/rate-limit.ts';
import { topicDefaults } from '../chat/topics.ts';
import { nodeFetch } from '../http/node.ts';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresChannel } from '../store/postgres/channel.ts';
import { openPostgresStore } from '../store/postgres/store.ts';
import { openSqliteStore } from '../store/sqlite/store.ts';
import type { AuditLine } from '../chat/sign-in.ts';
import type { IdleTimes } from '../chat/idle.ts';
import type { ChatStore, TopicDraft, TopicRecord } from '../store/types.ts';
import { freshDatabase } from './postgres.ts';

/** The store the tests run on: `CHAT_TEST_STORE` (sqlite unless it says postgres). */
export const testStoreKind: 'sqlite' | 'postgres' = process.env.CHAT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  chat: Chat;
  store: ChatStore;
  bus: EventBus;
  /** On PostgreSQL, the URL of the app's database; null on SQLite. */
  databaseUrl: string | null;
  /** Every byte the store keeps, as text: what someone who copied the database would read. */
  storedText(): Promise<string>;
  /**
   * Holds the database's write lock (SQLite) or every queue counter's row (PostgreSQL) from
   * another connection, as another busy server would; resolves to the function that lets go.
   */
  holdWrites(): Promise<() => Promise<void>>;
  /** POSTs a JSON body to /api/v1/ChatSession from the given peer address. */
  postSession(body: unknown, headers?: Record<string, string>, peer?: string): Promise<Response>;
  /** Any request to the app, from 203.0.113.7 or `peer`; a `json` body is sent as application/json. */
  call(method: string, path: string, init?: { json?: unknown; body?: string; headers?: Record<string, string>; peer?: string }): Promise<Response>;
  /** The record of sign-ins as the app logged it, line by line. */
  audit: AuditLine[];
  /** How many sessions the store holds. */
  sessionCount(): Promise<number>;
  /** Adds an agent with this password and returns its Basic Authorization header value. */
  agent(userName?: string, password?: string): Promise<string>;
  /** Adds a topic; what `fields` leaves out takes its default. */
  topic(fields: Partial<TopicDraft>): Promise<TopicRecord>;
  /** Serves the app on a loopback port, as Node's server runs it in production; its base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
};

export type TestAppOptions = Omit<AppDeps, 'chat'> & {
  config?: AppDeps['config'] & { allowedOrigins?: string[] };
  /** Milliseconds a write waits for a lock another connection holds before the store reports itself busy. */
  store?: { busyTimeout?: number };
  typingExpiresMs?: number;
  /** When a visitor counts as gone, a chat as idle, and how long an ended chat may be reopened. */
  idleTimes?: Partial<IdleTimes>;
  /** On PostgreSQL: the database of another test app, to serve it as a second server process would (and leave it to that app to drop). */
  databaseUrl?: string;
};



/** A response's JSON body, for assertions on its properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answer shapes
export const json = (response: Response): Promise<any> => response.json();

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-test-'));
  const dbPath = join(dir, 'chat.db');
  const database =
    testStoreKind !== 'postgres' ? null : options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await freshDatabase();
  const store = database
    ? await openPostgresStore(database.url, { lockTimeoutMs: options.store?.busyTimeout })
    : openSqliteStore(dbPath, options.store);
  // On PostgreSQL the app hears the events of every other app on its database, as a server process does.
  const channel = database ? await openPostgresChannel(database.url) : null;
  const bus = channel ? sharedBus(channel, { onSendError: () => {} }) : inProcessBus();
  const audit: AuditLine[] = [];
  const chat = createChat({
    store,
    bus,
    now: options.now,
    allowedOrigins: options.config?.allowedOrigins,
    typingExpiresMs: options.typingExpiresMs,
    idleTimes: options.idleTimes,
    audit: (line) => audit.push(line),
  });
  // On PostgreSQL the rate limits count in the database, as several processes on it count them.
  const limiters = database ? sharedLimiters((key, limit, at) => store.takeRateToken(key, limit, at)) : undefined;
  const app = createApp({ log: () => {}, logError: () => {}, limiters, ...options, chat, config: { rateLimit: 0, ...options.config } });
  let server: ServerType | null = null;
  const fromPeer = (peer: string) => ({ incoming: { socket: { remoteAddress: peer } } });
  /** A connection of its own to the PostgreSQL database. */
  const connect = async () => {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    return client;
  };
  return {
    app,
    chat,
    store,
    bus,
    databaseUrl: database?.url ?? null,
    async storedText() {
      if (!database) {
        return ['', '-wal']
          .map((suffix) => {
            try {
              return readFileSync(dbPath + suffix).toString('latin1');
            } catch {
              return '';
            }
          })
          .join('');
      }
      const client = await connect();
      try {
        const tables = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
        const texts = await Promise.all(tables.rows.map(({ name }) => client.query<{ text: string | null }>(`SELECT string_agg(t::text, ' ') AS text FROM "${name}" t`)));
        return texts.map((result) => result.rows[0]?.text ?? '').join(' ');
      } finally {
        await client.end();
      }
    },
    async holdWrites() {
      if (!database) {
        const other = new Database(dbPath);
        other.prepare('BEGIN IMMEDIATE').run();
        return async () => {
          other.prepare('ROLLBACK').run();
          other.close();
        };
      }
      const client = await connect();
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM chat_queue FOR UPDATE');
      return async () => {
        await client.query('ROLLBACK');
        await client.end();
      };
    },
    postSession: async (body, headers = {}, peer = '203.0.113.7') =>
      app.request(
        '/api/v1/ChatSession',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
        fromPeer(peer),
      ),
    call: async (method, path, init = {}) =>
      app.request(
        path,
        {
          method,
          headers: { ...(init.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
          body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        },
        fromPeer(init.peer ?? '203.0.113.7'),
      ),
    audit,
    sessionCount: async () => (await store.listSessions({ skip: 0, top: 1_000_000 })).length,
    agent: async (userName = 'kari', password = 'kari-secret-1') => {
      if (!(await store.findAgent(userName))) await chat.agents.add({ userName, password, fullName: `${userName} Nordmann` });
      return `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
    },
    topic: (fields) => store.createTopic({ ...topicDefaults, allowedOrigins: [], ...fields }),
    listen() {
      return new Promise((resolve) => {
        server = serve({ fetch: nodeFetch(app), port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
      });
    },
    async close() {
      if (server) {
        const closing = server;
        await new Promise((resolve) => {
          closing.close(resolve);
          if ('closeAllConnections' in closing) closing.closeAllConnections();
        });
      }
      await bus.drain();
      await Promise.all([store.close(), channel?.close()]);
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
