import type { Associate, ChatSessionEntity } from '@chatline/shared';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { Alerts } from '../alerts.ts';
import { api, ConsoleError, whenSignedOut } from '../api.ts';
import '../conversation/console-conversation.ts';
import type { ConsoleConversation } from '../conversation/console-conversation.ts';
import { agentName, requesterName, visitorName } from '../format.ts';
import '../queue/console-queue.ts';
import '../sign-in/console-sign-in.ts';
import { base } from '../styles.ts';
import { Workspace } from '../workspace.ts';

type Phase = { name: 'loading' } | { name: 'signed-out'; reason: string } | { name: 'signed-in'; workspace: Workspace };
type View = 'chats' | 'requests' | 'history' | 'ratings' | 'manage';

/** The keyboard shortcuts, as the help panel lists them. */
const shortcuts: [keys: string, does: string][] = [
  ['Alt+N', 'Take the next chat from the queue'],
  ['Alt+↓ / Alt+↑', 'Next / previous of your chats'],
  ['Alt+C', 'Put the cursor in the reply'],
  ['Alt+E', 'End the chat in view'],
  ['Enter / Shift+Enter', 'Send / new line'],
  ['/', 'At the start of a reply: canned replies (↑ ↓ to choose, Enter to insert, Esc to close)'],
  ['?', 'This help'],
];

/**
 * The agents' console: signing in, then the queue, the agent's chats, history and (for
 * managers) the topics and their agents, all kept live.
 *
 * @summary The page agents work in, at /console/.
 */
