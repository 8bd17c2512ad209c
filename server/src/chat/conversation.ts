/**
 * The conversation of a session: its messages, and an agent picking it up from the queue.
 * Each change and the messages it adds are one transaction of the store, decided from the
 * session as it is in that transaction, and announced on the event bus once committed.
 */
import {
  ChatMessageSpecialType,
  ChatMessageType,
  ChatSessionFlagMasks,
  ChatSessionStatus,
  chatMessage,
  readFields,
} from '@chatline/shared';
import type { ChatStore, MessageDraft, MessageRecord, Millis, SessionRecord, SessionState } from '../store/types.ts';
import { conflict, forbidden, invalidFields, notFound, unauthorized } from './errors.ts';
import type { EventBus } from './events.ts';
import { followable, mayFollow } from './access.ts';
import { grants, type MembershipService, type TopicRight } from './membership.ts';
import { agentName, closingMessage, hasEnded, visitorName } from './lifecycle.ts';
import { checkWritable, requireAgent, type Caller } from './rights.ts';

/** LastMessage holds this much of the last message (its column's length in SuperOffice). */
const LAST_MESSAGE_LENGTH = 1024;

/** The most messages one read answers; a client reads on from the last id it got. */
export const MAX_MESSAGES_PER_READ = 1000;

/** Thrown inside a decision to say "not in the queue", with the session as it is then. */
class NotWaiting extends Error {
  constructor(readonly session: SessionRecord) {
    super('not waiting');
  }
}

/** Thrown inside a decision when there is nothing to write. */
class Unchanged extends Error {}

/** The smallest number from 1 that none of the agent's other sessions under way has. */
function lowestFreeRank(taken: readonly number[]): number {
  const used = new Set(taken);
  let rank = 1;
  while (used.has(rank)) rank++;
  return rank;
}

export type ConversationDeps = {
  store: ChatStore;
  bus: EventBus;
  members: MembershipService;
  now: () => Millis;
  /** How long a side counts as typing after it last said so. */
  typingExpiresMs?: number;
  /** How long after a chat ended the visitor may reopen it by writing again; 0 never. */
  reopenWithinMs?: number;
  /** The visitor's widget read the session's messages: it is there. */
  fetched?: (session: SessionRecord) => Promise<void>;
};

export type Posted = { message: MessageRecord; session: SessionRecord; replayed: boolean };

/** How long a side counts as typing after it last said so. */
export const TYPING_EXPIRES_MS = 6000;

/** The flag each side's typing sets. */
const typingFlag = (caller: Caller) => (caller.kind === 'agent' ? ChatSessionFlagMasks.UserIsTyping : ChatSessionFlagMasks.CustomerIsTyping);

/** Thrown in a message's write when the agent's right in the topic must be read first. */
class RightToCheck extends Error {}

