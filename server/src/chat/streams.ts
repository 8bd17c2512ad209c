/**
 * Live streams of a session's conversation. Each stream has a cursor, the id of the last
 * message it sent. On every (re)connect it listens first, then sends the session's state as it
 * is now, then every message after the cursor, then live changes as the event bus announces
 * them: what it sends is read from the store, by cursor, so a message is never skipped nor sent
 * twice, and a change of state missed while disconnected is healed by the state sent first.
 */
import { ChatSessionStatus } from '@chatline/shared';
import type { AgentRecord, ChatStore, MessageRecord, Millis, SessionRecord } from '../store/types.ts';
import { followable } from './access.ts';
import { queueIndex } from './queues.ts';
import { tooMany, unauthorized } from './errors.ts';
import type { EventBus } from './events.ts';
import { grants, type AgentPresence, type MembershipService } from './membership.ts';
import { requireAgent, type Caller } from './rights.ts';
import type { SessionView } from './sessions.ts';
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

/** What an agent's stream sends: its chats first, then what happens in them. */
export type AgentStreamEvent =
  /** On every (re)connect: the chats waiting or under way that the agent may follow. */
  | { kind: 'sessions'; cursor: number; sessions: SessionView[] }
  /** A chat the agent may follow came or changed (it joined the queue, left it, was offered). */
  | { kind: 'session'; cursor: number; session: SessionView }
  /** A chat was deleted. */
  | { kind: 'removed'; cursor: number; sessionId: number }
  | { kind: 'message'; cursor: number; message: MessageRecord }
  /** The canned replies of a topic the agent follows changed: read them again. */
  | { kind: 'cannedReplies'; cursor: number; topicId: number }
  /** The visitor of a chat the agent follows has read the agent's messages up to this one. */
  | { kind: 'read'; cursor: number; sessionId: number; messageId: number }
  /** An agent is there now, or away: its presence as GetChatPresence gives it. */
  | { kind: 'presence'; cursor: number; presence: AgentPresence };

export type AgentStreamSink = {
  send(event: AgentStreamEvent): Promise<void>;
  close(): void;
};

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
  /** The topic whose queue it waits in, as last sent; null when it does not wait. */
  waitsIn: number | null;
  cursor: number;
  sink: StreamSink;
  /** The state last sent, as JSON, so that only a change is sent. */
  lastState: string;
  pumping: boolean;
  again: boolean;
  closed: boolean;
  client: string;
  visitor: boolean;
  /** The agent who follows the session by it; null for the visitor's. */
  agentId: number | null;
};

const activeStatuses = new Set<number>([ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast]);

type AgentStream = {
  agentId: number;
  /** The topics whose chats it may follow. */
  topics: Set<number>;
  cursor: number;
  sink: AgentStreamSink;
  /** Sessions to send again: changed since they were last sent. */
  changed: Map<number, SessionRecord | null>;
  messages: boolean;
  /** Topics whose canned replies changed since they were last told. */
  replies: Set<number>;
  /** What each chat's visitor has read, by session, since it was last told. */
  reads: Map<number, number>;
  /** The presence of each agent whose presence changed since it was last told, as it was read then. */
  presence: Map<number, AgentPresence>;
  /** The topics it follows changed: the chats are sent again, as on a connect. */
  resync: boolean;
  pumping: boolean;
  closed: boolean;
  client: string;
};

const open = [ChatSessionStatus.InQueue, ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast];

export type StreamDeps = {
  store: ChatStore;
  bus: EventBus;
  now: () => Millis;
  members: MembershipService;
  /** A session with what answering it needs. */
  view: (session: SessionRecord) => Promise<SessionView>;
};

