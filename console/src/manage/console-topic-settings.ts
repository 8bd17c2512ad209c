import {
  ChatTopicRequiredFields,
  ChatWidgetFields,
  chatTopic,
  fieldMessagesEn,
  formatRequiredFields,
  formatWidgetFields,
  parseOrigin,
  parseRequiredFields,
  parseWidgetFields,
  validateField,
  type ChatWidgetFieldName,
} from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type ChatTopic } from '../api.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';
import { fieldErrorsOf, confirmStyles, formStyles, linesOf, reasonOf } from './forms.ts';

/** The text settings, by their path in the topic as the server names them in its errors. */
type TextPath =
  | 'Name'
  | 'Description'
  | 'WelcomeMessage'
  | 'Widget/WelcomeTitle'
  | 'Widget/WelcomeMessage'
  | 'Widget/Color'
  | 'Widget/ConsentText'
  | 'Widget/PrivacyPolicyUrl';

/** What the form holds: the text as typed, the origins one per line, the form fields as masks. */
type Draft = Record<TextPath, string> & {
  Language: string;
  CollectConsent: boolean;
  AllowedOrigins: string;
  required: number;
  hidden: number;
};

type TextField = { path: TextPath; label: string; hint: string; lines?: number; type?: 'url'; autocomplete?: string };

const topicTexts: TextField[] = [
  { path: 'Name', label: 'Name', hint: 'Visitors and agents see it. Required.' },
  { path: 'Description', label: 'Description', hint: 'For agents only.', lines: 2 },
  { path: 'WelcomeMessage', label: 'Welcome message in the chat', hint: 'Posted in the chat when an agent picks it up. Empty: none.', lines: 3 },
];
const widgetTexts: TextField[] = [
  { path: 'Widget/WelcomeTitle', label: 'Title', hint: 'The heading of the widget before the chat starts.' },
  { path: 'Widget/WelcomeMessage', label: 'Greeting', hint: 'Shown under the title, above the form.', lines: 3 },
];
const consentTexts: TextField[] = [
  { path: 'Widget/ConsentText', label: 'Consent text', hint: 'What the visitor agrees to. Empty: the widget’s own words.', lines: 3 },
  { path: 'Widget/PrivacyPolicyUrl', label: 'Privacy policy address', hint: 'A web address starting with https://, linked beside the consent.', type: 'url' },
];

/** The languages the widget has words for; a topic may name another tag, which is kept. */
const languages: [tag: string, name: string][] = [
  ['', 'The page’s or the visitor’s language'],
  ['en', 'English'],
  ['nb', 'Norsk bokmål'],
  ['de', 'Deutsch'],
  ['ar', 'العربية (Arabic)'],
];

/** The widget's form fields, in the form's order, with what the visitor sees. */
const formFields: [name: ChatWidgetFieldName, label: string][] = [
  ['Alias', 'Display name'],
  ['Name', 'Full name'],
  ['Company', 'Company'],
  ['Email', 'Email'],
  ['Phone', 'Phone'],
  ['Message', 'First question'],
];

/** Each field's label, for the summary of what is wrong. */
const labels = new Map<string, string>([
  ...[...topicTexts, ...consentTexts].map((field): [string, string] => [field.path, field.label]),
  ...widgetTexts.map((field): [string, string] => [field.path, `Widget ${field.label.toLowerCase()}`]),
  ['Widget/Color', 'Widget colour'],
  ['Language', 'Language'],
  ['CollectConsent', 'Consent'],
  ['AllowedOrigins', 'Allowed origins'],
  ['fields', 'The visitor’s form'],
]);

const requirable = (name: ChatWidgetFieldName) => name in ChatTopicRequiredFields;
const MAX_ORIGINS = chatTopic.field('AllowedOrigins')?.maxItems ?? 50;
const WIDGET_COLOUR = '#1f4fd1';

