import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  checkVisitorRules,
  fieldByName,
  parseRequiredFields,
  requiredCustomerFields,
  validateField,
  type ChatSessionFieldName,
  type ChatTopicWidgetInfo,
} from '@chatline/shared';
import { ChatRequestError, createChatSession, fetchTopic, readChatSession } from '../api.ts';
import type { ChatErrorDetail, ChatSessionCreatedDetail } from '../events.ts';
import { messages } from '../messages.ts';
import styles from './chat-widget.styles.ts';

/** The server the script was loaded from: where the widget talks unless told otherwise. */
const scriptOrigin = new URL(import.meta.url).origin;

type TextFieldName = 'CustomerAlias' | 'CustomerName' | 'CustomerEmail' | 'CustomerPhone' | 'FirstMessage';

type TextField = {
  name: TextFieldName;
  id: string;
  label: string;
  hint?: string;
  type: 'text' | 'email' | 'tel' | 'textarea';
  autocomplete: string;
  inputmode?: 'email' | 'tel' | 'text';
};

/** The pre-chat form's text fields, in the order the visitor fills them. */
const textFields: readonly TextField[] = [
  { name: 'CustomerAlias', id: 'alias', label: messages.alias, hint: messages.aliasHint, type: 'text', autocomplete: 'nickname' },
  { name: 'CustomerName', id: 'name', label: messages.name, type: 'text', autocomplete: 'name' },
  { name: 'CustomerEmail', id: 'email', label: messages.email, type: 'email', autocomplete: 'email', inputmode: 'email' },
  { name: 'CustomerPhone', id: 'phone', label: messages.phone, type: 'tel', autocomplete: 'tel', inputmode: 'tel' },
  { name: 'FirstMessage', id: 'message', label: messages.firstMessage, type: 'textarea', autocomplete: 'off' },
];

const consentField = fieldByName('CustomerConsented')!;

type FieldErrors = Partial<Record<ChatSessionFieldName, string>>;

/** The widget's events bubble and cross the shadow boundary, so the page can listen anywhere. */
const chatEvent = <T>(type: string, detail: T) => new CustomEvent<T>(type, { detail, bubbles: true, composed: true });

/**
 * A customer chat for any web page: a launcher button that opens a pre-chat form and requests
 * a chat session from the chat server.
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
 * @cssproperty --chat-accent - Colour of the launcher and the main button.
 * @cssproperty --chat-accent-text - Text colour on the accent colour.
 * @cssproperty --chat-text - Text colour of the panel.
 * @cssproperty --chat-background - Background of the panel.
 * @cssproperty --chat-font - Font family.
 * @cssproperty --chat-radius - Corner radius of the panel.
 */
export class ChatWidget extends LitElement {
  static override styles = styles;

  @query('.launcher') private launcher!: HTMLButtonElement;

  @state() private isOpen = false;
  @state() private values: Partial<Record<TextFieldName, string>> = {};
  @state() private consented = false;
  @state() private errors: FieldErrors = {};
  @state() private formError = '';
  @state() private sending = false;
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

  override connectedCallback() {
    super.connectedCallback();
    void this.resume();
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
    this.setOpen(!this.isOpen);
    this.emit(this.isOpen ? 'chat-open' : 'chat-close', {});
  }

  private setOpen(open: boolean) {
    this.isOpen = open;
    if (open && !this.topicRequested) void this.loadTopic();
  }

  private topicRequested = false;

  private async loadTopic() {
    this.topicRequested = true;
    this.topic = await fetchTopic(this.server, this.topicId);
    const color = this.topic?.Widget.Color;
    if (color) this.style.setProperty('--chat-topic-accent', color);
  }

  private get requiredFields(): readonly ChatSessionFieldName[] {
    return requiredCustomerFields(parseRequiredFields(this.topic?.Widget.RequiredFields ?? '') ?? 0);
  }

  private get collectConsent(): boolean {
    return this.topic?.CollectConsent ?? true;
  }

  private handleClose() {
    this.setOpen(false);
    this.launcher.focus();
    this.emit('chat-close', {});
  }

