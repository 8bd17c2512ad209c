/**
 * The live conversation of the visitor's session: the messages, the session's state, the
 * connection, and the visitor's messages on their way.
 *
 * The stream is the server's Server-Sent Events with a cursor, the id of the last message the
 * widget has. Each connect asks for a fresh single-use ticket and opens `EventSource` after the
 * cursor, so the server sends the state first, then every message the widget has not got, then
 * live events. EventSource's own reconnect would present the used ticket again and be refused:
 * on an error the widget closes it and connects anew, after 1 s, 2 s, 4 s… up to 30 s, and at once
 * when the browser goes online, the page is shown again or comes back from the back/forward cache.
 * Messages are told apart by their ids only, never by their text.
 *
 * A message the visitor sends shows at once as sending; it is posted with an Idempotency-Key that
 * it keeps across retries, so a retry of a send whose answer was lost stores nothing twice. The
 * log keeps the order in which the visitor saw things: an entry never moves, and a message once
 * stored takes the place it had while it was being sent.
 *
 * A chat that ended as Closed may be reopened for a while by writing again: the server reopens it
 * with that message, and the stream is followed again.
 */
import type { ChatMessage, ChatSessionStatusName } from '@chatline/shared';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { newKey, type ChatRequestError } from '../api.ts';
import {
  endChat,
  eventsUrl,
  postMessage,
  readMessages,
  requestTicket,
  sendRead,
  sendTyping,
  type SessionAccess,
  type StreamState,
} from '../conversation/api.ts';

/** `connecting` until the stream first answers; `reconnecting` while it is lost and being found again. */
export type Connection = 'connecting' | 'live' | 'reconnecting';

/**
 * The widget's phases once the chat exists: waiting at a place in the queue, chatting with an
 * agent, or ended (with how: `Closed`, `ClosedFromQueue`…, and whether the visitor left a
 * message instead of waiting); while live, with the connection.
 */
export type LivePhase =
  | { name: 'queued'; position: number; connection: Connection }
  | { name: 'chatting'; agent: string | null; connection: Connection }
  | { name: 'ended'; status: string; left?: boolean };

/** A session in one of these is over for the visitor: the widget offers a new one. */
const endedStatuses: readonly string[] = [
  'Invalid',
  'Finished',
  'Deleted',
  'Closed',
  'RequestPosted',
  'ClosedFromQueue',
] satisfies ChatSessionStatusName[];

/** Whether a chat in this status is over (Finished, Closed…) rather than waiting or under way. */
export const hasEnded = (status: string): boolean => endedStatuses.includes(status);

/** The phase of a chat in this status. */
export const phaseOf = (status: string, position: number, agent: string | null, connection: Connection): LivePhase =>
  hasEnded(status) ? { name: 'ended', status } : status === 'InQueue' ? { name: 'queued', position, connection } : { name: 'chatting', agent, connection };

/** A message of the visitor's that is not stored yet. */
export type Outgoing = {
  /** The Idempotency-Key, the same for every try. */
  key: string;
  text: string;
  sending: boolean;
  /** Why the last try failed; status 0 when no answer came, so the message may be stored already. */
  failure: ChatRequestError | null;
};

export type LiveEvents = {
  /** A message new to the visitor arrived or was stored (not those of the history read on resume). */
  message(message: ChatMessage): void;
  /** The session's state or the connection changed. */
  change(): void;
};

const MAX_DELAY_MS = 30_000;
/** How long the visitor's typing counts on the server after saying so: say it again after this. */
const TYPING_EVERY_MS = 3000;
/** A page hidden longer than this may have a stream that died quietly (a phone asleep): connect anew. */
const HIDDEN_STALE_MS = 10_000;
/** The server sends something at least every 20 s: a stream silent for longer has died quietly. */
const SILENT_MS = 45_000;

