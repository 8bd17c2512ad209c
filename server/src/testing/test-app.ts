/** Builds the real app on a real SQLite file in a fresh temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppDeps } from '../app.ts';
import { openStore, type ChatStore } from '../store.ts';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  store: ChatStore;
  dbPath: string;
  /** POSTs a JSON body to /api/v1/ChatSession from the given peer address. */
  postSession(body: unknown, headers?: Record<string, string>, peer?: string): Promise<Response>;
  close(): void;
};

/** A response's JSON body, for assertions on its properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answer shapes
export const json = (response: Response): Promise<any> => response.json();

export function createTestApp(options: Omit<AppDeps, 'store'> = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-test-'));
  const dbPath = join(dir, 'chat.db');
  const store = openStore(dbPath);
  const app = createApp({ store, ...options });
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
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
