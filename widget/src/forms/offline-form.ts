import { html, nothing, type PropertyValues } from 'lit';
import type { ChatSessionFieldName } from '@chatline/shared';
import { newKey, type ChatRequestError, type GivenFields } from '../api.ts';
import { serverOf, type ChatHost } from '../controllers/host.ts';
import { formLayout, type FormLayout, type Topic } from '../controllers/topic.ts';
import type { SessionAccess } from '../conversation/api.ts';
import { property, state } from '../decorators.ts';
import { emit, type PrechatSubmitDetail } from '../events.ts';
import type { ConversationMessages } from '../locale.ts';
import en from '../locales/conversation/en.ts';
import { ChatPrechatForm } from '../prechat-form/prechat-form.ts';
import { leaveMessage, postRequest } from './api.ts';
import styles from './offline-form.styles.ts';

/** The pre-chat form's text fields: the offline form leaves out those it does not ask for. */
const textFields = ['CustomerAlias', 'CustomerName', 'CustomerCompanyName', 'CustomerEmail', 'CustomerPhone', 'FirstMessage'] as const;

/** How the visitor can be answered, when the topic's offline form names no field: asked, not required. */
const fallbackFields: readonly ChatSessionFieldName[] = ['CustomerName', 'CustomerEmail'];

/**
 * What the offline form asks: the fields the topic's OfflineFields name, each required (those
 * the visitor gave already left out, from the queue), and the question, required; the consent
 * when the topic collects it for requests.
 */
export function offlineLayout(topic: Topic, given: GivenFields | null): FormLayout {
  const info = topic.info;
  // The pre-chat form's reading of required fields, of the offline form's.
  const named = info ? formLayout({ ...info, Widget: { ...info.Widget, RequiredFields: info.Widget.OfflineFields } }).required : [];
  const missing = named.filter((name) => !given?.[name as keyof GivenFields]);
  const asked = named.length > 0 ? missing : given ? [] : fallbackFields;
  return {
    required: [...(named.length > 0 ? missing : []), 'FirstMessage'],
    hidden: textFields.filter((name) => name !== 'FirstMessage' && !asked.includes(name)),
    collectConsent: !given && !!info?.OfflineCollectConsent,
  };
}

/**
 * The offline form inside `<chat-widget>`: when nobody can chat (the topic is closed, or no agent
 * is there), the visitor leaves their question and how to reach them, and the topic's agents
 * answer later. With `chat` set it is the queue's "leave a message instead": the message and the
 * contact details the topic asks for that the visitor has not given yet. It is the pre-chat form
 * with other fields and words (the shared rules, the server's complaints at their fields), and
 * sends itself. Then it says the request was received and how the visitor will be answered;
 * nothing of it is kept in storage, as there is no chat to come back to.
 *
 * @summary Internal: the offline form of `<chat-widget>`, and the queue's "leave a message".
 *
 * @event chat-request-sent - The request was stored. Detail: `chatSessionId`, `status` (`RequestPosted`, or `ClosedFromQueue` from the queue).
 * @event chat-error - The request failed. Detail: `status`, `message`.
 * @event chat-keep-waiting - From the queue: the visitor went back to waiting. Does not leave the widget.
 */
export class ChatOfflineForm extends ChatPrechatForm {
  static override styles = [...ChatPrechatForm.styles, styles];

  /** The Idempotency-Key of the request: the same for each try, so that a retry stores one request. */
  private requestKey = newKey();

  /** What the request was sent with, once it was received: how the visitor will be answered. */
  @state() private sent: GivenFields | null = null;

  /** The widget the form is in: its server and topic. */
  @property({ attribute: false }) widget: ChatHost | null = null;

  /** The topic and the widget's words, as the pre-chat form has them; the form's own are derived. */
  @property({ attribute: false }) source: Topic = this.topic;

  /** The conversation's words: the offline form's own. */
  @property({ attribute: false }) words: ConversationMessages = en;

  /** From the queue: the waiting visitor's session, and what they gave for it. */
  @property({ attribute: false }) chat: (SessionAccess & { given: GivenFields }) | null = null;