const idOf = (path: string) => `topic-${path.replace('/', '-')}`;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

function draftOf(topic: ChatTopic): Draft {
  const widget = topic.Widget ?? {};
  const required = parseRequiredFields(widget.RequiredFields) ?? 0;
  return {
    Name: topic.Name ?? '',
    Description: topic.Description ?? '',
    WelcomeMessage: topic.WelcomeMessage ?? '',
    Language: topic.Language ?? '',
    CollectConsent: topic.CollectConsent !== false,
    AllowedOrigins: (topic.AllowedOrigins ?? []).join('\n'),
    'Widget/WelcomeTitle': text(widget.WelcomeTitle),
    'Widget/WelcomeMessage': text(widget.WelcomeMessage),
    'Widget/Color': text(widget.Color),
    'Widget/ConsentText': text(widget.ConsentText),
    'Widget/PrivacyPolicyUrl': text(widget.PrivacyPolicyUrl),
    required,
    // A required field is asked for all the same: it is not shown as hidden.
    hidden: (parseWidgetFields(widget.HiddenFields) ?? 0) & ~required,
  };
}

/** What is wrong with a text setting, in words, or undefined. */
function textProblem(path: TextPath, value: string): string | undefined {
  const spec = chatTopic.fieldAt(path)!;
  const trimmedValue = value.trim();
  if (path === 'Name' && trimmedValue === '') return 'Give the topic a name.';
  const result = validateField(spec, trimmedValue);
  if (result.ok) return undefined;
  switch (result.error.Code) {
    case 'too_long':
      return `Use at most ${spec.maxLength} characters: this has ${trimmedValue.length}.`;
    case 'characters':
      return fieldMessagesEn.characters();
    default:
      if (path === 'Widget/Color') return 'Write the colour as # and six hex digits, like #0b5cad, or leave it empty.';
      if (path === 'Widget/PrivacyPolicyUrl') return 'Write a web address starting with https:// (or http://), or leave it empty.';
      return `This is not a valid ${spec.name}.`;
  }
}

/** What is wrong with the origins, in words, or undefined. */
function originsProblem(value: string): string | undefined {
  const lines = linesOf(value);
  const wrong = lines.findIndex((line) => parseOrigin(line) === undefined);
  if (wrong >= 0) return `“${lines[wrong]}” (line ${wrong + 1}) is not an origin: write the scheme and host only, like https://shop.example.`;
  if (lines.length > MAX_ORIGINS) return `At most ${MAX_ORIGINS} origins: there are ${lines.length}.`;
  return undefined;
}

function languageProblem(value: string): string | undefined {
  const result = validateField(chatTopic.field('Language')!, value);
  return result.ok ? undefined : 'Choose a language.';
}

