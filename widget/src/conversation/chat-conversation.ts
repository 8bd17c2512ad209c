import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage, ChatSessionEntity } from '@chatline/shared';
import type { KeptSession } from '../api.ts';
import { hasEnded, LiveController, phaseOf, type LivePhase, type Outgoing } from '../controllers/live.ts';
import type { Topic } from '../controllers/topic.ts';
import { property, state } from '../decorators.ts';
import { emit } from '../events.ts';
import type { ConversationMessages } from '../locale.ts';
import en from '../locales/conversation/en.ts';
import baseStyles from '../styles/base.styles.ts';
import { readChatSession, type SessionAccess } from './api.ts';
import styles from './chat-conversation.styles.ts';
import { linkify } from './linkify.ts';
import { loadForms } from './panel.ts';

export type { LivePhase } from '../controllers/live.ts';
export { renderChat, renderOffline, renderStatus } from './panel.ts';
export { en as words };

/** The session the conversation shows, and how it came to be shown. */
export type ConversationTarget = SessionAccess & {
  /**
   * The session as it was created or read back: its status and place in the queue then, and
   * the visitor's question from the form, shown as their first message.
   */
  session: Pick<ChatSessionEntity, 'Status' | 'InitialQueuePos' | 'FirstMessage' | 'WhenRequested'> &
    Partial<Pick<KeptSession, 'WhenEnded' | 'Rating' | 'CustomerName' | 'CustomerEmail' | 'CustomerPhone' | 'CustomerCompanyName'>>;
  /** A kept session after a reload: its history is read first, and not announced as new. */
  resumed: boolean;
};

/** A kept session as the server has it now: the conversation to follow, and the phase it is in. */
export type Resumed = { chat: ConversationTarget; phase: LivePhase };

/**
 * Reads a kept session back after a reload: null when the server no longer knows it (or the key
 * is wrong); throws when it cannot be reached, as it may well still be there.
 */
export async function resume(access: SessionAccess): Promise<Resumed | null> {
  const session = await readChatSession(access);
  // A chat that ended shows with what follows it: the post-chat form's module comes first, as the conversation's did.
  if (session && hasEnded(session.Status)) await loadForms();
  return (
    session && {
      chat: { ...access, session, resumed: true },
      // An agent may have the chat already: the phase says so before the stream does.
      phase: phaseOf(session.Status, session.InitialQueuePos, null, 'connecting'),
    }
  );
}

/** One entry of the log. */
type Line = {
  mine: boolean;
  author: string;
  text: string;
  when: string | null;
  /** Said by nobody in particular: who ended the chat, say. */
  note?: boolean;
  outgoing?: Outgoing;
};

/** How the widget words the server's lines about the chat, in the visitor's language (the server's are in its own). */
const specialLines: Partial<Record<string, (w: ConversationMessages, author: string) => string>> = {
  ClosedByUser: (w, author) => w.endedByAgent(author),
  ClosedByCustomer: (w) => w.endedByVisitor,
  ClosedByIdle: (w) => w.endedIdle,
  ReopenedByCustomer: (w) => w.reopened,
};

/** Control characters but tab and newline: the server refuses them in a message. */
const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * The conversation inside `<chat-widget>`, once the visitor's chat exists: the log of messages
 * of both sides with their times, the agent typing, a composer and a button to end the chat. It
 * follows the session live (`LiveController`) and tells the widget its phase with
 * `chat-conversation-state`: the widget's status line says where the chat is (panel.ts).
 *
 * While the visitor waits, the topic may offer to leave a message instead (after some minutes
 * in the queue, or behind a long queue): the offline form then takes the log's place. After a
 * chat that ended as Closed, the composer stays open for the topic's ReopenSeconds: writing
 * again reopens the chat.
 *
 * @summary Internal: the conversation of `<chat-widget>`.
 *
 * @event chat-message - A message new to the visitor arrived, or theirs was stored. Detail: the ChatMessage.
 * @event chat-ended - The chat ended while the visitor was in it. Detail: `chatSessionId`, `status`.
 * @event chat-conversation-state - The widget's phase changed: queued, chatting or ended, and the connection. Does not leave the widget.
 */
export class ChatConversation extends LitElement {
  static override styles = [baseStyles, styles];

