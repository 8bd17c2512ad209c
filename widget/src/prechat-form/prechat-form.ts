import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from '../decorators.ts';
import {
  checkVisitorRules,
  validateText,
  visitorTextFields,
  type ChatSessionFieldName,
  type FieldError,
  type FieldProblem,
  type TextSpec,
} from '@chatline/shared';
import type { ChatRequestError } from '../api.ts';
import { formLayout, type FormLayout, type Topic } from '../controllers/topic.ts';
import { emit, type PrechatSubmitDetail } from '../events.ts';
import type { Messages } from '../locale.ts';
import en from '../locales/en.ts';
import baseStyles from '../styles/base.styles.ts';
import styles from './prechat-form.styles.ts';

/** The specs of what visitors type; `fieldByName` would bring the whole table into the bundle. */
const specs: Record<TextFieldName, TextSpec> = visitorTextFields;

type TextFieldName = keyof typeof visitorTextFields;

type TextField = {
  name: TextFieldName;
  /** The control's id, and the key of its label in the widget's words. */
  id: 'alias' | 'name' | 'company' | 'email' | 'phone' | 'firstMessage';
  hint?: 'aliasHint';
  /** An input's type (`text` when not given), or a textarea. */
  type?: 'email' | 'tel' | 'textarea';
  autocomplete?: string;
};

/** The form's text fields, in the order the visitor fills them; a topic may leave some out. */
const textFields: readonly TextField[] = [
  { name: 'CustomerAlias', id: 'alias', hint: 'aliasHint', autocomplete: 'nickname' },
  { name: 'CustomerName', id: 'name', autocomplete: 'name' },
  { name: 'CustomerCompanyName', id: 'company', autocomplete: 'organization' },
  { name: 'CustomerEmail', id: 'email', type: 'email', autocomplete: 'email' },
  { name: 'CustomerPhone', id: 'phone', type: 'tel', autocomplete: 'tel' },
  { name: 'FirstMessage', id: 'firstMessage', type: 'textarea' },
];

export type FormValues = Partial<Record<TextFieldName, string>>;

type FieldErrors = Partial<Record<ChatSessionFieldName, string>>;

/**
 * The form's own part of the widget's phase: being filled in (after a failed send, with why it
 * failed), or being sent.
 */
export type FormPhase = { name: 'form'; failure?: ChatRequestError } | { name: 'sending' };

/** A send that failed for a reason that may pass: offline, rate limited, trouble on the server. */
const retryable = (failure: ChatRequestError) => failure.status === 0 || failure.status === 429 || failure.status >= 500;

/**
 * The pre-chat form inside `<chat-widget>`: the fields the topic asks for, checked by the
 * shared rules as the visitor goes. It does not send anything itself: a valid form raises
 * `chat-prechat-submit` with the fields, and the widget sends them and sets `phase`.
 *
 * @summary Internal: the pre-chat form of `<chat-widget>`.
 *
 * @event chat-prechat-submit - The visitor submitted a valid form. Detail: `fields`. Does not leave the widget.
 *
 * @csspart form - The form.
 * @csspart field - Each field, with its label and message.
 * @csspart submit - The button that sends the form.
 */
export class ChatPrechatForm extends LitElement {
  static override styles = [baseStyles, styles];

  /** Which fields the topic asks for and requires (the offline form, a subclass, asks for others). */
  protected layout: FormLayout = formLayout(null);

  @state() private values: FormValues = {};
  @state() private consented = false;
  @state() private errors: FieldErrors = {};
  @state() private formError = '';

  /** The topic (which fields, which are required, the texts) and the widget's language and words. */
  @property({ attribute: false }) topic: Topic = { info: null, language: 'en', words: en };

  /** What the page filled in before the form was shown. */
  @property({ attribute: false }) prefilled: Partial<Record<ChatSessionFieldName, unknown>> = {};

  /** Filled in, or being sent. */
  @property({ attribute: false }) phase: FormPhase = { name: 'form' };

