/**
 * What the server keeps, and the interface every store implements (SQLite now, PostgreSQL
 * next). The interface speaks domain records: booleans, times as epoch milliseconds, lists
 * as arrays, references as parsed objects. How a store encodes them, and how it batches its
 * writes, is its own business. Every method returns a Promise; every write is one
 * transaction, and a method that must check rules against what it reads takes those rules
 * as a pure function that it calls inside the transaction.
 */

import type { SignInKind, Weekday } from '@chatline/shared';

/** Epoch milliseconds, UTC. */
export type Millis = number;

/** A CRM reference a session carries (Person, Contact, Project, Sale, Ticket), stored as given. */
export type Reference = Record<string, unknown>;

export type SessionRecord = {
  id: number;
  topicId: number;
  /** The agent (associate) who has the chat. */
  userId: number | null;
  person: Reference | null;
  customerAlias: string | null;
  /** The visitor's address, computed by the server. */
  customerHost: string | null;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  customerConsented: boolean;
  customerCompanyName: string | null;
  /** A ChatSessionStatus value. */
  status: number;
  firstMessage: string | null;
  lastMessage: string | null;
  whenRequested: Millis | null;
  whenStarted: Millis | null;
  whenEnded: Millis | null;
  whenIdle: Millis | null;
  whenFetched: Millis | null;
  /** SHA-256 of the session key, hex: the key itself is never stored. */
  sessionKeyHash: string | null;
  /** The sessions waiting in the topic when this one was requested, plus one. */
  initialQueuePos: number;
  alertLevel: number;
  rank: number;
  /** ChatSessionFlags as a mask. */
  flags: number;
  contact: Reference | null;
  project: Reference | null;
  sale: Reference | null;
  ticket: Reference | null;
  /** The agent a transfer is offered to. */
  transferToId: number | null;
  /** The visitor's rating after the chat, 1 to 5; 0 when not rated. */
  rating: number;
  /** When the session last changed; every write makes it larger. */
  updatedAt: Millis;
  /** What the visitor wrote with their rating. */
  ratingComment: string | null;
  whenRated: Millis | null;
  /** When the visitor left a request for an answer later (the offline form, or the queue's offer). */
  requestLeftAt: Millis | null;
  /** When an agent marked the request handled, and who. */
  requestHandledAt: Millis | null;
  requestHandledBy: number | null;
};

/** A session to store: the store assigns the id and the queue position. */
export type SessionDraft = Omit<SessionRecord, 'id' | 'initialQueuePos'>;

export type TopicRecord = {
  id: number;
  name: string;
  description: string;
  welcomeMessage: string;
  /** An ISO 639 language code for the topic's visitors; '' for the page's or the browser's. */
  language: string;
  /** The visitor must consent to storing their details before a chat starts. */
  collectConsent: boolean;
  /** Origins (scheme://host[:port]) whose pages may request chats in the topic. */
  allowedOrigins: string[];
  /** ChatTopicRequiredFields as a mask. */
  widgetRequiredFields: number;
  /** ChatWidgetFields the form leaves out, as a mask. */
  widgetHiddenFields: number;
  widgetWelcomeTitle: string;
  widgetWelcomeMessage: string;
  /** `#rrggbb`, or '' for the widget's own accent colour. */
  widgetColor: string;
  widgetConsentText: string;
  widgetPrivacyPolicyUrl: string;
  /** The offline form: its header and message ('' for the widget's own words), and the fields it requires (a ChatTopicRequiredFields mask). */
  widgetOfflineHeader: string;
  widgetOfflineMessage: string;
  widgetOfflineFields: number;
  /** The post-chat form: rating and transcript once a chat has ended. */
  widgetPostFormEnabled: boolean;
  widgetPostFormHeader: string;
  widgetPostFormMessage: string;
  widgetPostTranscriptEnabled: boolean;
  /** The widget's queue text, with `{cque}` for the position and `{cavw}` for the average wait. */
  customQueueTextEnabled: boolean;
  customQueueText: string;
  /** When off, the topic is open at all hours. */
  openingHoursEnabled: boolean;
  /** An IANA time zone (`Europe/Oslo`) the opening hours are in; '' for UTC. */
  openingHoursTimeZone: string;
  openingHoursUseLunchHours: boolean;
  /** Times of day in seconds since midnight. */
  openingHoursLunchStart: number;
  openingHoursLunchStop: number;
  /** Consent asked for on the offline form. */
  offlineCollectConsent: boolean;
  /** A visitor waiting may leave a message instead: after `offlineFormTimeLimit` minutes, or while more than `offlineFormQueueLength` wait (0: never). */
  useQueueOfflineForm: boolean;
  offlineFormTimeLimit: number;
  offlineFormQueueLength: number;
  widgetEnableRating: boolean;
  widgetRatingText: string;
} & {
  /** Per weekday: open that day, from Start to Stop (seconds since midnight, in the topic's zone). */
  [Day in Weekday as `openingHours${Day}Enabled`]: boolean;
} & {
  [Day in Weekday as `openingHours${Day}Start` | `openingHours${Day}Stop`]: number;
};

