/** Starts the server: `npm start` from the repository root. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ChatError } from './chat/errors.ts';
import { hearOutside, inProcessBus, sharedBus } from './chat/events.ts';
import { createChat } from './chat/index.ts';
import { configFromEnv, ConfigError, type Config } from './config.ts';
import { render } from './http/i18n.ts';
import { nodeFetch } from './http/node.ts';
import { loadAssets } from './middleware/assets.ts';
import { sharedLimiters } from './middleware/rate-limit.ts';
import { MigrationError } from './store/migrations.ts';
import { describeDatabase, openStore, type OpenedStore } from './store/open.ts';
import { StoreBusyError } from './store/types.ts';

// dist/public beside the compiled server (dist/server), or from the source tree (server/src).
const here = dirname(fileURLToPath(import.meta.url));
const publicDir = [join(here, '..', 'public'), join(here, '..', '..', 'dist', 'public')].find((dir) => existsSync(dir)) ?? '';
const SHUTDOWN_GRACE_MS = 10_000;

function fail(message: string): never {
  console.error(`chatline: ${message}`);
  process.exit(1);
}

let config: Config;
let opened: OpenedStore;
try {
  config = configFromEnv();
  opened = await openStore(config.database, {
    synchronous: config.synchronous,
    onError: (error) => console.error(`chatline: the database connection failed (${error.message}); connecting again`),
  });
} catch (error) {
  if (error instanceof ConfigError || error instanceof MigrationError) fail(error.message);
  if (error instanceof StoreBusyError) fail(`cannot reach the database ${describeDatabase(config!.database)}: ${(error.cause as Error)?.message ?? error.message}`);
  throw error;
}
const { store, channel, mailbox } = opened;

// Several processes on one PostgreSQL database tell each other what changed; one on SQLite
// keeps its events to itself, and hears what the admin command changed beside it.
const bus = channel ? sharedBus(channel, { onSendError: (error) => console.error(`chatline: could not tell the other servers of a change (${(error as Error).message}); trying again`) }) : inProcessBus();
if (mailbox) hearOutside(mailbox, bus);
const chat = createChat({ store, bus, allowedOrigins: config.allowedOrigins, idleTimes: config.idleTimes });
// Chats whose visitor is gone end by themselves (CHAT_VISITOR_GONE_AFTER, CHAT_IDLE_AFTER).
const stopSweeping = chat.idle.start((error) => console.error(`chatline: could not end the idle chats (${(error as Error).message}); trying again`));

if (config.admin) {
  try {
    if (await chat.agents.ensure(config.admin.userName, config.admin.password)) {
      console.log(`chatline: created the agent ${config.admin.userName} from CHAT_ADMIN_USER`);
    }
  } catch (error) {
    if (error instanceof ChatError) fail(`CHAT_ADMIN_USER: ${render(error.text)}`);
    throw error;
  }
}

const assets = loadAssets(publicDir);
if (!assets.has('/chat-widget.js')) {
  console.warn('chatline: the widget is not built, so /chat-widget.js is missing. Run "npm run build".');
}

// Processes on one database count the rate limits together, in it.
const app = createApp({ chat, config, assets, limiters: channel ? sharedLimiters((key, limit, now) => store.takeRateToken(key, limit, now)) : undefined });
const server = serve({ fetch: nodeFetch(app), port: config.port, hostname: config.host }, (info) => {
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  console.log(`chatline: listening on http://${host}:${info.port} (database ${describeDatabase(config.database)})`);
});

server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') fail(`port ${config.port} on ${config.host} is already in use. Set PORT.`);
  fail(error.message);
});

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`chatline: ${signal} received, finishing requests in flight`);
  // Live streams never finish by themselves: end them, and their clients reconnect from their cursors.
  stopSweeping();
  chat.streams.closeAll();
  // Stop accepting; requests already received are answered, then their sockets close.
  server.close(() => {
    void bus
      .drain()
      .then(() => Promise.all([store.close(), channel?.close(), mailbox?.close()]))
      .then(() => {
      console.log('chatline: stopped');
      process.exit(0);
    });
  });
  // Connections kept alive count as open until they are idle: close each as soon as it is,
  // rather than wait for the keep-alive timeout.
  if ('closeIdleConnections' in server) {
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 50).unref();
  }
  setTimeout(() => {
    console.error('chatline: requests still open after 10 s, stopping anyway');
    void store.close().finally(() => process.exit(1));
  }, SHUTDOWN_GRACE_MS).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
