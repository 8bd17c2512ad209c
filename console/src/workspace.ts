/**
 * The signed-in agent's world, kept live: the chats waiting and under way that the agent may
 * follow, their messages, who is there, and the connection.
 *
 * It comes from the agent's stream (`GET /api/v1/ChatSession/Events`): on every connect the
 * server sends the chats as they are now, then every message after the cursor (the last
 * message id the console has), then what happens as it happens. A connect asks for a fresh
 * single-use ticket, so EventSource's own reconnect (which would present the used one) is not
 * used: on an error the console connects anew after 1 s, 2 s, 4 s… up to 15 s, at once when
 * the browser is online again, and after 45 s without a word (the server says something every
 * 20 s). Messages are kept by id, so one that comes twice (from the stream and a read of the
 * history) is shown once.
 */
import type { Associate, ChatMessage, ChatSessionEntity } from '@chatline/shared';
import { api, ConsoleError, newKey, type CannedReply, type ChatPresence, type ChatTopic, type Membership, type OfflineRequest } from './api.ts';

export type Connection = 'connecting' | 'live' | 'offline';

/** What the console tells of: the agent's alerts follow these. */
export type WorkspaceEvents = {
  /** A chat joined the queue of a topic the agent is told of. */
  queued: ChatSessionEntity;
  /** The visitor wrote in one of the agent's chats. */
  visitorMessage: { session: ChatSessionEntity; message: ChatMessage };
  /** Another agent offers the agent a chat. */
  offered: ChatSessionEntity;
  /** The other agent took or turned down the chat this agent offered. */
  transferAnswered: { session: ChatSessionEntity; accepted: boolean };
  /** One of the agent's chats ended without the agent ending it (the visitor did, or a manager). */
  ended: ChatSessionEntity;
  /** A visitor left a request for an answer later, through the offline form or from the queue. */
  requested: OfflineRequest;
};

/**
 * A message of the agent's on its way: kept with its Idempotency-Key, so a retry never stores it
 * twice. `after` is the last message id the chat had when it was sent; `unknown` is true when
 * the last try got no answer, so it may be stored already.
 */
export type Outgoing = { key: string; sessionId: number; text: string; after: number; failed: string | null; unknown: boolean; sending: boolean };

type Listener<K extends keyof WorkspaceEvents> = (detail: WorkspaceEvents[K]) => void;

const activeStatuses = new Set(['CustomerLast', 'UserLast']);
/** A session in one of these is a request left for later: the offline form's, or one left from the queue. */
const requestStatuses = new Set(['RequestPosted', 'ClosedFromQueue']);
const openStatuses = new Set(['InQueue', 'CustomerLast', 'UserLast']);

/** Whether a chat is waiting in the queue. */
export const isWaiting = (session: ChatSessionEntity) => session.Status === 'InQueue';
/** Whether a chat is under way with an agent. */
export const isActive = (session: ChatSessionEntity) => activeStatuses.has(session.Status);
/** Whether a chat is over. */
export const hasEnded = (session: ChatSessionEntity) => !openStatuses.has(session.Status);
/** Whether the visitor is typing in it. */
export const visitorTyping = (session: ChatSessionEntity) => session.Flags.split(', ').includes('CustomerIsTyping');

const MAX_DELAY_MS = 15_000;
const SILENCE_MS = 45_000;
/** Requests that come together (a burst of offline forms, several marked handled) are read again once. */
const REQUESTS_SETTLE_MS = 250;

export class Workspace {
  readonly me: Associate;
  /** The agent's rights, by topic id. */
  rights = new Map<number, Membership>();
  topics = new Map<number, ChatTopic>();
  /** Chats waiting and under way that the agent may follow, and the agent's own that ended while it looked. */
  sessions = new Map<number, ChatSessionEntity>();
  /** Each chat's messages, by id, for the chats whose history has been read. */
  messages = new Map<number, Map<number, ChatMessage>>();
  /** The highest id of the agent's messages the visitor has read, by chat. */
  readUpTo = new Map<number, number>();
  /** The visitor's messages the agent has not seen, by chat. */
  unread = new Map<number, number>();
  /** Every agent who is a member of a topic, by id. */
  presence = new Map<number, ChatPresence>();
  cannedReplies = new Map<number, CannedReply[]>();
  connection: Connection = 'connecting';
  /** The chat the agent looks at; its messages count as seen while the page is visible and the chats are in view. */
  selected: number | null = null;
  /** Whether the chats are in view (not History or Manage). */
  viewing = true;
  /** What the agent has begun to write in each chat. */
  drafts = new Map<number, string>();
  /** The agent's messages on their way, by chat, in the order written. */
  outgoing = new Map<number, Outgoing[]>();
  /** The open requests visitors left in the agent's topics, the newest first; null until first read. */
  requests: OfflineRequest[] | null = null;
  /** Bumped each time the requests are read again, so that a list of handled ones knows to follow. */
  requestsVersion = 0;