  override willUpdate(changed: PropertyValues<this>) {
    if (!this.hasUpdated) this.fill(this.prefilled, false);
    if (changed.has('topic')) this.layout = formLayout(this.topic.info);
    if (changed.has('phase') && this.phase.name === 'form' && this.phase.failure) this.showRequestError(this.phase.failure);
  }

  private get fields(): readonly TextField[] {
    return textFields.filter((field) => !this.layout.hidden.includes(field.name));
  }

  /** What is wrong with a field, in the widget's language (the server's words when it spoke it). */
  private describe(problem: FieldProblem | FieldError, serverSpoke = false): string {
    const t = this.topic.words;
    if (serverSpoke && 'Message' in problem) return problem.Message;
    switch (problem.Code) {
      case 'too_long':
        return t.too_long(specs[problem.Field as TextFieldName]?.maxLength ?? 0);
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

  private handleInput(field: TextField, event: Event) {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.values = { ...this.values, [field.name]: value };
    if (this.errors[field.name]) this.checkField(field.name);
  }

  private handleBlur(field: TextField) {
    // A field also blurs when the panel closes and hides it; nothing to check then.
    if (this.isConnected && this.values[field.name] && this.checkVisibility()) this.checkField(field.name);
  }

  private handleConsentChange(event: Event) {
    this.consented = (event.target as HTMLInputElement).checked;
    if (this.errors.CustomerConsented) this.errors = { ...this.errors, CustomerConsented: this.consentError() };
  }

  /** Runs the shared rule for one field and shows or clears its message. */
  private checkField(name: TextFieldName) {
    const result = validateText(specs[name], this.values[name] ?? '');
    this.errors = { ...this.errors, [name]: result.ok ? undefined : this.describe(result.error) };
  }

  private consentError(): string | undefined {
    const [problem] = checkVisitorRules({ CustomerConsented: this.consented }, { collectConsent: this.layout.collectConsent });
    return problem && this.describe(problem);
  }

  /** The fields to send, trimmed, blank ones left out; null when a rule says no (shown at the fields). */
  private validate(): PrechatSubmitDetail['fields'] | null {
    const errors: FieldErrors = {};
    const fields: PrechatSubmitDetail['fields'] = {};
    for (const { name } of this.fields) {
      const result = validateText(specs[name], this.values[name] ?? '');
      if (!result.ok) errors[name] = this.describe(result.error);
      else if (result.value !== null) fields[name] = result.value as string;
    }
    for (const error of checkVisitorRules(fields, { collectConsent: false, requiredFields: this.layout.required })) {
      errors[error.Field as ChatSessionFieldName] ??= this.describe(error);
    }
    errors.CustomerConsented = this.consentError();
    this.errors = errors;
    if (Object.values(errors).some((message) => message !== undefined)) return null;
    fields.CustomerConsented = this.layout.collectConsent && this.consented;
    return fields;
  }

  private async focusFirstInvalid() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  private handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.phase.name === 'sending') return;
    this.formError = '';
    const fields = this.validate();
    if (!fields) {
      this.formError = this.topic.words.fixFields;
      void this.focusFirstInvalid();
      return;
    }
    emit(this, 'chat-prechat-submit', { fields }, false);
  }

  /** Puts each of the server's complaints next to its field; the rest above the button. */
  private showRequestError(error: ChatRequestError) {
    const t = this.topic.words;
    const errors: FieldErrors = {};
    const unplaced: string[] = [];
    for (const fieldError of error.fieldErrors) {
      const message = this.describe(fieldError, error.language === this.topic.language);
      const placed = fieldError.Field === 'CustomerConsented' || this.fields.some((field) => field.name === fieldError.Field);
      if (placed) errors[fieldError.Field as ChatSessionFieldName] = message;
      else unplaced.push(message);
    }
    this.errors = errors;
    const { status } = error;
    const byStatus: Record<number, string> = { 0: t.networkError, 400: unplaced.join(' ') || t.fixFields, 403: t.refused, 429: t.rateLimited };
    this.formError = byStatus[status] ?? t.serverError;
    if (Object.keys(errors).length > 0) void this.focusFirstInvalid();
  }

