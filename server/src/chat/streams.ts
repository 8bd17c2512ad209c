/**
 * Live streams of a session's conversation. Each stream has a cursor, the id of the last
 * message it sent. On every (re)connect it listens first, then sends the session's state as it
 * is now, then every message after the cursor, then live changes as the event bus announces
 * them: what it sends is read from the store, by cursor, so a message is never skipped nor sent
 * twice, and a change of state missed while disconnected is healed by the state sent first.
 */
import { ChatSessionStatus } from '@chatline/shared';
import type { ChatStore, MessageRecord, Millis, SessionRecord } from '../store/types.ts';
import { followable } from './access.ts';
import { tooMany, unauthorized } from './errors.ts';
import type { EventBus } from './events.ts';
import type { MembershipService } from './membership.ts';
import type { Caller } from './rights.ts';
import { newSecret, sha256 } from './secrets.ts';

/** What a stream tells of its session: where it is in its life, who has it, and who is typing. */
export type StreamState = {
  sessionId: number;
  /** A ChatSessionStatus value. */
  status: number;
  /** The agent's name as the visitor sees it; null while nobody has the chat. */
  agentName: string | null;
  /** The visitor's place in the queue now, while they wait; null otherwise. */
  queuePosition: number | null;
  /** ChatSessionFlags: who is typing. */
  flags: number;
  whenEnded: Millis | null;
};

export type StreamEvent =
  | { kind: 'state'; cursor: number; state: StreamState }
  | { kind: 'message'; cursor: number; message: MessageRecord }
  /** The session is gone: the stream ends. */
  | { kind: 'gone' };

/** Where a stream's events go: the HTTP layer writes them; close ends the stream for good. */
export type StreamSink = {
  send(event: StreamEvent): Promise<void>;
  close(): void;
};

export type OpenStream = { sessionId: number; close(): void };

/** A stream allowed but not yet started: it starts once there is somewhere to send to. */
export type AdmittedStream = { start(sink: StreamSink): OpenStream; cancel(): void };

/** How long a stream ticket may wait to be used: long enough for EventSource to connect. */
export const TICKET_LIFETIME_MS = 60_000;
/** The most streams one client may hold open at once. */
export const MAX_STREAMS_PER_CLIENT = 16;

type Stream = {
  sessionId: number;
  cursor: number;
  sink: StreamSink;
  /** The state last sent, as JSON, so that only a change is sent. */
  lastState: string;
  pumping: boolean;
  again: boolean;
  closed: boolean;
  client: string;
  visitor: boolean;
};

const activeStatuses = new Set<number>([ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast]);