  constructor() {
    super();
    this.addEventListener('chat-prechat-submit', (event) => void this.handleSend(event));
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('source') || changed.has('words') || changed.has('chat')) this.topic = this.derive();
    super.willUpdate(changed);
    if (changed.has('topic')) this.layout = offlineLayout(this.source, this.chat?.given ?? null);
  }

  /** The pre-chat form's topic and words, with the offline form's intro, button and consent. */
  private derive(): Topic {
    const { source, words: w, chat } = this;
    const info = source.info;
    const intro = chat ? w.leaveIntro : info?.Widget.OfflineMessage || w.offlineIntro;
    return {
      ...source,
      // The form shows the topic's welcome first: here it is the offline message.
      info: info && { ...info, WelcomeMessage: '', Widget: { ...info.Widget, WelcomeMessage: intro } },
      words: {
        ...source.words,
        intro,
        submit: w.sendRequest,
        sending: w.sendingRequest,
        consent: w.offlineConsent,
        firstMessage: chat ? w.yourMessage : source.words.firstMessage,
      },
    };
  }

  private async handleSend(event: CustomEvent<PrechatSubmitDetail>) {
    // The pre-chat form's event is the widget's cue to start a chat: this one sends a request.
    event.stopPropagation();
    const { widget, chat } = this;
    // The offline form needs the widget's server and topic; from the queue, the session has them.
    if (this.phase.name === 'sending' || (!chat && !widget)) return;
    const { fields } = event.detail;
    const { FirstMessage, ...contact } = fields;
    // From the queue the consent was given with the chat.
    delete contact.CustomerConsented;
    this.phase = { name: 'sending' };
    try {
      const session = chat
        ? await leaveMessage(chat, { Message: FirstMessage, ...contact })
        : await postRequest(serverOf(widget!), { TopicId: widget!.topicId, ...fields }, this.source.language, this.requestKey);
      this.requestKey = newKey();
      this.sent = { ...chat?.given, ...(contact as GivenFields) };
      this.phase = { name: 'form' };
      emit(this, 'chat-request-sent', { chatSessionId: session.ChatSessionId, status: session.Status });
      void this.focusFirstField();
    } catch (error) {
      // request() throws nothing else.
      const failure = error as ChatRequestError;
      // The server may name the message left from the queue Message: it is the form's question.
      for (const problem of failure.fieldErrors) if (problem.Field === 'Message') problem.Field = 'FirstMessage';
      this.phase = { name: 'form', failure };
      emit(this, 'chat-error', { status: failure.status, message: failure.message });
    }
  }

  private handleKeepWaiting() {
    emit(this, 'chat-keep-waiting', {}, false);
  }

  /** Moves focus to the first field, or once the request was received, to what says so. */
  override async focusFirstField(): Promise<void> {
    await this.updateComplete;
    if (this.sent) this.renderRoot.querySelector<HTMLElement>('.received')?.focus();
    else await super.focusFirstField();
  }

  /** The widget moves focus here as to what comes next: the first field, or what says the request was received. */
  override focus(): void {
    void this.focusFirstField();
  }

  override firstUpdated() {
    // This module may come after the panel opened: the first field takes focus then, as the pre-chat form's does.
    if (!this.chat && this.checkVisibility()) void this.focusFirstField();
  }

  override render() {
    const w = this.words;
    const sent = this.sent;
    // The topic's heading for its offline form, under the panel's title.
    const header = this.source.info?.Widget.OfflineHeader;
    // The address or number is isolated from the sentence around it: in Arabic it stays as written, its full stop where it belongs.
    const isolate = (text: string) => `\u2068${text}\u2069`;
    const answer = sent?.CustomerEmail
      ? w.answerByEmail(isolate(sent.CustomerEmail))
      : sent?.CustomerPhone
        ? w.answerByPhone(isolate(sent.CustomerPhone))
        : w.answerLater;
    return html`
      ${header && !this.chat ? html`<h3 class="header">${header}</h3>` : nothing}
      <div role="status">${sent ? html`<p class="received" tabindex="-1">${w.received}</p><p class="answer">${answer}</p>` : nothing}</div>
      ${sent ? nothing : super.render()}
      ${this.chat && !sent ? html`<button class="keep-waiting" type="button" @click=${this.handleKeepWaiting}>${w.keepWaiting}</button>` : nothing}
    `;
  }
}

if (!customElements.get('chat-offline-form')) customElements.define('chat-offline-form', ChatOfflineForm);

declare global {
  interface HTMLElementTagNameMap {
    'chat-offline-form': ChatOfflineForm;
  }
}