export class LiveController implements ReactiveController {
  /** The conversation, each message once, and the visitor's messages not stored yet where they wrote them. */
  log: (ChatMessage | Outgoing)[] = [];
  state: StreamState | null = null;
  connection: Connection = 'connecting';
  /** Whether the history is in: the log shows it all at once, so that it is not announced. */
  ready = false;
  /** Whether the panel that shows the conversation is open: the visitor reads what it shows while the page is visible too. */
  open = false;

  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly events: LiveEvents;
  private session: SessionAccess | null = null;
  /** The id of the last message the stream or a read has given: where the next connect reads on from. */
  private cursor = 0;
  private readonly known = new Set<number>();
  /**
   * The visitor's own messages that the stream brought while one of their sends is unanswered:
   * each may be that send's message, which its answer (or its retry's) will name. Shown then.
   */
  private held: ChatMessage[] = [];
  private source: EventSource | null = null;
  /** Counts connects, so that a slow ticket request of a connect given up opens nothing. */
  private generation = 0;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private hiddenSince = 0;
  private typingSince = 0;
  /** The sends, one after the other, so that they are stored in the order they were written. */
  private sends: Promise<void> = Promise.resolve();
  /** Whether the stream is wanted: from start() on, until the chat ends or the host leaves the page. */
  private live = false;
  /** The last of the agent's messages the server was told the visitor has read; whether it is being told. */
  private read = 0;
  private reading = false;

  constructor(host: ReactiveControllerHost & HTMLElement, events: LiveEvents) {
    this.host = host;
    this.events = events;
    host.addController(this);
  }

  hostConnected() {
    addEventListener('online', this.handleOnline);
    addEventListener('pageshow', this.handlePageShow);
    addEventListener('pagehide', this.handlePageHide);
    document.addEventListener('visibilitychange', this.handleVisibility);
    if (this.session && this.live) this.connect();
  }

  hostDisconnected() {
    removeEventListener('online', this.handleOnline);
    removeEventListener('pageshow', this.handlePageShow);
    removeEventListener('pagehide', this.handlePageHide);
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.disconnect();
  }

  /**
   * Follows a session: a new one from its first message; a kept one reads its history first
   * (not announced as new); one that has ended reads its transcript only.
   */
  start(session: SessionAccess, { history, ended }: { history: boolean; ended: boolean }) {
    this.session = session;
    this.live = !ended;
    this.ready = !history;
    if (history) void this.readHistory();
    else this.connect();
  }

  /** The agent is typing now. */
  get agentTyping(): boolean {
    return this.connection === 'live' && !!this.state?.Flags.includes('UserIsTyping');
  }

  get ended(): boolean {
    return !!this.state && hasEnded(this.state.Status);
  }

  /** Sends a message of the visitor's; it shows at once, as sending. */
  send(text: string) {
    const item: Outgoing = { key: newKey(), text, sending: true, failure: null };
    this.log = [...this.log, item];
    // The server stops the visitor's typing with the message.
    this.typingSince = 0;
    this.deliver(item);
  }

  /** Tries a failed message again, with the key of its first try. */
  retry(item: Outgoing) {
    if (!item.sending) this.deliver(item);
  }

  /** The visitor is typing (true at most every 3 s while they type), or has cleared what they wrote. */
  typing(typing: boolean) {
    if (!this.session || this.ended) return;
    const now = Date.now();
    if (typing ? now - this.typingSince < TYPING_EVERY_MS : !this.typingSince) return;
    this.typingSince = typing ? now : 0;
    // Typing is a hint: a lost one is not worth a retry.
    sendTyping(this.session, typing).catch(() => {});
  }

  /**
   * Tells the server that the visitor has read the agent's messages, if they can see them: the
   * panel open, the page visible. One request at a time, for the last of them then; one that
   * fails is told again at the next occasion (a message, the page or the panel shown again).
   */
  tellRead() {
    if (!this.session || !this.open || this.reading || document.visibilityState !== 'visible') return;
    let last = this.read;
    for (const entry of this.log) if ('Type' in entry && entry.Type === 'ToCustomer' && !entry.ReadByCustomer && entry.ChatMessageId > last) last = entry.ChatMessageId;
    if (last === this.read) return;
    this.reading = true;
    sendRead(this.session, last).then(
      () => {
        this.reading = false;
        this.read = last;
        this.tellRead();
      },
      () => (this.reading = false),
    );
  }

  /** Ends the chat; throws when the server could not be told. */
  async end() {
    if (!this.session) return;
    const { Status, WhenEnded } = await endChat(this.session);
    this.finish({ ...this.stateWith(Status), WhenEnded });
  }

