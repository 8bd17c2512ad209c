import { newAgent, type Associate } from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ConsoleError, type BearerToken, type SignIn, type SignInKind, type SignInMethod } from '../api.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';
import { agentName, confirmStyles, fieldErrorsOf, formStyles, reasonOf } from './forms.ts';

/** The same rules as a new agent's password (`newAgent` of the shared field table). */
const PASSWORD_MIN = newAgent.field('Password')!.minLength!;
const PASSWORD_MAX = newAgent.field('Password')!.maxLength!;

/** What each record of the sign-ins list says happened. */
const kinds: Record<SignInKind, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed: wrong password',
  sign_in_throttled: 'Sign-in refused: too many tries',
  token_created: 'Bearer token made',
  tokens_revoked: 'Bearer tokens revoked',
  agent_added: 'Added as an agent',
  agent_removed: 'Removed as an agent',
  password_changed: 'Password changed',
};
/** The records a manager should notice. */
const refusals: ReadonlySet<string> = new Set<SignInKind>(['sign_in_failed', 'sign_in_throttled']);

const methods: Record<SignInMethod, string> = {
  login: 'Sign-in page',
  basic: 'Basic credentials',
  ticket: 'Ticket',
  admin: 'Admin command',
  console: 'A manager, in the console',
};

/** When, to the second, in the browser's language and time zone. */
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const when = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : moment.format(date);
};

/** An address with a chance to break after each colon of IPv6. */
const breakable = (address: string) => address.split(':').map((piece, index) => (index === 0 ? piece : html`:<wbr />${piece}`));

type Field = 'Password' | 'Again';
type Errors = Partial<Record<Field, string>>;
/** What waits for the manager's yes: revoking the agent's tokens, or removing the agent. */
type Confirm = 'revoke' | 'remove' | null;
/** Which of the agent's parts an action is under way in. */
type Busy = 'revoke' | 'password' | 'remove' | null;