export type TopicDraft = Omit<TopicRecord, 'id'>;

/** What checking a session against its topic needs. */
export type TopicRules = Pick<TopicRecord, 'id' | 'collectConsent' | 'allowedOrigins' | 'widgetRequiredFields' | 'widgetOfflineFields' | 'offlineCollectConsent'>;

/** An agent: SuperOffice calls them associates. */
export type AgentRecord = {
  id: number;
  /** Unique regardless of case. */
  userName: string;
  fullName: string;
  /** `scrypt$N$r$p$salt$hash`; null for an agent that signs in by token only. */
  passwordHash: string | null;
  personId: number;
  rank: number;
  groupIdx: number;
  ejUserId: number;
  /** SuperOffice's associate type name: an agent here is an `Employee`. */
  type: string;
  deleted: boolean;
  createdAt: Millis;
  /** There to take chats (ChatPresence); an agent who is away can still respond. */
  present: boolean;
};

export type AgentDraft = Pick<AgentRecord, 'userName' | 'fullName' | 'passwordHash' | 'createdAt'>;

/** What an agent may do in a topic (SuperOffice's ChatTopicAgent). */
export type TopicAgentRecord = {
  topicId: number;
  agentId: number;
  /** Follow the topic's chats. */
  canListen: boolean;
  /** Pick up and answer them. */
  canRespond: boolean;
  /** Take over and transfer them, and say who is in the topic. */
  canManage: boolean;
  /** Be told of chats that wait. */
  canNotify: boolean;
};

/** A reply an agent picks instead of typing it, kept per topic. */
export type CannedReplyRecord = {
  id: number;
  topicId: number;
  /** Unique in its topic regardless of case. */
  name: string;
  text: string;
};

export type CannedReplyDraft = Pick<CannedReplyRecord, 'name' | 'text'>;

export type CannedReplyWrite =
  | { outcome: 'saved'; reply: CannedReplyRecord }
  /** No such topic; for a change, no such reply in the topic. */
  | { outcome: 'missing' }
  /** Another reply of the topic has the name, in some case: nothing was written. */
  | { outcome: 'taken' }
  /** The topic has as many replies as it may: nothing was written. */
  | { outcome: 'full' };

export type CredentialKind = 'token' | 'ticket' | 'session';

/** A Bearer token, an SOTicket ticket or a browser session. Only a SHA-256 of each secret is kept. */
export type CredentialRecord = {
  secretHash: string;
  kind: CredentialKind;
  agentId: number;
  /** For browser sessions: the SHA-256 of the XSRF token the browser must echo. */
  xsrfHash: string | null;
  createdAt: Millis;
  /** Null: does not expire (a Bearer token, until revoked). */
  expiresAt: Millis | null;
  /** When it was last presented, to the minute; null when never. */
  lastUsedAt: Millis | null;
};

/**
 * What is counted of the sign-ins to one account (a folded user name's hash, known or not),
 * from one address or from anywhere. Nothing in it says whether a password was right.
 */
export type SignInCount = {
  /** Failures counted since `since`. */
  failures: number;
  since: Millis;
  lastFailureAt: Millis | null;
  /** Passwords being checked now, and when the last check began. */
  pending: number;
  pendingAt: Millis | null;
  lastSuccessAt: Millis | null;
};

/** The counts of an account's sign-ins from the address at hand, and from anywhere. */
export type SignInGuard = { fromAddress: SignInCount; fromAnywhere: SignInCount };

/** Who did what to an agent's access, for the agent's record of sign-ins. */
export type SignInEventKind = SignInKind;

