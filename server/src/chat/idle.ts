/**
 * Chats nobody is in any more end by themselves. A visitor whose widget has not fetched for a
 * while (an open stream counts as fetching) is gone: waiting, they leave the queue
 * (ClosedFromQueue); in a chat under way with no message for a while, the chat ends (Closed,
 * with a ClosedByIdle message), so neither the queue nor an agent's list fills with chats
 * nobody will answer or read. Each process sweeps on a timer; every decision is taken again in
 * the change's own transaction, so processes sweeping one database at once end a chat once.
 */
import { ChatMessageSpecialType, ChatMessageType, ChatSessionStatus } from '@chatline/shared';
import type { ChatStore, MessageDraft, Millis, SessionRecord } from '../store/types.ts';
import type { EventBus } from './events.ts';

export type IdleTimes = {
  /** A visitor whose widget has not fetched for this long is gone (CHAT_VISITOR_GONE_AFTER); 0 never is. */
  goneAfterMs: number;
  /** A chat under way whose visitor is gone ends after this long without a message (CHAT_IDLE_AFTER). */
  idleAfterMs: number;
  /** The visitor may reopen a chat that ended this long ago by writing again (CHAT_REOPEN_WITHIN); 0 never. */
  reopenWithinMs: number;
};

export const DEFAULT_IDLE_TIMES: IdleTimes = { goneAfterMs: 120_000, idleAfterMs: 900_000, reopenWithinMs: 600_000 };

/** The most chats one sweep looks at; the next sweep goes on. */
const SWEEP_BATCH = 1000;

const UNDER_WAY = [ChatSessionStatus.CustomerLast, ChatSessionStatus.UserLast] as const;

export type IdleDeps = {
  store: ChatStore;
  bus: EventBus;
  now: () => Millis;
  times: IdleTimes;
  /** The sessions whose visitor has a stream open to this process. */
  connected: () => number[];
};

/** Why a session is over now, or null while someone may still be in it. */
function verdict(session: SessionRecord, at: Millis, { goneAfterMs, idleAfterMs }: IdleTimes): 'left the queue' | 'idle' | null {
  // A session no widget ever fetched (made through the API, say) is not watched for its visitor.
  if (goneAfterMs <= 0 || session.whenFetched === null || session.whenFetched > at - goneAfterMs) return null;
  if (session.status === ChatSessionStatus.InQueue) return 'left the queue';
  const lastWord = session.whenIdle ?? session.whenStarted ?? session.whenRequested ?? 0;
  return (UNDER_WAY as readonly number[]).includes(session.status) && lastWord <= at - idleAfterMs ? 'idle' : null;
}

export function idleService({ store, bus, now, times, connected }: IdleDeps) {
  /** How stale a connected visitor's WhenFetched may grow: well inside the time after which they count as gone. */
  const touchEvery = Math.max(1000, Math.floor(times.goneAfterMs / 4));

  const closing = (why: 'left the queue' | 'idle', at: Millis, author: string): MessageDraft => ({
    type: ChatMessageType.Special,
    message: why === 'idle' ? 'The chat ended after a time without messages.' : 'The visitor left the queue.',
    author,
    readByCustomer: 0,
    specialType: ChatMessageSpecialType.ClosedByIdle,
    specialParam: null,
    whenPosted: at,
  });

  return {
    times,

    /** The visitor's widget is there now (it read the session or its messages). */
    async fetched(session: SessionRecord): Promise<void> {
      const at = now();
      if (session.whenFetched !== null && session.whenFetched > at - touchEvery) return;
      await store.touchFetched([session.id], at, at - touchEvery);
    },

    /** Keeps the visitors with a stream open here fetched, then ends the chats whose visitor is gone. Answers how many ended. */
    async sweep(): Promise<number> {
      if (times.goneAfterMs <= 0) return 0;
      const at = now();
      await store.touchFetched(connected(), at, at - touchEvery);
      const open = await store.listSessions({ statuses: [ChatSessionStatus.InQueue, ...UNDER_WAY], skip: 0, top: SWEEP_BATCH });
      let ended = 0;
      for (const candidate of open) {
        if (!verdict(candidate, at, times)) continue;
        const result = await store
          .changeSession(candidate.id, ({ session }) => {
            const why = verdict(session, at, times);
            if (!why) throw new StillThere();
            return {
              session: { status: why === 'idle' ? ChatSessionStatus.Closed : ChatSessionStatus.ClosedFromQueue, whenEnded: at, updatedAt: at },
              messages: [closing(why, at, 'Chatline')],
            };
          })
          .catch((error: unknown) => {
            if (error instanceof StillThere) return null;
            throw error;
          });
        if (!result || result.outcome !== 'changed') continue;
        ended++;
        bus.publish({ type: 'session.updated', sessionId: result.session.id, topicId: result.session.topicId, status: result.session.status });
        for (const message of result.messages) bus.publish({ type: 'message.created', sessionId: result.session.id, topicId: result.session.topicId, messageId: message.id });
      }
      return ended;
    },

    /** Sweeps every so often until stopped; a sweep that fails is tried again at the next. */
    start(onError: (error: unknown) => void = () => {}): () => void {
      if (times.goneAfterMs <= 0) return () => {};
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        void this.sweep()
          .catch(onError)
          .finally(() => (running = false));
      }, touchEvery);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** Thrown inside a decision when someone came back meanwhile. */
class StillThere extends Error {}

export type IdleService = ReturnType<typeof idleService>;