export function streamHub({ store, bus, now, members, view }: StreamDeps) {
  const agentStreams = new Set<AgentStream>();
  const bySession = new Map<number, Set<Stream>>();
  const byClient = new Map<string, number>();
  const queues = queueIndex(store);
  /** The streams of waiting visitors, by topic: told their new places when the queue moves. */
  const waiting = new Map<number, Set<Stream>>();

  async function stateOf(session: SessionRecord): Promise<StreamState> {
    const agent = session.userId !== null && activeStatuses.has(session.status) ? await store.getAgent(session.userId) : null;
    return {
      sessionId: session.id,
      status: session.status,
      agentName: agent ? agent.fullName || agent.userName : null,
      queuePosition: await queues.position(session),
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
    waitIn(stream, null);
    release(stream.client);
    stream.sink.close();
  }

  function waitIn(stream: Stream, topicId: number | null) {
    if (stream.waitsIn === topicId) return;
    if (stream.waitsIn !== null) {
      const streams = waiting.get(stream.waitsIn);
      streams?.delete(stream);
      if (streams?.size === 0) waiting.delete(stream.waitsIn);
    }
    stream.waitsIn = topicId;
    if (topicId === null) return;
    let streams = waiting.get(topicId);
    if (!streams) waiting.set(topicId, (streams = new Set()));
    streams.add(stream);
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
        if (!stream.closed) waitIn(stream, state.queuePosition === null ? null : session.topicId);
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
    if (event.type === 'resync') {
      // Events may have been missed: every stream reads what it shows again, from its cursor.
      queues.forget();
      for (const streams of bySession.values()) for (const stream of streams) void pump(stream);
      for (const stream of agentStreams) void resyncAgent(stream);
      return;
    }
    // An agent's credentials were taken back: the streams of single chats it follows end too.
    if (event.type === 'credential.deleted') {
      for (const streams of bySession.values()) for (const stream of [...streams]) if (stream.agentId === event.agentId) close(stream);
    }
    // A side's typing shows by the flag it sets, announced as the session's change.
    if (event.type === 'session.typing') return;
    // What the visitor read is for the agents only.
    if ('sessionId' in event && event.type !== 'message.read') {
      const streams = bySession.get(event.sessionId);
      if (streams) for (const stream of streams) void pump(stream);
      // Those who wait behind a session that joined or left the queue have a new place.
      for (const topicId of queues.observe(event)) {
        for (const stream of waiting.get(topicId) ?? []) if (stream.sessionId > event.sessionId) void pump(stream);
      }
    }
    if (agentStreams.size > 0) void toAgents(event);
  });

  /** Whether the agent may follow this chat: in a topic it listens to, its own, or offered to it. */
  const follows = (stream: AgentStream, session: SessionRecord) =>
    stream.topics.has(session.topicId) || session.userId === stream.agentId || session.transferToId === stream.agentId;

  async function topicsOf(agentId: number): Promise<Set<number>> {
    const mine = await store.agentTopics(agentId);
    return new Set(mine.filter((member) => grants(member, 'listen')).map((member) => member.topicId));
  }

  /** Tells each agent's stream of what concerns it; the session is read once for them all. */
  async function toAgents(event: Parameters<Parameters<EventBus['subscribe']>[0]>[0]) {
    try {
      if (event.type === 'agent.updated') {
        // Every agent sees every agent's presence (GetChatPresence): read once, told to all.
        const presence = await members.presenceOfAgent(event.agentId);
        if (!presence) return;
        for (const stream of agentStreams) {
          stream.presence.set(event.agentId, presence);
          void pumpAgent(stream);
        }
        return;
      }
      if (event.type === 'topic.cannedReplies') {
        for (const stream of agentStreams) {
          if (!stream.topics.has(event.topicId)) continue;
          stream.replies.add(event.topicId);
          void pumpAgent(stream);
        }
        return;
      }
      if (event.type === 'topic.updated' || event.type === 'topic.deleted' || event.type === 'topic.created') {
        // Who may follow what may have changed: an agent whose topics did is sent its chats again.
        for (const stream of agentStreams) {
          const topics = await topicsOf(stream.agentId);
          if (topics.size === stream.topics.size && [...topics].every((topic) => stream.topics.has(topic))) continue;
          stream.topics = topics;
          stream.resync = true;
          void pumpAgent(stream);
        }
        return;
      }
      if (event.type === 'credential.deleted') {
        // Signed out, or a token taken back: the agent's streams end, and each connects again
        // with what it still holds, or is refused.
        for (const stream of [...agentStreams]) if (stream.agentId === event.agentId) closeAgent(stream);
        return;
      }
      if (!('sessionId' in event)) return;
      const session = event.type === 'session.deleted' ? null : await store.getSession(event.sessionId);
      for (const stream of agentStreams) {
        const concerned = session ? follows(stream, session) : stream.topics.has(event.topicId);
        if (!concerned) continue;
        if (event.type === 'message.created') stream.messages = true;
        else if (event.type === 'message.read') stream.reads.set(event.sessionId, Math.max(event.messageId, stream.reads.get(event.sessionId) ?? 0));
        else stream.changed.set(event.sessionId, session);
        void pumpAgent(stream);
      }
    } catch {
      // The store failed: the streams' clients resync when they reconnect.
    }
  }

  /** Sends the agent's chats again, as on a connect, and every message after its cursor. */
  async function resyncAgent(stream: AgentStream) {
    try {
      stream.topics = await topicsOf(stream.agentId);
    } catch {
      closeAgent(stream);
      return;
    }
    stream.resync = true;
    stream.messages = true;
    void pumpAgent(stream);
  }

  /** The chats waiting and under way that the stream's agent may follow, as they are now. */
  async function sendSessions(stream: AgentStream) {
    const [inTopics, own, offered] = await Promise.all([
      store.listSessions({ topicIds: [...stream.topics], statuses: open, skip: 0, top: 1000 }),
      store.listSessions({ userId: stream.agentId, statuses: open, skip: 0, top: 1000 }),
      store.listSessions({ transferToId: stream.agentId, statuses: open, skip: 0, top: 1000 }),
    ]);
    const byId = new Map([...inTopics, ...own, ...offered].map((session) => [session.id, session]));
    const sessions = await Promise.all([...byId.values()].sort((a, b) => a.id - b.id).map(view));
    await stream.sink.send({ kind: 'sessions', cursor: stream.cursor, sessions });
  }

  async function pumpAgent(stream: AgentStream) {
    if (stream.pumping) return;
    stream.pumping = true;
    try {
      while (!stream.closed && (stream.resync || stream.changed.size > 0 || stream.messages || stream.replies.size > 0 || stream.presence.size > 0 || readsToSend(stream))) {
        if (stream.resync) {
          // What it follows changed: the chats again, as on a connect, then the rest.
          stream.resync = false;
          stream.changed.clear();
          await sendSessions(stream);
        }
        const changed = [...stream.changed];
        stream.changed.clear();
        for (const [sessionId, session] of changed) {
          if (session) await stream.sink.send({ kind: 'session', cursor: stream.cursor, session: await view(session) });
          else await stream.sink.send({ kind: 'removed', cursor: stream.cursor, sessionId });
        }
        if (stream.messages) {
          stream.messages = false;
          for (;;) {
            const messages = await store.messagesAfter(stream.cursor, { topicIds: [...stream.topics], agentId: stream.agentId }, 200);
            for (const message of messages) {
              if (stream.closed) return;
              await stream.sink.send({ kind: 'message', cursor: message.id, message });
              stream.cursor = message.id;
            }
            if (messages.length < 200) break;
          }
        }
        for (const topicId of [...stream.replies]) {
          stream.replies.delete(topicId);
          await stream.sink.send({ kind: 'cannedReplies', cursor: stream.cursor, topicId });
        }
        for (const [agentId, presence] of [...stream.presence]) {
          stream.presence.delete(agentId);
          await stream.sink.send({ kind: 'presence', cursor: stream.cursor, presence });
        }
        // A read comes after the message it names: one the stream has not sent yet waits for it.
        for (const [sessionId, messageId] of [...stream.reads]) {
          if (messageId > stream.cursor) continue;
          stream.reads.delete(sessionId);
          await stream.sink.send({ kind: 'read', cursor: stream.cursor, sessionId, messageId });
        }
      }
    } catch {
      closeAgent(stream);
    } finally {
      stream.pumping = false;
    }
  }

  /** Whether the stream has a read to tell whose message it has sent. */
  const readsToSend = (stream: AgentStream) => [...stream.reads.values()].some((messageId) => messageId <= stream.cursor);

  function closeAgent(stream: AgentStream) {
    if (stream.closed) return;
    stream.closed = true;
    agentStreams.delete(stream);
    release(stream.client);
    stream.sink.close();
  }

  return {
    /**
     * A single-use ticket for a visitor's EventSource, which cannot send the session key in a
     * header: the key stays out of URLs and their logs, and the ticket is good for a minute.
     */
    async ticket(caller: Caller, id: number, sessionKey: string | undefined): Promise<{ ticket: string; expiresAt: Millis }> {
      await follow(caller, id, sessionKey);
      const ticket = newSecret();
      const expiresAt = now() + TICKET_LIFETIME_MS;
      // Kept by the store, so a stream may open on any server process that shares it; an
      // agent's goes with the agent's other credentials when they are taken back.
      const agentId = caller.kind === 'agent' ? caller.agent.id : null;
      await store.addStreamTicket({ secretHash: sha256(ticket), sessionId: id, agentId, expiresAt });
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
      let agentId: number | null = null;
      if (caller.kind === 'visitor' && ticket !== undefined) {
        const held = await store.takeStreamTicket(sha256(ticket), now());
        if (!held || held.sessionId !== id) throw unauthorized('ticketExpired');
        if (held.agentId !== null) {
          const agent = await store.getAgent(held.agentId);
          if (!agent || agent.deleted) throw unauthorized('ticketExpired');
          agentId = agent.id;
        }
        visitor = agentId === null;
      } else {
        await follow(caller, id, sessionKey);
        visitor = caller.kind === 'visitor';
        agentId = caller.kind === 'agent' ? caller.agent.id : null;
      }
      const held = byClient.get(client) ?? 0;
      if (held >= MAX_STREAMS_PER_CLIENT) throw tooMany('tooManyStreams', MAX_STREAMS_PER_CLIENT);
      byClient.set(client, held + 1);
      if (visitor) await markFetched(id);
      let settled = false;
      return {
        start(sink) {
          settled = true;
          const stream: Stream = { sessionId: id, waitsIn: null, cursor: after, sink, lastState: '', pumping: false, again: false, closed: false, client, visitor, agentId };
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

    /** A single-use ticket for an agent's EventSource: cookies and their XSRF token do not go with it. */
    async agentTicket(caller: Caller): Promise<{ ticket: string; expiresAt: Millis }> {
      const agent = requireAgent(caller);
      const ticket = newSecret();
      const expiresAt = now() + TICKET_LIFETIME_MS;
      await store.addStreamTicket({ secretHash: sha256(ticket), sessionId: null, agentId: agent.id, expiresAt });
      return { ticket, expiresAt };
    },

    /**
     * Opens an agent's stream of every chat it may follow, from the cursor (the last message
     * id it has, of any chat; 0 for a first connect, which starts from now): first the chats
     * waiting and under way, then every message after the cursor, then what happens in them as
     * it happens.
     */
    async openForAgent(caller: Caller, { after, client, ticket }: { after: number; client: string; ticket?: string }) {
      let agent: AgentRecord;
      if (caller.kind === 'visitor' && ticket !== undefined) {
        const held = await store.takeStreamTicket(sha256(ticket), now());
        // A ticket of one session's stream opens that stream only.
        const found = held && held.sessionId === null && held.agentId !== null ? await store.getAgent(held.agentId) : null;
        if (!found || found.deleted) throw unauthorized('ticketExpired');
        agent = found;
      } else agent = requireAgent(caller);
      const held = byClient.get(client) ?? 0;
      if (held >= MAX_STREAMS_PER_CLIENT) throw tooMany('tooManyStreams', MAX_STREAMS_PER_CLIENT);
      byClient.set(client, held + 1);
      let settled = false;
      return {
        start(sink: AgentStreamSink) {
          settled = true;
          const stream: AgentStream = { agentId: agent.id, topics: new Set(), cursor: after, sink, changed: new Map(), messages: false, replies: new Set(), reads: new Map(), presence: new Map(), resync: false, pumping: true, closed: false, client };
          // Listen first, then catch up: what happens meanwhile waits for the catch-up to end.
          agentStreams.add(stream);
          void (async () => {
            try {
              stream.topics = await topicsOf(agent.id);
              // Without a cursor the stream starts from now: the chats' histories are read by
              // GET …/Messages, not sent again on every first connect.
              if (after === 0) stream.cursor = await store.lastMessageId();
              await sendSessions(stream);
              stream.messages = true;
            } catch {
              closeAgent(stream);
              return;
            } finally {
              stream.pumping = false;
            }
            void pumpAgent(stream);
          })();
          return { close: () => closeAgent(stream) };
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
      for (const stream of [...agentStreams]) closeAgent(stream);
    },

    /** The sessions whose visitor has a stream open to this process: their widget is there. */
    visitorSessions(): number[] {
      const ids: number[] = [];
      for (const [id, streams] of bySession) for (const stream of streams) if (stream.visitor && !stream.closed) { ids.push(id); break; }
      return ids;
    },

    /** How many streams are open. */
    get size() {
      let count = agentStreams.size;
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
