import { linkify } from '@chatline/widget/linkify';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type OfflineRequest } from '../api.ts';
import { dateTimeOf, duration, requesterName } from '../format.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';

type Shown = 'open' | 'handled';

/** What the agent just did, said with a way back: the request and the state it had before. */
type Done = { request: OfflineRequest; wasHandled: boolean; text: string };

/** An address the console links as `mailto:`: one address, nothing that would add headers or another recipient. */
const mailable = (email: string) => /^[^\s@?#&,;:<>"]+@[^\s@?#&,;:<>"]+$/.test(email);

/** A phone number as `tel:` wants it: its digits, and a leading +. */
const dialable = (phone: string) => {
  const digits = phone.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return /\d{3,}/.test(digits) ? digits : '';
};

/**
 * The requests visitors left when nobody could answer them: through the topic's offline form,
 * or from the queue instead of waiting on. Each shows who asked, how to reach them (mail with
 * the topic in the subject, phone), what they asked and when; the agent answers outside the
 * console and marks the request handled, which it can undo. The open ones follow the agent's
 * stream; the handled ones, with who handled them and when, are read when asked for.
 *
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-requests')
export class ConsoleRequests extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: 100%;
        overflow-y: auto;
        padding: 14px 18px 24px;
      }
      header {
        display: grid;
        gap: 8px;
        margin-bottom: 12px;
        max-width: 860px;
      }
      h2 {
        font-size: 1.2rem;
        margin: 0;
      }
      h2:focus {
        outline: none;
      }
      h2:focus-visible {
        outline: 3px solid var(--focus);
      }
      header p {
        margin: 0;
      }
      .shown {
        display: flex;
        gap: 4px;
        border-bottom: 1px solid var(--line);
        padding-bottom: 8px;
      }
      .shown button[aria-current='page'] {
        font-weight: 600;
      }
      .done {
        display: flex;
        align-items: center;
        gap: 10px;
        margin: 0 0 12px;
        padding: 6px 12px;
        background: var(--accent-soft);
        border-radius: 6px;
        max-width: 860px;
      }
      .cards {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 12px;
        max-width: 860px;
      }
      .card {
        border: 1px solid var(--line);
        border-radius: 8px;
        padding: 12px 14px;
        background: var(--panel);
        display: grid;
        gap: 8px;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        justify-content: space-between;
        gap: 4px 12px;
      }
      h3 {
        font-size: 1rem;
        margin: 0;
        overflow-wrap: anywhere;
        /* A name a visitor chose cannot turn the text around it (U+202E and the like). */
        unicode-bidi: isolate;
      }
      .source {
        font-size: 0.8rem;
        border: 1px solid var(--line);
        border-radius: 10px;
        padding: 0 8px;
        white-space: nowrap;
      }
      .source.queue {
        border-color: var(--accent);
      }
      .when {
        margin: 0;
      }
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 2px 12px;
        margin: 0;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      .question {
        margin: 0;
        padding: 8px 12px;
        border-inline-start: 3px solid var(--line);
        background: var(--theirs);
        border-radius: 4px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
      }
      .handled {
        margin: 0;
        color: var(--ok);
        font-weight: 600;
      }
    `,
  ];

  @state() private shown: Shown = 'open';
  /** The handled requests, the newest first, once read; null while they are read. */
  @state() private handled: OfflineRequest[] | null = null;
  @state() private error = '';
  @state() private done: Done | null = null;
  /** The requests being marked, so that their buttons wait. */
  @state() private busy = new Set<number>();
  @property({ attribute: false }) workspace!: Workspace;
  /** The time the ages are counted to; the console moves it on every few seconds. */
  @property({ attribute: false }) now = Date.now();
  /** Bumped by the console when the workspace changes. */
  @property({ attribute: false }) version = 0;

  /** The workspace's reading of the requests that the handled list was read after. */
  private handledAt = -1;
  /** Counts the reads of the handled list, so that only the last one's answer is shown. */
  private reads = 0;

  override willUpdate(changed: Map<string, unknown>) {
    // Something changed among the requests (one handled here or by a colleague): the handled list follows.
    if (this.shown === 'handled' && (changed.has('version') || changed.has('shown')) && this.workspace.requestsVersion !== this.handledAt) {
      void this.loadHandled();
    }
  }

  private async loadHandled() {
    const asked = ++this.reads;
    this.handledAt = this.workspace.requestsVersion;
    try {
      const handled = await api.offlineRequests(true);
      if (asked === this.reads) this.handled = handled;
    } catch (error) {
      if (asked === this.reads) this.error = (error as Error).message;
    }
  }

  private show(shown: Shown) {
    this.error = '';
    this.shown = shown;
  }

  private async mark(request: OfflineRequest, handled: boolean, undoing = false) {
    const name = requesterName(request);
    this.busy = new Set([...this.busy, request.ChatSessionId]);
    this.error = '';
    try {
      const now = await this.workspace.setHandled(request.ChatSessionId, handled);
      if (this.handled) this.handled = handled ? [now, ...this.handled.filter((other) => other.ChatSessionId !== now.ChatSessionId)] : this.handled.filter((other) => other.ChatSessionId !== now.ChatSessionId);
      const text = handled ? `The request of ${name} is marked handled.` : `The request of ${name} is open again.`;
      this.done = undoing ? null : { request: now, wasHandled: !handled, text };
      await this.updateComplete;
      // What had the focus has left the list: it goes to the way back, or after an undo to the list's heading.
      this.renderRoot.querySelector<HTMLElement>(undoing ? '#requests-heading' : '#undo')?.focus();
      if (undoing) this.notice(text);
    } catch (error) {
      this.error = `Could not mark the request of ${name}: ${(error as Error).message}`;
    } finally {
      const busy = new Set(this.busy);
      busy.delete(request.ChatSessionId);
      this.busy = busy;
    }
  }

  private handleUndo() {
    if (this.done) void this.mark(this.done.request, this.done.wasHandled, true);
  }

  private notice(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  private renderContact(request: OfflineRequest) {
    const email = request.CustomerEmail?.trim() ?? '';
    const phone = request.CustomerPhone?.trim() ?? '';
    const subject = `Your question to ${request.TopicName || 'us'}`;
    const tel = dialable(phone);
    const rows = [
      request.CustomerAlias && request.CustomerName ? html`<dt>Name</dt><dd>${request.CustomerName}</dd>` : nothing,
      email
        ? html`<dt>Email</dt><dd>${mailable(email) ? html`<a href=${`mailto:${email}?subject=${encodeURIComponent(subject)}`}>${email}</a>` : email}</dd>`
        : nothing,
      phone ? html`<dt>Phone</dt><dd>${tel ? html`<a href=${`tel:${tel}`}>${phone}</a>` : phone}</dd>` : nothing,
      request.CustomerCompanyName ? html`<dt>Company</dt><dd>${request.CustomerCompanyName}</dd>` : nothing,
    ];
    if (!email && !phone) rows.push(html`<dt>Contact</dt><dd class="muted">None given</dd>`);
    return html`<dl aria-label="Contact">${rows}</dl>`;
  }

  private renderRequest(request: OfflineRequest) {
    const name = requesterName(request);
    const id = request.ChatSessionId;
    const left = request.WhenLeft ?? request.WhenRequested;
    const fromQueue = request.Status === 'ClosedFromQueue';
    const waited = fromQueue && request.WhenRequested && request.WhenLeft ? Date.parse(request.WhenLeft) - Date.parse(request.WhenRequested) : 0;
    const mayMark = this.workspace.mayRespond(request.TopicId);
    const busy = this.busy.has(id);
    return html`<li class="card" aria-labelledby="request-${id}">
      <div class="top">
        <h3 id="request-${id}">${name}</h3>
        <span class="source ${fromQueue ? 'queue' : ''}">${fromQueue ? 'Left from the queue' : 'Offline form'}</span>
      </div>
      <p class="when muted">
        ${request.TopicName || `Topic ${request.TopicId}`} · left <time datetime=${left ?? ''}>${dateTimeOf(left)}</time>${left
          ? ` (${duration(this.now - Date.parse(left))} ago)`
          : ''}${waited >= 1000 ? ` after waiting ${duration(waited)} in the queue` : ''}
      </p>
      ${this.renderContact(request)}
      ${request.Question ? html`<p class="question" aria-label="Question">${linkify(request.Question)}</p>` : html`<p class="muted">No question given.</p>`}
      <div class="actions">
        ${request.Handled
          ? html`<p class="handled">Handled${request.HandledBy ? ` by ${request.HandledBy}` : ''}${request.WhenHandled ? `, ${dateTimeOf(request.WhenHandled)}` : ''}</p>`
          : nothing}
        ${mayMark
          ? request.Handled
            ? html`<button ?disabled=${busy} aria-label=${`Mark open again: ${name}`} @click=${() => this.mark(request, false)}>Mark open again</button>`
            : html`<button class="primary" ?disabled=${busy} aria-label=${`Mark handled: ${name}`} @click=${() => this.mark(request, true)}>Mark handled</button>`
          : html`<span class="muted">You may read this topic’s requests; answering them is for its responders.</span>`}
      </div>
    </li>`;
  }

  private renderList() {
    const list = this.shown === 'open' ? this.workspace.requests : this.handled;
    if (list === null) return html`<p class="muted" role="status">Loading…</p>`;
    if (list.length === 0) {
      return html`<p class="muted">
        ${this.shown === 'open' ? 'No open requests. What visitors leave when nobody can answer them shows here.' : 'No handled requests yet.'}
      </p>`;
    }
    return html`<ol class="cards" aria-label=${this.shown === 'open' ? 'Open requests' : 'Handled requests'}>
      ${list.map((request) => this.renderRequest(request))}
    </ol>`;
  }

  override render() {
    const open = this.workspace.requests;
    const count = open === null ? '' : ` (${open.length}${open.length >= 200 ? '+' : ''})`;
    return html`<header>
        <h2 id="requests-heading" tabindex="-1">Requests</h2>
        <p class="muted">What visitors asked when nobody could answer them. Answer by mail or phone, then mark the request handled.</p>
        <nav class="shown" aria-label="Which requests">
          <button aria-current=${this.shown === 'open' ? 'page' : 'false'} @click=${() => this.show('open')}>Open${count}</button>
          <button aria-current=${this.shown === 'handled' ? 'page' : 'false'} @click=${() => this.show('handled')}>Handled</button>
        </nav>
      </header>
      <div role="status">
        ${this.done ? html`<p class="done">${this.done.text} <button id="undo" @click=${this.handleUndo}>Undo</button></p>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.renderList()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-requests': ConsoleRequests;
  }
}