  private cursor = 0;
  private source: EventSource | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private snapshots = 0;
  private requestsTimer: ReturnType<typeof setTimeout> | undefined;
  /** The reads of the requests asked for, so that only the last one's answer is kept. */
  private requestReads = 0;
  /** Every open request this console has known: one that comes back open is no news. */
  private readonly seenRequests = new Set<number>();
  /** The chats this agent is ending: their end is no news to it. */
  readonly ending = new Set<number>();
  private readonly changeListeners = new Set<() => void>();
  private readonly listeners = new Map<keyof WorkspaceEvents, Set<(detail: never) => void>>();
  private readonly histories = new Map<number, Promise<void>>();
  /** The chats whose history has been read: their messages are all here, the stream's merged in by id. */
  private readonly read = new Set<number>();

  constructor(me: Associate) {
    this.me = me;
  }

  /** Reads the agent's topics, rights and the team, then connects the stream. */
  async start(): Promise<void> {
    await this.loadTopics();
    await this.loadPresence().catch(() => {});
    addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    clearTimeout(this.requestsTimer);
    this.source?.close();
    this.source = null;
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  on<K extends keyof WorkspaceEvents>(type: K, listener: Listener<K>): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
  }

  /** The agent may answer chats in this topic. */
  mayRespond(topicId: number): boolean {
    return this.rights.get(topicId)?.CanRespond === true;
  }

  /** The agent manages this topic. */
  manages(topicId: number): boolean {
    return this.rights.get(topicId)?.CanManage === true;
  }

  get isManager(): boolean {
    return [...this.rights.values()].some((right) => right.CanManage);
  }

  get present(): boolean {
    return this.presence.get(this.me.AssociateId)?.Present ?? true;
  }

  /** The waiting chats the agent may take, the longest waiting first. */
  get queue(): ChatSessionEntity[] {
    return [...this.sessions.values()].filter((session) => isWaiting(session) && this.rights.has(session.TopicId)).sort((a, b) => a.ChatSessionId - b.ChatSessionId);
  }

  /** The agent's own chats: under way, offered to it, or ended while it had them open. */
  get mine(): ChatSessionEntity[] {
    const id = this.me.AssociateId;
    return [...this.sessions.values()]
      .filter((session) => session.User?.AssociateId === id || session.TransferTo?.AssociateId === id)
      .sort((a, b) => a.Rank - b.Rank || a.ChatSessionId - b.ChatSessionId);
  }

  /** Other agents' chats under way in the topics the agent manages. */
  get team(): ChatSessionEntity[] {
    const id = this.me.AssociateId;
    return [...this.sessions.values()]
      .filter((session) => isActive(session) && session.User?.AssociateId !== id && session.TransferTo?.AssociateId !== id && this.manages(session.TopicId))
      .sort((a, b) => a.ChatSessionId - b.ChatSessionId);
  }

  /** A chat's messages in the order they were posted; its history is read once when first asked. */
  messagesOf(sessionId: number): ChatMessage[] {
    // A read that fails is tried again the next time the chat is shown.
    if (!this.histories.has(sessionId) && !this.read.has(sessionId)) this.loadHistory(sessionId).catch(() => {});
    const known = this.messages.get(sessionId);
    return known ? [...known.values()].sort((a, b) => a.ChatMessageId - b.ChatMessageId) : [];
  }

  /** Reads a chat's whole history (again), for one the console has just come to. */
  loadHistory(sessionId: number): Promise<void> {
    const loading = this.histories.get(sessionId);
    if (loading) return loading;
    const load = (async () => {
      try {
        let after = 0;
        for (;;) {
          const page = await api.messages(sessionId, after);
          for (const message of page) this.keep(message);
          if (page.length < 1000) break;
          after = page.at(-1)!.ChatMessageId;
        }
        this.read.add(sessionId);
        this.changed();
      } finally {
        this.histories.delete(sessionId);
      }
    })();
    this.histories.set(sessionId, load);
    return load;
  }