  private renderTextField(t: Messages, field: TextField): TemplateResult {
    const { id, name, hint, type } = field;
    const error = this.errors[name];
    const required = this.layout.required.includes(name);
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
    const maxlength = specs[name].maxLength;
    const invalid = error ? 'true' : 'false';
    const value = this.values[name] ?? '';
    const handleInput = (event: Event) => this.handleInput(field, event);
    const handleBlur = () => this.handleBlur(field);
    return html`
      <div class="field" part="field">
        <label for=${id}
          >${t[id]}
          ${required
            ? html`<span class="required" aria-hidden="true">*</span>`
            : html`<span class="optional">${t.optional}</span>`}</label
        >
        ${hint ? html`<p class="hint" id="${id}-hint">${t[hint]}</p>` : nothing}
        ${type === 'textarea'
          ? html`<textarea
              id=${id}
              name=${name}
              rows="2"
              maxlength=${maxlength}
              ?required=${required}
              aria-describedby=${describedBy}
              aria-invalid=${invalid}
              .value=${value}
              @input=${handleInput}
              @blur=${handleBlur}
            ></textarea>`
          : html`<input
              id=${id}
              name=${name}
              type=${type ?? 'text'}
              autocomplete=${field.autocomplete!}
              inputmode=${type === 'email' || type === 'tel' ? type : nothing}
              maxlength=${maxlength}
              ?required=${required}
              aria-describedby=${describedBy}
              aria-invalid=${invalid}
              .value=${value}
              @input=${handleInput}
              @blur=${handleBlur}
            />`}
        ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
      </div>
    `;
  }

  private renderConsent(t: Messages): TemplateResult {
    const consentError = this.errors.CustomerConsented;
    const privacy = this.topic.info?.Widget.PrivacyPolicyUrl;
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
        <label for="consent">${this.topic.info?.Widget.ConsentText || t.consent} <span class="required" aria-hidden="true">*</span></label>
        ${privacy && /^https?:/i.test(privacy)
          ? html`<p class="privacy"><a href=${privacy} target="_blank" rel="noopener noreferrer">${t.privacy}</a></p>`
          : nothing}
        ${consentError ? html`<p class="error" id="consent-error">${consentError}</p>` : nothing}
      </div>
    `;
  }

  /** Fills fields by their wire names, others ignored; unless `overwrite`, only fields still empty. */
  fill(values: Partial<Record<ChatSessionFieldName, unknown>>, overwrite = true): void {
    const next = { ...this.values };
    for (const { name } of textFields) {
      const value = values[name];
      if (typeof value === 'string' && (overwrite || !next[name])) next[name] = value;
    }
    this.values = next;
  }

  /** Moves focus to the first field. */
  async focusFirstField(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('input, textarea')?.focus();
  }

  override render() {
    const t = this.topic.words;
    const sending = this.phase.name === 'sending';
    const failure = this.phase.name === 'form' ? this.phase.failure : undefined;
    const { collectConsent, required } = this.layout;
    return html`
      <form part="form" novalidate @submit=${this.handleSubmit}>
        <p class="intro">${this.topic.info?.Widget.WelcomeMessage || this.topic.info?.WelcomeMessage || t.intro}</p>
        ${collectConsent || required.length > 0 ? html`<p class="note">${t.requiredNote}</p>` : nothing}
        ${this.fields.map((field) => this.renderTextField(t, field))}
        ${collectConsent ? this.renderConsent(t) : nothing}
        ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
        <button class="submit accent primary" part="submit" type="submit" ?disabled=${sending} aria-disabled=${sending}>
          ${sending ? t.sending : failure && retryable(failure) ? t.retry : t.submit}
        </button>
      </form>
    `;
  }
}

if (!customElements.get('chat-prechat-form')) customElements.define('chat-prechat-form', ChatPrechatForm);

declare global {
  interface HTMLElementTagNameMap {
    'chat-prechat-form': ChatPrechatForm;
  }
}
