/**
 * Chat sessions: creating, reading, listing, changing and deleting them, and the rules every
 * way in shares, whatever URL, body format or caller it came through. The only code that
 * writes sessions; each write is announced on the event bus once it is committed.
 */
import { nanoid } from 'nanoid';
import {
  ChatSessionStatus,
  chatSession,
  chatSessionFields,
  checkVisitorRules,
  member,
  readFields,
  recordKey,
  requiredCustomerFields,
  type FieldProblem,
  type FieldValues,
} from '@chatline/shared';
import type { AgentRecord, ArchiveQuery, ChatStore, Millis, SessionDraft, SessionRecord, SessionReferences, TopicRules } from '../store/types.ts';
import { changed, forbidden, invalidFields, notFound, unauthorized, unavailable } from './errors.ts';
import type { EventBus } from './events.ts';
import type { OriginPolicy } from './origins.ts';
import { agentName, closingMessage, hasEnded } from './lifecycle.ts';
import { grants } from './membership.ts';
import { checkWritable, keyMatches, requireAgent, type Caller } from './rights.ts';
import { hmac, sha256 } from './secrets.ts';

/** What of its topic answering a session needs: what the topic asks of visitors. */
export type TopicAsks = Pick<TopicRules, 'collectConsent' | 'widgetRequiredFields'>;

/** A session with what answering it needs: what its topic asks of visitors, and its agents. */
export type SessionView = {
  session: SessionRecord;
  /** FieldProperties says what a visitor must fill in. */
  topic: TopicAsks;
  user: AgentRecord | null;
  transferTo: AgentRecord | null;
  /** The clear session key: only in the answer to the request that created the session. */
  sessionKey?: string;
};

/**
 * What a change is conditional on: that the session was not changed after a time (from an
 * HTTP date, the last millisecond of its second), or that it is still at one version (the
 * `updatedAt` an ETag names).
 */
export type UpdateCondition = { notChangedAfter?: Millis; versions?: readonly Millis[] };

/** A session read for a change, and whether the change is conditional on it being current. */
export type PendingUpdate = { view: SessionView; conditional: boolean };

export type SessionListQuery = { topicId?: number; status?: number; skip: number; top: number };

/** What the archive asks for, whoever asks: what an agent may see is the rules' to add. */
export type ArchiveFilter = Omit<ArchiveQuery, 'visibleTo'>;

export type SessionDeps = { store: ChatStore; bus: EventBus; origins: OriginPolicy; now: () => Millis };

/** How a request reached us: the visitor's address, and the page's origin when it is another site's. */
export type Arrival = { peer: string | null; origin: string | null };

/** The value a field has when nobody set it; null for the rest. */
const defaults: Partial<Record<keyof SessionDraft, unknown>> = {
  topicId: 0,
  status: ChatSessionStatus.InQueue,
  customerConsented: false,
  alertLevel: 0,
  rank: 0,
  flags: 0,
  rating: 0,
};

/** What the server keeps of a session apart from its fields: the rating's comment, the request's handling. */
const BOOKKEEPING = ['ratingComment', 'whenRated', 'requestLeftAt', 'requestHandledAt', 'requestHandledBy'] as const;
type Bookkeeping = Pick<SessionRecord, (typeof BOOKKEEPING)[number]>;
const NO_BOOKKEEPING: Bookkeeping = { ratingComment: null, whenRated: null, requestLeftAt: null, requestHandledAt: null, requestHandledBy: null };

/** Each field with the record member that holds it, worked out once. */
const keyed = chatSessionFields.map((spec) => ({ spec, key: recordKey(spec) }));
const writableFields = keyed
  .filter(({ spec }) => spec.writer !== 'server')
  .map((field) => ({ ...field, fallback: defaults[field.key as keyof SessionDraft] ?? null }));
const agentFields = keyed.filter(({ spec }) => spec.kind === 'associate');

/**
 * Drafts start as a copy of one shape that holds every member of a record, the id and queue
 * position too (for the store to fill in), so that V8 keeps them in its fast object layout.
 */
const draftShape: Record<string, unknown> = Object.fromEntries([...keyed.map(({ key }) => [key, null]), ['updatedAt', 0], ...BOOKKEEPING.map((key) => [key, null])]);

type Computed = Pick<SessionDraft, 'customerHost' | 'whenRequested' | 'sessionKeyHash' | 'updatedAt'> & Partial<Bookkeeping>;

/** The agents' ids a body names (by record member), and what is wrong with the ones that are not ids. */
type AgentIds = { ids: Record<string, number | null>; problems: FieldProblem[] };