  /** The chat ended by other means (the visitor left a message instead of waiting): no more stream. */
  endedAs(status: StreamState['Status']) {
    this.finish(this.stateWith(status));
  }

  private readonly handleOnline = () => {
    this.resync();
    // What could not be sent offline goes now, with its key, so nothing is stored twice.
    this.sendUnanswered();
  };

  private readonly handlePageShow = (event: PageTransitionEvent) => {
    // A page back from the back/forward cache had its stream closed when it was hidden.
    if (event.persisted) this.resync();
  };

  /** A page going into the back/forward cache may not hold a stream open; pageshow opens it again. */
  private readonly handlePageHide = () => this.closeSource();

  private readonly handleVisibility = () => {
    if (document.visibilityState === 'hidden') return void (this.hiddenSince = Date.now());
    this.tellRead();
    // A stream that looks open may have died quietly while the page was away: connect anew.
    if (!this.source || this.connection !== 'live' || Date.now() - this.hiddenSince > HIDDEN_STALE_MS) this.resync();
  };

  /** Connects again at once, from the cursor, forgetting the backoff. */
  private resync() {
    if (!this.session || !this.live || !this.host.isConnected) return;
    this.failures = 0;
    this.connect();
  }

  private async readHistory() {
    const session = this.session!;
    try {
      const messages = await readMessages(session, 0);
      if (session !== this.session) return;
      for (const message of messages) this.accept(message, false);
      this.ready = true;
      this.host.requestUpdate();
      if (this.live) this.connect();
    } catch (error) {
      if (session !== this.session) return;
      if (this.isGone(error)) return this.gone();
      this.lost();
    }
  }

  private connect() {
    // A read that comes back after the element left the page opens nothing: hostConnected connects again.
    if (!this.host.isConnected) return;
    if (!this.ready) {
      void this.readHistory();
      return;
    }
    if (!this.live) return;
    this.closeSource();
    clearTimeout(this.retryTimer);
    const generation = ++this.generation;
    const session = this.session!;
    requestTicket(session).then(
      ({ Ticket }) => {
        if (generation !== this.generation || !this.live) return;
        const source = new EventSource(eventsUrl(session, Ticket, this.cursor));
        this.source = source;
        this.heard(source);
        source.addEventListener('ping', () => this.heard(source));
        source.addEventListener('state', (event) => this.handleState(JSON.parse((event as MessageEvent<string>).data)));
        source.addEventListener('message', (event) => this.accept(JSON.parse((event as MessageEvent<string>).data), true));
        source.addEventListener('gone', () => this.gone());
        source.addEventListener('error', () => {
          if (source !== this.source) return;
          // Before EventSource tries again with the used ticket: close it, and connect anew.
          this.closeSource();
          this.lost();
        });
      },
      (error: unknown) => {
        if (generation !== this.generation || !this.live) return;
        if (this.isGone(error)) this.gone();
        else this.lost();
      },
    );
  }

