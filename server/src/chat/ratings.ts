/**
 * The visitor's rating of a chat that has ended (1 to 5 stars, as `Rating` on the session, with
 * an optional comment), once per chat; and the ratings counted together for the agents: per
 * topic and per agent, for a manager of the topics, and for any other agent, its own.
 */
import { ChatSessionStatus, chatSession, hasBadCharacters } from '@chatline/shared';
import type { ChatStore, Millis, RatingSummary, SessionRecord } from '../store/types.ts';
import { followable } from './access.ts';
import { forbidden, invalidFields, notFound } from './errors.ts';
import type { EventBus } from './events.ts';
import { agentName, hasEnded } from './lifecycle.ts';
import { grants, type MembershipService } from './membership.ts';
import { requireAgent, type Caller } from './rights.ts';

/** A comment holds this much, as a message does. */
export const MAX_RATING_COMMENT = 1024;
/** How many of the latest ratings the summary lists. */
const RECENT_RATINGS = 50;

export type RatingDeps = { store: ChatStore; bus: EventBus; members: MembershipService; now: () => Millis };

/** The ratings an agent may see, with the names of their topics and agents. */
export type NamedRatings = RatingSummary & { topicNames: Map<number, string>; agentNames: Map<number, string> };

export function ratingService({ store, bus, members, now }: RatingDeps) {
  return {
    async rate(caller: Caller, id: number, rating: unknown, comment: unknown, { sessionKey }: { sessionKey?: string }): Promise<SessionRecord> {
      if (caller.kind === 'agent') throw forbidden(undefined, 'agentsRate');
      await followable(store, caller, id, sessionKey);
      const problems = [];
      if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) problems.push({ Field: 'Rating', Code: 'range' as const });
      const text = typeof comment === 'string' ? comment.trim() : comment;
      if (text !== undefined && text !== null && typeof text !== 'string') problems.push({ Field: 'Comment', Code: 'type' as const });
      else if (typeof text === 'string' && text.length > MAX_RATING_COMMENT) problems.push({ Field: 'Comment', Code: 'too_long' as const });
      else if (typeof text === 'string' && hasBadCharacters(text)) problems.push({ Field: 'Comment', Code: 'characters' as const });
      if (problems.length > 0) throw invalidFields(chatSession, problems);
      const result = await store.changeSession(id, ({ session }) => {
        if (session.rating > 0) throw invalidFields(chatSession, [{ Field: 'Rating', Code: 'already_rated' }]);
        // A request left for later was not a chat to rate; one under way is rated once it ends.
        if (!hasEnded(session.status) || session.requestLeftAt !== null || session.status === ChatSessionStatus.Deleted) {
          throw invalidFields(chatSession, [{ Field: 'Rating', Code: 'not_ended' }]);
        }
        const at = now();
        return { session: { rating: rating as number, ratingComment: typeof text === 'string' && text !== '' ? text : null, whenRated: at, updatedAt: at } };
      });
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      bus.publish({ type: 'session.updated', sessionId: id, topicId: result.session.topicId, status: result.session.status });
      return result.session;
    },

    /** The ratings the agent may see: of the topics it manages, else of its own chats. */
    async summary(caller: Caller): Promise<NamedRatings> {
      const agent = requireAgent(caller);
      const mine = await members.mine(caller);
      const managed = mine.filter((member) => grants(member, 'manage')).map((member) => member.topicId);
      const summary =
        managed.length > 0
          ? await store.ratingSummary({ topicIds: managed, recent: RECENT_RATINGS })
          : await store.ratingSummary({ topicIds: mine.map((member) => member.topicId), agentId: agent.id, recent: RECENT_RATINGS });
      const topicIds = new Set([...summary.topics.map((count) => count.id), ...summary.recent.map((session) => session.topicId)]);
      const agentIds = new Set([...summary.agents.map((count) => count.id), ...summary.recent.flatMap((session) => (session.userId === null ? [] : [session.userId]))]);
      const [topics, agents] = await Promise.all([
        Promise.all([...topicIds].map(async (id) => [id, (await store.getTopic(id))?.name ?? ''] as const)),
        Promise.all([...agentIds].map(async (id) => [id, await store.getAgent(id)] as const)),
      ]);
      const agentNames = new Map(agents.map(([id, found]) => [id, found ? agentName(found) : String(id)]));
      return { ...summary, topicNames: new Map(topics), agentNames };
    },
  };
}

export type RatingService = ReturnType<typeof ratingService>;
