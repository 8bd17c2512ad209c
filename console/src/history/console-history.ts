import type { ChatMessage, ChatSessionEntity } from '@chatline/shared';
import { linkify } from '@chatline/widget/linkify';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api } from '../api.ts';
import { agentName, dateTimeOf, timeOf, visitorName } from '../format.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';

const PAGE = 50;

/**
 * Ended chats, the newest first, searchable by the visitor's name, alias or email and by what
 * was written; a chat chosen shows its transcript.
 */
@customElement('console-history')
export class ConsoleHistory extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: 360px minmax(0, 1fr);
        height: 100%;
        min-height: 0;
      }
      .list {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding: 14px;
        border-inline-end: 1px solid var(--line);
        overflow-y: auto;
      }
      form {
        display: flex;
        gap: 6px;
      }
      input[type='search'] {
        flex: 1;
      }
      .row {
        width: 100%;
        text-align: start;
        display: grid;
        gap: 2px;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .transcript {
        padding: 14px;
        overflow-y: auto;
      }
      .transcript .choices {
        gap: 10px;
      }
      .transcript li {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .meta {
        display: block;
        font-size: 0.8rem;
        color: var(--muted);
      }
    `,
  ];

  @state() private query = '';
  @state() private results: ChatSessionEntity[] = [];
  @state() private more = false;
  @state() private loading = false;
  @state() private error = '';
  @state() private chosen: ChatSessionEntity | null = null;
  @state() private transcript: ChatMessage[] | null = null;
  @property({ attribute: false }) workspace!: Workspace;

  /** Counts the searches asked for, so that only the last one's answer is shown. */
  private searches = 0;

  override connectedCallback() {
    super.connectedCallback();
    void this.search(false);
  }

  private async search(more: boolean) {
    const asked = ++this.searches;
    this.loading = true;
    this.error = '';
    try {
      const page = await api.history(this.query, more ? this.results.length : 0, PAGE + 1);
      // An answer to a search the agent has since replaced is left out.
      if (asked !== this.searches) return;
      const found = page.value.slice(0, PAGE);
      // A chat that ended meanwhile moves the pages on by one: what is shown already is not shown twice.
      const shown = new Set(more ? this.results.map((session) => session.ChatSessionId) : []);
      this.results = more ? [...this.results, ...found.filter((session) => !shown.has(session.ChatSessionId))] : found;
      this.more = page.value.length > PAGE;
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private async choose(session: ChatSessionEntity) {
    this.chosen = session;
    this.transcript = null;
    try {
      const messages = await api.messages(session.ChatSessionId);
      // Only the transcript of the chat still chosen is shown under it.
      if (this.chosen === session) this.transcript = messages;
    } catch (error) {
      if (this.chosen === session) this.error = (error as Error).message;
    }
  }

  private handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.query = String(new FormData(event.target as HTMLFormElement).get('q') ?? '');
    void this.search(false);
  }

  private renderTranscript() {
    const session = this.chosen;
    if (!session) return html`<p class="muted">Choose a chat to read it.</p>`;
    const topic = this.workspace.topics.get(session.TopicId)?.Name ?? `Topic ${session.TopicId}`;
    return html`<h2 id="transcript-heading">${visitorName(session)}</h2>
      <p class="muted">
        ${topic} · ${dateTimeOf(session.WhenRequested)} · ${session.User ? `with ${agentName(session.User)}` : 'no agent'}
        ${session.CustomerEmail ? html` · ${session.CustomerEmail}` : nothing}${session.CustomerPhone ? html` · ${session.CustomerPhone}` : nothing}
      </p>
      ${this.transcript === null
        ? html`<p class="muted" role="status">Loading…</p>`
        : html`<ol class="choices" aria-labelledby="transcript-heading">
            ${session.FirstMessage ? html`<li><span class="meta">${visitorName(session)} · ${timeOf(session.WhenRequested)}</span>${linkify(session.FirstMessage)}</li>` : nothing}
            ${this.transcript.map(
              (message) => html`<li>
                <span class="meta">${message.Type === 'Special' ? '' : `${message.Author} · `}${timeOf(message.WhenPosted)}</span>${message.Type === 'Special'
                  ? html`<em>${message.Message}</em>`
                  : linkify(message.Message)}
              </li>`,
            )}
          </ol>`}`;
  }

  override render() {
    return html`
      <section class="list" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <form role="search" @submit=${this.handleSubmit}>
          <label class="visually-hidden" for="history-search">Search ended chats</label>
          <input id="history-search" type="search" name="q" maxlength="100" placeholder="Name, email or words" .value=${this.query} />
          <button>Search</button>
        </form>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <p class="visually-hidden" role="status">${this.loading ? 'Searching…' : `${this.results.length}${this.more ? '+' : ''} chats found`}</p>
        ${!this.loading && this.results.length === 0 ? html`<p class="muted">No ended chats${this.query ? ' match' : ' yet'}.</p>` : nothing}
        <ol class="choices">
          ${this.results.map(
            (session) => html`<li>
              <button class="row" aria-current=${this.chosen?.ChatSessionId === session.ChatSessionId ? 'true' : 'false'} @click=${() => this.choose(session)}>
                <span class="name">${visitorName(session)}</span>
                <span class="muted">${dateTimeOf(session.WhenEnded ?? session.WhenRequested)}${session.CustomerEmail ? ` · ${session.CustomerEmail}` : ''}</span>
              </button>
            </li>`,
          )}
        </ol>
        ${this.more ? html`<button ?disabled=${this.loading} @click=${() => this.search(true)}>Show more</button>` : nothing}
      </section>
      <section class="transcript" aria-label="Transcript">${this.renderTranscript()}</section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-history': ConsoleHistory;
  }
}
