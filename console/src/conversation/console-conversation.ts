import type { ChatMessage, ChatSessionEntity } from '@chatline/shared';
import { linkify } from '@chatline/widget/linkify';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, type CannedReply } from '../api.ts';
import { agentName, dateTimeOf, timeOf, visitorName } from '../format.ts';
import { base, rankClass, ranks } from '../styles.ts';
import { hasEnded, isActive, visitorTyping, type Outgoing, type Workspace } from '../workspace.ts';

/** How long the server counts the agent as typing after it says so: say it again after this. */
const TYPING_EVERY_MS = 3000;

/**
 * One chat: the visitor's details, the messages live, the visitor's typing and what they have
 * read, the composer (Enter sends, Shift+Enter starts a new line, `/` offers the topic's canned
 * replies), and what the agent can do with the chat: transfer it, put it back in the queue, end it.
 *
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-conversation')
export class ConsoleConversation extends LitElement {
  static override styles = [
    base,
    ...ranks,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 280px;
        min-height: 0;
        height: 100%;
      }
      .chat {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-inline-end: 1px solid var(--line);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
        padding: 10px 14px;
        border-bottom: 1px solid var(--line);
      }
      header h2 {
        margin: 0;
        flex: 1;
        display: flex;
        align-items: center;
        gap: 8px;
        overflow-wrap: anywhere;
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        padding: 8px 14px;
        background: var(--accent-soft);
        border-bottom: 1px solid var(--line);
      }
      .log {
        flex: 1;
        overflow-y: auto;
      }
      .log ol {
        margin: 0;
        padding: 14px;
        list-style: none;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .message {
        max-width: 75%;
        padding: 8px 12px;
        border-radius: 10px;
        background: var(--theirs);
        overflow-wrap: anywhere;
        align-self: flex-start;
      }
      .message.agent {
        background: var(--mine);
        align-self: flex-end;
      }
      .message.special {
        align-self: center;
        background: none;
        color: var(--muted);
        font-style: italic;
        padding: 2px;
      }
      .text {
        white-space: pre-wrap;
        unicode-bidi: plaintext;
      }
      /* A name a visitor chose cannot turn the text around it (U+202E and the like). */
      h2,
      dd {
        unicode-bidi: isolate;
      }
      .meta {
        display: block;
        font-size: 0.78rem;
        color: var(--muted);
        white-space: normal;
      }
      .message a {
        color: var(--accent);
      }
      .typing {
        min-height: 1.5em;
        padding: 0 14px;
        color: var(--muted);
        font-size: 0.88rem;
      }
      form {
        position: relative;
        display: flex;
        gap: 8px;
        padding: 10px 14px 14px;
        border-top: 1px solid var(--line);
      }
      textarea {
        flex: 1;
        resize: none;
        min-height: 2.6em;
        max-height: 10em;
      }
      [role='listbox'] {
        position: absolute;
        inset-inline: 14px;
        bottom: 100%;
        margin: 0;
        padding: 4px;
        list-style: none;
        max-height: 240px;
        overflow-y: auto;
        background: var(--panel);
        border: 1px solid var(--line);
        border-radius: 8px;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
      }
      [role='option'] {
        padding: 6px 8px;
        border-radius: 6px;
        cursor: pointer;
      }
      [role='option'][aria-selected='true'] {
        background: var(--accent-soft);
        outline: 2px solid var(--accent);
      }
      aside {
        padding: 14px;
        overflow-y: auto;
      }
      dl {
        margin: 0;
        display: grid;
        gap: 8px;
      }
      dt {
        font-size: 0.8rem;
        color: var(--muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0 0 12px;
        display: grid;
        gap: 6px;
      }
      .failed {
        color: var(--danger);
      }
      @media (max-width: 900px) {
        :host {
          grid-template-columns: 1fr;
        }
        aside {
          border-top: 1px solid var(--line);
        }
      }
    `,
  ];

  @query('textarea') private composer?: HTMLTextAreaElement;
  @query('.log') private log?: HTMLElement;
  @query('dialog') private transferDialog?: HTMLDialogElement;
  @state() private busy = false;
  /** The agent pressed End chat: it asks once more. */
  @state() private confirmingEnd = false;
  @state() private error = '';
  /** The canned replies offered while the draft starts with `/`, and the one chosen by keyboard. */
  @state() private activeReply = 0;
  @state() private menuClosed = false;
  @state() private transferTo: number | null = null;
  @property({ attribute: false }) workspace!: Workspace;
  @property({ attribute: false }) session!: ChatSessionEntity;
  /** Bumped by the console when the workspace changes. */
  @property({ attribute: false }) version = 0;

  private typingSaidAt = 0;
  private stickToBottom = true;

  override willUpdate(changed: PropertyValues<this>) {
    const before = changed.get('session') as ChatSessionEntity | undefined;
    if (before && before.ChatSessionId !== this.session.ChatSessionId) {
      this.error = '';
      this.confirmingEnd = false;
      this.stickToBottom = true;
    }
  }

  /** What the agent has begun to write here: kept by the workspace, so it outlives this view. */
  private get draft(): string {
    return this.workspace.drafts.get(this.session.ChatSessionId) ?? '';
  }

  private set draft(text: string) {
    if (text === '') this.workspace.drafts.delete(this.session.ChatSessionId);
    else this.workspace.drafts.set(this.session.ChatSessionId, text);
    this.requestUpdate();
  }

  private get outgoing(): Outgoing[] {
    return this.workspace.outgoingOf(this.session.ChatSessionId);
  }

  override updated() {
    if (this.log && this.stickToBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  /**
   * The chat's messages as the agent sees them. While one of its messages is on its way, or
   * may be stored without the agent knowing, the agents' messages that came after it was sent
   * wait: one of them may be that very message, which then shows once, in its place.
   */
  private visibleMessages(): ChatMessage[] {
    const messages = this.workspace.messagesOf(this.session.ChatSessionId);
    const pending = this.outgoing.filter((entry) => entry.sending || entry.unknown);
    if (pending.length === 0) return messages;
    const from = Math.min(...pending.map((entry) => entry.after));
    return messages.filter((message) => message.Type !== 'ToCustomer' || message.ChatMessageId <= from);
  }

  /** Puts the cursor in the composer. */
  override focus() {
    this.composer?.focus();
  }

  private get mine() {
    return this.session.User?.AssociateId === this.workspace.me.AssociateId;
  }

  private get mayWrite() {
    return this.mine && isActive(this.session) && this.workspace.mayRespond(this.session.TopicId);
  }

  private notice(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  private async act(action: () => Promise<ChatSessionEntity | null>, done?: string) {
    this.busy = true;
    this.error = '';
    try {
      this.workspace.update(await action());
      if (done) this.notice(done);
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /** Asks to end the agent's own chat: once more, with the focus on the answer. */
  async askToEnd() {
    if (!this.mine || hasEnded(this.session)) return;
    this.confirmingEnd = true;
    await this.updateComplete;
    (this.renderRoot.querySelector('#confirm-end') as HTMLElement | null)?.focus();
  }

  private async end() {
    const id = this.session.ChatSessionId;
    this.confirmingEnd = false;
    this.workspace.ending.add(id);
    await this.act(() => api.end(id), `The chat with ${visitorName(this.session)} has ended.`);
    await this.updateComplete;
    (this.renderRoot.querySelector('#close-chat') as HTMLElement | null)?.focus();
  }

  /** The chat leaves the agent's view (put back, or closed once ended): the console moves the focus on. */
  private left() {
    this.dispatchEvent(new CustomEvent('console-left', { bubbles: true, composed: true }));
  }

  private async putBack() {
    const id = this.session.ChatSessionId;
    await this.act(() => api.reset(id), `${visitorName(this.session)} is back in the queue.`);
    if (!this.error) {
      this.workspace.select(null);
      this.left();
    }
  }

  private close() {
    this.workspace.dismiss(this.session.ChatSessionId);
    this.left();
  }

  private handleScroll() {
    const log = this.log;
    if (log) this.stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  private get replies(): CannedReply[] {
    if (this.menuClosed || !this.draft.startsWith('/') || !this.mayWrite) return [];
    const wanted = this.draft.slice(1).toLowerCase();
    return this.workspace
      .repliesOf(this.session.TopicId)
      .filter((reply) => reply.Name.toLowerCase().includes(wanted) || reply.Text.toLowerCase().includes(wanted));
  }

  private chooseReply(reply: CannedReply) {
    this.draft = reply.Text;
    this.menuClosed = true;
    this.composer?.focus();
  }

  private handleInput(event: InputEvent) {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.menuClosed = false;
    this.activeReply = 0;
    const now = Date.now();
    if (this.draft.trim() !== '' && now - this.typingSaidAt > TYPING_EVERY_MS) {
      this.typingSaidAt = now;
      void api.typing(this.session.ChatSessionId, true).catch(() => {});
    } else if (this.draft.trim() === '') this.stopTyping();
  }

  /** The agent stopped writing (cleared the draft or left the composer): the visitor stops seeing it type. */
  private stopTyping() {
    if (this.typingSaidAt === 0) return;
    this.typingSaidAt = 0;
    void api.typing(this.session.ChatSessionId, false).catch(() => {});
  }

  private handleKeyDown(event: KeyboardEvent) {
    const replies = this.replies;
    if (replies.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.activeReply = (this.activeReply + step + replies.length) % replies.length;
        return;
      }
      if (event.key === 'Enter') {
        event.preventDefault();
        this.chooseReply(replies[Math.min(this.activeReply, replies.length - 1)]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.menuClosed = true;
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  private send() {
    const text = this.draft.trim();
    if (text === '' || !this.mayWrite) return;
    // Sending says the agent stopped typing, on the server's side.
    this.typingSaidAt = 0;
    this.stickToBottom = true;
    this.workspace.send(this.session.ChatSessionId, text);
    this.requestUpdate();
  }

  private openTransfer() {
    this.transferTo = null;
    this.transferDialog?.querySelector('form')?.reset();
    void this.workspace.loadPresence().catch(() => {});
    this.transferDialog?.showModal();
  }

  private async handleTransfer(event: SubmitEvent) {
    event.preventDefault();
    if (this.transferTo === null) return;
    const target = this.workspace.presence.get(this.transferTo);
    this.transferDialog?.close();
    await this.act(() => api.transfer(this.session.ChatSessionId, this.transferTo!), `Offered the chat to ${target?.DisplayName ?? 'the agent'}.`);
  }

  private renderMessage(message: ChatMessage, readUpTo: number) {
    const byAgent = message.Type === 'ToCustomer';
    const special = message.Type === 'Special';
    const read = byAgent && (message.ReadByCustomer === 1 || message.ChatMessageId <= readUpTo);
    const text = special ? html`<em>${message.Message}</em>` : linkify(message.Message);
    return html`<li class=${`message ${byAgent ? 'agent' : special ? 'special' : 'visitor'}`}>${special
        ? nothing
        : html`<span class="meta"><bdi>${message.Author}</bdi> · ${timeOf(message.WhenPosted)}</span>`}<span class="text">${text}</span>${byAgent
        ? html`<span class="meta">${read ? 'Read' : 'Sent'}</span>`
        : nothing}</li>`;
  }

  private renderBanner() {
    const ws = this.workspace;
    const session = this.session;
    const me = ws.me.AssociateId;
    const id = session.ChatSessionId;
    if (hasEnded(session)) {
      return html`<div class="banner" role="status">
        This chat has ended.
        <button id="close-chat" @click=${this.close}>Close</button>
      </div>`;
    }
    if (session.TransferTo?.AssociateId === me) {
      const from = agentName(session.User) || 'Another agent';
      return html`<div class="banner" role="status">
        ${from} offers you this chat.
        <button class="primary" ?disabled=${this.busy} @click=${async () => (await this.act(() => api.acceptTransfer(id), 'The chat is yours now.'), await this.updateComplete, this.composer?.focus())}>Accept</button>
        <button ?disabled=${this.busy} @click=${() => this.act(() => api.rejectTransfer(id))}>Turn down</button>
      </div>`;
    }
    if (this.mine && session.TransferTo) {
      return html`<div class="banner" role="status">Offered to ${agentName(session.TransferTo)}: waiting for an answer.</div>`;
    }
    if (!this.mine && ws.manages(session.TopicId)) {
      return html`<div class="banner" role="status">
        ${agentName(session.User) || 'Another agent'} has this chat.
        <button ?disabled=${this.busy} @click=${() => this.act(async () => (await api.transfer(id, me), api.acceptTransfer(id)), 'You took over the chat.')}>
          Take over
        </button>
      </div>`;
    }
    return nothing;
  }

  private renderTransferDialog() {
    const ws = this.workspace;
    const targets = [...ws.presence.values()].filter(
      (agent) => agent.Present && agent.UserId !== ws.me.AssociateId && agent.ChatTopics.includes(this.session.TopicId),
    );
    return html`<dialog aria-labelledby="transfer-heading" @close=${() => this.composer?.focus()}>
      <form method="dialog" @submit=${this.handleTransfer}>
        <fieldset>
          <legend><h2 id="transfer-heading">Transfer the chat to</h2></legend>
          ${targets.length === 0
            ? html`<p class="muted">No other agent of this topic is present.</p>`
            : targets.map(
                (agent) => html`<label>
                  <input type="radio" name="to" .value=${String(agent.UserId)} @change=${() => (this.transferTo = agent.UserId)} />
                  ${agent.DisplayName} <span class="muted">(${agent.OngoingChats} ${agent.OngoingChats === 1 ? 'chat' : 'chats'})</span>
                </label>`,
              )}
        </fieldset>
        <button class="primary" ?disabled=${this.transferTo === null}>Transfer</button>
        <button type="button" @click=${() => this.transferDialog?.close()}>Cancel</button>
      </form>
    </dialog>`;
  }

  private renderComposer() {
    if (!this.mayWrite) return nothing;
    const replies = this.replies;
    const active = Math.min(this.activeReply, replies.length - 1);
    return html`<form @submit=${(event: Event) => (event.preventDefault(), this.send())}>
      ${replies.length > 0
        ? html`<ul id="replies" role="listbox" aria-label="Canned replies">
            ${replies.map(
              (reply, index) => html`<li
                id=${`reply-${reply.CannedReplyId}`}
                role="option"
                aria-selected=${index === active ? 'true' : 'false'}
                @mousedown=${(event: Event) => (event.preventDefault(), this.chooseReply(reply))}
              >
                <strong>${reply.Name}</strong> <span class="muted">${reply.Text}</span>
              </li>`,
            )}
          </ul>`
        : nothing}
      <label for="composer" class="visually-hidden">Message to ${visitorName(this.session)}</label>
      <textarea
        id="composer"
        rows="2"
        maxlength="4000"
        placeholder="Write a reply. / for canned replies"
        aria-autocomplete="list"
        aria-controls=${replies.length > 0 ? 'replies' : nothing}
        aria-activedescendant=${replies.length > 0 ? `reply-${replies[active]!.CannedReplyId}` : nothing}
        aria-keyshortcuts="Alt+C"
        .value=${this.draft}
        @input=${this.handleInput}
        @keydown=${this.handleKeyDown}
        @blur=${this.stopTyping}
      ></textarea>
      <button class="primary">Send</button>
    </form>`;
  }

  private renderVisitor() {
    const session = this.session;
    const topic = this.workspace.topics.get(session.TopicId);
    const rows: [string, unknown][] = [
      ['Alias', session.CustomerAlias],
      ['Name', session.CustomerName],
      ['Email', session.CustomerEmail ? html`<a href=${`mailto:${session.CustomerEmail}`}>${session.CustomerEmail}</a>` : null],
      ['Phone', session.CustomerPhone],
      ['Company', session.CustomerCompanyName],
      ['Consent', session.CustomerConsented ? 'Yes' : 'No'],
      ['Host', session.CustomerHost],
      ['Topic', topic?.Name ?? String(session.TopicId)],
      ['Requested', dateTimeOf(session.WhenRequested)],
      ['First question', session.FirstMessage],
    ];
    return html`<aside aria-labelledby="visitor-heading">
      <h2 id="visitor-heading">Visitor</h2>
      <dl>
        ${rows.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value === null || value === '' ? html`<span class="muted">—</span>` : value}</dd></div>`)}
      </dl>
    </aside>`;
  }

  override render() {
    const ws = this.workspace;
    const session = this.session;
    const id = session.ChatSessionId;
    const messages = this.visibleMessages();
    const readUpTo = ws.readUpTo.get(id) ?? 0;
    const name = visitorName(session);
    const may = this.mayWrite && !session.TransferTo;
    return html`
      <section class="chat" aria-labelledby="chat-heading">
        <header>
          <h2 id="chat-heading"><span class=${rankClass(session.Rank)} aria-hidden="true">${session.Rank > 0 ? session.Rank : ''}</span>${name}</h2>
          ${may ? html`<button ?disabled=${this.busy} @click=${this.openTransfer}>Transfer…</button>` : nothing}
          ${may ? html`<button ?disabled=${this.busy} @click=${this.putBack}>Put back in queue</button>` : nothing}
          ${this.mine && !hasEnded(session) ? html`<button class="danger" ?disabled=${this.busy} @click=${this.askToEnd} aria-keyshortcuts="Alt+E">End chat</button>` : nothing}
        </header>
        ${this.confirmingEnd && !hasEnded(session)
          ? html`<div class="banner" role="alert">
              End the chat with ${name}? They see that it ended.
              <button id="confirm-end" class="danger" @click=${this.end}>End it</button>
              <button @click=${() => (this.confirmingEnd = false)}>Keep chatting</button>
            </div>`
          : nothing}
        ${this.renderBanner()}
        ${this.error ? html`<p class="banner error" role="alert">${this.error}</p>` : nothing}
        ${keyed(id, html`<div class="log" role="log" aria-relevant="additions" aria-label=${`Conversation with ${name}`} tabindex="0" @scroll=${this.handleScroll}><ol>
          ${session.FirstMessage
            ? html`<li class="message visitor"><span class="meta"><bdi>${name}</bdi> · ${timeOf(session.WhenRequested)}</span><span class="text">${linkify(session.FirstMessage)}</span></li>`
            : nothing}
          ${messages.map((message) => this.renderMessage(message, readUpTo))}
          ${this.outgoing.map(
            (entry) => html`<li class="message agent"><span class="text">${entry.text}</span><span class="meta ${entry.failed ? 'failed' : ''}"
                >${entry.failed ? html`${entry.failed} <button @click=${() => this.workspace.post(entry)}>Retry</button>` : 'Sending…'}</span
              ></li>`,
          )}
        </ol></div>`)}
        <div class="typing" aria-live="polite">${visitorTyping(session) ? `${name} is typing…` : ''}</div>
        ${this.renderComposer()}
      </section>
      ${this.renderVisitor()} ${this.renderTransferDialog()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-conversation': ConsoleConversation;
  }
  interface GlobalEventHandlersEventMap {
    'console-notice': CustomEvent<string>;
  }
}
