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
};

const auditToStdout: AuditLog = (line) => void process.stdout.write(`${JSON.stringify(line)}\n`);

export function createChat({ store, bus, now = Date.now, allowedOrigins = [], typingExpiresMs, audit = auditToStdout }: ChatDeps) {
  const origins = originPolicy(store, allowedOrigins);
  const members = membershipService({ store, bus });
  const sessions = sessionService({ store, bus, origins, now });
  const conversation = conversationService({ store, bus, now, members, typingExpiresMs });
  return {
    origins,
    bus,
    members,
    sessions,
    conversation,
    streams: streamHub({ store, bus, now, members, view: sessions.view }),
    topics: topicService({ store, bus, members, now }),
    agents: agentService({ store, bus, now, members, log: audit, release: conversation.releaseAgent }),
    cannedReplies: cannedReplyService({ store, bus, members }),
  };
}

export type Chat = ReturnType<typeof createChat>;