  private readonly live = new LiveController(this, {
    message: (message) => emit(this, 'chat-message', message),
    change: () => this.handleChange(),
  });
  /** The target the live connection was started for. */
  private startedFor: ConversationTarget | null = null;
  /** Whether the log was at its end before an update: it then stays at the end. */
  private atEnd = true;
  /** Whether the chat was over when the widget's phase was last told: chat-ended is told when it ends from then on. */
  private wasEnded = false;
  /** When the widget saw the chat end, for a chat whose end has no time. */
  private endedSeen = 0;
  /** A timer for the next moment the view changes by itself: the queue's offer, the end of the time to reopen. */
  private wake: ReturnType<typeof setTimeout> | undefined;
  private wakeAt = 0;
  /** When the conversation was first shown: the start of the wait for a session whose request time is unknown. */
  private readonly shownAt = Date.now();
  private timeFormats = new Map<string, Intl.DateTimeFormat>();

  /** Whether the chat is being ended, so that a second press sends nothing more. */
  private ending = false;

  @state() private draft = '';
  @state() private endFailed = false;
  /** The queue's "leave a message" form is shown; the message was left. */
  @state() private leaving = false;
  @state() private left = false;

  /** The session, its key and how it came to be shown. */
  @property({ attribute: false }) chat!: ConversationTarget;

  /** The conversation's words in the widget's language. */
  @property({ attribute: false }) words: ConversationMessages = en;

  /** The widget's language, for the times. */
  @property({ attribute: false }) language = 'en';

  /** The topic with the widget's language and words: the queue's offer and the time to reopen are its settings. */
  @property({ attribute: false }) topic: Topic | null = null;

  /** Whether the widget's panel is open: what the conversation shows is read then, while the page is visible. */
  @property({ attribute: false }) open = false;

  override willUpdate() {
    if (this.chat !== this.startedFor) {
      this.startedFor = this.chat;
      this.wasEnded = this.endedBefore;
      this.live.start(this.chat, { history: this.chat.resumed, ended: this.endedBefore });
      // The widget's phase from the session as it was; the stream says where it is now.
      this.handleChange();
    }
    const log = this.log;
    if (log) this.atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 32;
    // The form to leave a message is as tall as it needs, in place of the log that takes the height there is.
    this.toggleAttribute('data-form', this.leaving || this.left);
  }

  override updated() {
    if (this.atEnd) this.scrollToEnd();
    this.scheduleWake();
    // A message shown, the panel opened: the visitor has read the agent's messages.
    this.live.open = this.open;
    this.live.tellRead();
  }

  private get log(): HTMLElement | null {
    return this.renderRoot?.querySelector('.log') ?? null;
  }

  private get composer(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('textarea') ?? null;
  }