const NO_AGENTS: AgentIds = Object.freeze({ ids: Object.freeze({}), problems: [] });

function agentIds(values: FieldValues): AgentIds {
  // A visitor names no agent: nothing to read.
  if (values.User === undefined && values.TransferTo === undefined) return NO_AGENTS;
  const ids: Record<string, number | null> = {};
  const problems: FieldProblem[] = [];
  for (const { spec, key } of agentFields) {
    const value = values[spec.name] as Record<string, unknown> | null | undefined;
    const id = value ? member(value, 'AssociateId') : null;
    if (id === 0 || id === undefined || id === null) ids[key] = null;
    else if (!Number.isSafeInteger(id)) problems.push({ Field: spec.name, Code: 'type' });
    else ids[key] = id as number;
  }
  return { ids, problems };
}

/** A full draft from validated values: fields not given get their defaults. */
function draftOf(values: FieldValues, agents: AgentIds, computed: Computed): SessionDraft {
  const draft = { ...draftShape };
  for (const { spec, key, fallback } of writableFields) {
    draft[key] = spec.kind === 'associate' ? (agents.ids[key] ?? null) : (values[spec.name] ?? fallback);
  }
  draft.customerHost = computed.customerHost;
  draft.whenRequested = computed.whenRequested;
  draft.sessionKeyHash = computed.sessionKeyHash;
  draft.updatedAt = computed.updatedAt;
  for (const key of BOOKKEEPING) draft[key] = computed[key] ?? null;
  return draft as SessionDraft;
}

/** Refuses agents that do not exist and a missing or unknown topic, all problems at once. */
function checkReferences(values: FieldValues, agents: AgentIds, draft: SessionDraft, references: SessionReferences): TopicRules {
  const { topic } = references;
  // The common case, a visitor's create in a topic that exists, allocates nothing here.
  if (topic && values.TopicId !== undefined && agents.problems.length === 0 && draft.userId === null && draft.transferToId === null) {
    return topic;
  }
  const problems = [...agents.problems];
  if (draft.userId !== null && !references.user) problems.push({ Field: 'User', Code: 'unknown_associate' });
  if (draft.transferToId !== null && !references.transferTo) problems.push({ Field: 'TransferTo', Code: 'unknown_associate' });
  if (values.TopicId === undefined) problems.push({ Field: 'TopicId', Code: 'required' });
  else if (!topic) problems.push({ Field: 'TopicId', Code: 'unknown_topic' });
  if (problems.length > 0) throw invalidFields(chatSession, problems);
  return topic!;
}

const pickBookkeeping = (session: SessionRecord): Bookkeeping => {
  const kept = { ...NO_BOOKKEEPING };
  for (const key of BOOKKEEPING) (kept as Record<string, unknown>)[key] = session[key];
  return kept;
};

/** Validates a body as a whole entity for this caller, or throws the 400 or 403 it deserves. */
function readSessionFields(caller: Caller, fields: Record<string, unknown>): FieldValues {
  const { values, present, errors } = readFields(chatSession, fields);
  if (errors.length > 0) throw invalidFields(chatSession, errors);
  // A visitor may say one thing of the status: that this is a request for an answer later,
  // left through the offline form.
  const request = caller.kind === 'visitor' && values.Status === ChatSessionStatus.RequestPosted;
  checkWritable(chatSession, caller, request ? new Set([...present].filter((name) => name !== 'Status')) : present);
  return values;
}

/** What a request left for later must carry: the question, the topic's offline fields, and consent as the topic asks it. */
export function requestProblems(values: FieldValues, topic: Pick<TopicRules, 'widgetOfflineFields' | 'offlineCollectConsent'>): FieldProblem[] {
  const problems = checkVisitorRules(values, { collectConsent: topic.offlineCollectConsent, requiredFields: requiredCustomerFields(topic.widgetOfflineFields) });
  if (values.FirstMessage === undefined || values.FirstMessage === null) problems.push({ Field: 'FirstMessage', Code: 'required' });
  return problems;
}

/** What a session whose topic is gone (or not saved yet) is answered with. */
const NO_TOPIC: TopicAsks = Object.freeze({ collectConsent: true, widgetRequiredFields: 0 });

/** How many times a change that lost a race is tried again on the newer version. */
const MAX_ATTEMPTS = 5;

