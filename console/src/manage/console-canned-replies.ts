import { cannedReply, hasBadCharacters } from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ConsoleError, type CannedReply } from '../api.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';
import { characters, fieldErrorsOf, confirmStyles, formStyles, reasonOf } from './forms.ts';

/** The limits the server keeps to, checked before sending: the field table's lengths, and at most 100 a topic. */
const NAME_MAX = cannedReply.field('Name')!.maxLength!;
const TEXT_MAX = cannedReply.field('Text')!.maxLength!;
const REPLIES_MAX = 100;
/** A name is one line. */
const LINE_BREAKS = /[\t\n\r]/;

type Draft = { Name: string; Text: string };
type Errors = Partial<Record<keyof Draft, string>>;
/** Which form: the one to add a reply, or the one editing a reply (by its id). */
type FormKey = 'new' | number;

const empty: Draft = { Name: '', Text: '' };
const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/**
 * A topic's canned replies, which agents insert by typing `/` at the start of a reply: the
 * list, and adding, editing and deleting them. What the server would refuse (too long, a name
 * taken, too many) is said before sending; what it answers is shown next to the field.
 *
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-canned-replies')
export class ConsoleCannedReplies extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: grid;
        gap: 18px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 10px;
        max-width: 760px;
      }
      .reply {
        border: 1px solid var(--line);
        border-radius: 8px;
        padding: 10px 12px;
        background: var(--panel);
        display: grid;
        gap: 6px;
      }
      .reply.editing {
        border: none;
        padding: 0;
        background: none;
      }
      .reply h4 {
        margin: 0;
        font-size: 0.98rem;
        overflow-wrap: anywhere;
      }
      .reply h4 .slash {
        color: var(--muted);
        font-weight: 400;
      }
      .reply .text {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      form {
        max-width: 760px;
      }
    `,
  ];

  @property({ attribute: false }) topicId = 0;
  @property({ attribute: false }) workspace!: Workspace;
  @state() private replies: CannedReply[] | null = null;
  @state() private loadError = '';
  @state() private adding: Draft = { ...empty };
  @state() private editing: number | null = null;
  @state() private editDraft: Draft = { ...empty };
  @state() private errors = new Map<FormKey, Errors>();
  @state() private deleting: number | null = null;
  @state() private busy = false;
  @state() private error = '';
  @state() private saved = '';

  private loading = 0;

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('topicId') && this.topicId) {
      this.replies = null;
      this.editing = null;
      this.deleting = null;
      this.adding = { ...empty };
      this.errors = new Map();
      this.error = '';
      this.saved = '';
      void this.load();
    }
  }

  private async load() {
    const loading = ++this.loading;
    try {
      const replies = await api.cannedReplies(this.topicId);
      if (loading !== this.loading) return;
      this.replies = replies.sort((a, b) => a.Name.localeCompare(b.Name));
      this.loadError = '';
    } catch (error) {
      if (loading === this.loading) this.loadError = `Could not read the canned replies: ${reasonOf(error)}`;
    }
  }

  private get topicName(): string {
    return this.workspace.topics.get(this.topicId)?.Name || `topic ${this.topicId}`;
  }

  private notify(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  /** The composer's `/` menu has the change at once. */
  private changed() {
    void this.workspace.loadReplies(this.topicId);
  }

  /** Puts the cursor there once drawn, else on the heading (so it is never lost to the page). */
  private async focusSoon(selector: string) {
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>(selector) ?? this.renderRoot.querySelector<HTMLElement>('#replies-heading'))?.focus();
  }

  /** What the server would refuse, by field. */
  private check(draft: Draft, id: number | null): Errors {
    const errors: Errors = {};
    const name = draft.Name.trim();
    const text = draft.Text.trim();
    if (name === '') errors.Name = 'Give the reply a name: agents type it after /.';
    else if (name.length > NAME_MAX) errors.Name = `Use at most ${NAME_MAX} characters: this has ${name.length}.`;
    else if (LINE_BREAKS.test(name)) errors.Name = 'Write the name on one line, without tabs.';
    else if (hasBadCharacters(name)) errors.Name = 'Remove the control characters or broken characters from the name.';
    else if ((this.replies ?? []).some((reply) => reply.CannedReplyId !== id && sameName(reply.Name, name))) {
      errors.Name = `${this.topicName} has a reply named “${name}” already: choose another name.`;
    }
    if (text === '') errors.Text = 'Write the reply’s text.';
    else if (text.length > TEXT_MAX) errors.Text = `Use at most ${TEXT_MAX} characters: this has ${text.length}.`;
    else if (hasBadCharacters(text)) errors.Text = 'Remove the control characters or broken characters from the text.';
    return errors;
  }

  /** The server's refusal, by field where it says which. */
  private refusal(error: unknown): Errors | null {
    const byField: Errors = {};
    for (const problem of fieldErrorsOf(error)) {
      const field = problem.Field.toLowerCase();
      if (field === 'name') byField.Name = problem.Message;
      else if (field === 'text') byField.Text = problem.Message;
    }
    if (Object.keys(byField).length > 0) return byField;
    // Names are unique in a topic: a conflict is about the name, unless the topic is full.
    if (error instanceof ConsoleError && error.status === 409 && !/\b100\b|at most|too many/i.test(error.message)) return { Name: error.message };
    return null;
  }

  private setErrors(key: FormKey, errors: Errors | null) {
    const all = new Map(this.errors);
    if (errors && Object.keys(errors).length > 0) all.set(key, errors);
    else all.delete(key);
    this.errors = all;
  }

  private clearError(key: FormKey, field: keyof Draft) {
    const errors = this.errors.get(key);
    if (!errors?.[field]) return;
    const rest = { ...errors };
    delete rest[field];
    this.setErrors(key, rest);
  }

  private async showErrors(key: FormKey, errors: Errors) {
    this.setErrors(key, errors);
    const count = Object.keys(errors).length;
    const what = key === 'new' ? 'The reply was not added' : `“${this.replies?.find((reply) => reply.CannedReplyId === key)?.Name ?? 'The reply'}” was not saved`;
    this.error = `${what}: ${count === 1 ? 'one field needs' : 'both fields need'} a change.`;
    await this.updateComplete;
    const prefix = key === 'new' ? 'new' : `edit-${key}`;
    this.renderRoot.querySelector<HTMLElement>(`#${prefix}-${errors.Name ? 'name' : 'text'}`)?.focus();
  }

  private handleAddInput(field: keyof Draft, event: Event) {
    this.adding = { ...this.adding, [field]: (event.target as HTMLInputElement | HTMLTextAreaElement).value };
    this.saved = '';
    this.clearError('new', field);
  }

  private handleEditInput(field: keyof Draft, event: Event) {
    this.editDraft = { ...this.editDraft, [field]: (event.target as HTMLInputElement | HTMLTextAreaElement).value };
    this.clearError(this.editing!, field);
  }

  private async handleAdd(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy || !this.replies) return;
    this.saved = '';
    this.error = '';
    if (this.replies.length >= REPLIES_MAX) {
      this.error = `${this.topicName} has ${REPLIES_MAX} canned replies, as many as a topic may have. Delete one to add another.`;
      return;
    }
    const errors = this.check(this.adding, null);
    if (Object.keys(errors).length > 0) return this.showErrors('new', errors);
    this.busy = true;
    this.setErrors('new', null);
    try {
      const reply = await api.addCannedReply(this.topicId, { Name: this.adding.Name.trim(), Text: this.adding.Text.trim() });
      this.replies = [...this.replies, reply].sort((a, b) => a.Name.localeCompare(b.Name));
      this.adding = { ...empty };
      this.saved = `Added “${reply.Name}”. Agents can insert it with /${reply.Name}.`;
      this.notify(`The canned reply “${reply.Name}” was added to ${this.topicName}.`);
      this.changed();
      void this.focusSoon('#new-name');
    } catch (error) {
      const byField = this.refusal(error);
      if (byField) void this.showErrors('new', byField);
      else this.error = `The reply was not added: ${reasonOf(error)}`;
    } finally {
      this.busy = false;
    }
  }

  private handleEdit(reply: CannedReply) {
    if (this.busy) return;
    this.editing = reply.CannedReplyId;
    this.editDraft = { Name: reply.Name, Text: reply.Text };
    this.deleting = null;
    this.saved = '';
    this.error = '';
    this.setErrors(reply.CannedReplyId, null);
    void this.focusSoon(`#edit-${reply.CannedReplyId}-name`);
  }

  private handleCancelEdit() {
    if (this.busy) return;
    const id = this.editing;
    this.editing = null;
    this.error = '';
    if (id !== null) {
      this.setErrors(id, null);
      void this.focusSoon(`#edit-button-${id}`);
    }
  }

  private handleEditKey(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.handleCancelEdit();
    }
  }

  private async handleSave(reply: CannedReply, event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.saved = '';
    this.error = '';
    const errors = this.check(this.editDraft, reply.CannedReplyId);
    if (Object.keys(errors).length > 0) return this.showErrors(reply.CannedReplyId, errors);
    this.busy = true;
    this.setErrors(reply.CannedReplyId, null);
    try {
      const stored = await api.saveCannedReply({ ...reply, Name: this.editDraft.Name.trim(), Text: this.editDraft.Text.trim() });
      this.replies = (this.replies ?? []).map((entry) => (entry.CannedReplyId === reply.CannedReplyId ? stored : entry)).sort((a, b) => a.Name.localeCompare(b.Name));
      this.editing = null;
      this.saved = `Saved “${stored.Name}”.`;
      this.changed();
      void this.focusSoon(`#edit-button-${reply.CannedReplyId}`);
    } catch (error) {
      const byField = this.refusal(error);
      if (byField) void this.showErrors(reply.CannedReplyId, byField);
      else this.error = `“${reply.Name}” was not saved: ${reasonOf(error)}`;
      if (error instanceof ConsoleError && error.status === 404) void this.load();
    } finally {
      this.busy = false;
    }
  }

  private handleAskDelete(reply: CannedReply) {
    if (this.busy) return;
    this.deleting = reply.CannedReplyId;
    this.editing = null;
    this.saved = '';
    void this.focusSoon('#delete-keep');
  }

  private handleKeep() {
    if (this.busy) return;
    const id = this.deleting;
    this.deleting = null;
    if (id !== null) void this.focusSoon(`#delete-button-${id}`);
  }

  private async handleDelete(reply: CannedReply) {
    if (this.busy) return;
    const replies = this.replies ?? [];
    const at = replies.findIndex((entry) => entry.CannedReplyId === reply.CannedReplyId);
    this.busy = true;
    this.error = '';
    try {
      await api.deleteCannedReply(reply);
      this.deleting = null;
      this.replies = replies.filter((entry) => entry.CannedReplyId !== reply.CannedReplyId);
      this.saved = `Deleted “${reply.Name}”.`;
      this.changed();
      const next = this.replies[at] ?? this.replies[at - 1];
      void this.focusSoon(next ? `#edit-button-${next.CannedReplyId}` : '#new-name');
    } catch (error) {
      if (error instanceof ConsoleError && error.status === 404) {
        // Someone else deleted it first: gone all the same.
        this.deleting = null;
        this.replies = replies.filter((entry) => entry.CannedReplyId !== reply.CannedReplyId);
        this.saved = `“${reply.Name}” was deleted already.`;
        this.changed();
        void this.focusSoon('#new-name');
      } else this.error = `“${reply.Name}” was not deleted: ${reasonOf(error)}`;
    } finally {
      this.busy = false;
    }
  }

  private describedBy(id: string, errors: Errors | undefined, field: keyof Draft) {
    return `${id}-hint${errors?.[field] ? ` ${id}-error` : ''}`;
  }

  /** The name and text fields of a form; `prefix` makes their ids. */
  private renderFields(prefix: string, draft: Draft, errors: Errors | undefined, onInput: (field: keyof Draft, event: Event) => void) {
    const nameLength = draft.Name.trim().length;
    const textLength = draft.Text.trim().length;
    return html`<div class="field">
        <label for="${prefix}-name">Name</label>
        <input
          id="${prefix}-name"
          .value=${draft.Name}
          autocomplete="off"
          spellcheck="false"
          required
          aria-invalid=${errors?.Name ? 'true' : 'false'}
          aria-describedby=${this.describedBy(`${prefix}-name`, errors, 'Name')}
          @input=${(event: Event) => onInput('Name', event)}
        />
        <p class="hint" id="${prefix}-name-hint">What agents type after /, unique in the topic. ${nameLength} of ${NAME_MAX} characters.</p>
        ${errors?.Name ? html`<p class="field-error" id="${prefix}-name-error">${errors.Name}</p>` : nothing}
      </div>
      <div class="field">
        <label for="${prefix}-text">Text</label>
        <textarea
          id="${prefix}-text"
          rows="4"
          .value=${draft.Text}
          required
          aria-invalid=${errors?.Text ? 'true' : 'false'}
          aria-describedby=${this.describedBy(`${prefix}-text`, errors, 'Text')}
          @input=${(event: Event) => onInput('Text', event)}
        ></textarea>
        <p class="hint" id="${prefix}-text-hint">What is put in the reply, for the agent to send as it is or change. ${characters(textLength)} of ${TEXT_MAX}.</p>
        ${errors?.Text ? html`<p class="field-error" id="${prefix}-text-error">${errors.Text}</p>` : nothing}
      </div>`;
  }

  private renderReply(reply: CannedReply) {
    const id = reply.CannedReplyId;
    if (this.editing === id) {
      return html`<li class="reply editing">
        <form @submit=${(event: SubmitEvent) => this.handleSave(reply, event)} @keydown=${this.handleEditKey} novalidate>
          <fieldset>
            <legend>Edit “${reply.Name}”</legend>
            ${this.renderFields(`edit-${id}`, this.editDraft, this.errors.get(id), (field, event) => this.handleEditInput(field, event))}
            <div class="actions">
              <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? 'Saving…' : 'Save'}</button>
              <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleCancelEdit}>Cancel</button>
              <span class="hint">Esc cancels.</span>
            </div>
          </fieldset>
        </form>
      </li>`;
    }
    return html`<li class="reply">
      <h4 id="reply-${id}"><span class="slash" aria-hidden="true">/</span>${reply.Name}</h4>
      <p class="text">${reply.Text}</p>
      ${this.deleting === id
        ? html`<div class="confirm" role="group" aria-labelledby="delete-text-${id}">
            <p id="delete-text-${id}"><strong>Delete “${reply.Name}”?</strong> Agents will no longer find it after /.</p>
            <div class="actions">
              <button id="delete-keep" class="primary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleKeep}>Keep it</button>
              <button class="danger" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.handleDelete(reply)}>${this.busy ? 'Deleting…' : 'Delete'}</button>
            </div>
          </div>`
        : html`<div class="actions">
            <button id="edit-button-${id}" aria-label="Edit “${reply.Name}”" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.handleEdit(reply)}>Edit</button>
            <button id="delete-button-${id}" class="danger" aria-label="Delete “${reply.Name}”" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.handleAskDelete(reply)}>
              Delete
            </button>
          </div>`}
    </li>`;
  }

  private renderAdd(replies: CannedReply[]) {
    const full = replies.length >= REPLIES_MAX;
    return html`<form @submit=${this.handleAdd} novalidate aria-labelledby="new-heading">
      <fieldset>
        <legend id="new-heading">New canned reply</legend>
        ${full
          ? html`<p class="hint">${this.topicName} has ${REPLIES_MAX} replies, as many as a topic may have: delete one to add another.</p>`
          : this.renderFields('new', this.adding, this.errors.get('new'), (field, event) => this.handleAddInput(field, event))}
        <div class="actions">
          ${full ? nothing : html`<button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy && this.editing === null && this.deleting === null ? 'Adding…' : 'Add reply'}</button>`}
        </div>
      </fieldset>
    </form>`;
  }

  override render() {
    const topic = this.topicName;
    const heading = html`<h3 id="replies-heading" tabindex="-1">Canned replies of ${topic}</h3>`;
    if (this.loadError) return html`${heading}<p class="alert" role="alert">${this.loadError}</p>`;
    const replies = this.replies;
    if (!replies) return html`${heading}<p class="muted" role="status">Loading the canned replies…</p>`;
    return html`<section class="stack" aria-labelledby="replies-heading">
        <div class="head">
          ${heading}
          <p class="hint">Agents type / at the start of a reply to choose one. ${replies.length} of at most ${REPLIES_MAX}.</p>
          <div role="alert">${this.error ? html`<p class="alert">${this.error}</p>` : nothing}</div>
          <p class="saved" role="status">${this.saved}</p>
        </div>
        ${replies.length === 0
          ? html`<p class="muted">${topic} has no canned replies yet.</p>`
          : html`<ol aria-labelledby="replies-heading">
              ${replies.map((reply) => this.renderReply(reply))}
            </ol>`}
      </section>
      ${this.renderAdd(replies)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-canned-replies': ConsoleCannedReplies;
  }
}