  /** The chat had ended before it was shown: its transcript, and nothing live. */
  private get endedBefore(): boolean {
    return hasEnded(this.chat.session.Status);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.wake);
    this.wakeAt = 0;
  }

  /** The session's status now: the stream's, else as it was read. */
  private get status(): string {
    return this.live.state?.Status ?? this.chat.session.Status;
  }

  private get ended(): boolean {
    return hasEnded(this.status);
  }

  /** Until when writing again reopens the chat (ms since the epoch); 0 when it cannot be reopened. */
  private get reopenUntil(): number {
    const seconds = this.topic?.info?.ReopenSeconds ?? 0;
    if (this.status !== 'Closed' || !(seconds > 0)) return 0;
    const endedAt = Date.parse(this.live.state?.WhenEnded ?? this.chat.session.WhenEnded ?? '') || this.endedSeen;
    return endedAt + seconds * 1000;
  }

  private get reopenable(): boolean {
    return this.ended && Date.now() < this.reopenUntil;
  }

  /**
   * When the queue offers to leave a message instead (ms since the epoch), by the topic's rules:
   * after OfflineFormTimeLimit minutes in the queue, or at once behind more than
   * OfflineFormQueueLength visitors; 0 for never.
   */
  private get offerAt(): number {
    const info = this.topic?.info;
    if (!info?.UseQueueOfflineForm || this.status !== 'InQueue' || this.left) return 0;
    const position = this.live.state?.QueuePosition ?? this.chat.session.InitialQueuePos;
    if (info.OfflineFormQueueLength > 0 && position > info.OfflineFormQueueLength) return 1;
    const since = Date.parse(this.chat.session.WhenRequested ?? '') || this.shownAt;
    return info.OfflineFormTimeLimit > 0 ? since + info.OfflineFormTimeLimit * 60_000 : 0;
  }

  /** Renders again when the offer comes or the time to reopen is over. */
  private scheduleWake() {
    const at = this.ended ? this.reopenUntil : this.offerAt;
    if (at === this.wakeAt) return;
    clearTimeout(this.wake);
    this.wakeAt = at;
    // A timer holds at most 24.8 days; the topic's times are minutes.
    if (at > Date.now()) this.wake = setTimeout(() => this.requestUpdate(), Math.min(at - Date.now() + 50, 2 ** 31 - 1));
  }

  private scrollToEnd() {
    const log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
  }

  /** The session's state or the connection changed: the widget's phase follows. */
  private handleChange() {
    const { state, connection } = this.live;
    const status = this.status;
    const phase: LivePhase = phaseOf(status, state?.QueuePosition ?? this.chat.session.InitialQueuePos, state?.Agent ?? null, connection);
    const ended = phase.name === 'ended';
    if (ended && !this.wasEnded) {
      this.endedSeen = Date.now();
      emit(this, 'chat-ended', { chatSessionId: this.chat.id, status });
    }
    this.wasEnded = ended;
    // An agent took the chat while the visitor was about to leave a message: the chat it is. (The
    // stream may say the chat left the queue before the message's own answer does: the form stays.)
    if (this.leaving && !this.left && !ended && status !== 'InQueue') this.leaving = false;
    emit(this, 'chat-conversation-state', ended && this.left ? { ...phase, left: true } : phase, false);
  }

  /** The queue's offer taken: the form to leave a message takes the log's place, and focus. */
  private async handleLeave() {
    this.leaving = true;
    await loadForms();
    await this.updateComplete;
    await this.renderRoot.querySelector('chat-offline-form')?.focusFirstField();
  }

  private async handleKeepWaiting() {
    this.leaving = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.leave')?.focus();
  }

  /** The message was left: the chat has left the queue, and the stream is done. */
  private handleLeft() {
    this.left = true;
    this.live.endedAs('ClosedFromQueue');
  }

  private handleInput(event: Event) {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.live.typing(this.draft.trim() !== '');
  }

  private handleKeydown(event: KeyboardEvent) {
    // Enter sends, Shift+Enter is a new line; Enter that ends an input method's composition is neither.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.handleSend();
  }

  /** Sends what the visitor wrote (a composer, not a form: the widget's one form is the pre-chat form). */
  private handleSend() {
    const text = this.draft.replace(controls, '').trim();
    // After the chat ended, writing again reopens it while it may be.
    if (!text || (this.ended && !this.reopenable)) return;
    this.live.send(text);
    this.draft = '';
    this.atEnd = true;
    this.composer?.focus();
  }

  private async handleEnd() {
    // Not disabled meanwhile: the button keeps focus, which goes on to the new chat once the chat has ended.
    if (this.ending) return;
    this.ending = true;
    this.endFailed = false;
    try {
      await this.live.end();
    } catch {
      this.endFailed = true;
    }
    this.ending = false;
  }

  /** The time a message was posted, with the day when it was not today. */
  private formatTime(when: string): string {
    const date = new Date(when);
    // A time that is no time shows as none, rather than failing the whole log.
    if (Number.isNaN(date.getTime())) return '';
    const today = date.toDateString() === new Date().toDateString();
    const key = `${this.language}${today}`;
    let format = this.timeFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(this.language, today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' });
      this.timeFormats.set(key, format);
    }
    return format.format(date);
  }

  private lines(): Line[] {
    const w = this.words;
    const { FirstMessage, WhenRequested } = this.chat.session;
    const lines: Line[] = FirstMessage ? [{ mine: true, author: w.you, text: FirstMessage, when: WhenRequested }] : [];
    for (const entry of this.live.log) {
      lines.push('key' in entry ? { mine: true, author: w.you, text: entry.text, when: null, outgoing: entry } : this.lineOf(entry));
    }
    return lines;
  }

  private lineOf(message: ChatMessage): Line {
    const w = this.words;
    const { Type, SpecialType, Author, Message, WhenPosted } = message;
    if (Type === 'ToUser') return { mine: true, author: w.you, text: Message, when: WhenPosted };
    if (Type === 'Special' && SpecialType !== 'Welcome') {
      // Who ended the chat, or reopened it, is worded by the widget, in the visitor's language.
      const text = specialLines[SpecialType]?.(w, Author) ?? Message;
      return { mine: false, author: '', text, when: WhenPosted, note: true };
    }
    return { mine: false, author: Author, text: Message, when: WhenPosted };
  }

  private renderLine(line: Line): TemplateResult {
    const w = this.words;
    const { outgoing, when } = line;
    const time = when ? html`<time datetime=${when}>${this.formatTime(when)}</time>` : nothing;
    if (line.note) return html`<li class="note"><p><span class="text">${line.text}</span> ${time}</p></li>`;
    const failure = outgoing?.failure;
    const reason = failure && (failure.status === 429 ? w.tooFast : failure.status === 409 ? w.endedNotSent : w.notSent);
    return html`<li class=${line.mine ? 'mine' : 'theirs'} data-state=${outgoing ? (outgoing.sending ? 'sending' : 'failed') : 'sent'}>
      <p class="meta">
        <span class="author">${line.author}</span>
        ${outgoing?.sending ? html`<span class="sending">${w.sending}</span>` : time}
        ${line.mine && !outgoing ? html`<span class="sent"><span aria-hidden="true">✓</span><span class="sr-only">${w.sent}</span></span>` : nothing}
      </p>
      <p class="bubble" dir="auto">${linkify(line.text)}</p>
      ${reason && outgoing && !outgoing.sending
        ? html`<p class="failure">
            ${reason}
            ${failure.status === 409 ? nothing : html`<button class="retry" type="button" @click=${() => this.live.retry(outgoing)}>${w.retry}</button>`}
          </p>`
        : nothing}
    </li>`;
  }

  /** Focus on the conversation goes to what says the message left from the queue was received, else to the composer. */
  override focus(): void {
    const form = this.renderRoot.querySelector('chat-offline-form');
    if (form) form.focus();
    else this.focusComposer();
  }

  /** Moves focus to the composer, the log scrolled to its end. */
  focusComposer(): void {
    this.scrollToEnd();
    this.composer?.focus();
  }

  /** While the visitor waits: the offer to leave a message instead, once the topic's rules say so. */
  private renderOffer(w: ConversationMessages): TemplateResult | typeof nothing {
    if (!this.topic?.info?.UseQueueOfflineForm || this.ended) return nothing;
    const at = this.offerAt;
    const offered = at > 0 && Date.now() >= at;
    return html`<div class="offer" role="status">${offered ? html`<p>${w.queueOffer}</p>` : nothing}</div>
      ${offered ? html`<button class="leave" type="button" @click=${this.handleLeave}>${w.leaveMessage}</button>` : nothing}`;
  }

  override render() {
    const w = this.words;
    if (this.leaving || this.left) {
      const { CustomerName, CustomerEmail, CustomerPhone, CustomerCompanyName } = this.chat.session;
      return html`<chat-offline-form
        exportparts="form, field, submit"
        .source=${this.topic}
        .words=${w}
        .chat=${{ ...this.chat, given: { CustomerName, CustomerEmail, CustomerPhone, CustomerCompanyName } }}
        @chat-request-sent=${this.handleLeft}
        @chat-keep-waiting=${this.handleKeepWaiting}
      ></chat-offline-form>`;
    }
    const ended = this.ended;
    const reopenable = ended && this.reopenable;
    const typing = this.live.agentTyping;
    return html`
      ${this.renderOffer(w)}
      ${this.live.ready
        ? html`<div class="log" role="log" aria-label=${w.log} tabindex="0">
            <ol>
              ${this.lines().map((line) => this.renderLine(line))}
            </ol>
          </div>`
        : html`<div class="log"></div>`}
      <p class="typing">${typing ? w.typing(this.live.state!.Agent) : ''}</p>
      ${reopenable ? html`<p class="reopen" id="reopen-hint">${w.reopenHint}</p>` : nothing}
      <div class="composer" part="composer">
        <label class="sr-only" for="composer">${w.message}</label>
        <textarea
          id="composer"
          rows="1"
          maxlength="4000"
          aria-describedby=${reopenable ? 'reopen-hint composer-hint' : 'composer-hint'}
          .value=${this.draft}
          ?disabled=${ended && !reopenable}
          @input=${this.handleInput}
          @keydown=${this.handleKeydown}
        ></textarea>
        <button class="send accent" part="send" type="button" ?disabled=${ended && !reopenable} @click=${this.handleSend}>${w.send}</button>
        <p class="sr-only" id="composer-hint">${w.composerHint}</p>
      </div>
      ${ended
        ? nothing
        : html`<button class="end" part="end" type="button" @click=${this.handleEnd}>${w.endChat}</button>
            ${this.endFailed ? html`<p class="end-failed" role="alert">${w.endFailed}</p>` : nothing}`}
    `;
  }
}

if (!customElements.get('chat-conversation')) customElements.define('chat-conversation', ChatConversation);

declare global {
  interface HTMLElementTagNameMap {
    'chat-conversation': ChatConversation;
  }
}
