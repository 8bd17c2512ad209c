/**
 * The StoreChannel on PostgreSQL: NOTIFY sends, one connection of its own LISTENs. NOTIFY is
 * delivered only to sessions listening at the time, so when the listening connection breaks
 * (the database restarted, the network went) it connects again with a growing pause, listens
 * again, and then says `resync`: whoever listens reads what it shows again from the database.
 */
import pg from 'pg';
import type { StoreChannel } from '../types.ts';

/** The channel's name: one per database. */
const CHANNEL = 'chatline';

const HEARTBEAT_TIMEOUT_MS = 5_000;

export type ChannelOptions = {
  /** How often the listening connection is checked. */
  heartbeatMs?: number;
  /** Told when the listening connection breaks or cannot connect. */
  onError?: (error: Error) => void;
  /** The longest pause between two attempts to connect again. */
  maxRetryMs?: number;
};

export async function openPostgresChannel(url: string, { onError = () => {}, maxRetryMs = 2000, heartbeatMs = 15_000 }: ChannelOptions = {}): Promise<StoreChannel> {
  const senders = new pg.Pool({ connectionString: url, max: 2, keepAlive: true });
  senders.on('error', onError);
  senders.on('connect', (client) => client.on('error', () => {}));
  const hearers = new Set<{ hear: (text: string) => void; resync: () => void }>();
  let listener: pg.Client | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || message.payload === undefined) return;
      for (const { hear } of hearers) hear(message.payload);
    });
    client.on('error', (error) => {
      onError(error);
      broken(client);
    });
    client.on('end', () => broken(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => {});
      throw error;
    }
    listener = client;
  }

  /** The listening connection is gone: connect again until it works, then resync. */
  function broken(client: pg.Client) {
    if (closed || listener !== client) return;
    listener = null;
    void client.end().catch(() => {});
    reconnect(50);
  }

  function reconnect(delay: number) {
    retry = setTimeout(async () => {
      if (closed) return;
      try {
        await connect();
      } catch (error) {
        onError(error as Error);
        return reconnect(Math.min(delay * 2, maxRetryMs));
      }
      if (closed) return void listener?.end().catch(() => {});
      for (const { resync } of hearers) resync();
    }, delay);
  }

  await connect();

  // A connection whose other end went without a word (a host gone, a network cut with no
  // reset) raises nothing: a query now and then finds it out, and it is replaced.
  const heartbeat = setInterval(() => {
    const client = listener;
    if (!client) return;
    const timeout = setTimeout(() => broken(client), HEARTBEAT_TIMEOUT_MS);
    client.query('SELECT 1').then(
      () => clearTimeout(timeout),
      () => {
        clearTimeout(timeout);
        broken(client);
      },
    );
  }, heartbeatMs);
  heartbeat.unref();

  return {
    maxBytes: 7999,
    async send(text) {
      // Once closed there is no one to tell: what is still sent is dropped.
      if (closed) return;
      await senders.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
    },
    listen(hear, resync) {
      const entry = { hear, resync };
      hearers.add(entry);
      return () => void hearers.delete(entry);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      await Promise.allSettled([listener?.end(), senders.end()]);
    },
  };
}
