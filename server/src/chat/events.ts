/**
 * What changed, announced after it is committed. Every write of `chat/` publishes here once
 * its transaction has committed, never before, so a listener (a stream, the console, a timer)
 * never learns of what is not stored. Events are small, ids and little else: a listener reads
 * what it needs from the store, so the same events can cross processes (PostgreSQL's NOTIFY
 * carries 8 kB at most) and a listener that missed some can catch up from the store.
 */
import { randomBytes } from 'node:crypto';
import type { StoreChannel } from '../store/types.ts';

export type ChatEvent =
  | { type: 'session.created' | 'session.updated' | 'session.deleted'; sessionId: number; topicId: number; status: number }
  | { type: 'message.created'; sessionId: number; topicId: number; messageId: number }
  /**
   * One side said it is typing (or has stopped): every process ends that side's typing by
   * itself a few seconds after the last time it said so, whichever process was told.
   */
  | { type: 'session.typing'; sessionId: number; topicId: number; flag: number; typing: boolean }
  /** The visitor has read the agent's messages up to this one. */
  | { type: 'message.read'; sessionId: number; topicId: number; messageId: number }
  | { type: 'topic.created' | 'topic.updated' | 'topic.deleted'; topicId: number }
  /** A topic's canned replies changed: the consoles of its agents read them again. */
  | { type: 'topic.cannedReplies'; topicId: number }
  | { type: 'agent.created' | 'agent.updated'; agentId: number }
  | { type: 'credential.created' | 'credential.deleted'; agentId: number; kind: 'token' | 'ticket' | 'session' }
  /** Events may have been missed (this process was cut off from the others): read everything again. */
  | { type: 'resync' };
export type ChatEventListener = (event: ChatEvent) => void;

export type EventBus = {
  /** Tells every listener; a listener that throws does not stop the others, nor the writer. */
  publish(event: ChatEvent): void;
  /** Returns the function that stops listening. */
  subscribe(listener: ChatEventListener): () => void;
  /** Resolves once every event published so far has gone wherever it goes (before the process ends). */
  drain(): Promise<void>;
};

/** The bus of one server process: listeners are called in the order they subscribed. */
export function inProcessBus({ onListenerError = (error: unknown) => console.error(error) } = {}): EventBus {
  const listeners = new Set<ChatEventListener>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      // Each subscription is its own, even for a listener already subscribed.
      const own: ChatEventListener = (event) => listener(event);
      listeners.add(own);
      return () => void listeners.delete(own);
    },
    drain: () => Promise.resolve(),
  };
}

export type SharedBusOptions = {
  onListenerError?: (error: unknown) => void;
  /** Told when the events could not be sent to the other processes (they are sent again). */
  onSendError?: (error: unknown) => void;
};

/** The events of a text another process sent (`origin [event, …]`); none of this process's own, nor of a text that is no such thing. */
function eventsIn(text: string, ownOrigin: string | null): ChatEvent[] {
  const space = text.indexOf(' ');
  if (space < 0 || text.slice(0, space) === ownOrigin) return [];
  let events: unknown;
  try {
    events = JSON.parse(text.slice(space + 1));
  } catch {
    return [];
  }
  if (!Array.isArray(events)) return [];
  return events.filter((event): event is ChatEvent => event && typeof event === 'object' && typeof event.type === 'string');
}

/**
 * Tells this process's listeners what another process left in a channel this process only
 * hears (a SQLite file's mailbox, where the admin command leaves its changes). Returns the
 * function that stops.
 */
export function hearOutside(channel: StoreChannel, bus: EventBus): () => void {
  return channel.listen(
    (text) => {
      for (const event of eventsIn(text, null)) bus.publish(event);
    },
    () => bus.publish({ type: 'resync' }),
  );
}

/** The most events kept for sending while the database cannot be reached; beyond it the oldest go (the others resync when it is back). */
const MAX_UNSENT = 10_000;

/**
 * The bus of several server processes on one database. An event is told to this process's
 * listeners at once, and sent to the others over the store's channel: the events of one turn
 * of the event loop together, in as few texts as fit the channel's size. A process does not
 * hear its own texts again. When the channel says events may have been lost, the listeners
 * get `resync`.
 */
export function sharedBus(channel: StoreChannel, { onListenerError, onSendError = (error) => console.error(error) }: SharedBusOptions = {}): EventBus {
  const local = inProcessBus({ onListenerError });
  const origin = randomBytes(6).toString('base64url');
  let unsent: ChatEvent[] = [];
  let sending = false;

  /** The events as texts, `origin [event, …]`, each within the channel's size. */
  function texts(events: readonly ChatEvent[]): string[] {
    const out: string[] = [];
    let batch: string[] = [];
    let size = origin.length + 3;
    for (const event of events) {
      const json = JSON.stringify(event);
      if (batch.length > 0 && size + json.length + 1 > channel.maxBytes) {
        out.push(`${origin} [${batch.join(',')}]`);
        batch = [];
        size = origin.length + 3;
      }
      batch.push(json);
      size += json.length + 1;
    }
    if (batch.length > 0) out.push(`${origin} [${batch.join(',')}]`);
    return out;
  }

  let flushing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    if (!sending) flushing = send();
    return flushing;
  }
  async function send(pause = 50) {
    sending = true;
    try {
      while (unsent.length > 0) {
        const events = unsent;
        unsent = [];
        try {
          for (const text of texts(events)) await channel.send(text);
        } catch (error) {
          onSendError(error);
          // Not sent: tried again, in order, before what came since.
          unsent = [...events, ...unsent].slice(-MAX_UNSENT);
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause = Math.min(pause * 2, 2000);
        }
      }
    } finally {
      sending = false;
    }
  }

  channel.listen(
    (text) => {
      for (const event of eventsIn(text, origin)) local.publish(event);
    },
    () => local.publish({ type: 'resync' }),
  );

  return {
    publish(event) {
      local.publish(event);
      if (event.type === 'resync') return;
      unsent.push(event);
      if (unsent.length === 1 && !sending) setImmediate(() => void flush());
    },
    subscribe: local.subscribe,
    drain: () => (unsent.length > 0 || sending ? flush() : Promise.resolve()),
  };
}
