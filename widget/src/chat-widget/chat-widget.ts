import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from '../decorators.ts';
import type { ChatSessionFieldName } from '@chatline/shared';
import { createChatSession, newKey, type ChatRequestError } from '../api.ts';
import type * as ConversationModule from '../conversation/chat-conversation.ts';
import type { ConversationTarget, LivePhase } from '../conversation/chat-conversation.ts';
import { serverOf } from '../controllers/host.ts';
import { KeptSessionController, type Resumed } from '../controllers/kept-session.ts';
import { TopicController, type Topic } from '../controllers/topic.ts';
import { emit, type PrechatSubmitDetail } from '../events.ts';
import { importWords, type ConversationMessages } from '../locale.ts';
import '../prechat-form/prechat-form.ts';
import type { ChatPrechatForm, FormPhase } from '../prechat-form/prechat-form.ts';
import baseStyles from '../styles/base.styles.ts';
import styles from './chat-widget.styles.ts';

/**
 * Where the visitor's chat is: `loading` until the kept session, if any, has been read; the
 * form's own phases (filled in, perhaps after a failed send, then being sent); waiting in the
 * queue, at a place that changes live; `chatting` once an agent has it; or `ended`, with the
 * transcript and a new chat on offer. While the chat is live, `connection` says whether the
 * stream is there or being found again (`reconnecting`, said politely).
 */
type Phase = { name: 'loading' } | FormPhase | LivePhase;

/** The attributes that pre-fill the form, by the field each fills. */
const prefillAttributes = [
  ['customerAlias', 'CustomerAlias'],
  ['customerName', 'CustomerName'],
  ['customerEmail', 'CustomerEmail'],
  ['customerPhone', 'CustomerPhone'],
] as const;