/** How many sign-ins, failures and throttled tries each agent's record keeps; changes to its access are all kept. */
export const SIGN_IN_EVENTS_KEPT = 100;
/** The kinds of event the record keeps only the last `SIGN_IN_EVENTS_KEPT` of. */
export const TRIMMED_SIGN_IN_KINDS: readonly SignInEventKind[] = ['sign_in', 'sign_in_failed', 'sign_in_throttled'];

/**
 * Whether an event is the last one again, and counts it rather than adds one: the same kind,
 * way and address. Throttled tries from one address are one event whatever way they came, so
 * tries by turns of Basic and Login cannot push the rest out of the record.
 */
export const sameEventAgain = (last: { kind: string; method: string | null; address: string | null }, next: Pick<SignInEventRecord, 'kind' | 'method' | 'address'>) =>
  last.kind === next.kind && last.address === next.address && (last.method === next.method || next.kind === 'sign_in_throttled');

export type SignInEventRecord = {
  agentId: number;
  at: Millis;
  kind: SignInEventKind;
  /** How: `basic`, `login`, `ticket` for sign-ins; `admin` or `console` for a change. */
  method: string | null;
  address: string | null;
  requestId: string | null;
  /** How many times in a row the same thing happened from the same address; `at` is the last. */
  count: number;
};

export type MessageRecord = {
  id: number;
  sessionId: number;
  /** A ChatMessageType value. */
  type: number;
  message: string;
  author: string;
  readByCustomer: number;
  /** A ChatMessageSpecialType value. */
  specialType: number;
  specialParam: string | null;
  whenPosted: Millis;
};

/** Ratings counted together: for a topic (`id` its id) or an agent (`id` the agent's). */
export type RatingCount = { id: number; average: number; count: number };
export type RatingSummary = { topics: RatingCount[]; agents: RatingCount[]; recent: SessionRecord[] };

/** A message to store: the store assigns its id, larger than every id before it. */
export type MessageDraft = Omit<MessageRecord, 'id' | 'sessionId'>;

/** What a change to a session is decided from, as it is inside the change's transaction. */
export type SessionState = {
  session: SessionRecord;
  /** With `ranksOf`: the Rank of each of that agent's sessions under way (not waiting, not ended), but this one. */
  agentRanks: number[];
};

/** A change to a session: members to write over it, and messages to add to it, in order. */
export type SessionChange = { session?: Partial<SessionDraft>; messages?: readonly MessageDraft[] };

/**
 * Decides a change from the session as it is inside the change's transaction. Pure: no I/O, no
 * store calls. Whatever it throws refuses the change, and the store rejects with it.
 */
export type SessionDecision = (state: SessionState) => SessionChange;

export type ChangeOutcome =
  | { outcome: 'changed'; session: SessionRecord; messages: MessageRecord[] }
  /** The idempotency key was used for this session before: what that change added, and nothing new. */
  | { outcome: 'replayed'; session: SessionRecord; messages: MessageRecord[] }
  | { outcome: 'missing' };

export type ChangeOptions = {
  /** A key the client chose: a change with a key used before for the session is not made twice. */
  idempotencyKey?: string;
  /** An agent whose other sessions' ranks the decision needs. */
  ranksOf?: number;
};

/** What a session's write refers to, read in the write's transaction. */
export type SessionReferences = {
  /** The rules of the draft's topic; null when there is no such topic. */
  topic: TopicRules | null;
  /** The agents the draft names; null where it names none or one that does not exist. */
  user: AgentRecord | null;
  transferTo: AgentRecord | null;
};

/**
 * The rules a session's write must meet, checked against what it refers to as read inside
 * the write's transaction, so that no other request or process can change it in between.
 * Pure: no I/O, no store calls. Whatever it throws refuses the write, and the store rejects
 * with it.
 */
export type SessionCheck = (references: SessionReferences) => void;

export type SessionUpdate =
  /** With the messages the update added, in order. */
  | { outcome: 'updated'; session: SessionRecord; messages: MessageRecord[] }
  | { outcome: 'missing' }
  /** The session had changed since `expectedUpdatedAt`: nothing was written. */
  | { outcome: 'changed' };