  /** The stream is lost: say so, and connect again after the backoff. */
  private lost() {
    this.setConnection('reconnecting');
    clearTimeout(this.retryTimer);
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.failures++);
    // Spread out, so that the visitors of a server that restarted do not all come back at once.
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  /** The stream spoke: it is alive; one that falls silent (a network gone without a word) is connected anew. */
  private heard(source: EventSource) {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (source !== this.source) return;
      this.closeSource();
      this.lost();
    }, SILENT_MS);
  }

  private handleState(state: StreamState) {
    if (this.source) this.heard(this.source);
    const wasLive = this.connection === 'live';
    this.failures = 0;
    this.connection = 'live';
    if (hasEnded(state.Status)) return this.finish(state);
    this.state = state;
    this.events.change();
    this.host.requestUpdate();
    if (!wasLive) this.sendUnanswered();
  }

  /** Back after a gap: what got no answer goes again, with its key, so nothing is stored twice. */
  private sendUnanswered() {
    if (this.session && this.live) for (const item of this.outgoing()) if (item.failure?.status === 0) this.deliver(item);
  }

  /** Takes a message the stream or a read brought, once; `announce` for one new to the visitor. */
  private accept(message: ChatMessage, announce: boolean) {
    if (this.source) this.heard(this.source);
    const id = message.ChatMessageId;
    this.cursor = Math.max(this.cursor, id);
    if (this.known.has(id) || this.held.some((held) => held.ChatMessageId === id)) return;
    if (message.Type === 'ToUser' && this.unanswered()) {
      this.held = [...this.held, message];
      return;
    }
    this.add(message, announce);
  }

  /** Adds a message to the log, in the place of the send it answers if any, else at the end. */
  private add(message: ChatMessage, announce: boolean, sent?: Outgoing) {
    const id = message.ChatMessageId;
    const at = sent ? this.log.indexOf(sent) : -1;
    if (this.known.has(id)) {
      if (at >= 0) this.log = this.log.filter((entry) => entry !== sent);
      return;
    }
    this.known.add(id);
    this.held = this.held.filter((held) => held.ChatMessageId !== id);
    this.log = at >= 0 ? this.log.map((entry) => (entry === sent ? message : entry)) : [...this.log, message];
    this.host.requestUpdate();
    if (announce) this.events.message(message);
  }

  private outgoing(): Outgoing[] {
    return this.log.filter((entry): entry is Outgoing => 'key' in entry);
  }

  /** Whether one of the visitor's sends has no answer yet, or had none: its message may be stored. */
  private unanswered(): boolean {
    return this.outgoing().some((item) => item.sending || item.failure?.status === 0);
  }

  private deliver(item: Outgoing) {
    const session = this.session!;
    item.sending = true;
    item.failure = null;
    this.host.requestUpdate();
    this.sends = this.sends.then(async () => {
      try {
        const message = await postMessage(session, item.text, item.key);
        if (this.live) this.add(message, true, item);
        else await this.reopened(session, item, message);
      } catch (error) {
        // request() throws nothing else.
        item.failure = error as ChatRequestError;
        if (item.failure.status === 409) this.catchUp();
      }
      item.sending = false;
      // What the stream brought meanwhile is shown once no send can still turn out to be it.
      if (!this.unanswered()) for (const held of this.held) this.add(held, true);
      this.host.requestUpdate();
    });
  }

  /**
   * A message written after the chat ended reopened it: the server's line that says so comes
   * before the message, so both are read in order; then the stream is followed again, and its
   * state says where the chat is now (back with its agent, or in the queue).
   */
  private async reopened(session: SessionAccess, item: Outgoing, message: ChatMessage) {
    const later = await readMessages(session, this.cursor).catch(() => [message]);
    this.log = this.log.filter((entry) => entry !== item);
    // Added as they are, not held back as the visitor's own while another of their sends is unanswered: these are in order.
    for (const entry of [...later, message]) {
      this.cursor = Math.max(this.cursor, entry.ChatMessageId);
      this.add(entry, true);
    }
    this.live = true;
    this.failures = 0;
    this.connect();
  }

  /** The chat is over: no more stream; what was said until the end is read once more. */
  private finish(state: StreamState) {
    const first = this.live;
    this.state = state;
    this.live = false;
    this.disconnect();
    if (first) this.catchUp();
    this.events.change();
    this.host.requestUpdate();
  }

  /** Reads what came after the cursor: the last words of a chat that ended. */
  private catchUp() {
    const session = this.session!;
    readMessages(session, this.cursor).then(
      (messages) => {
        for (const message of messages) this.accept(message, true);
      },
      () => {},
    );
  }

  /** The session was deleted, or its key no longer opens it: it has ended for the visitor. */
  private gone() {
    this.finish(this.stateWith('Deleted'));
  }

  private stateWith(Status: StreamState['Status']): StreamState {
    return { ...(this.state ?? { ChatSessionId: this.session!.id, Agent: null, QueuePosition: null, Flags: '', WhenEnded: null }), Status };
  }

  private isGone(error: unknown): boolean {
    const { status } = error as ChatRequestError;
    return status === 404 || status === 401;
  }

  private setConnection(connection: Connection) {
    if (this.connection === connection) return;
    this.connection = connection;
    this.events.change();
    this.host.requestUpdate();
  }

  private closeSource() {
    clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
  }

  private disconnect() {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.closeSource();
  }
}