export function sessionService({ store, bus, origins, now }: SessionDeps) {
  const publish = (type: 'session.created' | 'session.updated' | 'session.deleted', session: SessionRecord) =>
    bus.publish({ type, sessionId: session.id, topicId: session.topicId, status: session.status });

  /** The session with what its topic asks and its agents; `agents` and `topics` are kept across a list. */
  async function viewOf(
    session: SessionRecord,
    topics = new Map<number, Promise<TopicAsks>>(),
    agents = new Map<number, Promise<AgentRecord | null>>(),
  ): Promise<SessionView> {
    const agent = (id: number | null) => {
      if (id === null) return null;
      let found = agents.get(id);
      if (!found) agents.set(id, (found = store.getAgent(id)));
      return found;
    };
    let asks = topics.get(session.topicId);
    if (!asks) topics.set(session.topicId, (asks = store.getTopic(session.topicId).then((topic) => topic ?? NO_TOPIC)));
    const [topic, user, transferTo] = await Promise.all([asks, agent(session.userId), agent(session.transferToId)]);
    return { session, topic, user, transferTo };
  }

  /** The session key of a create with this Idempotency-Key: the same for a retry, unguessable without it. */
  let secret: Promise<string> | undefined;
  async function derivedKey(idempotencyKey: string): Promise<string> {
    secret ??= store.serverSecret('session-keys');
    return hmac(await secret, `create:${idempotencyKey}`);
  }

  async function find(id: number): Promise<SessionRecord> {
    const session = Number.isSafeInteger(id) ? await store.getSession(id) : null;
    if (!session) throw notFound('sessionNotFound', id);
    return session;
  }

  return {
    /**
     * A new session from the fields of a request. A visitor's waits in the queue; an agent may
     * file one in any state. What the values refer to is checked in the transaction that
     * inserts them, so a topic or agent changed in between, by another request or process,
     * cannot let a wrong one in.
     */
    async create(
      caller: Caller,
      fields: Record<string, unknown>,
      { peer, origin }: Arrival,
      { idempotencyKey }: { idempotencyKey?: string } = {},
    ): Promise<SessionView & { replayed: boolean }> {
      const values = readSessionFields(caller, fields);
      const agents = agentIds(values);
      const request = caller.kind === 'visitor' && values.Status === ChatSessionStatus.RequestPosted;
      if (caller.kind === 'visitor' && !request) values.Status = ChatSessionStatus.InQueue;
      // A create that may be retried gets a key derived from its Idempotency-Key, so the retry
      // answers the same key while only its hash is stored.
      const sessionKey = idempotencyKey === undefined ? nanoid() : await derivedKey(idempotencyKey);
      const requested = now();
      const draft = draftOf(values, agents, {
        customerHost: peer,
        whenRequested: requested,
        sessionKeyHash: sha256(sessionKey),
        updatedAt: requested,
      });
      if (request) {
        // Over as it is made: nobody picks it up, an agent answers it by mail or phone.
        draft.whenEnded = requested;
        draft.requestLeftAt = requested;
        draft.lastMessage = draft.firstMessage;
      }
      let seen: SessionReferences | undefined;
      const session = await store.createSession(
        draft,
        (references) => {
        const topic = checkReferences(values, agents, draft, references);
        if (caller.kind === 'visitor') {
          const problems = request
            ? requestProblems(values, topic)
            : checkVisitorRules(values, { collectConsent: topic.collectConsent, requiredFields: requiredCustomerFields(topic.widgetRequiredFields) });
          if (problems.length > 0) throw invalidFields(chatSession, problems);
        }
        if (origin !== null && !origins.mayUseTopic(origin, topic)) throw forbidden(undefined, 'originTopic', origin, topic.id);
        seen = references;
        },
        { idempotencyKey },
      );
      if (session !== draft) return { ...(await viewOf(session)), sessionKey, replayed: true };
      publish('session.created', session);
      return { session, topic: seen!.topic!, user: seen!.user, transferTo: seen!.transferTo, sessionKey, replayed: false };
    },

    /** A session with what answering it needs. */
    view: (session: SessionRecord) => viewOf(session),

    /** An agent reads any session; a visitor only their own, with the key they were given. */
    async read(caller: Caller, id: number, { sessionKey }: { sessionKey?: string } = {}): Promise<SessionView> {
      if (caller.kind === 'visitor' && sessionKey === undefined) throw unauthorized('agentRequired');
      const session = await find(id);
      if (caller.kind === 'visitor' && !keyMatches(session, sessionKey!)) throw notFound('sessionNotFound', id);
      return viewOf(session);
    },

    /** An agent's page of sessions, the oldest first. */
    async list(caller: Caller, query: SessionListQuery): Promise<SessionView[]> {
      requireAgent(caller);
      const sessions = await store.listSessions(query);
      const topics = new Map<number, Promise<TopicAsks>>();
      const agents = new Map<number, Promise<AgentRecord | null>>();
      return Promise.all(sessions.map((session) => viewOf(session, topics, agents)));
    },

    /**
     * The archive, for an agent: a page of the sessions in the topics it may follow (listen to,
     * respond in or manage), and of its own and those offered to it, as it may read their
     * messages; by what they are and what was said in them.
     */
    async archive(caller: Caller, query: ArchiveFilter): Promise<SessionView[]> {
      const agent = requireAgent(caller);
      const topicIds = (await store.agentTopics(agent.id)).filter((member) => grants(member, 'listen')).map((member) => member.topicId);
      const sessions = await store.searchSessions({ ...query, visibleTo: { topicIds, agentId: agent.id } });
      const topics = new Map<number, Promise<TopicAsks>>();
      const agents = new Map<number, Promise<AgentRecord | null>>();
      return Promise.all(sessions.map((session) => viewOf(session, topics, agents)));
    },

    /** What a new session is before anything is said about it; stores nothing. */
    blank(): SessionView {
      const draft = draftOf({}, NO_AGENTS, { customerHost: null, whenRequested: null, sessionKeyHash: null, updatedAt: 0 });
      const session = { ...draft, id: 0, initialQueuePos: 0 } as SessionRecord;
      return { session, topic: NO_TOPIC, user: null, transferTo: null };
    },

    /** A new session with default values, not saved, for an agent to fill in. */
    defaults(caller: Caller): SessionView {
      requireAgent(caller);
      return this.blank();
    },

    /**
     * Reads a session to change it. With a condition the change is conditional: refused now
     * when the session is not as the condition says, and refused later when anyone writes it
     * before this change does.
     */
    async readForUpdate(caller: Caller, id: number, { notChangedAfter, versions }: UpdateCondition = {}): Promise<PendingUpdate> {
      requireAgent(caller);
      const view = await viewOf(await find(id));
      const { updatedAt } = view.session;
      if ((notChangedAfter !== undefined && updatedAt > notChangedAfter) || (versions !== undefined && !versions.includes(updatedAt))) {
        throw changed('changedSince', id);
      }
      return { view, conditional: notChangedAfter !== undefined || versions !== undefined };
    },

    /**
     * Replaces the session with the entity `build` makes from its current version; the fields
     * the server computed stay. The write holds only if nobody wrote the session since that
     * version: a conditional change is then refused, any other is built again on the newer one.
     */
    async update(caller: Caller, pending: PendingUpdate, build: (current: SessionView) => Record<string, unknown>): Promise<SessionView> {
      requireAgent(caller);
      let current = pending.view;
      for (let attempt = 1; ; attempt++) {
        const values = readSessionFields(caller, build(current));
        const agents = agentIds(values);
        const base = current.session;
        const draft = draftOf(values, agents, {
          customerHost: base.customerHost,
          whenRequested: base.whenRequested,
          sessionKeyHash: base.sessionKeyHash,
          updatedAt: Math.max(now(), base.updatedAt + 1),
          ...pickBookkeeping(base),
        });
        // Whatever path ends a chat (PUT, PATCH, Save), it ends as the conversation ends one.
        const ending = !hasEnded(base.status) && hasEnded(draft.status);
        if (ending) draft.whenEnded ??= draft.updatedAt;
        let seen: SessionReferences | undefined;
        const result = await store.updateSession(base.id, draft, {
          expectedUpdatedAt: base.updatedAt,
          messages: ending ? [closingMessage('agent', agentName(requireAgent(caller)), draft.updatedAt)] : [],
          check: (references) => {
            checkReferences(values, agents, draft, references);
            seen = references;
          },
        });
        if (result.outcome === 'updated') {
          publish('session.updated', result.session);
          for (const message of result.messages) {
            bus.publish({ type: 'message.created', sessionId: base.id, topicId: result.session.topicId, messageId: message.id });
          }
          return { session: result.session, topic: seen!.topic!, user: seen!.user, transferTo: seen!.transferTo };
        }
        if (result.outcome === 'missing') throw notFound('sessionNotFound', base.id);
        if (pending.conditional) throw changed('changedSince', base.id);
        if (attempt === MAX_ATTEMPTS) throw unavailable('changingTooFast', base.id);
        current = await viewOf(await find(base.id));
      }
    },

    async delete(caller: Caller, id: number): Promise<void> {
      requireAgent(caller);
      const session = Number.isSafeInteger(id) ? await store.deleteSession(id) : null;
      if (!session) throw notFound('sessionNotFound', id);
      publish('session.deleted', session);
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