/**
 * A topic's settings: its name, description and welcome message, its language, consent, the
 * origins whose pages may use it, and how the widget looks and what its form asks. The whole
 * topic is read, changed and written back, so what this form does not show is kept.
 *
 * @event console-topic-saved - The topic was saved; `detail` is the topic as the server stored it.
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-topic-settings')
export class ConsoleTopicSettings extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: block;
      }
      .colour {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .colour input[type='text'] {
        width: 10ch;
        font-family: ui-monospace, monospace;
      }
      input[type='color'] {
        width: 44px;
        height: 34px;
        padding: 2px;
      }
      .origins {
        font-family: ui-monospace, monospace;
      }
      .fields td:first-child,
      .fields th:first-child {
        width: 40%;
      }
      .fields table {
        max-width: 560px;
      }
      .sticky {
        position: sticky;
        bottom: 0;
        padding: 10px 0 14px;
        background: var(--panel);
        border-top: 1px solid var(--line);
      }
    `,
  ];

  @property({ attribute: false }) topicId = 0;
  @property({ attribute: false }) workspace!: Workspace;
  @state() private topic: ChatTopic | null = null;
  @state() private draft: Draft | null = null;
  @state() private errors = new Map<string, string>();
  @state() private alert = '';
  @state() private saved = '';
  @state() private busy = false;
  @state() private loadError = '';

  /** The draft as read, to tell whether anything changed. */
  private original = '';
  private loading = 0;

  /** Whether the form has changes that are not saved. */
  get dirty(): boolean {
    return this.draft !== null && JSON.stringify(this.draft) !== this.original;
  }

  override focus() {
    this.renderRoot.querySelector<HTMLElement>(`#${idOf('Name')}`)?.focus();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('topicId') && this.topicId) void this.load();
  }

  private async load() {
    const loading = ++this.loading;
    this.topic = null;
    this.draft = null;
    this.errors = new Map();
    this.alert = '';
    this.saved = '';
    this.loadError = '';
    try {
      const topic = await api.topic(this.topicId);
      if (loading !== this.loading) return;
      this.take(topic);
    } catch (error) {
      if (loading === this.loading) this.loadError = `Could not read the topic’s settings: ${reasonOf(error)}`;
    }
  }

  private take(topic: ChatTopic) {
    this.topic = topic;
    this.draft = draftOf(topic);
    this.original = JSON.stringify(this.draft);
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]) {
    if (!this.draft) return;
    this.draft = { ...this.draft, [key]: value };
    this.saved = '';
    if (this.errors.has(key)) {
      const errors = new Map(this.errors);
      errors.delete(key);
      this.errors = errors;
    }
  }

  private handleText(path: TextPath, event: Event) {
    this.set(path, (event.target as HTMLInputElement | HTMLTextAreaElement).value);
  }

  private handlePickColour(event: Event) {
    this.set('Widget/Color', (event.target as HTMLInputElement).value);
  }

  private handleRequired(name: ChatWidgetFieldName, event: Event) {
    if (!this.draft) return;
    const bit = ChatWidgetFields[name];
    const on = (event.target as HTMLInputElement).checked;
    const required = on ? this.draft.required | bit : this.draft.required & ~bit;
    // A required field is always asked: it cannot be hidden as well.
    this.draft = { ...this.draft, required, hidden: on ? this.draft.hidden & ~bit : this.draft.hidden };
    this.saved = '';
  }

  private handleHidden(name: ChatWidgetFieldName, event: Event) {
    if (!this.draft) return;
    const bit = ChatWidgetFields[name];
    const on = (event.target as HTMLInputElement).checked;
    this.set('hidden', on ? this.draft.hidden | bit : this.draft.hidden & ~bit);
  }

  private async handleReset() {
    if (!this.topic || this.busy) return;
    this.take(this.topic);
    this.errors = new Map();
    this.alert = '';
    this.saved = '';
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: 'The changes to the settings were undone.', bubbles: true, composed: true }));
    // The button is disabled now that nothing is changed: the cursor goes back to the form's start.
    await this.updateComplete;
    this.focus();
  }

  /** The problems the console can see before it sends, by field path. */
  private check(draft: Draft): Map<string, string> {
    const errors = new Map<string, string>();
    for (const { path } of [...topicTexts, ...widgetTexts, ...consentTexts, { path: 'Widget/Color' as const }]) {
      const problem = textProblem(path, draft[path]);
      if (problem) errors.set(path, problem);
    }
    const language = languageProblem(draft.Language);
    if (language) errors.set('Language', language);
    const origins = originsProblem(draft.AllowedOrigins);
    if (origins) errors.set('AllowedOrigins', origins);
    return errors;
  }

  /** The whole topic to write: as read, with this form's values in it. */
  private body(topic: ChatTopic, draft: Draft): ChatTopic {
    return {
      ...topic,
      Name: draft.Name.trim(),
      Description: draft.Description.trim(),
      WelcomeMessage: draft.WelcomeMessage.trim(),
      Language: draft.Language,
      CollectConsent: draft.CollectConsent,
      AllowedOrigins: linesOf(draft.AllowedOrigins),
      Widget: {
        ...topic.Widget,
        WelcomeTitle: draft['Widget/WelcomeTitle'].trim(),
        WelcomeMessage: draft['Widget/WelcomeMessage'].trim(),
        Color: draft['Widget/Color'].trim(),
        ConsentText: draft['Widget/ConsentText'].trim(),
        PrivacyPolicyUrl: draft['Widget/PrivacyPolicyUrl'].trim(),
        RequiredFields: formatRequiredFields(draft.required) || 'None',
        HiddenFields: formatWidgetFields(draft.hidden & ~draft.required) || 'None',
      },
    };
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    const { topic, draft } = this;
    if (!topic || !draft || this.busy) return;
    this.saved = '';
    const errors = this.check(draft);
    if (errors.size > 0) return this.refused(errors, '');
    this.busy = true;
    this.errors = new Map();
    this.alert = '';
    try {
      const stored = await api.saveTopic(this.body(topic, draft));
      this.take(stored);
      this.saved = `Saved at ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}.`;
      this.dispatchEvent(new CustomEvent<ChatTopic>('console-topic-saved', { detail: stored, bubbles: true, composed: true }));
      this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: `The settings of ${stored.Name} were saved.`, bubbles: true, composed: true }));
      // The topic's name shows across the console: it reads the topics again.
      void this.workspace.loadTopics().catch(() => {});
    } catch (error) {
      const byField = new Map<string, string>();
      for (const problem of fieldErrorsOf(error)) byField.set(this.fieldOf(problem.Field), problem.Message);
      this.refused(byField, byField.size > 0 ? '' : `The settings were not saved: ${reasonOf(error)}`);
    } finally {
      this.busy = false;
    }
  }

  /** The form's field for a path the server names (in any case; the form fields under their masks). */
  private fieldOf(path: string): string {
    const lower = path.toLowerCase();
    if (lower === 'widget/requiredfields' || lower === 'widget/hiddenfields' || lower === 'widget') return 'fields';
    return [...labels.keys()].find((field) => field.toLowerCase() === lower) ?? path;
  }

  /** Shows what is wrong, next to each field and in a summary, and puts the cursor in the first. */
  private async refused(errors: Map<string, string>, alert: string) {
    this.errors = errors;
    const count = errors.size;
    this.alert = alert || `The settings were not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a change.`;
    await this.updateComplete;
    const first = [...this.renderRoot.querySelectorAll<HTMLElement>('[aria-invalid="true"]')][0];
    (first ?? this.renderRoot.querySelector<HTMLElement>('.alert'))?.focus();
  }

  /** From the summary of problems to the field. */
  private handleJump(path: string) {
    const target = path === 'fields' ? this.renderRoot.querySelector<HTMLElement>('.fields input') : this.renderRoot.querySelector<HTMLElement>(`#${idOf(path)}`);
    target?.focus();
  }

  private describedBy(path: string, hint: boolean) {
    return [hint ? `${idOf(path)}-hint` : '', this.errors.has(path) ? `${idOf(path)}-error` : ''].filter(Boolean).join(' ') || nothing;
  }

  private renderError(path: string) {
    const error = this.errors.get(path);
    return error ? html`<p class="field-error" id="${idOf(path)}-error">${error}</p>` : nothing;
  }

  private renderText(draft: Draft, field: TextField) {
    const id = idOf(field.path);
    const invalid = this.errors.has(field.path) ? 'true' : 'false';
    const max = chatTopic.fieldAt(field.path)?.maxLength;
    const hint = `${field.hint}${max ? ` At most ${max} characters.` : ''}`;
    return html`<div class="field">
      <label for=${id}>${field.label}</label>
      ${field.lines
        ? html`<textarea
            id=${id}
            rows=${field.lines}
            .value=${draft[field.path]}
            aria-invalid=${invalid}
            aria-describedby=${this.describedBy(field.path, true)}
            @input=${(event: Event) => this.handleText(field.path, event)}
          ></textarea>`
        : html`<input
            id=${id}
            type=${field.type ?? 'text'}
            .value=${draft[field.path]}
            ?required=${field.path === 'Name'}
            aria-invalid=${invalid}
            aria-describedby=${this.describedBy(field.path, true)}
            autocomplete="off"
            @input=${(event: Event) => this.handleText(field.path, event)}
          />`}
      <p class="hint" id="${id}-hint">${hint}</p>
      ${this.renderError(field.path)}
    </div>`;
  }

  private renderLanguage(draft: Draft) {
    const id = idOf('Language');
    const known = languages.some(([tag]) => tag === draft.Language);
    return html`<div class="field">
      <label for=${id}>Language</label>
      <select
        id=${id}
        aria-invalid=${this.errors.has('Language') ? 'true' : 'false'}
        aria-describedby=${this.describedBy('Language', true)}
        @change=${(event: Event) => this.set('Language', (event.target as HTMLSelectElement).value)}
      >
        ${languages.map(([tag, name]) => html`<option value=${tag} ?selected=${tag === draft.Language}>${name}${tag ? ` (${tag})` : ''}</option>`)}
        ${known ? nothing : html`<option value=${draft.Language} selected>${draft.Language}</option>`}
      </select>
      <p class="hint" id="${id}-hint">The widget’s language when the page does not set one.</p>
      ${this.renderError('Language')}
    </div>`;
  }

  private renderColour(draft: Draft) {
    const id = idOf('Widget/Color');
    const value = draft['Widget/Color'].trim();
    const valid = /^#[0-9a-f]{6}$/i.test(value);
    return html`<div class="field">
      <label for=${id}>Colour</label>
      <div class="colour">
        <input
          id=${id}
          type="text"
          .value=${draft['Widget/Color']}
          placeholder=${WIDGET_COLOUR}
          spellcheck="false"
          autocomplete="off"
          aria-invalid=${this.errors.has('Widget/Color') ? 'true' : 'false'}
          aria-describedby=${this.describedBy('Widget/Color', true)}
          @input=${(event: Event) => this.handleText('Widget/Color', event)}
        />
        <input type="color" aria-label="Pick the colour" .value=${valid ? value.toLowerCase() : WIDGET_COLOUR} @input=${this.handlePickColour} />
      </div>
      <p class="hint" id="${id}-hint">The widget’s buttons and header, as #rrggbb. Empty: the widget’s own blue.</p>
      ${this.renderError('Widget/Color')}
    </div>`;
  }

  private renderOrigins(draft: Draft) {
    const id = idOf('AllowedOrigins');
    return html`<div class="field">
      <label for=${id}>Allowed origins</label>
      <textarea
        id=${id}
        class="origins"
        rows="4"
        spellcheck="false"
        .value=${draft.AllowedOrigins}
        aria-invalid=${this.errors.has('AllowedOrigins') ? 'true' : 'false'}
        aria-describedby=${this.describedBy('AllowedOrigins', true)}
        @input=${(event: Event) => this.set('AllowedOrigins', (event.target as HTMLTextAreaElement).value)}
      ></textarea>
      <p class="hint" id="${id}-hint">
        One per line, like https://shop.example: pages there may start chats in this topic, besides the server’s own and those the server allows for
        every topic. At most ${MAX_ORIGINS}.
      </p>
      ${this.renderError('AllowedOrigins')}
    </div>`;
  }

  private renderFormFields(draft: Draft) {
    return html`<fieldset class="fields" aria-describedby="${idOf('fields')}-hint${this.errors.has('fields') ? ` ${idOf('fields')}-error` : ''}">
      <legend>The visitor’s form</legend>
      <p class="hint" id="${idOf('fields')}-hint">A required field is always asked, so it cannot be hidden too. Every field not hidden is asked.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col" class="centre">Required</th>
            <th scope="col" class="centre">Hidden</th>
          </tr>
        </thead>
        <tbody>
          ${formFields.map(([name, label]) => {
            const bit = ChatWidgetFields[name];
            const required = (draft.required & bit) !== 0;
            const hidden = (draft.hidden & bit) !== 0;
            return html`<tr>
              <th scope="row">${label}</th>
              <td class="centre">
                ${requirable(name)
                  ? html`<input type="checkbox" aria-label="${label} required" .checked=${required} @change=${(event: Event) => this.handleRequired(name, event)} />`
                  : html`<span aria-hidden="true">—</span><span class="visually-hidden">${label} cannot be required</span>`}
              </td>
              <td class="centre">
                <input
                  type="checkbox"
                  aria-label="${label} hidden"
                  .checked=${hidden}
                  ?disabled=${required}
                  aria-describedby=${required ? `${idOf('fields')}-hint` : nothing}
                  @change=${(event: Event) => this.handleHidden(name, event)}
                />
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${this.renderError('fields')}
    </fieldset>`;
  }

  override render() {
    if (this.loadError) return html`<p class="alert" role="alert">${this.loadError}</p>`;
    const draft = this.draft;
    if (!draft) return html`<p class="muted" role="status">Loading the settings…</p>`;
    const errorList = [...this.errors.entries()];
    return html`<form @submit=${this.handleSubmit} novalidate aria-labelledby="settings-heading">
      <div class="head">
      <h3 id="settings-heading">Settings of ${this.topic?.Name || `topic ${this.topicId}`}</h3>
      <div role="alert">
        ${this.alert
          ? html`<div class="alert" tabindex="-1">
              ${this.alert}
              ${errorList.length > 0
                ? html`<ul>
                    ${errorList.map(
                      ([path, message]) =>
                        html`<li><button type="button" class="link" @click=${() => this.handleJump(path)}>${labels.get(path) ?? path}</button>: ${message}</li>`,
                    )}
                  </ul>`
                : nothing}
            </div>`
          : nothing}
      </div>
      </div>
      <fieldset>
        <legend>Topic</legend>
        ${topicTexts.map((field) => this.renderText(draft, field))} ${this.renderLanguage(draft)}
      </fieldset>
      <fieldset>
        <legend>Widget</legend>
        ${widgetTexts.map((field) => this.renderText(draft, field))} ${this.renderColour(draft)}
      </fieldset>
      ${this.renderFormFields(draft)}
      <fieldset>
        <legend>Consent</legend>
        <div class="check">
          <input
            id=${idOf('CollectConsent')}
            type="checkbox"
            .checked=${draft.CollectConsent}
            aria-describedby="${idOf('CollectConsent')}-hint"
            @change=${(event: Event) => this.set('CollectConsent', (event.target as HTMLInputElement).checked)}
          />
          <label for=${idOf('CollectConsent')}>Ask for the visitor’s consent before the chat starts</label>
        </div>
        <p class="hint" id="${idOf('CollectConsent')}-hint">The visitor must agree that their details are stored for the chat.</p>
        ${consentTexts.map((field) => this.renderText(draft, field))}
      </fieldset>
      <fieldset>
        <legend>Where the widget may be used</legend>
        ${this.renderOrigins(draft)}
      </fieldset>
      <div class="actions sticky">
        <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? 'Saving…' : 'Save settings'}</button>
        <button type="button" ?disabled=${!this.dirty} aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleReset}>Undo changes</button>
        <p class="saved" role="status">${this.saved}</p>
        ${this.dirty && !this.busy ? html`<span class="muted">Changes not saved yet.</span>` : nothing}
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-topic-settings': ConsoleTopicSettings;
  }
  interface GlobalEventHandlersEventMap {
    'console-topic-saved': CustomEvent<ChatTopic>;
  }
}