export type SessionQuery = {
  topicId?: number;
  status?: number;
  /** Sessions in any of these topics. */
  topicIds?: readonly number[];
  /** Sessions in any of these statuses. */
  statuses?: readonly number[];
  /** Sessions this agent has. */
  userId?: number;
  /** Sessions offered to this agent. */
  transferToId?: number;
  /** Sessions after the first `skip`, in id order. */
  skip: number;
  /** At most this many. */
  top: number;
};

/** What the archive asks for: sessions by what they are and what was said in them, a page at a time. */
export type ArchiveQuery = {
  topicId?: number;
  status?: number;
  /** Only sessions that have ended: WhenEnded is set. */
  ended?: boolean;
  /**
   * Only sessions whose customer alias, name or email, first message, or any message contains
   * this text, in any case (of any alphabet): `%` and `_` are text like any other.
   */
  text?: string;
  /** Only sessions in these topics, or that this agent has or is offered. */
  visibleTo?: { topicIds: readonly number[]; agentId: number };
  /** The newest first; the oldest first without. */
  descending?: boolean;
  /** Sessions after the first `skip`, in id order. */
  skip: number;
  /** At most this many. */
  top: number;
};

/**
 * Small texts between the server processes that share a database (PostgreSQL's LISTEN and
 * NOTIFY): what one process announces, the others hear. Texts are not kept: one sent while a
 * process was cut off from the database is lost to it, so it is told to read everything again.
 */
export type StoreChannel = {
  /** Sends the text to the other processes; a text is at most `maxBytes` long in UTF-8. */
  send(text: string): Promise<void>;
  readonly maxBytes: number;
  /**
   * Calls `hear` with each text another process sent, and `resync` when this process heard
   * again after a break, in which texts may have been lost. Returns the function that stops.
   */
  listen(hear: (text: string) => void, resync: () => void): () => void;
  close(): Promise<void>;
};

/** A single-use ticket that opens one stream (EventSource cannot send headers): a session's, or an agent's. */
export type StreamTicketRecord = {
  /** SHA-256 of the ticket: the ticket itself is never stored. */
  secretHash: string;
  /** The session whose stream it opens, for a visitor; null for an agent's. */
  sessionId: number | null;
  /** The agent whose stream it opens; null for a visitor's. */
  agentId: number | null;
  expiresAt: Millis;
};

/** A rate limit: `perWindow` tokens, refilled evenly over `windowMs`. */
export type RateLimit = { perWindow: number; windowMs: number };

/** The store could not get the database in time (another writer held it): try again soon. */
export class StoreBusyError extends Error {
  constructor(cause?: unknown) {
    super('The database is busy.', { cause });
    this.name = 'StoreBusyError';
  }
}