/** Relative luminance of an `rgb(r, g, b)` colour (WCAG 2.2). */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map((part) => {
    const c = Number(part) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The panel's controls in Tab order, and the places focus is moved to (`tabindex="-1"`), those in
 * the shadow roots inside it included.
 */
function controlsIn(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('*')].flatMap((element) =>
    element.shadowRoot ? controlsIn(element.shadowRoot) : element.matches('a[href],:is(button,input,textarea):enabled,[tabindex]') ? [element] : [],
  );
}

/**
 * A customer chat for any web page: a launcher button that opens a pre-chat form and requests
 * a chat session from the chat server. Then the panel is the conversation, live: the place in
 * the queue until an agent picks the chat up, then the agent's name, their welcome and the
 * messages of both sides, a composer and a button to end the chat. After a reload (within
 * `persist`) the panel shows the visitor's chat again with its history; a chat that has ended
 * shows its transcript, with a button to start a new one. The conversation's code loads when
 * the chat opens, or at once for a kept chat.
 *
 * While nobody can chat (the topic is outside its opening hours, or no agent is there) the panel
 * shows the topic's offline form instead, and the visitor leaves a request for an answer later.
 * A visitor who waits long, or behind a long queue, may leave a message instead (as the topic
 * says). After the chat, the topic's post-chat form asks for 1 to 5 stars and a comment and offers
 * the transcript, to download or print; a chat the agent closed may be reopened for a while by
 * writing again.
 *
 * It speaks the language of its own `lang` attribute, else the topic's language, else the
 * page's `<html lang>`, else the browser's: English, Norwegian (nb), German (de) or Arabic (ar,
 * laid out right to left). The launcher appears once the topic and the language are known.
 * The form asks for the fields the topic does not hide (the company only when asked for).
 *
 * @summary Embeddable customer chat.
 *
 * @event chat-open - The visitor opened the chat (not fired for `open()`).
 * @event chat-close - The visitor closed the chat (not fired for `close()`).
 * @event chat-session-created - The visitor's chat was requested. Detail: `chatSessionId`, `initialQueuePos`.
 * @event chat-error - A request failed. Detail: `status` (0 when the server could not be reached), `message`.
 * @event chat-message - A message new to the visitor arrived, or the visitor's own was stored (not the history shown after a reload). Detail: the ChatMessage (`ChatMessageId`, `Type`, `Message` as plain text, `Author`, `WhenPosted`…).
 * @event chat-ended - The chat ended while the page showed it, by the visitor or an agent. Detail: `chatSessionId`, `status` (`Closed`, `ClosedFromQueue`, or `Deleted` when the session is gone).
 * @event chat-request-sent - The visitor left a request for an answer later: from the offline form, shown while nobody can chat (`status` `RequestPosted`), or from the queue instead of waiting (`ClosedFromQueue`). Detail: `chatSessionId`, `status`.
 *
 * @csspart launcher - The button that opens the chat; the open panel takes its place.
 * @csspart panel - The open chat panel.
 * @csspart form - The pre-chat form.
 * @csspart submit - The button that sends the form.
 * @csspart close - The button that closes the panel.
 * @csspart field - Each field of the form, with its label and message.
 * @csspart composer - The conversation's composer: the message box and its Send button.
 * @csspart send - The button that sends a message.
 * @csspart end - The button that ends the chat.
 *
 * @cssproperty --chat-accent - Colour of the launcher and the main button; the topic's colour by default.
 * @cssproperty --chat-accent-text - Text colour on the accent colour; by default white or near-black, whichever contrasts more.
 * @cssproperty --chat-text - Text colour of the panel.
 * @cssproperty --chat-background - Background of the panel.
 * @cssproperty --chat-font - Font family.
 * @cssproperty --chat-radius - Corner radius of the panel.
 * @cssproperty --chat-focus - Colour of the focus ring; the text colour by default.
 * @cssproperty --chat-inset-inline-end - Distance from the page's inline end (the right in left-to-right pages); set it to `auto` and the next one to move the chat to the other side.
 * @cssproperty --chat-inset-inline-start - Distance from the page's inline start; `auto` by default.
 * @cssproperty --chat-inset-block-end - Distance from the bottom of the window.
 * @cssproperty --chat-bubble - Background of the agent's messages (the visitor's have the accent colour).
 */
export class ChatWidget extends LitElement {
  static override styles = [baseStyles, styles];

  /**
   * The topic's colour and the text colour measured on the accent, set here rather than on
   * the host: the element's `style` attribute belongs to the page.
   */
  private readonly theme = new CSSStyleSheet();
  /** The topic and language the colours were last worked out for. */
  private themedFor: Topic | null = null;
  /** What the page filled in, by attribute or prefill(): a new form starts with it. */
  private prefilled: Partial<Record<ChatSessionFieldName, unknown>> = {};
  private readonly topic = new TopicController(this);
  private readonly kept = new KeptSessionController(this, (resumed) => this.handleResume(resumed));
  /** The language the conversation was last loaded for, and the loading. */
  private conversationFor = '';
  private conversationLoad: Promise<void> = Promise.resolve();
  /** The visitor's session, once there is one, as the conversation follows it; set with the phase, which renders it. */
  private chat: ConversationTarget | null = null;
  /** The Idempotency-Key of the form's request: the same for each try, so that a retry makes no second chat. */
  private requestKey = newKey();

  @state() private phase: Phase = { name: 'loading' };
  @state() private isOpen = false;
  /** The conversation's module and its words: what the panel shows once the chat exists is theirs. */
  @state() private conversation: { view: typeof ConversationModule; words: ConversationMessages } | null = null;

  /** The chat topic the visitor's session belongs to. */
  @property({ type: Number, attribute: 'topic-id' }) topicId = 1;

  /** The chat server's base URL; by default the origin the widget's script came from. */
  @property({ attribute: 'server-url' }) serverUrl = '';

  /**
   * Where the visitor's session (its id and key) is kept once they submit, so a reload shows
   * it again: `session` (this tab, the default), `local` (this browser) or `none`. Nothing is
   * stored before the visitor submits.
   */
  // Spelt out rather than Persist, so that custom-elements.json names the values.
  @property() persist: 'session' | 'local' | 'none' = 'session';

  /** Pre-fills the display name. */
  @property({ attribute: 'customer-alias' }) customerAlias = '';

  /** Pre-fills the full name. */
  @property({ attribute: 'customer-name' }) customerName = '';

  /** Pre-fills the email address. */
  @property({ attribute: 'customer-email' }) customerEmail = '';

  /** Pre-fills the phone number. */
  @property({ attribute: 'customer-phone' }) customerPhone = '';

  /**
   * The widget's language (`en`, `nb`, `de`, `ar`, or a tag such as `nb-NO`); by default the
   * topic's, else the page's, else the browser's.
   */
  @property() override lang = '';

  override createRenderRoot() {
    const root = super.createRenderRoot() as ShadowRoot;
    this.theme.insertRule(':host {}');
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.theme];
    return root;
  }

  override willUpdate(changed: PropertyValues<this>) {
    for (const [property, field] of prefillAttributes) {
      // An attribute fills a field the visitor has not typed in yet.
      if (changed.has(property)) this.fill({ [field]: this[property] }, false);
    }
  }

  override updated(changed: PropertyValues<this>) {
    this.applyTheme();
    if (changed.has('isOpen' as keyof ChatWidget) && this.isOpen) this.focusPanel();
    // The conversation loads when the chat opens, or at once for a kept chat.
    if (this.topic.value && (this.isOpen || this.chat)) void this.loadConversation();
  }

  private get launcher(): HTMLButtonElement {
    return this.renderRoot.querySelector('.launcher')!;
  }

  private get form(): ChatPrechatForm | null {
    return this.renderRoot.querySelector('chat-prechat-form');
  }

  private handleResume(resumed: Resumed | null) {
    this.chat = resumed?.chat ?? null;
    this.phase = resumed?.phase ?? { name: 'form' };
  }

  /** Loads the conversation's module and its words in the widget's language, side by side. */
  private loadConversation(): Promise<void> {
    const { language } = this.topic.value!;
    if (language !== this.conversationFor) {
      this.conversationFor = language;
      this.conversationLoad = Promise.all([
        import('../conversation/chat-conversation.ts'),
        // Words that cannot be had are English: a kept chat's launcher waits for them.
        language === 'en' ? null : importWords<ConversationMessages>(`conversation/${language}`).catch(() => null),
      ]).then(
        ([view, words]) => void (this.conversation = { view, words: words ?? view.words }),
        // Not loaded (the network, say): the next update tries again.
        () => void (this.conversationFor = ''),
      );
    }
    return this.conversationLoad;
  }

  private applyTheme() {
    const topic = this.topic.value;
    if (!this.launcher || this.themedFor === topic) return;
    this.themedFor = topic;
    const { style } = this.theme.cssRules[0] as CSSStyleRule;
    const color = topic?.info?.Widget.Color;
    if (color) style.setProperty('--_topic-accent', color);
    // Text on the accent: white, or black where black contrasts more (either way 4.5:1 at least).
    const light = luminance(getComputedStyle(this.launcher).backgroundColor) > 0.179;
    style.setProperty('--_auto-accent-text', light ? '#000' : '#fff');
  }

  /**
   * Puts focus where the visitor goes on from: the first field, the composer, else what comes
   * next (the offline form or the post-chat form, a new chat), else the close button. The forms'
   * module comes with the chat (or before a kept chat that ended shows); the offline form takes
   * focus itself when it comes after the panel opened.
   */
  private focusPanel() {
    const conversation = this.renderRoot.querySelector('chat-conversation');
    if (this.form) void this.form.focusFirstField();
    else if (conversation && this.phase.name !== 'ended') conversation.focusComposer();
    else (this.renderRoot.querySelector<HTMLElement>('.next') ?? this.renderRoot.querySelector<HTMLElement>('.close'))?.focus();
  }

  private fill(values: Partial<Record<ChatSessionFieldName, unknown>>, overwrite: boolean) {
    this.prefilled = { ...this.prefilled, ...values };
    this.form?.fill(values, overwrite);
  }

  /** The launcher only opens: the open panel takes its place, with a button of its own to close. */
  private handleLauncherClick() {
    this.isOpen = true;
    emit(this, 'chat-open', {});
  }

  private handleClose() {
    this.isOpen = false;
    // The launcher shows again once the panel has gone.
    void this.updateComplete.then(() => this.launcher.focus());
    emit(this, 'chat-close', {});
  }

  private handleKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      // The page's own Escape handlers are not for the chat's Escape.
      event.stopPropagation();
      this.handleClose();
    } else if (event.key === 'Tab') {
      // A modal dialog: Tab and Shift+Tab stay in the panel. Inside it they go the browser's way
      // (a group of radio buttons is one stop, a heading given focus is a place to go on from);
      // past the last control Tab goes round to the first, and Shift+Tab past the first to the last.
      const places = controlsIn(event.currentTarget as HTMLElement);
      const stops = places.filter((place) => place.tabIndex >= 0);
      const at = places.indexOf(event.composedPath()[0] as HTMLElement);
      const back = event.shiftKey;
      if (back ? at > places.indexOf(stops[0]!) : at < places.indexOf(stops.at(-1)!)) return;
      event.preventDefault();
      stops.at(back ? -1 : 0)?.focus();
    }
  }

  private async handleFormSubmit(event: CustomEvent<PrechatSubmitDetail>) {
    if (this.phase.name !== 'form') return;
    this.phase = { name: 'sending' };
    try {
      const body = { TopicId: this.topicId, ...event.detail.fields };
      // The queue and the conversation are the conversation module's to show: it comes along.
      const [session] = await Promise.all([
        createChatSession(serverOf(this), body, this.topic.value!.language, this.requestKey),
        this.loadConversation(),
      ]);
      this.requestKey = newKey();
      this.kept.keep(session.ChatSessionId, session.SessionKey);
      this.chat = { serverUrl: serverOf(this), id: session.ChatSessionId, key: session.SessionKey!, session, resumed: false };
      this.phase = { name: 'queued', position: session.InitialQueuePos, connection: 'connecting' };
      // The form, and the button that had focus, are gone: keep the visitor's place.
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.queued')?.focus());
      emit(this, 'chat-session-created', { chatSessionId: session.ChatSessionId, initialQueuePos: session.InitialQueuePos });
    } catch (error) {
      // request() throws nothing else (no answer is status 0), and the conversation's load gives up quietly.
      const failure = error as ChatRequestError;
      this.phase = { name: 'form', failure };
      emit(this, 'chat-error', { status: failure.status, message: failure.message });
    }
  }

  /** The conversation says where the chat is now: queued, chatting or ended, and the connection. */
  private handleConversationState({ detail: phase }: CustomEvent<LivePhase>) {
    // Focus in the panel goes on to what follows what goes (the place in the queue, the composer of a chat that ended).
    const moves = phase.name !== this.phase.name && this.matches(':focus-within');
    this.phase = phase;
    if (moves) void this.updateComplete.then(() => this.focusPanel());
  }

  private handleNewChat() {
    this.kept.forget();
    this.chat = null;
    this.phase = { name: 'form' };
    void this.updateComplete.then(() => this.focusPanel());
  }

  /** The pre-chat form, or the offline form while nobody can chat; once the chat exists (and only then), the conversation. */
  private renderBody(topic: Topic, phase: Phase): TemplateResult | typeof nothing | undefined {
    const { conversation, chat } = this;
    const info = topic.info;
    if (chat) return conversation?.view.renderChat(chat, phase as LivePhase, this.isOpen, topic, conversation.words, this.handleConversationState, this.handleNewChat);
    // Nobody can chat now (outside the opening hours, or no agent there): the offline form, which
    // comes with the conversation's module, so that what loads before the chat opens stays small.
    if (info && !(info.IsOpen && info.AgentsPresent)) return conversation?.view.renderOffline(this, topic, conversation.words, this.prefilled);
    return html`<chat-prechat-form
      exportparts="form, field, submit"
      .topic=${topic}
      .prefilled=${this.prefilled}
      .phase=${phase}
      @chat-prechat-submit=${this.handleFormSubmit}
    ></chat-prechat-form>`;
  }

  /** Opens the chat panel. */
  open(): void {
    this.isOpen = true;
  }

  /** Closes the chat panel. */
  close(): void {
    this.isOpen = false;
  }

  /** Opens the panel when closed, closes it when open. */
  toggle(): void {
    this.isOpen = !this.isOpen;
  }

  /** Fills form fields by their wire names (`CustomerName`, `CustomerEmail`, …); others are ignored. */
  prefill(values: Partial<Record<ChatSessionFieldName, string>>): void {
    this.fill(values, true);
  }

  override render() {
    const { phase, topic: { value: topic } } = this;
    // A kept chat shows once its conversation can: the launcher waits for it.
    if (!topic || phase.name === 'loading' || (this.chat?.resumed && !this.conversation)) return nothing;
    const { info, language, words: t } = topic;
    const { chat, conversation } = this;
    return html`
      <dialog
        id="panel"
        class=${chat ? 'panel talk' : 'panel'}
        part="panel"
        aria-modal="true"
        aria-labelledby="title"
        lang=${language}
        dir=${t.dir}
        ?open=${this.isOpen}
        @keydown=${this.handleKeydown}
      >
        <div class="head">
          <h2 id="title">${info?.Widget.WelcomeTitle || t.title}</h2>
          <button class="close" part="close" type="button" aria-label=${t.close} @click=${this.handleClose}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </div>
        <div class="status" role="status" aria-live="polite">${chat && conversation ? conversation.view.renderStatus(phase as LivePhase, conversation.words, info) : nothing}</div>
        ${this.renderBody(topic, phase)}
      </dialog>
      <button
        class="launcher accent"
        part="launcher"
        type="button"
        aria-expanded=${this.isOpen ? 'true' : 'false'}
        aria-controls="panel"
        lang=${language}
        dir=${t.dir}
        @click=${this.handleLauncherClick}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path d="M4 5h16v10H8l-4 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
        </svg>
        <span>${t.launcher}</span>
      </button>
    `;
  }
}

if (!customElements.get('chat-widget')) customElements.define('chat-widget', ChatWidget);

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}
