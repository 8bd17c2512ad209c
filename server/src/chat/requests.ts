/**
 * Requests visitors leave for an answer later, when nobody can answer now: through the offline
 * form (a session made as RequestPosted), or from the queue instead of waiting on
 * (ClosedFromQueue). Agents of the topic see them as a list, answer by mail or phone, and mark
 * them handled.
 */
import { ChatMessageType, ChatSessionStatus, chatSession, member, readFields, type FieldValues } from '@chatline/shared';
import type { ChatStore, Millis, SessionRecord } from '../store/types.ts';
import { followable } from './access.ts';
import { conflict, invalidFields, notFound } from './errors.ts';
import type { EventBus } from './events.ts';
import { agentName, visitorName } from './lifecycle.ts';
import { grants, type MembershipService } from './membership.ts';
import { requireAgent, type Caller } from './rights.ts';
import { requestProblems } from './sessions.ts';

/** The most requests a list answers. */
export const MAX_REQUESTS = 200;

/** The contact fields a visitor may add when leaving a message from the queue. */
const CONTACT_FIELDS = ['CustomerName', 'CustomerEmail', 'CustomerPhone', 'CustomerCompanyName'] as const;

export type RequestDeps = { store: ChatStore; bus: EventBus; members: MembershipService; now: () => Millis };

/** A request with the names it is shown with: its topic's, and the agent's who handled it. */
export type LeftRequest = { session: SessionRecord; topicName: string; handledBy: string | null };

export function requestService({ store, bus, members, now }: RequestDeps) {
  async function withNames(sessions: readonly SessionRecord[]): Promise<LeftRequest[]> {
    const topics = new Map<number, Promise<string>>();
    const agents = new Map<number, Promise<string | null>>();
    return Promise.all(
      sessions.map(async (session) => {
        if (!topics.has(session.topicId)) topics.set(session.topicId, store.getTopic(session.topicId).then((topic) => topic?.name ?? ''));
        const by = session.requestHandledBy;
        if (by !== null && !agents.has(by)) agents.set(by, store.getAgent(by).then((agent) => (agent ? agentName(agent) : null)));
        return { session, topicName: await topics.get(session.topicId)!, handledBy: by === null ? null : await agents.get(by)! };
      }),
    );
  }

  const announce = (session: SessionRecord, messageIds: readonly number[] = []) => {
    bus.publish({ type: 'session.updated', sessionId: session.id, topicId: session.topicId, status: session.status });
    for (const messageId of messageIds) bus.publish({ type: 'message.created', sessionId: session.id, topicId: session.topicId, messageId });
  };

  return {
    /**
     * The waiting visitor leaves a message instead of waiting on: the chat leaves the queue
     * (ClosedFromQueue) with their message, and the contact details the topic's offline form
     * asks for, given now or before.
     */
    async leaveMessage(caller: Caller, id: number, body: Record<string, unknown>, { sessionKey }: { sessionKey?: string }): Promise<SessionRecord> {
      const before = await followable(store, caller, id, sessionKey);
      const fields: Record<string, unknown> = { FirstMessage: member(body, 'Message') ?? null };
      for (const name of CONTACT_FIELDS) {
        const value = member(body, name);
        if (value !== undefined && value !== null && value !== '') fields[name] = value;
      }
      const { values, errors } = readFields(chatSession, fields);
      if (errors.length > 0) throw invalidFields(chatSession, errors.map((problem) => (problem.Field === 'FirstMessage' ? { ...problem, Field: 'Message' } : problem)));
      const topic = await store.getTopic(before.topicId);
      const result = await store.changeSession(id, ({ session }) => {
        if (session.status !== ChatSessionStatus.InQueue) throw conflict('notWaiting', id);
        const known: FieldValues = { ...values, CustomerConsented: session.customerConsented };
        for (const name of CONTACT_FIELDS) {
          const key = `customer${name.slice('Customer'.length)}` as keyof SessionRecord;
          known[name] ??= session[key] as string | null;
        }
        const problems = requestProblems(known, {
          widgetOfflineFields: topic?.widgetOfflineFields ?? 0,
          // Consent was asked for the chat when the topic asks it; it covers the message left.
          offlineCollectConsent: false,
        }).map((problem) => (problem.Field === 'FirstMessage' ? { ...problem, Field: 'Message' } : problem));
        if (problems.length > 0) throw invalidFields(chatSession, problems);
        const left = now();
        const text = values.FirstMessage as string;
        return {
          session: {
            status: ChatSessionStatus.ClosedFromQueue,
            customerName: known.CustomerName as string | null,
            customerEmail: known.CustomerEmail as string | null,
            customerPhone: known.CustomerPhone as string | null,
            customerCompanyName: known.CustomerCompanyName as string | null,
            lastMessage: text,
            whenEnded: left,
            requestLeftAt: left,
            updatedAt: left,
          },
          messages: [
            { type: ChatMessageType.ToUser, message: text, author: visitorName(session), readByCustomer: 1, specialType: 0, specialParam: null, whenPosted: left },
          ],
        };
      });
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      announce(result.session, result.messages.map((message) => message.id));
      return result.session;
    },

    /** The requests left in the topics the agent is a member of, handled or not, the newest first. */
    async list(caller: Caller, { handled }: { handled: boolean }): Promise<LeftRequest[]> {
      requireAgent(caller);
      const topicIds = (await members.mine(caller)).filter((member) => grants(member, 'listen')).map((member) => member.topicId);
      return withNames(await store.listRequests({ topicIds, handled, top: MAX_REQUESTS }));
    },

    /** An agent who may respond in the topic marks a request handled, or not handled after all. */
    async markHandled(caller: Caller, id: number, handled: boolean): Promise<LeftRequest> {
      const agent = requireAgent(caller);
      const before = Number.isSafeInteger(id) ? await store.getSession(id) : null;
      if (!before) throw notFound('sessionNotFound', id);
      await members.requireForSession(caller, before, 'respond');
      const result = await store.changeSession(id, ({ session }) => {
        if (session.requestLeftAt === null) throw conflict('notARequest', id);
        if ((session.requestHandledAt !== null) === handled) return {};
        const at = now();
        return { session: { requestHandledAt: handled ? at : null, requestHandledBy: handled ? agent.id : null, updatedAt: at } };
      });
      if (result.outcome === 'missing') throw notFound('sessionNotFound', id);
      announce(result.session);
      return (await withNames([result.session]))[0]!;
    },
  };
}

export type RequestService = ReturnType<typeof requestService>;
