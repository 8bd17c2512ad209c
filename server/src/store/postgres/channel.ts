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

export type ChannelOptions = {
  /** Told when the listening connection breaks or cannot connect. */
  onError?: (error: Error) => void;
  /** The longest pause between two attempts to connect again. */
  maxRetryMs?: number;
};

export async function openPostgresChannel(url: string, { onError = () => {}, maxRetryMs = 2000 }: ChannelOptions = {}): Promise<StoreChannel> {
  const senders = new pg.Pool({ connectionString: url, max: 2 });
  senders.on('error', onError);
  const hearers = new Set<{ hear: (text: string) => void; resync: () => void }>();
  let listener: pg.Client | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client({ connectionString: url });
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
      for (const { resync } of hearers) resync();
    }, delay);
  }

  await connect();

  return {
    maxBytes: 7999,
    async send(text) {
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
      await Promise.allSettled([listener?.end(), senders.end()]);
    },
  };
}
