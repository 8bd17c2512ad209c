/**
 * The mailbox of a SQLite file: how a process that changes the database beside the server
 * (the admin command) tells the server what it changed, so that a removed agent's credentials
 * and streams end at once there too. A channel as PostgreSQL's LISTEN/NOTIFY is one: the
 * sender adds a row, the listener reads the rows after the last it read, a few times a second.
 * The server never sends into it: its own events stay in its memory.
 */
import Database from 'better-sqlite3';
import type { StoreChannel } from '../types.ts';

/** How long a text stays for a listener that has not read it yet. */
const KEPT_MS = 5 * 60_000;

export function openSqliteMailbox(path: string, { pollMs = 200, busyTimeout = 5000 } = {}): StoreChannel {
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`);
  const insert = db.prepare('INSERT INTO outside_event (text, at) VALUES (?, ?)');
  const prune = db.prepare('DELETE FROM outside_event WHERE at < ?');
  const after = db.prepare('SELECT id, text FROM outside_event WHERE id > ? ORDER BY id').raw();
  const last = db.prepare('SELECT coalesce(max(id), 0) FROM outside_event').pluck();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  return {
    maxBytes: 64 * 1024,
    async send(text) {
      insert.run(text, Date.now());
      prune.run(Date.now() - KEPT_MS);
    },
    listen(hear, resync) {
      let seen = last.get() as number;
      let failing = false;
      const timer = setInterval(() => {
        try {
          for (const [id, text] of after.all(seen) as [number, string][]) {
            seen = id;
            hear(text);
          }
          if (failing) resync();
          failing = false;
        } catch {
          // The file was busy: read again at the next turn, and what was missed meanwhile is not lost.
          failing = true;
        }
      }, pollMs);
      timer.unref();
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      db.close();
    },
  };
}
