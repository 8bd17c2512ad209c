/** Builds the real app on a real SQLite file in a fresh temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addAgent } from '../agents.ts';
import { createApp, type AppDeps } from '../app.ts';
import { openStore, type ChatStore } from '../store.ts';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  store: ChatStore;
  dbPath: string;
  /** POSTs a JSON body to /api/v1/ChatSession from the given peer address. */
  postSession(body: unknown, headers?: Record<string, string>, peer?: string): Promise<Response>;
  /** Any request to the app, from 203.0.113.7; a `json` body is sent as application/json. */
  call(method: string, path: string, init?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Response>;
  /** How many sessions the database holds, read through its own connection. */
  sessionCount(): number;
  /** Adds an agent with this password and returns its Basic Authorization header value. */
  agent(userName?: string, password?: string): Promise<string>;
  close(): void;
};

/** A response's JSON body, for assertions on its properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answer shapes
export const json = (response: Response): Promise<any> => response.json();

export function createTestApp(options: Omit<AppDeps, 'store'> = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-test-'));
  const dbPath = join(dir, 'chat.db');
  const store = openStore(dbPath);
  const app = createApp({ store, log: () => {}, logError: () => {}, ...options, config: { rateLimit: 0, ...options.config } });
  return {
    app,
    store,
    dbPath,
    postSession: async (body, headers = {}, peer = '203.0.113.7') =>
      app.request(
        '/api/v1/ChatSession',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
        { incoming: { socket: { remoteAddress: peer } } },
      ),
    call: async (method, path, init = {}) =>
      app.request(
        path,
        {
          method,
          headers: { ...(init.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
          body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        },
        { incoming: { socket: { remoteAddress: '203.0.113.7' } } },
      ),
    sessionCount: () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM chat_session').pluck().get() as number;
      } finally {
        db.close();
      }
    },
    agent: async (userName = 'kari', password = 'kari-secret-1') => {
      if (!store.findAssociate(userName)) await addAgent(store, { userName, password, fullName: `${userName} Nordmann` });
      return `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
