/** Records to hand a store in its own tests, as the rules would make them. */
import { topicDefaults } from '../chat/topics.ts';
import type { SessionDraft, TopicDraft } from '../store/types.ts';

export const T0 = Date.parse('2026-11-26T09:00:00.000Z');

/** A visitor's new session in `topicId`, waiting in the queue. */
export function sessionDraft(topicId: number, name: string, changes: Partial<SessionDraft> = {}): SessionDraft {
  return {
    topicId,
    userId: null,
    person: null,
    customerAlias: null,
    customerHost: '203.0.113.7',
    customerName: name,
    customerEmail: null,
    customerPhone: null,
    customerConsented: true,
    customerCompanyName: null,
    status: 4,
    firstMessage: null,
    lastMessage: null,
    whenRequested: T0,
    whenStarted: null,
    whenEnded: null,
    whenIdle: null,
    whenFetched: null,
    sessionKeyHash: 'a'.repeat(64),
    alertLevel: 0,
    rank: 0,
    rating: 0,
    ratingComment: null,
    whenRated: null,
    requestLeftAt: null,
    requestHandledAt: null,
    requestHandledBy: null,
    flags: 0,
    contact: null,
    project: null,
    sale: null,
    ticket: null,
    transferToId: null,
    updatedAt: T0,
    ...changes,
  };
}

export const topicDraft = (name: string, changes: Partial<TopicDraft> = {}): TopicDraft => ({
  ...topicDefaults,
  name,
  allowedOrigins: [],
  ...changes,
});
