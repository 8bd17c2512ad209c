/**
 * Opens the store CHAT_DB names: a `postgres://` URL opens PostgreSQL, with the channel the
 * server processes on that database tell each other their events by; anything else is a
 * SQLite file (or `:memory:`), for one process.
 */
import { openPostgresChannel } from './postgres/channel.ts';
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteMailbox } from './sqlite/mailbox.ts';
import { openSqliteStore, type SqliteOptions } from './sqlite/store.ts';
import type { ChatStore, StoreChannel } from './types.ts';

export const isDatabaseUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

/** The database as it may be shown: a URL without its password. */
export function describeDatabase(database: string): string {
  if (!isDatabaseUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    // node-postgres also takes passwords as parameters.
    for (const name of [...url.searchParams.keys()]) if (/password/i.test(name)) url.searchParams.set(name, '***');
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

export type OpenedStore = {
  store: ChatStore;
  /** PostgreSQL's: the events every server process on the database tells the others. */
  channel: StoreChannel | null;
  /** A SQLite file's: what the admin command changed beside the server, for the server to hear. */
  mailbox: StoreChannel | null;
};

export async function openStore(database: string, { synchronous, onError }: SqliteOptions & { onError?: (error: Error) => void } = {}): Promise<OpenedStore> {
  if (!isDatabaseUrl(database)) {
    const store = openSqliteStore(database, { synchronous });
    const inMemory = database === ':memory:' || database.startsWith('file::memory:');
    return { store, channel: null, mailbox: inMemory ? null : openSqliteMailbox(database) };
  }
  const store = await openPostgresStore(database, { onIdleError: onError });
  try {
    return { store, channel: await openPostgresChannel(database, { onError }), mailbox: null };
  } catch (error) {
    await store.close();
    throw error;
  }
}