/** What the server said no to: its words; the topic is beside the point here, so a 403 is its words alone. */
function why(error: unknown): string {
  if (error instanceof ConsoleError && error.status !== 0) return error.message || `The server answered ${error.status}.`;
  return reasonOf(error);
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * Every agent of the console, and for the one chosen what the server recorded of their
 * sign-ins, their Bearer tokens (when made and last used; never their text), a new password,
 * and removing them. Each refusal is said next to what was tried, in the server's words.
 * Managers only: the server answers others 403.
 *
 * @event console-agent-removed - An agent was removed from the console; `detail` is its AssociateId.
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-agent-access')
export class ConsoleAgentAccess extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: grid;
        gap: 14px;
      }
      h4 {
        font-size: 1rem;
        margin: 0;
        overflow-wrap: anywhere;
      }
      h5 {
        font-size: 0.95rem;
        margin: 0;
      }
      h3:focus,
      h4:focus,
      h5:focus {
        outline: none;
      }
      h3:focus-visible,
      h4:focus-visible,
      h5:focus-visible {
        outline: 3px solid var(--focus);
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(180px, 240px) minmax(0, 1fr);
        gap: 18px;
        align-items: start;
      }
      .agents {
        display: grid;
        gap: 8px;
      }
      .agents .choices button {
        width: 100%;
        text-align: start;
        display: grid;
      }
      .agents .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .agents .muted {
        font-size: 0.86rem;
        overflow-wrap: anywhere;
      }
      .agent {
        display: grid;
        gap: 18px;
        min-width: 0;
        max-width: 820px;
      }
      .agent > header {
        display: grid;
        gap: 2px;
      }
      .part {
        display: grid;
        gap: 8px;
        border-top: 1px solid var(--line);
        padding-top: 12px;
      }
      .part-head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 6px 12px;
      }
      .part .saved:empty,
      .part [role='alert']:empty {
        display: none;
      }
      .scroll {
        overflow-x: auto;
      }
      .count {
        display: inline-block;
        margin-inline-start: 4px;
        padding: 0 6px;
        border: 1px solid var(--line);
        border-radius: 999px;
        font-size: 0.82rem;
        font-weight: 600;
        color: var(--text);
      }
      td.refused {
        color: var(--danger);
        font-weight: 600;
      }
      /* An address breaks only after an IPv6 colon: 127.0.0.1 stays whole. */
      td.address {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.9rem;
      }
      td.when {
        white-space: nowrap;
      }
      .password .field input {
        max-width: 360px;
      }
      @media (max-width: 1000px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
    `,
  ];

  @property({ attribute: false }) workspace!: Workspace;
  /** Shown now: becoming so reads everything again, so what is shown is fresh. */
  @property({ type: Boolean }) active = false;
  @state() private agents: Associate[] | null = null;
  @state() private listError = '';
  @state() private chosen: number | null = null;
  @state() private signIns: SignIn[] | null = null;
  @state() private signInsError = '';
  @state() private tokens: BearerToken[] | null = null;
  @state() private tokensError = '';
  @state() private confirm: Confirm = null;
  @state() private busy: Busy = null;
  @state() private errors: Errors = {};
  /** What came of the last action, by part; `removed` is said above the list, for the agent is gone. */
  @state() private said: { tokens: string; password: string; remove: string; removed: string } = { tokens: '', password: '', remove: '', removed: '' };
  @state() private alerts: { tokens: string; password: string; remove: string } = { tokens: '', password: '', remove: '' };

  private loadingList = 0;
  private loadingAgent = 0;

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('active') && this.active) void this.reload();
  }

  private get me(): number {
    return this.workspace.me.AssociateId;
  }

  private get agent(): Associate | undefined {
    return this.agents?.find((agent) => agent.AssociateId === this.chosen);
  }

  private notify(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  private async focusSoon(selector: string) {
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>(selector) ?? this.renderRoot.querySelector<HTMLElement>('#access-heading'))?.focus();
  }

  /** Reads the agents again, and the chosen one's sign-ins and tokens. */
  async reload() {
    const loading = ++this.loadingList;
    try {
      const agents = await api.agents();
      if (loading !== this.loadingList) return;
      this.agents = agents.filter((agent) => !agent.Deleted).sort((a, b) => agentName(a).localeCompare(agentName(b)) || a.AssociateId - b.AssociateId);
      this.listError = '';
    } catch (error) {
      if (loading === this.loadingList) this.listError = `Could not read the agents: ${why(error)}`;
      return;
    }
    if (!this.agent) this.choose(this.agents[0]?.AssociateId ?? null);
    else await this.loadAgent();
  }

  private choose(id: number | null) {
    this.chosen = id;
    this.confirm = null;
    this.errors = {};
    this.said = { tokens: '', password: '', remove: '', removed: this.said.removed };
    this.alerts = { tokens: '', password: '', remove: '' };
    this.signIns = null;
    this.tokens = null;
    this.renderRoot.querySelector<HTMLFormElement>('form.password')?.reset();
    void this.loadAgent();
  }

  /** The chosen agent's sign-ins and tokens, each shown as soon as it comes. */
  private async loadAgent() {
    const id = this.chosen;
    const loading = ++this.loadingAgent;
    if (id === null) return;
    const current = () => loading === this.loadingAgent && id === this.chosen;
    await Promise.all([
      api.signIns(id).then(
        (signIns) => {
          if (!current()) return;
          this.signIns = signIns;
          this.signInsError = '';
        },
        (error: unknown) => {
          if (current()) this.signInsError = `Could not read the sign-ins: ${why(error)}`;
        },
      ),
      api.tokens(id).then(
        (tokens) => {
          if (!current()) return;
          this.tokens = tokens;
          this.tokensError = '';
        },
        (error: unknown) => {
          if (current()) this.tokensError = `Could not read the Bearer tokens: ${why(error)}`;
        },
      ),
    ]);
  }

  private handleChoose(id: number) {
    if (id === this.chosen || this.busy) return;
    this.said = { ...this.said, removed: '' };
    this.choose(id);
  }

  /** Up and down move between the agents, Home and End to the first and last. */
  private handleAgentKey(event: KeyboardEvent) {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.agents .choices button')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus();
  }

  private handleRefresh() {
    void this.loadAgent();
  }

  private handleAskRevoke() {
    if (this.busy) return;
    this.confirm = 'revoke';
    this.said = { ...this.said, tokens: '' };
    this.alerts = { ...this.alerts, tokens: '' };
    void this.focusSoon('#revoke-keep');
  }

  private handleAskRemove() {
    if (this.busy || this.chosen === this.me) return;
    this.confirm = 'remove';
    this.alerts = { ...this.alerts, remove: '' };
    void this.focusSoon('#remove-keep');
  }

  private handleKeep() {
    if (this.busy) return;
    const was = this.confirm;
    this.confirm = null;
    void this.focusSoon(was === 'revoke' ? '#revoke' : '#remove');
  }

  /** Esc in a question answers no. */
  private handleConfirmKey(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.handleKeep();
  }

  private async handleRevoke() {
    const agent = this.agent;
    if (!agent || this.busy) return;
    this.busy = 'revoke';
    try {
      const { Revoked } = await api.revokeTokens(agent.AssociateId);
      this.confirm = null;
      const mine = agent.AssociateId === this.me;
      this.said = {
        ...this.said,
        tokens: Revoked === 0 ? `There was no token to revoke.` : `Revoked ${plural(Revoked, 'token', 'tokens')}: whatever uses ${Revoked === 1 ? 'it' : 'them'} is refused from now on.`,
      };
      if (Revoked > 0) this.notify(`${plural(Revoked, 'Bearer token', 'Bearer tokens')} of ${mine ? 'yours' : agentName(agent)} revoked.`);
      void this.focusSoon('#tokens-heading');
    } catch (error) {
      this.alerts = { ...this.alerts, tokens: `The tokens were not revoked: ${why(error)}` };
      void this.focusSoon('#revoke-keep');
    } finally {
      this.busy = null;
    }
    if (this.agent?.AssociateId === agent.AssociateId) void this.loadAgent();
  }

  private handleInput(event: Event) {
    const name = (event.target as HTMLInputElement).name as Field;
    this.said = { ...this.said, password: '' };
    if (this.errors[name] || (name === 'Password' && this.errors.Again)) {
      const rest: Errors = { ...this.errors };
      delete rest[name];
      if (name === 'Password') delete rest.Again;
      this.errors = rest;
    }
  }

  private check(password: string, again: string): Errors {
    const errors: Errors = {};
    if (password === '') errors.Password = 'Type the new password.';
    else if (password.length < PASSWORD_MIN) errors.Password = `Use at least ${PASSWORD_MIN} characters: this has ${password.length}.`;
    else if (password.length > PASSWORD_MAX) errors.Password = `Use at most ${PASSWORD_MAX} characters.`;
    else if (again !== password) errors.Again = 'The two passwords are not the same: type it again.';
    return errors;
  }

  private async handleSetPassword(event: SubmitEvent) {
    event.preventDefault();
    const agent = this.agent;
    if (!agent || this.busy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const password = String(data.get('Password') ?? '');
    const errors = this.check(password, String(data.get('Again') ?? ''));
    this.said = { ...this.said, password: '' };
    this.alerts = { ...this.alerts, password: '' };
    this.errors = errors;
    if (Object.keys(errors).length > 0) return this.focusSoon(errors.Password ? '#access-password' : '#access-password-again');
    this.busy = 'password';
    const mine = agent.AssociateId === this.me;
    try {
      await api.setPassword(agent.AssociateId, password);
      form.reset();
      if (mine) {
        // The server ended this sign-in too: the next call is refused, and the console goes to
        // its sign-in page. Nothing more is asked of the server here, so this is read first.
        this.said = { ...this.said, password: 'Your password is changed. Every sign-in of yours has ended, this one too: sign in again with the new password.' };
        return;
      }
      this.said = {
        ...this.said,
        password: `${agentName(agent)}’s password is changed. Their sign-ins, tickets and Bearer tokens have all ended: they sign in again with the new password.`,
      };
      this.notify(`${agentName(agent)}’s password was changed; they were signed out everywhere.`);
      void this.loadAgent();
    } catch (error) {
      const byField = fieldErrorsOf(error).find((problem) => problem.Field.toLowerCase() === 'password');
      if (byField) {
        this.errors = { Password: byField.Message };
        void this.focusSoon('#access-password');
      } else {
        this.alerts = { ...this.alerts, password: `The password was not changed: ${why(error)}` };
      }
    } finally {
      this.busy = null;
    }
  }

  private async handleRemove() {
    const agent = this.agent;
    if (!agent || this.busy) return;
    this.busy = 'remove';
    const agents = this.agents ?? [];
    const at = agents.findIndex((entry) => entry.AssociateId === agent.AssociateId);
    let gone = '';
    try {
      await api.removeAgent(agent.AssociateId);
      gone = `${agentName(agent)} was removed from the console: they are signed out and can no longer sign in.`;
    } catch (error) {
      // Removed by someone else first: gone all the same.
      if (error instanceof ConsoleError && error.status === 404) gone = `${agentName(agent)} was removed already.`;
      else this.alerts = { ...this.alerts, remove: `${agentName(agent)} was not removed: ${why(error)}` };
    } finally {
      this.busy = null;
    }
    if (!gone) return this.focusSoon('#remove-keep');
    this.agents = agents.filter((entry) => entry.AssociateId !== agent.AssociateId);
    this.said = { ...this.said, removed: gone };
    this.notify(gone);
    this.dispatchEvent(new CustomEvent<number>('console-agent-removed', { detail: agent.AssociateId, bubbles: true, composed: true }));
    const next = this.agents[at] ?? this.agents[at - 1];
    this.choose(next?.AssociateId ?? null);
    void this.focusSoon(next ? `#agent-${next.AssociateId}` : '#access-heading');
  }

  private renderAgents(agents: Associate[]) {
    return html`<section class="agents" aria-labelledby="access-agents-heading">
      <h4 id="access-agents-heading">Agents</h4>
      <ul class="choices" @keydown=${this.handleAgentKey}>
        ${agents.map((agent) => {
          const name = agentName(agent);
          return html`<li>
            <button id="agent-${agent.AssociateId}" aria-current=${agent.AssociateId === this.chosen ? 'true' : 'false'} @click=${() => this.handleChoose(agent.AssociateId)}>
              <span class="name">${name}${agent.AssociateId === this.me ? ' (you)' : ''}</span>
              ${agent.UserName && agent.UserName !== name ? html`<span class="muted">${agent.UserName}</span>` : nothing}
            </button>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  /** A cell that may have nothing in it: a dash to the eye, words to a screen reader. */
  private orNone(value: string | null, none: string) {
    return value ? value : html`<span aria-hidden="true">—</span><span class="visually-hidden">${none}</span>`;
  }

  private renderSignIns(name: string) {
    const signIns = this.signIns;
    let body;
    if (this.signInsError) body = html`<p class="alert">${this.signInsError}</p>`;
    else if (signIns === null) body = html`<p class="busy">Loading the sign-ins…</p>`;
    else if (signIns.length === 0) body = html`<p class="muted">Nothing recorded yet.</p>`;
    else
      body = html`<div class="scroll">
        <table>
          <caption class="visually-hidden">
            ${name}’s recent sign-ins, the newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">How</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            ${signIns.map(
              (entry) => html`<tr>
                <td class="when"><time datetime=${entry.When}>${when(entry.When)}</time></td>
                <td class=${refusals.has(entry.Kind) ? 'refused' : ''}>
                  <span class="kind">${kinds[entry.Kind] ?? entry.Kind}</span>${entry.Count > 1
                    ? html` <span class="count" aria-hidden="true">×${entry.Count}</span><span class="visually-hidden">(${entry.Count} times in a row)</span>`
                    : nothing}
                </td>
                <td>${this.orNone(entry.Method ? (methods[entry.Method] ?? entry.Method) : null, 'not recorded')}</td>
                <td class="address">${entry.Address ? breakable(entry.Address) : this.orNone(null, 'no address')}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
    return html`<section class="part" aria-labelledby="sign-ins-heading">
      <div class="part-head">
        <h5 id="sign-ins-heading">Recent sign-ins</h5>
        <button id="refresh" @click=${this.handleRefresh}>Refresh</button>
      </div>
      <p class="hint">
        The newest first, at most 50: signing in, failed tries, and changes to their access; ×3 is the same three times in a row, at the time shown last. Times
        are in your time zone.
      </p>
      <div role="status">${signIns && !this.signInsError ? html`<span class="visually-hidden">${plural(signIns.length, 'record', 'records')} shown.</span>` : nothing}</div>
      ${body}
    </section>`;
  }

  private renderTokens(agent: Associate, name: string) {
    const tokens = this.tokens;
    const mine = agent.AssociateId === this.me;
    let body;
    if (this.tokensError) body = html`<p class="alert">${this.tokensError}</p>`;
    else if (tokens === null) body = html`<p class="busy">Loading the tokens…</p>`;
    else if (tokens.length === 0) body = html`<p class="muted">${mine ? 'You have' : `${name} has`} no Bearer tokens.</p>`;
    else
      body = html`<table>
        <caption class="visually-hidden">
          ${name}’s Bearer tokens, the oldest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Made</th>
            <th scope="col">Last used</th>
          </tr>
        </thead>
        <tbody>
          ${tokens.map(
            (token, index) => html`<tr>
              <th scope="row">Token ${index + 1}</th>
              <td class="when"><time datetime=${token.CreatedAt}>${when(token.CreatedAt)}</time></td>
              <td class="when">${token.LastUsed ? html`<time datetime=${token.LastUsed}>${when(token.LastUsed)}</time>` : 'never'}</td>
            </tr>`,
          )}
        </tbody>
      </table>`;
    const count = tokens?.length ?? 0;
    return html`<section class="part" aria-labelledby="tokens-heading">
      <h5 id="tokens-heading" tabindex="-1">Bearer tokens</h5>
      <p class="hint">What integrations call the API with. A token’s text is shown only to whoever made it, once; here is when each was made and last used.</p>
      <div role="alert">${this.alerts.tokens ? html`<p class="alert">${this.alerts.tokens}</p>` : nothing}</div>
      <p class="saved" role="status">${this.said.tokens}</p>
      ${body}
      ${this.confirm === 'revoke'
        ? html`<div class="confirm" role="group" aria-labelledby="revoke-text" @keydown=${this.handleConfirmKey}>
            <p id="revoke-text">
              <strong>Revoke all ${plural(count, 'token', 'tokens')} of ${mine ? 'yours' : name}?</strong> Whatever calls the API with ${count === 1 ? 'it' : 'them'} is
              refused from then on; it cannot be undone.
            </p>
            <div class="actions">
              <button id="revoke-keep" class="primary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleKeep}>Keep them</button>
              <button class="danger" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleRevoke}>${this.busy === 'revoke' ? 'Revoking…' : 'Revoke all'}</button>
            </div>
          </div>`
        : count > 0
          ? html`<div class="actions">
              <button id="revoke" class="danger" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleAskRevoke}>Revoke all tokens</button>
            </div>`
          : nothing}
    </section>`;
  }

  private renderPassword(agent: Associate, name: string) {
    const mine = agent.AssociateId === this.me;
    const input = (field: Field, id: string, label: string, hint: string) => {
      const error = this.errors[field];
      return html`<div class="field">
        <label for=${id}>${label}</label>
        <input
          id=${id}
          name=${field}
          type="password"
          autocomplete="new-password"
          autocapitalize="none"
          spellcheck="false"
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"
          @input=${this.handleInput}
        />
        <p class="hint" id="${id}-hint">${hint}</p>
        ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : nothing}
      </div>`;
    };
    return html`<section class="part" aria-labelledby="password-heading">
      <h5 id="password-heading">Set a new password</h5>
      <p class="hint" id="password-ends">
        ${mine
          ? 'This is your own password: every sign-in of yours ends with it, this one too, and you sign in again with the new one.'
          : `${name}’s sign-ins, tickets and Bearer tokens all end with it: they sign in again with the new password. Tell it to them in person or another safe way.`}
      </p>
      <div role="alert">${this.alerts.password ? html`<p class="alert">${this.alerts.password}</p>` : nothing}</div>
      <p class="saved" role="status">${this.said.password}</p>
      <form class="password" @submit=${this.handleSetPassword} novalidate aria-labelledby="password-heading" aria-describedby="password-ends">
        ${input('Password', 'access-password', 'New password', `At least ${PASSWORD_MIN} characters.`)}
        ${input('Again', 'access-password-again', 'New password again', 'The same password, to be sure of it.')}
        <div class="actions">
          <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy === 'password' ? 'Setting…' : 'Set password'}</button>
        </div>
      </form>
    </section>`;
  }

  private renderRemove(agent: Associate, name: string) {
    const mine = agent.AssociateId === this.me;
    return html`<section class="part" aria-labelledby="remove-heading">
      <h5 id="remove-heading">Remove agent</h5>
      <p class="hint" id="remove-hint">
        ${mine
          ? 'You cannot remove yourself: another manager can.'
          : `${name} is signed out at once, their tickets and Bearer tokens stop working, and they can no longer sign in.`}
      </p>
      <div role="alert">${this.alerts.remove ? html`<p class="alert">${this.alerts.remove}</p>` : nothing}</div>
      ${this.confirm === 'remove'
        ? html`<div class="confirm" role="group" aria-labelledby="remove-text" @keydown=${this.handleConfirmKey}>
            <p id="remove-text"><strong>Remove ${name} from the console?</strong> It cannot be undone: their chats under way go back to the queue, and their user name stays taken.</p>
            <div class="actions">
              <button id="remove-keep" class="primary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleKeep}>Keep ${name}</button>
              <button class="danger" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleRemove}>${this.busy === 'remove' ? 'Removing…' : `Remove ${name}`}</button>
            </div>
          </div>`
        : html`<div class="actions">
            <button id="remove" class="danger" ?disabled=${mine} aria-disabled=${this.busy ? 'true' : 'false'} aria-describedby="remove-hint" @click=${this.handleAskRemove}>
              Remove ${name}…
            </button>
          </div>`}
    </section>`;
  }

  private renderAgent(agent: Associate) {
    const name = agentName(agent);
    return html`<section class="agent" aria-labelledby="agent-heading">
      <header>
        <h4 id="agent-heading" tabindex="-1">${name}${agent.AssociateId === this.me ? ' (you)' : ''}</h4>
        ${agent.UserName ? html`<span class="muted">Signs in as ${agent.UserName}</span>` : nothing}
      </header>
      ${this.renderSignIns(name)} ${this.renderTokens(agent, name)} ${this.renderPassword(agent, name)} ${this.renderRemove(agent, name)}
    </section>`;
  }

  override render() {
    const agents = this.agents;
    const agent = this.agent;
    return html`<div class="head">
        <h3 id="access-heading" tabindex="-1">Access</h3>
        <p class="hint">Every agent of the console, whatever their topics: what they signed in with and from where, their Bearer tokens, a new password, or removing them.</p>
        <div role="alert">${this.listError ? html`<p class="alert">${this.listError}</p>` : nothing}</div>
        <p class="saved" role="status">${this.said.removed}</p>
      </div>
      ${agents === null
        ? this.listError
          ? nothing
          : html`<p class="muted">Loading the agents…</p>`
        : agents.length === 0
          ? html`<p class="muted">The console has no agents.</p>`
          : html`<div class="layout">${this.renderAgents(agents)} ${agent ? this.renderAgent(agent) : nothing}</div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-agent-access': ConsoleAgentAccess;
  }
  interface GlobalEventHandlersEventMap {
    'console-agent-removed': CustomEvent<number>;
  }
}