  private handleKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.handleClose();
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
    const result = validateField(fieldByName(name)!, this.values[name] ?? '');
    this.errors = { ...this.errors, [name]: result.ok ? undefined : result.error.Message };
    return result.ok;
  }

  private consentError(): string | undefined {
    return checkVisitorRules({ CustomerConsented: this.consented }, { collectConsent: this.collectConsent })[0]?.Message;
  }

  private validateForm(): boolean {
    const errors: FieldErrors = {};
    const values: Partial<Record<ChatSessionFieldName, unknown>> = {};
    for (const field of textFields) {
      const result = validateField(fieldByName(field.name)!, this.values[field.name] ?? '');
      if (!result.ok) errors[field.name] = result.error.Message;
      else values[field.name] = result.value;
    }
    for (const error of checkVisitorRules(values, { collectConsent: false, requiredFields: this.requiredFields })) {
      errors[error.Field as ChatSessionFieldName] ??= error.Message;
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
    if (!this.validateForm()) {
      this.formError = messages.fixFields;
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
      const session = await createChatSession(this.server, body);
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
    const errors: FieldErrors = {};
    const unplaced: string[] = [];
    for (const fieldError of error.fieldErrors) {
      const placed = fieldError.Field === consentField.name || textFields.some((f) => f.name === fieldError.Field);
      if (placed) errors[fieldError.Field as ChatSessionFieldName] = fieldError.Message;
      else unplaced.push(fieldError.Message);
    }
    this.errors = errors;
    if (error.status === 0) this.formError = messages.networkError;
    else if (error.status === 400 && unplaced.length === 0) this.formError = messages.fixFields;
    else if (error.status === 400) this.formError = unplaced.join(' ');
    else if (error.status === 403) this.formError = messages.refused;
    else if (error.status === 429) this.formError = messages.rateLimited;
    else this.formError = messages.serverError;
    this.emit<ChatErrorDetail>('chat-error', { status: error.status, message: error.message });
    if (Object.keys(errors).length > 0) void this.focusFirstInvalid();
  }

  private emit<T>(type: string, detail: T) {
    this.dispatchEvent(chatEvent(type, detail));
  }

  private renderTextField(field: TextField): TemplateResult {
    const spec = fieldByName(field.name)!;
    const error = this.errors[field.name];
    const required = this.requiredFields.includes(field.name);
    const describedBy = [field.hint ? `${field.id}-hint` : '', error ? `${field.id}-error` : '']
      .filter(Boolean)
      .join(' ');
    const common = {
      id: field.id,
      name: field.name,
      maxlength: spec.maxLength ?? 1024,
      describedBy: describedBy || nothing,
      invalid: error ? 'true' : 'false',
      value: this.values[field.name] ?? '',
    };
    return html`
      <div class="field" part="field">
        <label for=${field.id}
          >${field.label}
          ${required
            ? html`<span class="required" aria-hidden="true">*</span>`
            : html`<span class="optional">${messages.optional}</span>`}</label
        >
        ${field.hint ? html`<p class="hint" id="${field.id}-hint">${field.hint}</p>` : nothing}
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

  private renderForm(): TemplateResult {
    const consentError = this.errors.CustomerConsented;
    return html`
      <form part="form" novalidate @submit=${this.handleSubmit}>
        <p class="intro">${this.topic?.Widget.WelcomeMessage || this.topic?.WelcomeMessage || messages.intro}</p>
        ${this.collectConsent || this.requiredFields.length > 0 ? html`<p class="note">${messages.requiredNote}</p>` : nothing}
        ${textFields.map((field) => this.renderTextField(field))}
        ${this.collectConsent ? this.renderConsent(consentError) : nothing}
        ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
        <button class="submit" part="submit" type="submit" ?disabled=${this.sending} aria-disabled=${this.sending}>
          ${this.sending ? messages.sending : messages.submit}
        </button>
      </form>
    `;
  }

  private renderConsent(consentError: string | undefined): TemplateResult {
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
            >${this.topic?.Widget.ConsentText || messages.consent} <span class="required" aria-hidden="true">*</span></label
          >
          ${privacy && /^https?:/i.test(privacy)
            ? html`<p class="privacy"><a href=${privacy} target="_blank" rel="noopener noreferrer">${messages.privacy}</a></p>`
            : nothing}
          ${consentError ? html`<p class="error" id="consent-error">${consentError}</p>` : nothing}
        </div>
    `;
  }

  private renderPanel(): TemplateResult {
    return html`
      <section id="panel" class="panel" part="panel" role="dialog" aria-labelledby="title" @keydown=${this.handleKeydown}>
        <header>
          <h2 id="title">${this.topic?.Widget.WelcomeTitle || messages.title}</h2>
          <button class="close" part="close" type="button" aria-label=${messages.close} @click=${this.handleClose}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        <div class="status" role="status" aria-live="polite">
          ${this.queuePosition !== null
            ? html`<p class="queued" tabindex="-1">${messages.queued(this.queuePosition)}</p>
                <p>${messages.queuedHint}</p>`
            : nothing}
        </div>
        ${this.queuePosition === null ? this.renderForm() : nothing}
      </section>
    `;
  }

  /** Opens the chat panel. */
  open(): void {
    this.setOpen(true);
  }

  /** Closes the chat panel. */
  close(): void {
    this.setOpen(false);
  }

  /** Opens the panel when closed, closes it when open. */
  toggle(): void {
    this.setOpen(!this.isOpen);
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
    return html`
      ${this.isOpen ? this.renderPanel() : nothing}
      <button
        class="launcher"
        part="launcher"
        type="button"
        aria-expanded=${this.isOpen ? 'true' : 'false'}
        aria-controls="panel"
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
        <span>${messages.launcher}</span>
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
