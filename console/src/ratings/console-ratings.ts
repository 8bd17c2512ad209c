import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type RatingSummary } from '../api.ts';
import { averageOf, dateTimeOf, ratingInWords, stars } from '../format.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';

type Average = RatingSummary['Topics'][number] | RatingSummary['Agents'][number];

/**
 * What visitors thought of their chats: the average rating per topic and per agent, with how
 * many ratings each counts, and the latest ratings with their comments. A manager sees those of
 * the topics it manages, every agent's in them; any other agent its own chats'.
 */
@customElement('console-ratings')
export class ConsoleRatings extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: 100%;
        overflow-y: auto;
        padding: 14px 18px 24px;
      }
      .content {
        display: grid;
        gap: 20px;
        max-width: 960px;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
      }
      header h2 {
        font-size: 1.2rem;
        margin: 0;
      }
      header p {
        margin: 4px 0 0;
      }
      .averages {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
        gap: 20px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        background: var(--panel);
        border: 1px solid var(--line);
        border-radius: 8px;
      }
      caption {
        text-align: start;
        font-weight: 600;
        padding: 0 0 6px;
      }
      th,
      td {
        text-align: start;
        padding: 6px 10px;
        border-bottom: 1px solid var(--line);
        vertical-align: top;
      }
      tbody tr:last-child > * {
        border-bottom: none;
      }
      thead th {
        font-size: 0.86rem;
        color: var(--muted);
        font-weight: 600;
      }
      td.number,
      th.number {
        text-align: end;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
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
      .comment {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .name {
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
    `,
  ];

  @state() private summary: RatingSummary | null = null;
  @state() private error = '';
  @state() private loading = false;
  @property({ attribute: false }) workspace!: Workspace;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    this.loading = true;
    this.error = '';
    try {
      this.summary = await api.ratings();
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private renderAverages(caption: string, who: string, rows: Average[], nameOf: (row: Average) => string) {
    return html`<table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${who}</th>
          <th scope="col" class="number">Average</th>
          <th scope="col" class="number">Ratings</th>
        </tr>
      </thead>
      <tbody>
        ${rows.length === 0
          ? html`<tr><td colspan="3" class="muted">No ratings yet.</td></tr>`
          : rows.map(
              (row) => html`<tr>
                <th scope="row" class="name">${nameOf(row)}</th>
                <td class="number">
                  ${row.Average === null
                    ? html`<span class="muted">none yet</span>`
                    : html`<span class="stars" aria-hidden="true">${stars(row.Average)}</span> ${averageOf(row.Average)}<span class="visually-hidden"> of 5</span>`}
                </td>
                <td class="number">${row.Count}</td>
              </tr>`,
            )}
      </tbody>
    </table>`;
  }

  private renderRecent(summary: RatingSummary) {
    return html`<table>
      <caption>
        Recent ratings
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Visitor</th>
          <th scope="col">Topic</th>
          <th scope="col">Agent</th>
          <th scope="col">Rating</th>
          <th scope="col">Comment</th>
        </tr>
      </thead>
      <tbody>
        ${summary.Recent.length === 0
          ? html`<tr><td colspan="6" class="muted">No chat has been rated yet.</td></tr>`
          : summary.Recent.map(
              (rating) => html`<tr>
                <td><time datetime=${rating.WhenRated ?? ''}>${dateTimeOf(rating.WhenRated)}</time></td>
                <td class="name">${rating.CustomerAlias || `Visitor ${rating.ChatSessionId}`}</td>
                <td class="name">${rating.TopicName || `Topic ${rating.TopicId}`}</td>
                <td class="name">${rating.AgentName ?? html`<span class="muted">none</span>`}</td>
                <td><span class="stars" aria-hidden="true">${stars(rating.Rating)}</span><span class="visually-hidden">${ratingInWords(rating.Rating)}</span></td>
                <td class="comment">${rating.Comment ?? html`<span class="muted">No comment</span>`}</td>
              </tr>`,
            )}
      </tbody>
    </table>`;
  }

  override render() {
    const summary = this.summary;
    const whose = this.workspace.isManager ? 'The chats of the topics you manage.' : 'Your own chats.';
    return html`<section class="content" aria-labelledby="ratings-heading">
      <header>
        <div>
          <h2 id="ratings-heading">Ratings</h2>
          <p class="muted">How visitors rated their chats once they ended. ${whose}</p>
        </div>
        <button ?disabled=${this.loading} @click=${this.load}>Refresh</button>
      </header>
      <p class="visually-hidden" role="status">${this.loading ? 'Loading the ratings…' : summary ? 'Ratings shown.' : ''}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${summary
        ? html`<div class="averages">
              ${this.renderAverages('By topic', 'Topic', summary.Topics, (row) => ('TopicId' in row ? row.Name || `Topic ${row.TopicId}` : row.Name))}
              ${this.renderAverages('By agent', 'Agent', summary.Agents, (row) => row.Name)}
            </div>
            ${this.renderRecent(summary)}`
        : this.loading
          ? html`<p class="muted">Loading…</p>`
          : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-ratings': ConsoleRatings;
  }
}