export function conversationService({ store, bus, now, members, typingExpiresMs = TYPING_EXPIRES_MS, reopenWithinMs = 0, fetched }: ConversationDeps) {
  /** The timers that end each side's typing, by session and flag. */
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  // Whichever process a side's typing reached, each process's timer for it starts again: the
  // typing ends a few seconds after the side last said so, not after it first told this one.
  // A side that stopped leaves the timers be: a "typing" that another process writes after the
  // "stopped" (they may cross) is still ended by them.
  bus.subscribe((event) => {
    if (event.type !== 'session.typing' || !event.typing) return;
    const timer = `${event.sessionId}:${event.flag}`;
    clearTimeout(typingTimers.get(timer));
    const expiry = setTimeout(() => {
      typingTimers.delete(timer);
      void setFlag(event.sessionId, event.flag, false).catch(() => {});
    }, typingExpiresMs);
    expiry.unref();
    typingTimers.set(timer, expiry);
  });

  async function setFlag(id: number, flag: number, on: boolean) {
    const result = await store.changeSession(id, ({ session }) => {
      const flags = on ? session.flags | flag : session.flags & ~flag;
      if (flags === session.flags) throw new Unchanged();
      return { session: { flags, updatedAt: now() } };
    });
    if (result.outcome === 'changed') announce(result.session, []);
  }

  function announce(session: SessionRecord, messages: readonly MessageRecord[]) {
    bus.publish({ type: 'session.updated', sessionId: session.id, topicId: session.topicId, status: session.status });
    for (const message of messages) {
      bus.publish({ type: 'message.created', sessionId: session.id, topicId: session.topicId, messageId: message.id });
    }
  }

  /**
   * The session, if this caller may do this in it: the visitor theirs, by its key; an agent
   * its own chats, or those of topics where it has the right.
   */
  async function sessionFor(caller: Caller, id: number, sessionKey: string | undefined, right: TopicRight = 'listen') {
    const session = await followable(store, caller, id, sessionKey);
    if (caller.kind === 'agent') await members.requireForSession(caller, session, right);
    return session;
  }

  /** A chat that the visitor may reopen by writing again: closed (by either side, or for being idle) a short while ago. */
  const mayReopen = (session: SessionRecord, at: Millis) =>
    reopenWithinMs > 0 && session.status === ChatSessionStatus.Closed && session.whenEnded !== null && at - session.whenEnded <= reopenWithinMs;

  const reopening = (author: string, at: Millis): MessageDraft => special(ChatMessageSpecialType.ReopenedByCustomer, 'The visitor reopened the chat.', author, at);

  /** A Special message of this kind. */
  const special = (specialType: number, message: string, author: string, whenPosted: Millis): MessageDraft => ({
    type: ChatMessageType.Special,
    message,
    author,
    readByCustomer: 0,
    specialType,
    specialParam: null,
    whenPosted,
  });

  /**
   * Changes the session as `decide` says from how it is in the change's transaction (null: leave
   * it be), announces what changed, and answers the session as it is then.
   */
  async function changeAnd(
    id: number,
    decide: (session: SessionRecord, agentRanks: number[]) => { session: Partial<SessionRecord>; messages?: MessageDraft[] } | null,
    ranksOf?: number,
  ): Promise<SessionRecord> {
    try {
      const result = await store.changeSession(
        id,
        ({ session, agentRanks }) => {
          const change = decide(session, agentRanks);
          if (!change) throw new Unchanged();
          return change;
        },
        ranksOf === undefined ? {} : { ranksOf },
      );
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      announce(result.session, result.messages);
      return result.session;
    } catch (error) {
      if (!(error instanceof Unchanged)) throw error;
      const session = await store.getSession(id);
      if (!session) throw notFound('sessionNotFound', id);
      return session;
    }
  }

  /**
   * An agent takes a waiting session: it becomes theirs, with its start time and the lowest
   * rank free among their chats, and the topic's welcome message is posted. When the session
   * is not waiting (someone else took it, or it left the queue), the session as it is then.
   * Whether it waits is decided in the write's transaction: of agents who take it at once, one
   * gets it.
   */
  async function take(caller: Caller, id: number): Promise<{ session: SessionRecord; messages: MessageRecord[] } | { notWaiting: SessionRecord }> {
    const agent = requireAgent(caller);
    const before = Number.isSafeInteger(id) ? await store.getSession(id) : null;
    if (!before) throw notFound('sessionNotFound', id);
    await members.requireRight(caller, before.topicId, 'respond');
    const welcome = (await store.getTopic(before.topicId))?.welcomeMessage ?? '';
    try {
      const result = await store.changeSession(
        id,
        ({ session, agentRanks }: SessionState) => {
          if (session.status !== ChatSessionStatus.InQueue) throw new NotWaiting(session);
          const started = now();
          return {
            session: {
              userId: agent.id,
              transferToId: null,
              whenStarted: started,
              rank: lowestFreeRank(agentRanks),
              // The welcome is the agent's first word; without one the visitor's question is the last.
              status: welcome ? ChatSessionStatus.UserLast : ChatSessionStatus.CustomerLast,
              updatedAt: started,
            },
            messages: welcome
              ? [
                  {
                    type: ChatMessageType.Special,
                    message: welcome,
                    author: agentName(agent),
                    readByCustomer: 0,
                    specialType: ChatMessageSpecialType.Welcome,
                    specialParam: null,
                    whenPosted: started,
                  },
                ]
              : [],
          };
        },
        { ranksOf: agent.id },
      );
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      announce(result.session, result.messages);
      return { session: result.session, messages: result.messages };
    } catch (error) {
      if (error instanceof NotWaiting) return { notWaiting: error.session };
      throw error;
    }
  }

  /** Takes a waiting session; null when it is not waiting, as SuperOffice's PickUpChatSession answers. */
  async function pickUp(caller: Caller, id: number): Promise<{ session: SessionRecord; messages: MessageRecord[] } | null> {
    const taken = await take(caller, id);
    return 'notWaiting' in taken ? null : taken;
  }

  return {
    /** The session's messages after the one with id `after`, in the order they were posted. */
    async messages(caller: Caller, id: number, { after = 0, sessionKey }: { after?: number; sessionKey?: string } = {}) {
      const session = await sessionFor(caller, id, sessionKey);
      if (caller.kind === 'visitor') await fetched?.(session);
      return store.listMessages(session.id, Math.max(0, after), MAX_MESSAGES_PER_READ);
    },

    /**
     * Adds a message to a session. A visitor's is for the agent (ToUser), signed with their
     * display name; an agent's for the visitor (ToCustomer), signed with the agent's name, or a
     * Special one. A key used before for the session answers the message stored then.
     */
    async post(
      caller: Caller,
      id: number,
      fields: Record<string, unknown>,
      { sessionKey, idempotencyKey }: { sessionKey?: string; idempotencyKey?: string } = {},
    ): Promise<Posted> {
      if (caller.kind === 'visitor' && sessionKey === undefined) throw unauthorized('sessionKeyRequired');
      const { values, present, errors } = readFields(chatMessage, fields);
      if (values.Message === undefined || values.Message === '') errors.push({ Field: 'Message', Code: 'required' });
      if (errors.length > 0) throw invalidFields(chatMessage, errors);
      checkWritable(chatMessage, caller, present);
      const type = (values.Type as number | undefined) ?? (caller.kind === 'agent' ? ChatMessageType.ToCustomer : ChatMessageType.ToUser);
      const allowed = caller.kind === 'agent' ? [ChatMessageType.ToCustomer, ChatMessageType.Special] : [ChatMessageType.ToUser];
      if (!allowed.includes(type as never)) {
        throw forbidden({ problems: [{ Field: 'Type', Code: 'not_allowed' }], entity: chatMessage }, 'messageType');
      }
      const special = type === ChatMessageType.Special ? ((values.SpecialType as number | undefined) ?? ChatMessageSpecialType.None) : ChatMessageSpecialType.None;
      const text = values.Message as string;

      // Who may write is checked in the write's own transaction where it can be, the visitor's
      // key and the agent who has the chat: a chat under way costs one read less a message.
      // Another agent's right in the topic is read first, and the write made then.
      let rightChecked = false;
      const write = () =>
        store.changeSession(
          id,
          ({ session }) => {
            mayFollow(caller, id, session, sessionKey);
            if (caller.kind === 'agent' && !rightChecked && session.userId !== caller.agent.id) throw new RightToCheck();
            const posted = now();
            if (hasEnded(session.status)) {
              if (!(caller.kind === 'visitor' && type === ChatMessageType.ToUser && mayReopen(session, posted))) throw conflict('sessionEnded', session.id);
              // The visitor writes again soon after the chat ended: it opens again, with the
              // agent who had it, or in the queue when nobody had it.
              const text = values.Message as string;
              return {
                session: {
                  status: session.userId === null ? ChatSessionStatus.InQueue : ChatSessionStatus.CustomerLast,
                  whenEnded: null,
                  lastMessage: text.slice(0, LAST_MESSAGE_LENGTH),
                  whenIdle: posted,
                  updatedAt: posted,
                },
                messages: [
                  reopening(visitorName(session), posted),
                  { type, message: text, author: visitorName(session), readByCustomer: 1, specialType: ChatMessageSpecialType.None, specialParam: null, whenPosted: posted },
                ],
              };
            }
            const waiting = session.status === ChatSessionStatus.InQueue;
            if (caller.kind === 'agent' && type === ChatMessageType.ToCustomer && waiting) throw conflict('pickUpFirst', session.id);
            const message: MessageDraft = {
              type,
              message: text,
              author: caller.kind === 'agent' ? agentName(caller.agent) : visitorName(session),
              // What the visitor wrote they have read; what the agent writes, they have not yet.
              readByCustomer: caller.kind === 'visitor' ? 1 : ((values.ReadByCustomer as number | undefined) ?? 0),
              specialType: special,
              specialParam: (values.SpecialParam as string | null | undefined) ?? null,
              whenPosted: posted,
            };
            if (type === ChatMessageType.Special) return { session: { updatedAt: posted }, messages: [message] };
            return {
              session: {
                // Whoever sends has stopped typing.
                flags: session.flags & ~typingFlag(caller),
                // A visitor who writes while waiting keeps their place in the queue.
                status: waiting ? session.status : caller.kind === 'agent' ? ChatSessionStatus.UserLast : ChatSessionStatus.CustomerLast,
                lastMessage: text.slice(0, LAST_MESSAGE_LENGTH),
                whenIdle: posted,
                updatedAt: posted,
              },
              messages: [message],
            };
          },
          { idempotencyKey },
        );
      let result: Awaited<ReturnType<typeof write>>;
      try {
        result = await write();
      } catch (error) {
        if (!(error instanceof RightToCheck)) throw error;
        await sessionFor(caller, id, sessionKey, 'respond');
        rightChecked = true;
        result = await write();
      }
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      if (result.outcome === 'replayed') {
        // A replay answers without a write: who asks is checked as for one.
        mayFollow(caller, id, result.session, sessionKey);
        if (caller.kind === 'agent' && !rightChecked && result.session.userId !== caller.agent.id) await sessionFor(caller, id, sessionKey, 'respond');
      }
      if (result.outcome === 'changed') announce(result.session, result.messages);
      // A key used before for another kind of change added no message: that is not this send.
      // (A reopening adds its notice before the message.)
      const message = result.messages.at(-1);
      if (!message) throw conflict('idempotencyKeyUsed');
      return { message, session: result.session, replayed: result.outcome === 'replayed' };
    },

    pickUp,

    /**
     * Takes a waiting session, or says why it cannot (409): who took it first, that the caller
     * has it already, or that it is no longer waiting.
     */
    async pickUpOrRefuse(caller: Caller, id: number): Promise<{ session: SessionRecord; messages: MessageRecord[] }> {
      const taken = await take(caller, id);
      if (!('notWaiting' in taken)) return taken;
      const { notWaiting: session } = taken;
      const agent = requireAgent(caller);
      if (hasEnded(session.status) || session.userId === null) throw conflict('notWaiting', id);
      if (session.userId === agent.id) throw conflict('alreadyYours', id);
      const taker = await store.getAgent(session.userId);
      throw conflict('takenBy', id, taker ? agentName(taker) : String(session.userId));
    },

    /**
     * The visitor has read the agent's messages up to this one: each ToCustomer message up to it
     * is ReadByCustomer. Said again, or of what was read before, it changes nothing and tells
     * nobody. An agent cannot say so for the visitor.
     */
    async read(caller: Caller, id: number, upTo: unknown, { sessionKey }: { sessionKey?: string } = {}): Promise<void> {
      if (caller.kind === 'agent') throw forbidden(undefined, 'visitorReads');
      const session = await followable(store, caller, id, sessionKey);
      if (typeof upTo !== 'number' || !Number.isInteger(upTo) || upTo < 1) {
        throw invalidFields(chatMessage, [{ Field: 'ChatMessageId', Code: upTo === undefined || upTo === null ? 'required' : 'type' }]);
      }
      const result = await store.markReadByCustomer(session.id, Math.min(upTo, Number.MAX_SAFE_INTEGER));
      if (!result) throw notFound('sessionNotFound', id);
      if (result.marked > 0) bus.publish({ type: 'message.read', sessionId: session.id, topicId: session.topicId, messageId: result.lastRead });
    },

    /**
     * Offers the chat to another agent, who may respond in its topic: for the agent who has it,
     * or a manager of the topic. The chat is the new agent's once it accepts. From anyone else,
     * nothing happens, as SuperOffice's method does.
     */
    async transfer(caller: Caller, id: number, to: string): Promise<SessionRecord> {
      const agent = requireAgent(caller);
      const session = await sessionFor(caller, id, undefined, 'listen');
      const mayTransfer = session.userId === agent.id || (await members.has(agent.id, session.topicId, 'manage'));
      if (!mayTransfer) return session;
      const target = await members.agentNamed(to);
      if (!(await members.has(target.id, session.topicId, 'respond'))) throw forbidden(undefined, 'cannotTakeTransfer', target.userName, session.topicId);
      // Only agents who are there are offered a chat (SuperOffice's "Transfer to" lists only them).
      // A manager who takes a chat over offers it to itself, there or not.
      if (!target.present && target.id !== agent.id) throw conflict('agentAway', agentName(target));
      return changeAnd(id, (current) => {
        if (hasEnded(current.status)) throw conflict('sessionEnded', id);
        return { session: { transferToId: target.id, updatedAt: now() } };
      });
    },

    /** The agent a chat is offered to takes it; when none is offered to it, nothing happens. */
    async acceptTransfer(caller: Caller, id: number): Promise<SessionRecord> {
      const agent = requireAgent(caller);
      await followable(store, caller, id, undefined);
      return changeAnd(id, (current, agentRanks) => {
        if (current.transferToId !== agent.id || hasEnded(current.status)) return null;
        const at = now();
        return {
          session: { userId: agent.id, transferToId: null, rank: lowestFreeRank(agentRanks), updatedAt: at },
          messages: [special(ChatMessageSpecialType.TransferedSession, `${agentName(agent)} has taken over the chat.`, agentName(agent), at)],
        };
      }, agent.id);
    },

    /** The agent a chat is offered to turns it down; the agent who has it goes on. */
    async rejectTransfer(caller: Caller, id: number): Promise<SessionRecord> {
      const agent = requireAgent(caller);
      await followable(store, caller, id, undefined);
      return changeAnd(id, (current) => {
        if (current.transferToId !== agent.id) return null;
        const at = now();
        return {
          session: { transferToId: null, updatedAt: at },
          messages: [special(ChatMessageSpecialType.TransferRejected, `${agentName(agent)} did not take the chat.`, agentName(agent), at)],
        };
      });
    },

    /**
     * An agent left the team: its chats under way go back to the queue, for someone else to
     * pick up, and chats offered to it stay with the agent who has them.
     */
    async releaseAgent(agentId: number): Promise<void> {
      const open = [ChatSessionStatus.InQueue, ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast];
      const [own, offered] = await Promise.all([
        store.listSessions({ userId: agentId, statuses: open, skip: 0, top: 10_000 }),
        store.listSessions({ transferToId: agentId, statuses: open, skip: 0, top: 10_000 }),
      ]);
      for (const { id } of own) {
        await changeAnd(id, (current) =>
          current.userId !== agentId || hasEnded(current.status)
            ? null
            : { session: { status: ChatSessionStatus.InQueue, userId: null, transferToId: null, rank: 0, whenStarted: null, updatedAt: now() } },
        );
      }
      for (const { id } of offered) {
        await changeAnd(id, (current) => (current.transferToId !== agentId ? null : { session: { transferToId: null, updatedAt: now() } }));
      }
    },

    /** Puts a chat back in the queue for someone to pick up, as a bot does to hand over. */
    async reset(caller: Caller, id: number): Promise<SessionRecord> {
      await sessionFor(caller, id, undefined, 'respond');
      return changeAnd(id, (current) => {
        if (hasEnded(current.status)) throw conflict('sessionEnded', id);
        return {
          session: { status: ChatSessionStatus.InQueue, userId: null, transferToId: null, rank: 0, whenStarted: null, updatedAt: now() },
        };
      });
    },

    /**
     * The chats an agent may see at work: those waiting or under way in the topics it is a
     * member of, and its own, the oldest first.
     */
    async sessionsFor(caller: Caller): Promise<SessionRecord[]> {
      const agent = requireAgent(caller);
      const topicIds = (await members.mine(caller)).map((member) => member.topicId);
      const open = [ChatSessionStatus.InQueue, ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast];
      const [inTopics, own] = await Promise.all([
        store.listSessions({ topicIds, statuses: open, skip: 0, top: MAX_MESSAGES_PER_READ }),
        store.listSessions({ userId: agent.id, statuses: open, skip: 0, top: MAX_MESSAGES_PER_READ }),
      ]);
      const byId = new Map([...inTopics, ...own].map((session) => [session.id, session]));
      return [...byId.values()].sort((a, b) => a.id - b.id);
    },

    /** The chat's messages in order, for reading or mailing. */
    async transcript(caller: Caller, id: number, { sessionKey }: { sessionKey?: string } = {}): Promise<{ session: SessionRecord; messages: MessageRecord[] }> {
      const session = await sessionFor(caller, id, sessionKey, 'listen');
      const messages: MessageRecord[] = [];
      for (let after = 0; ; ) {
        const page = await store.listMessages(id, after, MAX_MESSAGES_PER_READ);
        messages.push(...page);
        if (page.length < MAX_MESSAGES_PER_READ) break;
        after = page.at(-1)!.id;
      }
      return { session, messages };
    },

    /**
     * One side says it is typing, or has stopped. It counts as typing for a few seconds after
     * it last said so, then stops by itself: a client that went away leaves no one "typing".
     */
    async typing(caller: Caller, id: number, typing: boolean, { sessionKey }: { sessionKey?: string } = {}): Promise<void> {
      const session = await sessionFor(caller, id, sessionKey, 'respond');
      if (hasEnded(session.status)) throw conflict('sessionEnded', id);
      const flag = typingFlag(caller);
      bus.publish({ type: 'session.typing', sessionId: id, topicId: session.topicId, flag, typing });
      try {
        await setFlag(id, flag, typing);
      } catch (error) {
        if (!(error instanceof Unchanged)) throw error;
      }
    },

    /**
     * The visitor or an agent ends the chat: it is Closed (ClosedFromQueue when the visitor
     * leaves the queue), with WhenEnded, and a message says who ended it. A chat that has ended
     * already stays as it is.
     */
    async end(caller: Caller, id: number, { sessionKey }: { sessionKey?: string } = {}): Promise<SessionRecord> {
      await sessionFor(caller, id, sessionKey, 'respond');
      const result = await store.changeSession(id, ({ session }) => {
        if (hasEnded(session.status)) return {};
        const ended = now();
        const waiting = session.status === ChatSessionStatus.InQueue;
        const by = caller.kind === 'agent' ? 'agent' : 'visitor';
        return {
          session: {
            status: waiting && by === 'visitor' ? ChatSessionStatus.ClosedFromQueue : ChatSessionStatus.Closed,
            whenEnded: ended,
            updatedAt: ended,
          },
          messages: [closingMessage(by, caller.kind === 'agent' ? agentName(caller.agent) : visitorName(session), ended)],
        };
      });
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      if (result.outcome === 'changed' && result.messages.length > 0) announce(result.session, result.messages);
      return result.session;
    },

    /** An agent takes the session that has waited longest; null when none waits. */
    async pickUpFirst(caller: Caller): Promise<{ session: SessionRecord; messages: MessageRecord[] } | null> {
      const mine = (await members.mine(caller)).filter((member) => grants(member, 'respond'));
      // Another agent may take the first one in between: then the one after it, a few times.
      for (let attempt = 0; attempt < 10; attempt++) {
        const firsts = await Promise.all(
          mine.map(async (member) => (await store.listSessions({ topicId: member.topicId, status: ChatSessionStatus.InQueue, skip: 0, top: 1 }))[0]),
        );
        const first = firsts.filter((session) => session !== undefined).sort((a, b) => a!.id - b!.id)[0];
        if (!first) return null;
        const taken = await pickUp(caller, first.id);
        if (taken) return taken;
      }
      return null;
    },
  };
}

export type ConversationService = ReturnType<typeof conversationService>;
