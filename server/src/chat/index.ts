/**
 * The rules of the chat, below HTTP: every change to a session, topic, agent or credential
 * goes through here, and is announced on the event bus after it is committed. Imports the
 * shared field tables and the store's interface, never `hono`: a route, a stream, a timer or
 * the admin command call the same functions with plain values.
 */
import type { ChatStore, Millis } from '../store/types.ts';
import { agentService } from './agents.ts';
import { cannedReplyService } from './canned-replies.ts';
import { conversationService } from './conversation.ts';
import { membershipService } from './membership.ts';
import type { EventBus } from './events.ts';
import { originPolicy } from './origins.ts';
import { sessionService } from './sessions.ts';
import type { AuditLog } from './sign-in.ts';
import { streamHub } from './streams.ts';
import { topicService } from './topics.ts';
import { DEFAULT_IDLE_TIMES, idleService, type IdleTimes } from './idle.ts';
import { ratingService } from './ratings.ts';
import { requestService } from './requests.ts';

export type ChatDeps = {
  store: ChatStore;
  bus: EventBus;
  /** The server clock. */
  now?: () => Millis;
  /** Origins whose pages may use every topic (`CHAT_ALLOWED_ORIGINS`). */
  allowedOrigins?: Iterable<string>;
  /** How long a side counts as typing after it last said so. */
  typingExpiresMs?: number;
  /** Where the record of sign-ins and changes to access is logged: a JSON line on standard output by default. */
  audit?: AuditLog;
  /** When a visitor counts as gone, a chat as idle, and how long an ended chat may be reopened. */
  idleTimes?: Partial<IdleTimes>;
};

const auditToStdout: AuditLog = (line) => void process.stdout.write(`${JSON.stringify(line)}\n`);

export function createChat({ store, bus, now = Date.now, allowedOrigins = [], typingExpiresMs, audit = auditToStdout, idleTimes }: ChatDeps) {
  const origins = originPolicy(store, allowedOrigins);
  const members = membershipService({ store, bus });
  const times = { ...DEFAULT_IDLE_TIMES, ...idleTimes };
  const sessions = sessionService({ store, bus, origins, now });
  const streams = streamHub({ store, bus, now, members, view: sessions.view });
  const idle = idleService({ store, bus, now, times, connected: () => streams.visitorSessions() });
  const conversation = conversationService({ store, bus, now, members, typingExpiresMs, reopenWithinMs: times.reopenWithinMs, fetched: idle.fetched });
  // A visitor's read of their session says their widget is there, as their stream does.
  const read = sessions.read;
  sessions.read = async (caller, id, options) => {
    const view = await read(caller, id, options);
    if (caller.kind === 'visitor') await idle.fetched(view.session);
    return view;
  };
  return {
    origins,
    bus,
    members,
    sessions,
    conversation,
    streams,
    idle,
    requests: requestService({ store, bus, members, now }),
    ratings: ratingService({ store, bus, members, now }),
    topics: topicService({ store, bus, members, now, reopenWithinMs: times.reopenWithinMs }),
    agents: agentService({ store, bus, now, members, log: audit, release: conversation.releaseAgent }),
    cannedReplies: cannedReplyService({ store, bus, members }),
  };
}

export type Chat = ReturnType<typeof createChat>;