  /** The agent looks at this chat (null for none): its unread count is cleared while the page is visible. */
  select(sessionId: number | null): void {
    this.selected = sessionId;
    if (sessionId !== null && this.inView(sessionId)) this.unread.delete(sessionId);
    this.changed();
  }

  /** The page became visible again: the chat in view is read. */
  seen(): void {
    if (this.selected !== null && this.inView(this.selected)) this.unread.delete(this.selected);
    this.changed();
  }

  /** The agent goes to the chats (true), or to History or Manage. */
  view(chats: boolean): void {
    this.viewing = chats;
    this.seen();
  }

  /** Whether the agent sees this chat now. */
  inView(sessionId: number): boolean {
    return this.viewing && this.selected === sessionId && document.visibilityState === 'visible';
  }

  /** The agent's messages on their way in a chat. */
  outgoingOf(sessionId: number): Outgoing[] {
    return this.outgoing.get(sessionId) ?? [];
  }

  /** Sends a message of the agent's: shown at once as on its way, posted with a key it keeps for every try. */
  send(sessionId: number, text: string): void {
    const after = this.messagesOf(sessionId).at(-1)?.ChatMessageId ?? 0;
    const entry: Outgoing = { key: newKey(), sessionId, text, after, failed: null, unknown: false, sending: false };
    this.outgoing.set(sessionId, [...this.outgoingOf(sessionId), entry]);
    this.drafts.delete(sessionId);
    void this.post(entry);
  }

  /** Tries a message again, with the same key: stored once, however many tries. */
  async post(entry: Outgoing): Promise<void> {
    if (entry.sending) return;
    entry.sending = true;
    entry.failed = null;
    this.changed();
    try {
      this.keep(await api.send(entry.sessionId, entry.text, entry.key));
      this.outgoing.set(entry.sessionId, this.outgoingOf(entry.sessionId).filter((other) => other !== entry));
    } catch (error) {
      entry.unknown = error instanceof ConsoleError && error.status === 0;
      entry.failed = entry.unknown ? 'Not sent yet: no connection. It is sent again when the connection is back.' : (error as Error).message;
    } finally {
      entry.sending = false;
      this.changed();
    }
  }

  /** Takes over what a previous sign-in of the same agent had begun: its drafts and messages on their way. */
  adopt(previous: Workspace): void {
    if (previous.me.AssociateId !== this.me.AssociateId) return;
    this.drafts = previous.drafts;
    this.outgoing = previous.outgoing;
    this.selected = previous.selected;
  }

  /** A chat the agent had that has ended leaves its list once the agent is done with it. */
  dismiss(sessionId: number): void {
    this.sessions.delete(sessionId);
    this.messages.delete(sessionId);
    this.read.delete(sessionId);
    this.drafts.delete(sessionId);
    this.outgoing.delete(sessionId);
    this.unread.delete(sessionId);
    if (this.selected === sessionId) this.selected = null;
    this.changed();
  }

  /** Takes in a session the agent acted on, without waiting for the stream to tell. */
  update(session: ChatSessionEntity | null): void {
    if (!session) return;
    this.sessions.set(session.ChatSessionId, session);
    this.changed();
  }

  /** Takes in a message the agent posted. */
  keep(message: ChatMessage): void {
    let known = this.messages.get(message.ChatSessionId);
    if (!known) this.messages.set(message.ChatSessionId, (known = new Map()));
    known.set(message.ChatMessageId, message);
    if (message.ReadByCustomer) this.noteRead(message.ChatSessionId, message.ChatMessageId);
  }

  async setPresent(present: boolean): Promise<void> {
    await api.savePresence(this.me.AssociateId, present);
    const mine = this.presence.get(this.me.AssociateId);
    if (mine) this.presence.set(this.me.AssociateId, { ...mine, Present: present });
    this.changed();
  }

  async loadPresence(): Promise<void> {
    this.presence = new Map((await api.presence()).map((entry) => [entry.UserId, entry]));
    this.changed();
  }

