/** Builds the real app on a real SQLite file in a fresh temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type AppDeps } from '../app.ts';
import { inProcessBus, type EventBus } from '../chat/events.ts';
import { createChat, type Chat } from '../chat/index.ts';
import { topicDefaults } from '../chat/topics.ts';
import { nodeFetch } from '../http/node.ts';
import { openSqliteStore, type SqliteOptions } from '../store/sqlite/store.ts';
import type { ChatStore, TopicDraft, TopicRecord } from '../store/types.ts';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  chat: Chat;
  store: ChatStore;
  bus: EventBus;
  dbPath: string;
  /** POSTs a JSON body to /api/v1/ChatSession from the given peer address. */
  postSession(body: unknown, headers?: Record<string, string>, peer?: string): Promise<Response>;
  /** Any request to the app, from 203.0.113.7; a `json` body is sent as application/json. */
  call(method: string, path: string, init?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Response>;
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
  store?: SqliteOptions;
  typingExpiresMs?: number;
};

/** A response's JSON body, for assertions on its properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answer shapes
export const json = (response: Response): Promise<any> => response.json();

export function createTestApp(options: TestAppOptions = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-test-'));
  const dbPath = join(dir, 'chat.db');
  const store = openSqliteStore(dbPath, options.store);
  const bus = inProcessBus();
  const chat = createChat({ store, bus, now: options.now, allowedOrigins: options.config?.allowedOrigins, typingExpiresMs: options.typingExpiresMs });
  const app = createApp({ log: () => {}, logError: () => {}, ...options, chat, config: { rateLimit: 0, ...options.config } });
  let server: ServerType | null = null;
  const fromPeer = (peer: string) => ({ incoming: { socket: { remoteAddress: peer } } });
  return {
    app,
    chat,
    store,
    bus,
    dbPath,
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
        fromPeer('203.0.113.7'),
      ),
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
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