export function streamHub({ store, bus, now, members }: { store: ChatStore; bus: EventBus; now: () => Millis; members: MembershipService }) {
  const bySession = new Map<number, Set<Stream>>();
  const byClient = new Map<string, number>();
  const tickets = new Map<string, { sessionId: number; expiresAt: Millis }>();

  async function stateOf(session: SessionRecord): Promise<StreamState> {
    const agent = session.userId !== null && activeStatuses.has(session.status) ? await store.getAgent(session.userId) : null;
    return {
      sessionId: session.id,
      status: session.status,
      agentName: agent ? agent.fullName || agent.userName : null,
      queuePosition: session.status === ChatSessionStatus.InQueue ? await store.queuePosition(session.id) : null,
      flags: session.flags,
      whenEnded: session.whenEnded,
    };
  }

  function release(client: string) {
    const held = (byClient.get(client) ?? 1) - 1;
    if (held > 0) byClient.set(client, held);
    else byClient.delete(client);
  }

  function close(stream: Stream) {
    if (stream.closed) return;
    stream.closed = true;
    const streams = bySession.get(stream.sessionId);
    streams?.delete(stream);
    if (streams?.size === 0) bySession.delete(stream.sessionId);
    release(stream.client);
    stream.sink.close();
  }

  /** Sends what changed since the stream last sent: its state if it changed, then the messages after its cursor. */
  async function pump(stream: Stream) {
    if (stream.pumping) {
      stream.again = true;
      return;
    }
    stream.pumping = true;
    try {
      do {
        stream.again = false;
        const session = await store.getSession(stream.sessionId);
        if (!session) {
          await stream.sink.send({ kind: 'gone' });
          close(stream);
          return;
        }
        const state = await stateOf(session);
        const json = JSON.stringify(state);
        if (json !== stream.lastState) {
          stream.lastState = json;
          await stream.sink.send({ kind: 'state', cursor: stream.cursor, state });
        }
        for (;;) {
          const messages = await store.listMessages(stream.sessionId, stream.cursor, 200);
          for (const message of messages) {
            if (stream.closed) return;
            await stream.sink.send({ kind: 'message', cursor: message.id, message });
            stream.cursor = message.id;
          }
          if (messages.length < 200) break;
        }
      } while (stream.again && !stream.closed);
    } catch {
      // The client went away, or the store failed: the client reconnects from its cursor.
      close(stream);
    } finally {
      stream.pumping = false;
    }
  }

  bus.subscribe((event) => {
    if (!('sessionId' in event)) return;
    const streams = bySession.get(event.sessionId);
    if (streams) for (const stream of streams) void pump(stream);
  });

  return {
    /**
     * A single-use ticket for a visitor's EventSource, which cannot send the session key in a
     * header: the key stays out of URLs and their logs, and the ticket is good for a minute.
     */
    async ticket(caller: Caller, id: number, sessionKey: string | undefined): Promise<{ ticket: string; expiresAt: Millis }> {
      await follow(caller, id, sessionKey);
      const ticket = newSecret();
      const expiresAt = now() + TICKET_LIFETIME_MS;
      tickets.set(sha256(ticket), { sessionId: id, expiresAt });
      // Forget the tickets nobody used: they are few, and a minute old at most.
      for (const [hash, held] of tickets) if (held.expiresAt <= now()) tickets.delete(hash);
      return { ticket, expiresAt };
    },

    /**
     * Opens a stream of a session for an agent, or for the visitor with the session key or a
     * ticket, from the cursor (the last message id the client has; 0 for the whole chat).
     */
    async open(
      caller: Caller,
      id: number,
      { sessionKey, ticket, after, client }: { sessionKey?: string; ticket?: string; after: number; client: string },
    ): Promise<AdmittedStream> {
      let visitor = false;
      if (caller.kind === 'visitor' && ticket !== undefined) {
        const held = tickets.get(sha256(ticket));
        tickets.delete(sha256(ticket));
        if (!held || held.sessionId !== id || held.expiresAt <= now()) throw unauthorized('ticketExpired');
        visitor = true;
      } else {
        await follow(caller, id, sessionKey);
        visitor = caller.kind === 'visitor';
      }
      const held = byClient.get(client) ?? 0;
      if (held >= MAX_STREAMS_PER_CLIENT) throw tooMany('tooManyStreams', MAX_STREAMS_PER_CLIENT);
      byClient.set(client, held + 1);
      if (visitor) await markFetched(id);
      let settled = false;
      return {
        start(sink) {
          settled = true;
          const stream: Stream = { sessionId: id, cursor: after, sink, lastState: '', pumping: false, again: false, closed: false, client, visitor };
          // Listen first, then catch up: what is posted meanwhile is sent by the pump that follows.
          let streams = bySession.get(id);
          if (!streams) bySession.set(id, (streams = new Set()));
          streams.add(stream);
          void pump(stream);
          return { sessionId: id, close: () => close(stream) };
        },
        cancel() {
          if (settled) return;
          settled = true;
          release(client);
        },
      };
    },

    /** Ends every stream, as the server stops: each client reconnects to another or later. */
    closeAll() {
      for (const streams of [...bySession.values()]) for (const stream of [...streams]) close(stream);
    },

    /** How many streams are open. */
    get size() {
      let count = 0;
      for (const streams of bySession.values()) count += streams.size;
      return count;
    },
  };

  /** The session, if the caller may follow it: the visitor theirs, an agent its own or those of topics it may listen to. */
  async function follow(caller: Caller, id: number, sessionKey: string | undefined) {
    const session = await followable(store, caller, id, sessionKey);
    if (caller.kind === 'agent') await members.requireForSession(caller, session, 'listen');
    return session;
  }

  /** The visitor's client is there: WhenFetched says when it last was. */
  async function markFetched(id: number) {
    const fetched = now();
    const result = await store.changeSession(id, () => ({ session: { whenFetched: fetched } }));
    if (result.outcome === 'changed') {
      bus.publish({ type: 'session.updated', sessionId: id, topicId: result.session.topicId, status: result.session.status });
    }
  }
}

export type StreamHub = ReturnType<typeof streamHub>;