export type ChatStore = {
  /**
   * Stores a new session and resolves to it, with its id and queue position, once committed:
   * to the draft itself, completed (the caller hands the draft over). With an idempotency key
   * that a create used before, nothing is stored and that create's session is answered, as
   * another record than the draft.
   * The count of sessions waiting in its topic and the insert are serialized per topic, so
   * the position (waiting + 1) is exact with any number of servers on one database. `check`
   * runs in that transaction with the topic and agents the draft names.
   */
  createSession(draft: SessionDraft, check: SessionCheck, options?: { idempotencyKey?: string }): Promise<SessionRecord>;
  /** The session a create with this idempotency key stored, if one did. */
  sessionCreatedWith(idempotencyKey: string): Promise<SessionRecord | null>;
  /** A secret of this server by name, made (random, 256 bits) the first time it is asked for. */
  serverSecret(name: string): Promise<string>;
  getSession(id: number): Promise<SessionRecord | null>;
  /** Sessions in id order, the oldest first. */
  listSessions(query: SessionQuery): Promise<SessionRecord[]>;
  /** The archive's sessions as the query says, in id order. */
  searchSessions(query: ArchiveQuery): Promise<SessionRecord[]>;
  /**
   * Replaces a session's fields but those the server computed when it was requested (the
   * host, the time, the key, the position), only if it was last changed at
   * `expectedUpdatedAt`, and after `check` passed in the same transaction; `messages` are added
   * to it in that transaction.
   */
  updateSession(
    id: number,
    draft: SessionDraft,
    options: { expectedUpdatedAt: Millis; check: SessionCheck; messages?: readonly MessageDraft[] },
  ): Promise<SessionUpdate>;
  /** The deleted session, or null when there was none; its messages go with it. */
  deleteSession(id: number): Promise<SessionRecord | null>;
  /**
   * Changes a session and adds messages to it in one transaction, as `decide` says from the
   * session as it is then: no other change to the session can come in between. Every change
   * makes `updatedAt` larger. With an idempotency key used before for this session, nothing is
   * changed and the messages that change added are answered.
   */
  changeSession(id: number, decide: SessionDecision, options?: ChangeOptions): Promise<ChangeOutcome>;
  /**
   * The session's place in its topic's queue now: the waiting sessions requested before it,
   * plus one; null when it is not waiting.
   */
  queuePosition(sessionId: number): Promise<number | null>;
  /** The ids of the sessions waiting in a topic's queue, the oldest first. */
  waitingSessionIds(topicId: number): Promise<number[]>;
  /**
   * The messages after the one with id `after`, in id order, at most `limit`, of the sessions
   * in these topics or that this agent has or is offered.
   */
  messagesAfter(after: number, scope: { topicIds: readonly number[]; agentId: number }, limit: number): Promise<MessageRecord[]>;
  /** The id of the last message of any session; 0 when there is none. */
  lastMessageId(): Promise<number>;
  /** The session's messages after the one with id `after` (0 for all), in id order, at most `limit`. */
  listMessages(sessionId: number, after: number, limit: number): Promise<MessageRecord[]>;
  /**
   * Marks the session's ToCustomer messages with ids up to `upTo` read by the customer, in one
   * transaction. Null when there is no such session; else how many it marked now, and the
   * highest id of the session's ToCustomer messages that are read (0 for none).
   */
  markReadByCustomer(sessionId: number, upTo: number): Promise<{ marked: number; lastRead: number } | null>;

  getTopic(id: number): Promise<TopicRecord | null>;
  /** Topics in id order. */
  listTopics(): Promise<TopicRecord[]>;
  /** Whether any topic lists this origin. */
  anyTopicAllows(origin: string): Promise<boolean>;
  createTopic(draft: TopicDraft): Promise<TopicRecord>;
  /** Null when there is no such topic. */
  updateTopic(id: number, draft: TopicDraft): Promise<TopicRecord | null>;
  /** 'in_use' while sessions still belong to the topic; checked and deleted in one transaction. */
  deleteTopic(id: number): Promise<'deleted' | 'missing' | 'in_use'>;

  /** Null when the user name is taken (user names are unique regardless of case). */
  createAgent(draft: AgentDraft): Promise<AgentRecord | null>;
  getAgent(id: number): Promise<AgentRecord | null>;
  /** By user name, in any case. */
  findAgent(userName: string): Promise<AgentRecord | null>;
  /** Agents in id order. */
  listAgents(): Promise<AgentRecord[]>;
  /** False when there is no such agent. */
  setPassword(id: number, passwordHash: string): Promise<boolean>;
  /** False when there is no such agent. */
  setPresence(id: number, present: boolean): Promise<boolean>;
  /** How many chats the agent has under way now. */
  ongoingChats(agentId: number): Promise<number>;

  /** A topic's members, in the order of their agents' ids. */
  listTopicAgents(topicId: number): Promise<TopicAgentRecord[]>;
  /** The topics an agent is a member of, and what it may do in each, in topic id order. */
  agentTopics(agentId: number): Promise<TopicAgentRecord[]>;
  /** Adds the member or replaces what it may do; false when the topic or the agent does not exist. */
  setTopicAgent(member: TopicAgentRecord): Promise<boolean>;
  /** False when the agent was no member. */
  removeTopicAgent(topicId: number, agentId: number): Promise<boolean>;
  /** Makes these the topic's members, in one transaction; false when the topic or an agent does not exist. */
  replaceTopicAgents(topicId: number, members: readonly TopicAgentRecord[]): Promise<boolean>;

  /** A topic's canned replies by name regardless of case, then by id. */
  listCannedReplies(topicId: number): Promise<CannedReplyRecord[]>;
  /** Adds a reply to the topic unless it has `limit` already or one of that name in any case; counted and written in one transaction. */
  createCannedReply(topicId: number, draft: CannedReplyDraft, options: { limit: number }): Promise<CannedReplyWrite>;
  /** Changes a reply of the topic, unless another reply of the topic has the new name in any case. */
  updateCannedReply(topicId: number, id: number, draft: CannedReplyDraft): Promise<Exclude<CannedReplyWrite, { outcome: 'full' }>>;
  /** False when the topic has no such reply. */
  deleteCannedReply(topicId: number, id: number): Promise<boolean>;

  /**
   * Adds the credential, in one transaction with the check that its agent is on the team and,
   * with `passwordHash`, still has that password: false, and nothing added, when not. A
   * sign-in that checked the old password as the password changed gets nothing from it.
   */
  addCredential(credential: CredentialRecord, holder?: { passwordHash: string | null }): Promise<boolean>;
  /** The credential with this secret hash and kind, unless it has expired by `now`. */
  findCredential(secretHash: string, kind: CredentialKind, now: Millis): Promise<CredentialRecord | null>;
  /** The removed credential, or null when there was none. */
  deleteCredential(secretHash: string): Promise<CredentialRecord | null>;
  /**
   * Notes that the visitors of these sessions fetched at `at`; only where WhenFetched is older
   * than `staleBefore` (or unset), so that a busy visitor costs a write now and then, not each
   * read. Changes nothing else, and announces nothing.
   */
  touchFetched(ids: readonly number[], at: Millis, staleBefore: Millis): Promise<void>;
  /** The requests visitors left in these topics, handled or not, the newest first. */
  listRequests(query: { topicIds: readonly number[]; handled: boolean; top: number }): Promise<SessionRecord[]>;
  /**
   * The ratings of chats in these topics (and, with `agentId`, only that agent's): the average
   * and count per topic and per agent, and the latest rated sessions.
   */
  ratingSummary(query: { topicIds: readonly number[]; agentId?: number; recent: number }): Promise<RatingSummary>;
  /** The average wait, in milliseconds, of the topic's last `last` chats that were picked up; null when none was. */
  averageWait(topicId: number, last: number): Promise<number | null>;
  /** Notes that the credential was presented at `at`. */
  touchCredential(secretHash: string, at: Millis): Promise<void>;
  /** An agent's credentials of this kind that have not expired by `now`, the oldest first. */
  listCredentials(agentId: number, kind: CredentialKind, now: Millis): Promise<CredentialRecord[]>;
  /**
   * Removes the agent's credentials of these kinds, and every stream ticket it holds, in one
   * transaction: how many credentials it removed.
   */
  revokeCredentials(agentId: number, kinds: readonly CredentialKind[]): Promise<number>;
  /**
   * Removes an agent from the team, in one transaction: marked deleted (its name stays on past
   * conversations) and away, out of every topic, with every credential and stream ticket it
   * held gone. The agent as it was; null when there is no such agent or it was removed before.
   */
  removeAgent(id: number): Promise<AgentRecord | null>;
  /**
   * Reads the counts of sign-ins to `account` from `address` and from anywhere, and writes what
   * `decide` makes of them (null: nothing), in one transaction: sign-ins that come at once, to
   * any process, are counted one after the other. `decide` may run more than once.
   */
  guardSignIn(account: string, address: string, decide: (guard: SignInGuard) => SignInGuard | null): Promise<void>;
  /** Forgets the counts that have seen nothing since `before`. */
  forgetSignIns(before: Millis): Promise<void>;
  /**
   * Adds to an agent's record of sign-ins; the last event again (`sameEventAgain`) counts that
   * one again instead. The record keeps the last `SIGN_IN_EVENTS_KEPT` sign-ins, failures and
   * throttled tries, and every change to the agent's access.
   */
  addSignInEvent(event: Omit<SignInEventRecord, 'count'>): Promise<void>;
  /** An agent's last events, the newest first. */
  listSignInEvents(agentId: number, limit: number): Promise<SignInEventRecord[]>;

  addStreamTicket(ticket: StreamTicketRecord): Promise<void>;
  /**
   * Takes the ticket with this hash, once: after this no one can take it again. Null when
   * there is none, or it had expired by `now`.
   */
  takeStreamTicket(secretHash: string, now: Millis): Promise<StreamTicketRecord | null>;

  /**
   * Takes a token from the bucket `key` of a token-bucket limit, counted by every process that
   * shares the store: 0 when one was there, else the whole seconds until the next one is.
   */
  takeRateToken(key: string, limit: RateLimit, now: Millis): Promise<number>;

  /** Finishes the writes it has accepted, then closes. */
  close(): Promise<void>;
};