  async loadTopics(): Promise<void> {
    const topics = await api.myTopics();
    this.topics = new Map(topics.map((topic) => [topic.ChatTopicId, topic]));
    const rights = await Promise.all(topics.map((topic) => api.member(topic.ChatTopicId, this.me.UserName).catch(() => null)));
    this.rights = new Map(rights.filter((right): right is Membership => right !== null).map((right) => [right.TopicId, right]));
    this.changed();
  }

  /** A topic's canned replies, read when first asked and again when they change. */
  repliesOf(topicId: number): CannedReply[] {
    const known = this.cannedReplies.get(topicId);
    if (!known) {
      this.cannedReplies.set(topicId, []);
      void this.loadReplies(topicId);
    }
    return known ?? [];
  }

  async loadReplies(topicId: number): Promise<void> {
    try {
      this.cannedReplies.set(topicId, await api.cannedReplies(topicId));
      this.changed();
    } catch {
      this.cannedReplies.delete(topicId);
    }
  }

  /** Reads the open requests again; one that came since the last read is told of. */
  async loadRequests(): Promise<void> {
    const asked = ++this.requestReads;
    const requests = await api.offlineRequests(false);
    if (asked !== this.requestReads || this.stopped) return;
    // The first read is what was there already: no news. Nor is one marked open again.
    const news = this.requests === null ? [] : requests.filter((request) => !this.seenRequests.has(request.ChatSessionId));
    for (const request of requests) this.seenRequests.add(request.ChatSessionId);
    this.requests = requests;
    this.requestsVersion++;
    this.changed();
    for (const request of news.reverse()) this.emit('requested', request);
  }

  /** Marks a request handled, or open again; the list follows at once, without waiting for the stream. */
  async setHandled(id: number, handled: boolean): Promise<OfflineRequest> {
    const request = await api.setHandled(id, handled);
    const others = (this.requests ?? []).filter((open) => open.ChatSessionId !== id);
    this.requests = handled ? others : [request, ...others].sort((a, b) => b.ChatSessionId - a.ChatSessionId);
    this.requestsVersion++;
    this.changed();
    this.requestsChanged();
    return request;
  }

  /** A request came or changed: the list is read again, once for a burst. */
  private requestsChanged(): void {
    clearTimeout(this.requestsTimer);
    this.requestsTimer = setTimeout(() => void this.loadRequests().catch(() => {}), REQUESTS_SETTLE_MS);
  }

  private emit<K extends keyof WorkspaceEvents>(type: K, detail: WorkspaceEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as Listener<K>)(detail);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private noteRead(sessionId: number, messageId: number) {
    if ((this.readUpTo.get(sessionId) ?? 0) < messageId) this.readUpTo.set(sessionId, messageId);
  }

  private readonly reconnectNow = () => {
    if (this.connection === 'live' || this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retries = 0;
    this.connect();
  };

  private async connect(): Promise<void> {
    this.source?.close();
    this.source = null;
    if (this.stopped) return;
    let ticket: string;
    try {
      ticket = (await api.ticket()).Ticket;
    } catch (error) {
      // Signed out: the page says so; otherwise the server is not there yet.
      if (error instanceof ConsoleError && error.status === 401) return this.stop();
      return this.lost();
    }
    if (this.stopped) return;
    const source = new EventSource(`/api/v1/ChatSession/Events?ticket=${encodeURIComponent(ticket)}&after=${this.cursor}`);
    this.source = source;
    this.heard();
    const on = (type: string, handle: (data: unknown) => void) =>
      source.addEventListener(type, (event) => {
        const { data, lastEventId } = event as MessageEvent<string>;
        this.heard();
        if (type === 'ping') return;
        if (lastEventId !== '' && /^\d+$/.test(lastEventId)) this.cursor = Math.max(this.cursor, Number(lastEventId));
        try {
          handle(JSON.parse(data));
        } catch {
          // An event this console does not understand is left out.
        }
        this.changed();
      });
    on('sessions', (data) => this.takeSnapshot(data as ChatSessionEntity[]));
    on('session', (data) => this.takeSession(data as ChatSessionEntity));
    on('removed', (data) => this.sessions.delete((data as { ChatSessionId: number }).ChatSessionId));
    on('message', (data) => this.takeMessage(data as ChatMessage));
    on('read', (data) => {
      const { ChatSessionId, ChatMessageId } = data as { ChatSessionId: number; ChatMessageId: number };
      this.noteRead(ChatSessionId, ChatMessageId);
    });
    on('presence', (data) => {
      const entry = data as ChatPresence;
      this.presence.set(entry.UserId, entry);
    });
    on('cannedReplies', (data) => {
      const { TopicId } = data as { TopicId: number };
      if (this.cannedReplies.has(TopicId)) void this.loadReplies(TopicId);
    });
    on('ping', () => {});
    source.onerror = () => {
      if (this.source === source) this.lost();
    };
  }

  private heard(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.lost(), SILENCE_MS);
  }

