/**
 * The server as `npm start` runs it, plus one route for the benchmark's baseline:
 * `POST /bench/noop` answers 204 and does nothing. Compiled to dist/bench and started by
 * bench.ts on loopback.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../src/app.ts';
import { inProcessBus, sharedBus } from '../src/chat/events.ts';
import { createChat } from '../src/chat/index.ts';
import { nodeFetch } from '../src/http/node.ts';
import { loadAssets } from '../src/middleware/assets.ts';
import { sharedLimiters } from '../src/middleware/rate-limit.ts';
import { openStore } from '../src/store/open.ts';

// As main.ts opens it: SQLite, or PostgreSQL with the processes on it sharing their events.
const { store, channel } = await openStore(process.env.CHAT_DB ?? ':memory:', { synchronous: process.env.CHAT_DB_SYNC === 'full' ? 'FULL' : 'NORMAL' });
const bus = channel ? sharedBus(channel) : inProcessBus();
const app = createApp({
  chat: createChat({ store, bus }),
  limiters: channel ? sharedLimiters((key, limit, now) => store.takeRateToken(key, limit, now)) : undefined,
  assets: loadAssets(new URL('../public', import.meta.url).pathname),
  logError: () => {},
  // Every load comes from 127.0.0.1: the per-address limit would measure itself.
  config: { rateLimit: 0 },
});
app.post('/bench/noop', (c) => c.body(null, 204));

const server = serve({ fetch: nodeFetch(app), port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => void bus.drain().then(() => Promise.all([store.close(), channel?.close()])).then(() => process.exit(0))));
if ('closeAllConnections' in server) process.on('SIGTERM', () => server.closeAllConnections());
