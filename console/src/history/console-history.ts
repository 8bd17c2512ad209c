import type { ChatMessage, ChatSessionEntity } from '@chatline/shared';
import { linkify } from '@chatline/widget/linkify';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api } from '../api.ts';
import { agentName, dateTimeOf, ratingInWords, ratingOf, stars, timeOf, visitorName } from '../format.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';

const PAGE = 50;

/** The styles of a transcript downloaded as HTML: a page of its own, read without the console. */
const TRANSCRIPT_STYLE =
  'body{font:15px/1.45 system-ui,sans-serif;margin:24px auto;max-width:760px;padding:0 16px;color:#1b1f24}' +
  'h1{font-size:1.2rem}p{margin:0 0 8px;overflow-wrap:anywhere}time{color:#57606a;margin-inline-end:6px}' +
  '.to-customer b{color:#0b5cad}.special{font-style:italic;color:#57606a}';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** How a chat that ended without a conversation came to be in History. */
const origins: Record<string, string> = { RequestPosted: 'Offline request', ClosedFromQueue: 'Left the queue' };

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
      .stars {
        color: #9a6700;
        letter-spacing: 1px;
        white-space: nowrap;
      }
      @media (prefers-color-scheme: dark) {
        .stars {
          color: #e3b341;
        }
      }
      .rating {
        margin: 0 0 10px;
        padding: 8px 12px;
        border: 1px solid var(--line);
        border-radius: 8px;
        display: grid;
        gap: 4px;
      }
      .rating blockquote {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin: 0 0 12px;
      }
      /* On screen the printable transcript stays out of sight; on paper it is all there is. */
      .printable {
        display: none;
      }
      @media print {
        :host {
          display: block;
          height: auto;
        }
        .list,
        .transcript {
          display: none;
        }
        /* Paper is white, whatever the screen's scheme. */
        .printable {
          display: block;
          color: #000;
          background: #fff;
        }
        .printable pre {
          font: 11pt/1.4 system-ui, sans-serif;
          white-space: pre-wrap;
          overflow-wrap: anywhere;
        }
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
  /** The visitors' comments on the chats they rated, by chat, from the latest ratings the agent may see. */
  @state() private comments = new Map<number, string | null>();
  /** What is being fetched for the chosen chat: its transcript as text or HTML, or for print. */
  @state() private fetching: 'text' | 'html' | 'print' | null = null;
  /** The transcript as it is printed, while it is. */
  @state() private printing: { session: ChatSessionEntity; text: string } | null = null;
  @property({ attribute: false }) workspace!: Workspace;

  /** Counts the searches asked for, so that only the last one's answer is shown. */
  private searches = 0;

  override connectedCallback() {
    super.connectedCallback();
    void this.search(false);
    void this.loadComments();
    addEventListener('afterprint', this.handleAfterPrint);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('afterprint', this.handleAfterPrint);
  }

  private readonly handleAfterPrint = () => {
    this.printing = null;
  };

  /** The comments of the latest ratings; a chat rated earlier, or not the agent's to see, shows its stars alone. */
  private async loadComments() {
    try {
      const { Recent } = await api.ratings();
      this.comments = new Map(Recent.map((rating) => [rating.ChatSessionId, rating.Comment]));
    } catch {
      // The stars show without their comments.
    }
  }

  /** The chosen chat's transcript as the server words it (GetChatTranscript), in the browser's time zone. */
  private async fetchTranscript(session: ChatSessionEntity, as: 'text' | 'html' | 'print'): Promise<string | null> {
    this.fetching = as;
    this.error = '';
    try {
      return await api.transcript(session.ChatSessionId, as === 'html');
    } catch (error) {
      this.error = `Could not get the transcript: ${(error as Error).message}`;
      return null;
    } finally {
      this.fetching = null;
    }
  }

  private async download(session: ChatSessionEntity, as: 'text' | 'html') {
    const transcript = await this.fetchTranscript(session, as);
    if (transcript === null) return;
    const title = `Chat ${session.ChatSessionId} with ${visitorName(session)}`;
    const file =
      as === 'text'
        ? new Blob([transcript], { type: 'text/plain;charset=utf-8' })
        : new Blob(
            [
              `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${TRANSCRIPT_STYLE}</style></head>` +
                `<body><h1>${escapeHtml(title)}</h1>${transcript}</body></html>\n`,
            ],
            { type: 'text/html;charset=utf-8' },
          );
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = `chat-${session.ChatSessionId}.${as === 'text' ? 'txt' : 'html'}`;
    link.click();
    // The browser has the file once the click is handled.
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  private async print(session: ChatSessionEntity) {
    const transcript = await this.fetchTranscript(session, 'print');
    if (transcript === null) return;
    this.printing = { session, text: transcript };
    await this.updateComplete;
    print();
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
    this.printing = null;
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
    void this.loadComments();
  }

  private renderRating(session: ChatSessionEntity) {
    const rating = ratingOf(session);
    if (rating <= 0) return nothing;
    const comment = this.comments.get(session.ChatSessionId);
    return html`<figure class="rating" aria-label="The visitor's rating">
      <span><span class="stars" aria-hidden="true">${stars(rating)}</span> Rated ${ratingInWords(rating)}</span>
      ${comment ? html`<blockquote>${comment}</blockquote>` : nothing}
    </figure>`;
  }

  private renderTools(session: ChatSessionEntity) {
    const busy = this.fetching !== null;
    return html`<div class="tools" role="group" aria-label="Transcript">
      <button ?disabled=${busy} @click=${() => this.download(session, 'text')}>${this.fetching === 'text' ? 'Preparing…' : 'Download as text'}</button>
      <button ?disabled=${busy} @click=${() => this.download(session, 'html')}>${this.fetching === 'html' ? 'Preparing…' : 'Download as HTML'}</button>
      <button ?disabled=${busy} @click=${() => this.print(session)}>${this.fetching === 'print' ? 'Preparing…' : 'Print'}</button>
    </div>`;
  }

  private renderPrintable() {
    const printing = this.printing;
    if (!printing) return nothing;
    const session = printing.session;
    const topic = this.workspace.topics.get(session.TopicId)?.Name ?? `Topic ${session.TopicId}`;
    return html`<div class="printable" aria-hidden="true">
      <h2>${visitorName(session)}</h2>
      <p>${topic} · ${dateTimeOf(session.WhenRequested)}${session.User ? ` · with ${agentName(session.User)}` : ''}</p>
      <pre>${printing.text}</pre>
    </div>`;
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
      ${this.renderRating(session)} ${this.renderTools(session)}
      ${this.transcript === null
        ? html`<p class="muted" role="status">Loading…</p>`
        : html`<ol class="choices" aria-labelledby="transcript-heading">
            ${session.FirstMessage ? html`<li><span class="meta">${visitorName(session)} · ${timeOf(session.WhenRequested)}</span>${linkify(session.FirstMessage)}</li>` : nothing}
            ${this.transcript.map(
              // On one line: the item keeps its white space, for the lines a message has.
              (message) =>
                html`<li><span class="meta">${message.Type === 'Special' ? '' : `${message.Author} · `}${timeOf(message.WhenPosted)}</span>${message.Type === 'Special' ? html`<em>${message.Message}</em>` : linkify(message.Message)}</li>`,
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
                <span class="muted">${dateTimeOf(session.WhenEnded ?? session.WhenRequested)}${session.CustomerEmail ? ` · ${session.CustomerEmail}` : ''}${origins[session.Status]
                  ? ` · ${origins[session.Status]}`
                  : ''}</span>
                ${ratingOf(session) > 0
                  ? html`<span><span class="stars" aria-hidden="true">${stars(ratingOf(session))}</span><span class="visually-hidden">Rated ${ratingInWords(ratingOf(session))}</span></span>`
                  : nothing}
              </button>
            </li>`,
          )}
        </ol>
        ${this.more ? html`<button ?disabled=${this.loading} @click=${() => this.search(true)}>Show more</button>` : nothing}
      </section>
      <section class="transcript" aria-label="Transcript">${this.renderTranscript()}</section>
      ${this.renderPrintable()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-history': ConsoleHistory;
  }
}