  private lost(): void {
    this.source?.close();
    this.source = null;
    clearTimeout(this.silenceTimer);
    if (this.stopped) return;
    if (this.connection !== 'offline') {
      this.connection = 'offline';
      this.changed();
    }
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.retries++);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private takeSnapshot(sessions: ChatSessionEntity[]): void {
    this.connection = 'live';
    this.retries = 0;
    const before = this.sessions;
    this.sessions = new Map(sessions.map((session) => [session.ChatSessionId, session]));
    for (const [id, session] of before) {
      // One of the agent's chats that ended while the console was away: it stays, as it ended.
      const wasMine = session.User?.AssociateId === this.me.AssociateId;
      if (!this.sessions.has(id) && wasMine && !hasEnded(session)) {
        this.sessions.set(id, session);
        void api.session(id).then((now) => this.update(now), () => this.dismiss(id));
      } else if (!this.sessions.has(id) && wasMine) this.sessions.set(id, session);
    }
    // The read marks may have moved while away: the histories in view are read again.
    for (const id of this.read) if (this.sessions.has(id)) this.loadHistory(id).catch(() => {});
    if (this.snapshots++ > 0) {
      // Connected again, or the agent's topics changed: the rights and the team may have too.
      void this.loadTopics().catch(() => {});
      void this.loadPresence().catch(() => {});
    }
    // Requests may have come while the console was away (or this is the first connect).
    this.requestsChanged();
    // What may not have arrived while the connection was lost is sent again, with its key.
    for (const entries of this.outgoing.values()) for (const entry of entries) if (entry.unknown) void this.post(entry);
  }

  private takeSession(session: ChatSessionEntity): void {
    if (requestStatuses.has(session.Status)) this.requestsChanged();
    const before = this.sessions.get(session.ChatSessionId);
    const me = this.me.AssociateId;
    const mineBefore = before?.User?.AssociateId === me;
    const mineNow = session.User?.AssociateId === me;
    if (hasEnded(session) && !mineBefore && !mineNow) this.sessions.delete(session.ChatSessionId);
    else if (!isWaiting(session) && !mineNow && !mineBefore && session.TransferTo?.AssociateId !== me && !this.manages(session.TopicId)) {
      // Taken by someone else in a topic the agent does not manage: it leaves the queue.
      this.sessions.delete(session.ChatSessionId);
    } else this.sessions.set(session.ChatSessionId, session);

    if (isWaiting(session) && (!before || !isWaiting(before))) this.emit('queued', session);
    if (session.TransferTo?.AssociateId === me && before?.TransferTo?.AssociateId !== me) this.emit('offered', session);
    if (mineBefore && before?.TransferTo && !session.TransferTo) this.emit('transferAnswered', { session, accepted: !mineNow });
    if (mineBefore && before && !hasEnded(before) && hasEnded(session) && !this.ending.has(session.ChatSessionId)) this.emit('ended', session);
  }

  private takeMessage(message: ChatMessage): void {
    const session = this.sessions.get(message.ChatSessionId);
    if (!session) return;
    // Kept whether or not the history has been read yet: a read that is under way may have been
    // answered before this message was posted.
    const isNew = !this.messages.get(message.ChatSessionId)?.has(message.ChatMessageId);
    this.keep(message);
    // The stream sends only what came after the console's cursor: every message it brings is news.
    const news = isNew && message.Type === 'ToUser';
    const mine = session.User?.AssociateId === this.me.AssociateId;
    if (!news || !mine) return;
    if (!this.inView(message.ChatSessionId)) this.unread.set(message.ChatSessionId, (this.unread.get(message.ChatSessionId) ?? 0) + 1);
    this.emit('visitorMessage', { session, message });
  }
}
