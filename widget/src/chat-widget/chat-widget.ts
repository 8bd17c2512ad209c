import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  checkVisitorRules,
  parseRequiredFields,
  requiredCustomerFields,
  validateText,
  visitorTextFields,
  type ChatSessionFieldName,
  type ChatTopicWidgetInfo,
  type FieldError,
  type FieldProblem,
} from '@chatline/shared';
import { ChatRequestError, createChatSession, fetchTopic, readChatSession } from '../api.ts';
import type { ChatErrorDetail, ChatSessionCreatedDetail } from '../events.ts';
import { loadMessages, type Messages } from '../locale.ts';
import en from '../locales/en.ts';
import styles from './chat-widget.styles.ts';

/** The server the script was loaded from: where the widget talks unless told otherwise. */
const scriptOrigin = new URL(import.meta.url).origin;

type TextFieldName = keyof typeof visitorTextFields;

type TextField = {
  name: TextFieldName;
  id: string;
  label: 'alias' | 'name' | 'email' | 'phone' | 'firstMessage';
  hint?: 'aliasHint';
  type: 'text' | 'email' | 'tel' | 'textarea';
  autocomplete: string;
  inputmode?: 'email' | 'tel' | 'text';
};

/** The pre-chat form's text fields, in the order the visitor fills them. */
const textFields: readonly TextField[] = [
  { name: 'CustomerAlias', id: 'alias', label: 'alias', hint: 'aliasHint', type: 'text', autocomplete: 'nickname' },
  { name: 'CustomerName', id: 'name', label: 'name', type: 'text', autocomplete: 'name' },
  { name: 'CustomerEmail', id: 'email', label: 'email', type: 'email', autocomplete: 'email', inputmode: 'email' },
  { name: 'CustomerPhone', id: 'phone', label: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel' },
  { name: 'FirstMessage', id: 'message', label: 'firstMessage', type: 'textarea', autocomplete: 'off' },
];


type FieldErrors = Partial<Record<ChatSessionFieldName, string>>;

/** Relative luminance of an `rgb(r, g, b)` colour (WCAG 2.2). */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map((part) => {
    const c = Number(part) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The widget's events bubble and cross the shadow boundary, so the page can listen anywhere. */
const chatEvent = <T>(type: string, detail: T) => new CustomEvent<T>(type, { detail, bubbles: true, composed: true });

/**
 * A customer chat for any web page: a launcher button that opens a pre-chat form and requests
 * a chat session from the chat server.
 *
 * It speaks the language of its own `lang` attribute, else the topic's language, else the
 * page's `<html lang>`, else the browser's: English, Norwegian (nb), German (de) or Arabic (ar,
 * laid out right to left). The launcher appears once the topic and the language are known.
 *
 * @summary Embeddable customer chat.
 *
 * @event chat-open - The visitor opened the chat (not fired for `open()`).
 * @event chat-close - The visitor closed the chat (not fired for `close()`).
 * @event chat-session-created - The visitor's chat was requested. Detail: `chatSessionId`, `initialQueuePos`.
 * @event chat-error - A request failed. Detail: `status` (0 when the server could not be reached), `message`.
 *
 * @csspart launcher - The button that opens and closes the chat.
 * @csspart panel - The open chat panel.
 * @csspart form - The pre-chat form.
 * @csspart submit - The button that sends the form.
 * @csspart close - The button that closes the panel.
 * @csspart field - Each field of the form, with its label and message.
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
 */
export class ChatWidget extends LitElement {
  static override styles = styles;

  @query('.launcher') private launcher!: HTMLButtonElement;

  @state() private isOpen = false;
  @state() private values: Partial<Record<TextFieldName, string>> = {};
  @state() private consented = false;
  @state() private errors: FieldErrors = {};
  @state() private formError = '';
  /** The failed request can simply be sent again (offline, rate limited, server trouble). */
  @state() private canRetry = false;
  @state() private sending = false;
  /** The widget's words, once its language is known; until then it shows nothing. */
  @state() private t: Messages | null = null;
  @state() private language = 'en';
  @state() private queuePosition: number | null = null;
  /** The topic's settings, once fetched; the widget's own defaults until then or without. */
  @state() private topic: ChatTopicWidgetInfo | null = null;

  /** The chat topic the visitor's session belongs to. */
  @property({ type: Number, attribute: 'topic-id' }) topicId = 1;

  /** The chat server's base URL; by default the origin the widget's script came from. */
  @property({ attribute: 'server-url' }) serverUrl = '';

  /**
   * Where the visitor's session (its id and key) is kept once they submit, so a reload shows
   * it again: `session` (this tab, the default), `local` (this browser) or `none`. Nothing is
   * stored before the visitor submits.
   */
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

  override connectedCallback() {
    super.connectedCallback();
    // Reading storage and starting the first request take milliseconds each on a slow device,
    // and the task that connects the element is often the page's own loading task: they wait
    // for a task of their own, so the page stays free to answer input in between.
    setTimeout(() => {
      if (!this.isConnected) return;
      void this.resume();
      if (!this.topicRequested) void this.loadTopic();
    });
  }

  override willUpdate(changed: PropertyValues<this>) {
    const prefills: [keyof ChatWidget, TextFieldName][] = [
      ['customerAlias', 'CustomerAlias'],
      ['customerName', 'CustomerName'],
      ['customerEmail', 'CustomerEmail'],
      ['customerPhone', 'CustomerPhone'],
    ];
    for (const [property, field] of prefills) {
      // An attribute fills a field the visitor has not typed in yet.
      if (changed.has(property) && !this.values[field]) {
        this.values = { ...this.values, [field]: this[property] as string };
      }
    }
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('lang') && this.topicLoaded) void this.chooseLanguage();
    if (changed.has('t' as keyof ChatWidget) && this.launcher) {
      // Text on the accent: white, or black where black contrasts more (either way 4.5:1 at least).
      const light = luminance(getComputedStyle(this.launcher).backgroundColor) > 0.179;
      this.style.setProperty('--chat-auto-accent-text', light ? '#000' : '#fff');
    }
    if (changed.has('isOpen' as keyof ChatWidget) && this.isOpen) {
      const panel = this.renderRoot.querySelector('.panel');
      (panel?.querySelector<HTMLElement>('input, textarea') ?? panel?.querySelector<HTMLElement>('.close'))?.focus();
    }
  }

  private get server(): string {
    return this.serverUrl || scriptOrigin;
  }

  private get storage(): Storage | null {
    try {
      return this.persist === 'local' ? localStorage : this.persist === 'session' ? sessionStorage : null;
    } catch {
      return null; // storage refused (a sandboxed frame, say): nothing is kept
    }
  }

  private get storageKey(): string {
    return `chatline:${this.server}:${this.topicId}`;
  }

  /** Shows the session kept from before a reload, if it still exists. */
  private async resume() {
    let kept: { id: number; key: string } | null = null;
    try {
      kept = JSON.parse(this.storage?.getItem(this.storageKey) ?? 'null');
    } catch {
      kept = null;
    }
    if (!kept || typeof kept.id !== 'number' || typeof kept.key !== 'string') return;
    const session = await readChatSession(this.server, kept.id, kept.key);
    if (session) this.queuePosition = session.InitialQueuePos;
    else this.storage?.removeItem(this.storageKey);
  }

  private keep(id: number, key: string | null) {
    if (!key) return;
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify({ id, key }));
    } catch {
      // full or refused: the chat goes on, it just will not survive a reload
    }
  }

  private handleLauncherClick() {
    this.isOpen = !this.isOpen;
    this.emit(this.isOpen ? 'chat-open' : 'chat-close', {});
  }

  private topicRequested = false;
  private topicLoaded = false;

  private async loadTopic() {
    this.topicRequested = true;
    this.topic = await fetchTopic(this.server, this.topicId);
    this.topicLoaded = true;
    const color = this.topic?.Widget.Color;
    if (color) this.style.setProperty('--chat-topic-accent', color);
    await this.chooseLanguage();
  }

  /** The element's language, else the topic's, else the page's, else the browser's. */
  private async chooseLanguage() {
    const [language, words] = await loadMessages([
      this.lang,
      this.topic?.Language,
      document.documentElement.lang,
      ...navigator.languages,
    ]);
    this.language = language;
    this.t = words;
  }

  /** What is wrong with a field, in the widget's language (the server's words when it spoke it). */
  private describe(problem: FieldProblem | FieldError, serverSpoke = false): string {
    const t = this.t ?? en;
    if (serverSpoke && 'Message' in problem) return problem.Message;
    switch (problem.Code) {
      case 'too_long':
        return t.too_long(visitorTextFields[problem.Field as TextFieldName]?.maxLength ?? 0);
      case 'characters':
        return t.characters;
      case 'email':
        return t.emailFormat;
      case 'phone':
        return t.phoneFormat;
      case 'required':
        return t.required;
      case 'consent':
        return t.consentMissing;
      default:
        return 'Message' in problem ? problem.Message : t.serverError;
    }
  }

  private get requiredFields(): readonly ChatSessionFieldName[] {
    return requiredCustomerFields(parseRequiredFields(this.topic?.Widget.RequiredFields ?? '') ?? 0);
  }

  private get collectConsent(): boolean {
    return this.topic?.CollectConsent ?? true;
  }

  private handleClose() {
    this.isOpen = false;
    this.launcher.focus();
    this.emit('chat-close', {});
  }

  private handleKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.handleClose();
    } else if (event.key === 'Tab') {
      // A modal dialog: Tab and Shift+Tab go round the panel's controls and stay in it.
      event.preventDefault();
      const controls = [
        ...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('a[href], button:not(:disabled), input, textarea'),
      ];
      const at = controls.indexOf(this.renderRoot.querySelector(':focus')!);
      const step = event.shiftKey ? -1 : 1;
      controls[at < 0 ? (step > 0 ? 0 : controls.length - 1) : (at + step + controls.length) % controls.length]?.focus();
    }
  }

  private handleInput(field: TextField, event: Event) {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.values = { ...this.values, [field.name]: value };
    if (this.errors[field.name]) this.checkField(field.name);
  }

  private handleBlur(field: TextField) {
    // A field also blurs when the panel closes and takes it away; nothing to check then.
    if (this.isOpen && this.values[field.name]) this.checkField(field.name);
  }

  private handleConsentChange(event: Event) {
    this.consented = (event.target as HTMLInputElement).checked;
    if (this.errors.CustomerConsented) this.errors = { ...this.errors, CustomerConsented: this.consentError() };
  }

  /** Runs the shared rule for one field and shows or clears its message. */
  private checkField(name: TextFieldName): boolean {
    const result = validateText(visitorTextFields[name], this.values[name] ?? '');
    this.errors = { ...this.errors, [name]: result.ok ? undefined : this.describe(result.error) };
    return result.ok;
  }

  private consentError(): string | undefined {
    const [problem] = checkVisitorRules({ CustomerConsented: this.consented }, { collectConsent: this.collectConsent });
    return problem && this.describe(problem);
  }

  private validateForm(): boolean {
    const errors: FieldErrors = {};
    const values: Partial<Record<ChatSessionFieldName, unknown>> = {};
    for (const field of textFields) {
      const result = validateText(visitorTextFields[field.name], this.values[field.name] ?? '');
      if (!result.ok) errors[field.name] = this.describe(result.error);
      else values[field.name] = result.value;
    }
    for (const error of checkVisitorRules(values, { collectConsent: false, requiredFields: this.requiredFields })) {
      errors[error.Field as ChatSessionFieldName] ??= this.describe(error);
    }
    errors.CustomerConsented = this.consentError();
    this.errors = errors;
    return Object.values(errors).every((message) => message === undefined);
  }

  private async focusFirstInvalid() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.sending) return;
    this.formError = '';
    this.canRetry = false;
    if (!this.validateForm()) {
      this.formError = (this.t ?? en).fixFields;
      await this.focusFirstInvalid();
      return;
    }
    const body: Record<string, unknown> = { TopicId: this.topicId, CustomerConsented: this.collectConsent && this.consented };
    for (const field of textFields) {
      const value = this.values[field.name]?.trim();
      if (value) body[field.name] = value;
    }
    this.sending = true;
    try {
      const session = await createChatSession(this.server, body, this.language);
      this.queuePosition = session.InitialQueuePos;
      this.keep(session.ChatSessionId, session.SessionKey);
      // The form, and the button that had focus, are gone: keep the visitor's place.
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.queued')?.focus());
      this.emit<ChatSessionCreatedDetail>('chat-session-created', {
        chatSessionId: session.ChatSessionId,
        initialQueuePos: session.InitialQueuePos,
      });
    } catch (error) {
      this.showRequestError(error instanceof ChatRequestError ? error : new ChatRequestError(0, String(error)));
    } finally {
      this.sending = false;
    }
  }

  /** Puts each of the server's complaints next to its field; the rest above the button. */
  private showRequestError(error: ChatRequestError) {
    const t = this.t ?? en;
    const errors: FieldErrors = {};
    const unplaced: string[] = [];
    for (const fieldError of error.fieldErrors) {
      const message = this.describe(fieldError, error.language === this.language);
      const placed = fieldError.Field === 'CustomerConsented' || Object.hasOwn(visitorTextFields, fieldError.Field);
      if (placed) errors[fieldError.Field as ChatSessionFieldName] = message;
      else unplaced.push(message);
    }
    this.errors = errors;
    const { status } = error;
    this.canRetry = status === 0 || status === 429 || status >= 500;
    if (status === 0) this.formError = t.networkError;
    else if (status === 400 && unplaced.length === 0) this.formError = t.fixFields;
    else if (status === 400) this.formError = unplaced.join(' ');
    else if (status === 403) this.formError = t.refused;
    else if (status === 429) this.formError = t.rateLimited;
    else this.formError = t.serverError;
    this.emit<ChatErrorDetail>('chat-error', { status: error.status, message: error.message });
    if (Object.keys(errors).length > 0) void this.focusFirstInvalid();
  }

  private emit<T>(type: string, detail: T) {
    this.dispatchEvent(chatEvent(type, detail));
  }

  private renderTextField(t: Messages, field: TextField): TemplateResult {
    const spec = visitorTextFields[field.name];
    const error = this.errors[field.name];
    const required = this.requiredFields.includes(field.name);
    const describedBy = [field.hint ? `${field.id}-hint` : '', error ? `${field.id}-error` : '']
      .filter(Boolean)
      .join(' ');
    const common = {
      id: field.id,
      name: field.name,
      maxlength: spec.maxLength,
      describedBy: describedBy || nothing,
      invalid: error ? 'true' : 'false',
      value: this.values[field.name] ?? '',
    };
    return html`
      <div class="field" part="field">
        <label for=${field.id}
          >${t[field.label]}
          ${required
            ? html`<span class="required" aria-hidden="true">*</span>`
            : html`<span class="optional">${t.optional}</span>`}</label
        >
        ${field.hint ? html`<p class="hint" id="${field.id}-hint">${t[field.hint]}</p>` : nothing}
        ${field.type === 'textarea'
          ? html`<textarea
              id=${common.id}
              name=${common.name}
              rows="2"
              maxlength=${common.maxlength}
              ?required=${required}
              aria-describedby=${common.describedBy}
              aria-invalid=${common.invalid}
              .value=${common.value}
              @input=${(event: Event) => this.handleInput(field, event)}
              @blur=${() => this.handleBlur(field)}
            ></textarea>`
          : html`<input
              id=${common.id}
              name=${common.name}
              type=${field.type}
              autocomplete=${field.autocomplete}
              inputmode=${field.inputmode ?? nothing}
              maxlength=${common.maxlength}
              ?required=${required}
              aria-describedby=${common.describedBy}
              aria-invalid=${common.invalid}
              .value=${common.value}
              @input=${(event: Event) => this.handleInput(field, event)}
              @blur=${() => this.handleBlur(field)}
            />`}
        ${error ? html`<p class="error" id="${field.id}-error">${error}</p>` : nothing}
      </div>
    `;
  }

  private renderForm(t: Messages): TemplateResult {
    return html`
      <form part="form" novalidate @submit=${this.handleSubmit}>
        <p class="intro">${this.topic?.Widget.WelcomeMessage || this.topic?.WelcomeMessage || t.intro}</p>
        ${this.collectConsent || this.requiredFields.length > 0 ? html`<p class="note">${t.requiredNote}</p>` : nothing}
        ${textFields.map((field) => this.renderTextField(t, field))}
        ${this.collectConsent ? this.renderConsent(t) : nothing}
        ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
        <button class="submit" part="submit" type="submit" ?disabled=${this.sending} aria-disabled=${this.sending}>
          ${this.sending ? t.sending : this.canRetry ? t.retry : t.submit}
        </button>
      </form>
    `;
  }

  private renderConsent(t: Messages): TemplateResult {
    const consentError = this.errors.CustomerConsented;
    const privacy = this.topic?.Widget.PrivacyPolicyUrl;
    return html`
        <div class="field consent" part="field">
          <input
            id="consent"
            name="CustomerConsented"
            type="checkbox"
            required
            aria-invalid=${consentError ? 'true' : 'false'}
            aria-describedby=${consentError ? 'consent-error' : nothing}
            .checked=${this.consented}
            @change=${this.handleConsentChange}
          />
          <label for="consent"
            >${this.topic?.Widget.ConsentText || t.consent} <span class="required" aria-hidden="true">*</span></label
          >
          ${privacy && /^https?:/i.test(privacy)
            ? html`<p class="privacy"><a href=${privacy} target="_blank" rel="noopener noreferrer">${t.privacy}</a></p>`
            : nothing}
          ${consentError ? html`<p class="error" id="consent-error">${consentError}</p>` : nothing}
        </div>
    `;
  }

  private renderPanel(t: Messages): TemplateResult {
    return html`
      <section
        id="panel"
        class="panel"
        part="panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="title"
        lang=${this.language}
        dir=${t.dir}
        @keydown=${this.handleKeydown}
      >
        <div class="head">
          <h2 id="title">${this.topic?.Widget.WelcomeTitle || t.title}</h2>
          <button class="close" part="close" type="button" aria-label=${t.close} @click=${this.handleClose}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </div>
        <div class="status" role="status" aria-live="polite">
          ${this.queuePosition !== null
            ? html`<p class="queued" tabindex="-1">${t.queued(this.queuePosition)}</p>
                <p>${t.queuedHint}</p>`
            : nothing}
        </div>
        ${this.queuePosition === null ? this.renderForm(t) : nothing}
      </section>
    `;
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
    const next = { ...this.values };
    for (const field of textFields) {
      const value = values[field.name];
      if (typeof value === 'string') next[field.name] = value;
    }
    this.values = next;
  }

  override render() {
    const t = this.t;
    if (!t) return nothing;
    return html`
      ${this.isOpen ? this.renderPanel(t) : nothing}
      <button
        class="launcher"
        part="launcher"
        type="button"
        aria-expanded=${this.isOpen ? 'true' : 'false'}
        aria-controls="panel"
        lang=${this.language}
        dir=${t.dir}
        @click=${this.handleLauncherClick}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            d="M4 5h16v10H8l-4 4z"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linejoin="round"
          />
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