@customElement('chat-console')
export class ChatConsole extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: 100vh;
        background: var(--bg);
      }
      .frame {
        display: grid;
        grid-template-rows: auto auto minmax(0, 1fr);
        height: 100vh;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
        padding: 8px 14px;
        background: var(--panel);
        border-bottom: 1px solid var(--line);
      }
      .bar h1 {
        font-size: 1.05rem;
        margin: 0 12px 0 0;
      }
      nav {
        display: flex;
        gap: 4px;
      }
      nav button[aria-current='page'] {
        font-weight: 600;
      }
      nav .badge {
        display: inline-block;
        min-width: 22px;
        margin-inline-start: 2px;
        padding: 0 6px;
        border-radius: 11px;
        background: var(--accent);
        color: var(--accent-text);
        font-size: 0.8rem;
        font-weight: 700;
        text-align: center;
      }
      .spacer {
        flex: 1;
      }
      .presence {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .status {
        margin: 0;
        padding: 6px 14px;
        background: var(--accent-soft);
        border-bottom: 1px solid var(--line);
      }
      .status.offline {
        background: #fff4d6;
        color: #5c4400;
      }
      @media (prefers-color-scheme: dark) {
        .status.offline {
          background: #3b2e00;
          color: #ffe08a;
        }
      }
      .chats {
        display: grid;
        grid-template-columns: 300px minmax(0, 1fr);
        min-height: 0;
      }
      .toggle {
        display: flex;
        align-items: center;
        gap: 4px;
      }
      /* A narrow window: the lists above, the chat below, each scrolling on its own. */
      @media (max-width: 900px) {
        .chats {
          grid-template-columns: 1fr;
          grid-template-rows: minmax(0, 35vh) minmax(0, 1fr);
        }
        console-queue {
          border-inline-end: none;
          border-bottom: 1px solid var(--line);
        }
      }
      console-queue {
        border-inline-end: 1px solid var(--line);
        background: var(--bg);
      }
      .empty {
        display: grid;
        place-items: center;
        color: var(--muted);
        padding: 24px;
        text-align: center;
      }
      main {
        min-height: 0;
        background: var(--panel);
      }
      .loading {
        display: grid;
        place-items: center;
        height: 100vh;
      }
      table {
        border-collapse: collapse;
      }
      td,
      th {
        text-align: start;
        padding: 4px 12px 4px 0;
      }
      /* On paper only what the view in sight chose to print (History's transcript). */
      @media print {
        :host,
        .frame {
          display: block;
          height: auto;
          background: none;
        }
        .bar,
        .status {
          display: none;
        }
        main {
          background: none;
        }
      }
      kbd {
        font: inherit;
        font-family: ui-monospace, monospace;
        border: 1px solid var(--line);
        border-radius: 4px;
        padding: 0 4px;
      }
    `,
  ];

  @query('console-conversation') private conversation?: ConsoleConversation;
  @query('#help') private help?: HTMLDialogElement;
  @state() private phase: Phase = { name: 'loading' };
  @state() private view: View = 'chats';
  @state() private version = 0;
  @state() private now = Date.now();
  @state() private notice = '';
  @state() private soundOn = true;
  /** What a screen reader is told of the queue. */
  @state() private announcement = '';

  private alerts: Alerts | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** What this agent began before its sign-in ran out: taken over when it signs in again. */
  private previous: Workspace | null = null;
  /** The console's other tabs: signing out in one signs out all. */
  private readonly tabs = 'BroadcastChannel' in window ? new BroadcastChannel('chatline-console') : null;
  private clock: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    whenSignedOut(() => {
      if (this.phase.name === 'signed-in') this.signedOut('You were signed out. Sign in again to go on.');
    });
    // Made before signing in, so that signing in counts as the gesture browsers want before any sound.
    this.alerts ??= new Alerts();
    addEventListener('keydown', this.handleShortcut);
    this.tabs?.addEventListener('message', (event) => {
      if (event.data === 'signed-out' && this.phase.name === 'signed-in') this.signedOut('You signed out in another tab.');
    });
    document.addEventListener('visibilitychange', this.handleVisibility);
    void this.resume();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('keydown', this.handleShortcut);
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.stopWorkspace();
  }

  override willUpdate(changed: Map<string, unknown>) {
    // A manager who no longer manages any topic goes back to the chats.
    if (this.view === 'manage' && this.phase.name === 'signed-in' && !this.phase.workspace.isManager) this.view = 'chats';
    if (changed.has('view')) {
      if (this.phase.name === 'signed-in') this.phase.workspace.view(this.view === 'chats');
      // The other views load when first opened: most of a shift is spent in the chats.
      const views: Partial<Record<View, () => Promise<unknown>>> = {
        requests: () => import('../requests/console-requests.ts'),
        history: () => import('../history/console-history.ts'),
        ratings: () => import('../ratings/console-ratings.ts'),
        manage: () => import('../manage/console-manage.ts'),
      };
      const loading = views[this.view]?.();
      loading?.catch(() => this.say('The console has been updated on the server: reload the page to go on.'));
    }
  }

  /** Says something in the status line; it goes by itself after a while. */
  private say(text: string) {
    this.notice = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.notice = ''), 10_000);
  }

  /** A reload keeps the agent signed in: the cookie says who it is. */
  private async resume() {
    try {
      await this.begin(await api.me());
    } catch (error) {
      this.phase = { name: 'signed-out', reason: error instanceof ConsoleError && error.status === 0 ? 'The server did not answer. Reload to try again.' : '' };
    }
  }

  private async begin(me: Associate) {
    const workspace = new Workspace(me);
    if (this.previous) workspace.adopt(this.previous);
    this.previous = null;
    this.alerts ??= new Alerts();
    this.soundOn = this.alerts.soundOn;
    workspace.onChange(() => {
      this.version++;
      this.countAlerts(workspace);
    });
    this.listen(workspace);
    this.phase = { name: 'signed-in', workspace };
    this.clock = setInterval(() => (this.now = Date.now()), 5000);
    try {
      await workspace.start();
    } catch (error) {
      this.notice = (error as Error).message;
    }
  }

  private stopWorkspace() {
    if (this.phase.name === 'signed-in') this.phase.workspace.stop();
    clearInterval(this.clock);
  }

  private signedOut(reason = '') {
    // Signed out by the server (the sign-in ran out): what the agent was writing waits for it.
    if (reason !== '' && this.phase.name === 'signed-in') this.previous = this.phase.workspace;
    this.stopWorkspace();
    this.alerts?.setCount(0);
    this.phase = { name: 'signed-out', reason };
  }

  private async signOut() {
    try {
      await api.signOut();
    } catch {
      // Signed out here either way; the cookie ends with its lifetime.
    }
    this.tabs?.postMessage('signed-out');
    this.signedOut();
  }

  /** The count in the title: unread messages, and the queue while the agent is there to take chats. */
  private countAlerts(workspace: Workspace) {
    let count = 0;
    for (const unread of workspace.unread.values()) count += unread;
    if (workspace.present) count += workspace.queue.filter((session) => workspace.mayRespond(session.TopicId)).length;
    this.alerts?.setCount(count);
  }

  private listen(workspace: Workspace) {
    const alert = (title: string, body: string, tag: string, sessionId?: number) => {
      if (workspace.present) this.alerts?.raise({ title, body, tag, open: sessionId === undefined ? undefined : () => this.select(sessionId) });
    };
    workspace.on('queued', (session) => {
      if (!workspace.rights.get(session.TopicId)?.CanNotify || !workspace.present) return;
      this.announce(`${visitorName(session)} is waiting in the queue.`);
      alert('A visitor is waiting', `${visitorName(session)}: ${session.FirstMessage ?? ''}`, `queue-${session.ChatSessionId}`);
    });
    workspace.on('visitorMessage', ({ session, message }) => {
      if (!workspace.inView(session.ChatSessionId)) alert(visitorName(session), message.Message, `message-${message.ChatMessageId}`, session.ChatSessionId);
    });
    workspace.on('offered', (session) => {
      this.say(`${agentName(session.User) || 'Another agent'} offers you the chat with ${visitorName(session)}.`);
      alert('A chat is offered to you', visitorName(session), `offer-${session.ChatSessionId}`, session.ChatSessionId);
    });
    workspace.on('transferAnswered', ({ session, accepted }) => {
      this.say(accepted ? `The chat with ${visitorName(session)} was taken over.` : `The transfer of the chat with ${visitorName(session)} was turned down: it is still yours.`);
    });
    workspace.on('requested', (request) => {
      this.announce(`${requesterName(request)} left a request in ${request.TopicName || 'a topic'}.`);
    });
    workspace.on('ended', (session) => {
      this.say(`The chat with ${visitorName(session)} has ended.`);
      alert('A chat has ended', visitorName(session), `ended-${session.ChatSessionId}`, session.ChatSessionId);
    });
  }

  private readonly handleVisibility = () => {
    if (document.visibilityState === 'visible' && this.phase.name === 'signed-in') this.phase.workspace.seen();
  };

  private readonly handleShortcut = (event: KeyboardEvent) => {
    if (this.phase.name !== 'signed-in') return;
    const workspace = this.phase.workspace;
    const typing = event.composedPath().some((target) => target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === '?' && !typing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.help?.showModal();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    // By the character the key makes, not where it sits: on a Mac, Option+E and Option+N start
    // an accent (the key is "Dead"), and must stay the letters they are while typing.
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === 'n') void this.take(null);
    else if (key === 'ArrowDown' || key === 'ArrowUp') this.step(workspace, key === 'ArrowDown' ? 1 : -1);
    else if (key === 'c') {
      this.view = 'chats';
      void this.updateComplete.then(() => this.conversation?.focus());
    } else if (key === 'e') void this.conversation?.askToEnd();
    else return;
    event.preventDefault();
  };

  private step(workspace: Workspace, by: number) {
    const list = [...workspace.mine, ...workspace.team];
    if (list.length === 0) return;
    const at = list.findIndex((session) => session.ChatSessionId === workspace.selected);
    const next = list[(at + by + list.length) % list.length]!;
    this.view = 'chats';
    this.select(next.ChatSessionId);
  }

  private select(id: number) {
    if (this.phase.name !== 'signed-in') return;
    this.phase.workspace.select(id);
    this.view = 'chats';
  }

  private async take(id: number | null) {
    if (this.phase.name !== 'signed-in') return;
    const workspace = this.phase.workspace;
    const waiting = id === null ? undefined : workspace.sessions.get(id);
    try {
      const session: ChatSessionEntity | null = id === null ? await api.pickUpFirst() : await api.pickUp(id);
      if (!session) {
        this.say(id === null ? 'Nobody is waiting.' : `Someone else took the chat with ${waiting ? visitorName(waiting) : 'that visitor'}.`);
        return;
      }
      workspace.update(session);
      this.select(session.ChatSessionId);
      this.say(`You have the chat with ${visitorName(session)}.`);
      await this.updateComplete;
      this.conversation?.focus();
    } catch (error) {
      this.say(error instanceof ConsoleError && error.status === 409 ? error.message : `Could not take the chat: ${(error as Error).message}`);
    }
  }

  private async togglePresence(workspace: Workspace) {
    try {
      await workspace.setPresent(!workspace.present);
      this.say(workspace.present ? 'You are present: you get alerts and transfers.' : 'You are away: no alerts, and no transfers are offered to you.');
    } catch (error) {
      this.say((error as Error).message);
    }
  }

  private dismissNotice() {
    this.notice = '';
    // The focus goes on to the chat in view, or the queue.
    void this.updateComplete.then(() => this.focusAfterLeaving());
  }

  /** Where the focus goes when what had it leaves: the chat's composer, else "Take next". */
  private focusAfterLeaving() {
    const composer = this.conversation?.shadowRoot?.querySelector('textarea');
    if (composer) composer.focus();
    else (this.renderRoot.querySelector('console-queue')?.shadowRoot?.querySelector('.heading button') as HTMLElement | null)?.focus();
  }

  /** Tells screen readers, politely, of something that happened out of view. */
  private announce(text: string) {
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  private toggleSound() {
    if (!this.alerts) return;
    this.alerts.soundOn = !this.alerts.soundOn;
    this.soundOn = this.alerts.soundOn;
  }

  private renderBar(workspace: Workspace) {
    const me = workspace.me;
    const present = workspace.present;
    const views: [View, string][] = [
      ['chats', 'Chats'],
      ['requests', 'Requests'],
      ['history', 'History'],
      ['ratings', 'Ratings'],
      ...(workspace.isManager ? ([['manage', 'Manage']] as [View, string][]) : []),
    ];
    const open = workspace.requests?.length ?? 0;
    // The count of open requests beside its view's name: "Requests 2 open" to a screen reader.
    const counted = (view: View) => view === 'requests' && open > 0;
    return html`<header class="bar">
      <h1>Chatline</h1>
      <nav aria-label="Console">
        ${views.map(
          ([view, label]) =>
            html`<button aria-current=${this.view === view ? 'page' : 'false'} @click=${() => (this.view = view)}>
              ${label}${counted(view) ? html` <span class="badge">${open}</span><span class="visually-hidden"> open</span>` : nothing}
            </button>`,
        )}
      </nav>
      <span class="spacer"></span>
      <span class="presence"><span class="dot ${present ? 'present' : ''}" aria-hidden="true"></span>${present ? 'Present' : 'Away'}</span>
      <button @click=${() => this.togglePresence(workspace)}>${present ? 'Go away' : 'Be present'}</button>
      <label class="toggle"><input type="checkbox" .checked=${this.soundOn} @change=${this.toggleSound} /> Sound</label>
      ${this.alerts && !this.alerts.notificationsAsked
        ? html`<button @click=${async () => (await this.alerts?.askForNotifications(), this.requestUpdate())}>Allow notifications</button>`
        : nothing}
      <button @click=${() => this.help?.showModal()} aria-keyshortcuts="?">Shortcuts</button>
      <span>Signed in as <strong>${me.FullName || me.Name}</strong></span>
      <button @click=${this.signOut}>Sign out</button>
    </header>`;
  }

  private renderStatus(workspace: Workspace) {
    const offline = workspace.connection === 'offline';
    return html`<div role="status" aria-live="polite">
      ${offline
        ? html`<p class="status offline">Offline: reconnecting… Nothing you see is lost; it catches up when the connection is back.</p>`
        : this.notice
          ? html`<p class="status">${this.notice} <button @click=${this.dismissNotice} aria-label="Dismiss">✕</button></p>`
          : nothing}
    </div>`;
  }

  private renderChats(workspace: Workspace) {
    const selected = workspace.selected === null ? undefined : workspace.sessions.get(workspace.selected);
    return html`<div class="chats">
      <console-queue .workspace=${workspace} .version=${this.version} .now=${this.now} @console-take=${(event: CustomEvent<number | null>) => this.take(event.detail)} @console-select=${(event: CustomEvent<number>) => this.select(event.detail)}></console-queue>
      <main>
        ${selected
          ? html`<console-conversation .workspace=${workspace} .session=${selected} .version=${this.version} @console-notice=${(event: CustomEvent<string>) => this.say(event.detail)} @console-left=${() => this.updateComplete.then(() => this.focusAfterLeaving())}></console-conversation>`
          : html`<div class="empty"><p>Take a chat from the queue, or choose one of yours.<br />Press <kbd>?</kbd> for the shortcuts.</p></div>`}
      </main>
    </div>`;
  }

  private renderView(workspace: Workspace) {
    const notice = (event: CustomEvent<string>) => this.say(event.detail);
    switch (this.view) {
      case 'chats':
        return this.renderChats(workspace);
      case 'requests':
        return html`<main><console-requests .workspace=${workspace} .version=${this.version} .now=${this.now} @console-notice=${notice}></console-requests></main>`;
      case 'history':
        return html`<main><console-history .workspace=${workspace}></console-history></main>`;
      case 'ratings':
        return html`<main><console-ratings .workspace=${workspace}></console-ratings></main>`;
      case 'manage':
        return html`<main><console-manage .workspace=${workspace} @console-notice=${notice}></console-manage></main>`;
    }
  }

  private renderHelp() {
    return html`<dialog id="help" aria-labelledby="help-heading">
      <h2 id="help-heading">Keyboard shortcuts</h2>
      <table>
        <tbody>
          ${shortcuts.map(([keys, does]) => html`<tr><th scope="row"><kbd>${keys}</kbd></th><td>${does}</td></tr>`)}
        </tbody>
      </table>
      <form method="dialog"><button class="primary">Close</button></form>
    </dialog>`;
  }

  override render() {
    const phase = this.phase;
    if (phase.name === 'loading') return html`<p class="loading muted" role="status">Loading…</p>`;
    if (phase.name === 'signed-out') {
      return html`${phase.reason ? html`<p class="status" role="status">${phase.reason}</p>` : nothing}
        <console-sign-in @console-signed-in=${(event: CustomEvent<Associate>) => this.begin(event.detail)}></console-sign-in>`;
    }
    const workspace = phase.workspace;
    return html`<div class="frame">
      ${this.renderBar(workspace)} ${this.renderStatus(workspace)}
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
      ${this.renderView(workspace)}
    </div>
    ${this.renderHelp()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-console': ChatConsole;
  }
}
