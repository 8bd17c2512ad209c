import type { ChatSessionEntity } from '@chatline/shared';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { agentName, duration, visitorName } from '../format.ts';
import { base, rankClass, ranks } from '../styles.ts';
import { hasEnded, type Workspace } from '../workspace.ts';

/**
 * The agent's side of the page: the queue of the agent's topics, the longest waiting first, with
 * "Take next"; the agent's chats with their Rank colour and unread count; and, for a manager,
 * the team's chats.
 *
 * @event console-take - Take a chat from the queue; `detail` is its id, or null for the next.
 * @event console-select - Look at a chat; `detail` is its id.
 */
@customElement('console-queue')
export class ConsoleQueue extends LitElement {
  static override styles = [
    base,
    ...ranks,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 18px;
        padding: 14px;
        overflow-y: auto;
      }
      .heading {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        margin-bottom: 6px;
      }
      h2 {
        margin: 0;
      }
      .waiting {
        /* A long queue: a row whose wait changes is laid out again alone. */
        contain: content;
        border: 1px solid var(--line);
        border-radius: 8px;
        padding: 8px 10px;
        background: var(--panel);
        display: grid;
        gap: 2px;
      }
      .waiting .top {
        display: flex;
        justify-content: space-between;
        gap: 8px;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
        /* A name a visitor chose cannot turn the text around it (U+202E and the like). */
        unicode-bidi: isolate;
      }
      .wait {
        white-space: nowrap;
      }
      /* A long queue scrolls on its own, so the agent's chats stay in reach below it. */
      .waiting-list {
        max-height: 45vh;
        overflow-y: auto;
        padding: 2px;
      }
      .question {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .waiting button {
        justify-self: start;
        margin-top: 4px;
      }
      .chat {
        width: 100%;
        display: grid;
        grid-template-columns: 20px 1fr auto;
        align-items: center;
        gap: 8px;
        text-align: start;
        padding: 8px 10px;
      }
      .badge {
        min-width: 22px;
        padding: 0 6px;
        border-radius: 11px;
        background: var(--accent);
        color: var(--accent-text);
        font-size: 0.8rem;
        font-weight: 700;
        text-align: center;
      }
      .state {
        font-size: 0.8rem;
      }
      .presence {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      .presence li {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
    `,
  ];

  @property({ attribute: false }) workspace!: Workspace;
  /** The time the waits are counted to; the console moves it on every few seconds. */
  @property({ attribute: false }) now = Date.now();
  /** Bumped by the console when the workspace changes. */
  @property({ attribute: false }) version = 0;

  private take(id: number | null) {
    this.dispatchEvent(new CustomEvent<number | null>('console-take', { detail: id, bubbles: true, composed: true }));
  }

  private select(id: number) {
    this.dispatchEvent(new CustomEvent<number>('console-select', { detail: id, bubbles: true, composed: true }));
  }

  private topicName(session: ChatSessionEntity) {
    return this.workspace.topics.get(session.TopicId)?.Name ?? `Topic ${session.TopicId}`;
  }

  private renderWaiting(session: ChatSessionEntity) {
    const name = visitorName(session);
    const mayTake = this.workspace.mayRespond(session.TopicId);
    const wait = session.WhenRequested ? duration(this.now - Date.parse(session.WhenRequested)) : '';
    return html`<li class="waiting">
      <div class="top"><span class="name">${name}</span><span class="muted wait" title="Waiting">${wait}</span></div>
      <span class="muted">${this.topicName(session)}</span>
      ${session.FirstMessage ? html`<span class="question" title=${session.FirstMessage}>${session.FirstMessage}</span>` : nothing}
      ${mayTake ? html`<button @click=${() => this.take(session.ChatSessionId)} aria-label=${`Take the chat with ${name}`}>Take</button>` : nothing}
    </li>`;
  }

  private renderChat(session: ChatSessionEntity, team = false) {
    const ws = this.workspace;
    const unread = ws.unread.get(session.ChatSessionId) ?? 0;
    const offered = session.TransferTo?.AssociateId === ws.me.AssociateId;
    const state = hasEnded(session)
      ? 'Ended'
      : offered
        ? 'Offered to you'
        : session.TransferTo
          ? `Offered to ${agentName(session.TransferTo)}`
          : team
            ? agentName(session.User)
            : session.Status === 'CustomerLast'
              ? 'Visitor wrote last'
              : '';
    const name = visitorName(session);
    // The button is named by what it shows: the visitor, the state or topic, and the count.
    return html`<li>
      <button class="chat" aria-current=${ws.selected === session.ChatSessionId ? 'true' : 'false'} @click=${() => this.select(session.ChatSessionId)}>
        <span class=${rankClass(session.Rank)} aria-hidden="true">${session.Rank > 0 ? session.Rank : ''}</span>
        <span><span class="name">${name}</span><span class="visually-hidden">,</span><br /><span class="muted state">${state || this.topicName(session)}</span></span>
        ${unread > 0 ? html`<span class="badge" aria-hidden="true">${unread}</span><span class="visually-hidden">, ${unread} unread</span>` : html`<span></span>`}
      </button>
    </li>`;
  }

  /** Who of the agent's colleagues is there: the agents who share a topic with it, present first. */
  private renderPresence() {
    const ws = this.workspace;
    const mine = new Set(ws.rights.keys());
    const team = [...ws.presence.values()]
      .filter((agent) => agent.UserId !== ws.me.AssociateId && agent.ChatTopics.some((topic) => mine.has(topic)))
      .sort((a, b) => Number(b.Present) - Number(a.Present) || a.DisplayName.localeCompare(b.DisplayName));
    if (team.length === 0) return nothing;
    return html`<section aria-labelledby="presence-heading">
      <h2 id="presence-heading">Agents</h2>
      <ul class="presence">
        ${team.map(
          (agent) => html`<li>
            <span class="dot ${agent.Present ? 'present' : ''}" aria-hidden="true"></span>
            <span>${agent.DisplayName}</span>
            <span class="muted">${agent.Present ? 'Present' : 'Away'}${agent.OngoingChats > 0 ? `, ${agent.OngoingChats} ${agent.OngoingChats === 1 ? 'chat' : 'chats'}` : ''}</span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  override render() {
    const ws = this.workspace;
    const queue = ws.queue;
    const mayTakeAny = queue.some((session) => ws.mayRespond(session.TopicId));
    const team = ws.team;
    return html`
      <section aria-labelledby="queue-heading">
        <div class="heading">
          <h2 id="queue-heading">Queue <span class="muted">(${queue.length})</span></h2>
          <button class="primary" ?disabled=${!mayTakeAny} @click=${() => this.take(null)} aria-keyshortcuts="Alt+N">Take next</button>
        </div>
        ${queue.length === 0 ? html`<p class="muted">Nobody is waiting.</p>` : html`<ol class="choices waiting-list" aria-label="Waiting visitors">${queue.map((session) => this.renderWaiting(session))}</ol>`}
      </section>
      <section aria-labelledby="mine-heading">
        <h2 id="mine-heading">Your chats</h2>
        ${ws.mine.length === 0 ? html`<p class="muted">No chats yet. Take one from the queue.</p>` : html`<ol class="choices">${ws.mine.map((session) => this.renderChat(session))}</ol>`}
      </section>
      ${this.renderPresence()}
      ${ws.isManager
        ? html`<section aria-labelledby="team-heading">
            <h2 id="team-heading">Team's chats</h2>
            ${team.length === 0 ? html`<p class="muted">No other chats under way.</p>` : html`<ol class="choices">${team.map((session) => this.renderChat(session, true))}</ol>`}
          </section>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-queue': ConsoleQueue;
  }
  interface GlobalEventHandlersEventMap {
    'console-take': CustomEvent<number | null>;
    'console-select': CustomEvent<number>;
  }
}
