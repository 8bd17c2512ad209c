import type { Associate } from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { api, type Membership } from '../api.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';
import { agentName, confirmStyles, formStyles, includedIn, inEffect, labelOf, reasonOf, rights, rightsChoice, rightsInWords, type Right, type Rights } from './forms.ts';

/** A change that needs the manager to say yes first. */
type Confirm = { kind: 'stop-managing'; member: Membership; next: Rights } | { kind: 'remove'; member: Membership };

const newcomerRights: Rights = { CanListen: true, CanRespond: true, CanManage: false, CanNotify: true };

/**
 * A topic's agents and their rights, a checkbox per right, each change saved at once; removing
 * a member, and adding an agent who is not one yet. A manager who would take away their own
 * right to manage (or leave the topic) is asked first.
 *
 * @event console-rights-changed - A membership changed; `detail.mine` when it is the agent's own.
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-topic-agents')
export class ConsoleTopicAgents extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: grid;
        gap: 18px;
      }
      .who {
        display: grid;
        font-weight: 400;
      }
      .who .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .who .muted {
        font-size: 0.86rem;
      }
      tr.confirming > * {
        border-bottom: none;
      }
      table {
        max-width: 900px;
      }
      .add select {
        max-width: 420px;
      }
      .scroll {
        overflow-x: auto;
      }
    `,
  ];

  @property({ attribute: false }) topicId = 0;
  @property({ attribute: false }) workspace!: Workspace;
  @state() private members: Membership[] | null = null;
  @state() private agents: Associate[] = [];
  @state() private saving = new Set<number>();
  @state() private confirm: Confirm | null = null;
  @state() private error = '';
  @state() private saved = '';
  @state() private loadError = '';
  @state() private adding: number | null = null;
  @state() private addRights: Rights = { ...newcomerRights };
  @state() private addBusy = false;

  private loading = 0;
  /** The rights as the server last answered them, by agent. */
  private stored = new Map<number, Rights>();
  /** The changes on their way, by agent: each waits for the one before. */
  private queues = new Map<number, Promise<void>>();

  override focus() {
    this.renderRoot.querySelector<HTMLElement>('#agents-heading')?.focus();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('topicId') && this.topicId) {
      this.confirm = null;
      this.error = '';
      this.saved = '';
      this.adding = null;
      this.addRights = { ...newcomerRights };
      this.members = null;
      void this.reload();
    }
  }

  /** Reads the topic's members and the agents again. */
  async reload() {
    const loading = ++this.loading;
    try {
      const [members, agents] = await Promise.all([api.members(this.topicId), api.agents()]);
      if (loading !== this.loading) return;
      this.members = members.sort((a, b) => agentName(a.User).localeCompare(agentName(b.User)));
      this.stored = new Map(members.map((member) => [member.User.AssociateId, inEffect(member)]));
      this.agents = agents.filter((agent) => !agent.Deleted).sort((a, b) => agentName(a).localeCompare(agentName(b)));
      this.loadError = '';
      const candidates = this.candidates;
      if (this.adding === null || !candidates.some((agent) => agent.AssociateId === this.adding)) this.adding = candidates[0]?.AssociateId ?? null;
    } catch (error) {
      if (loading === this.loading) this.loadError = `Could not read the topic’s agents: ${reasonOf(error)}`;
    }
  }

  /** Agents who are not members of the topic yet. */
  private get candidates(): Associate[] {
    const members = new Set((this.members ?? []).map((member) => member.User.AssociateId));
    return this.agents.filter((agent) => !members.has(agent.AssociateId));
  }

  private get topicName(): string {
    return this.workspace.topics.get(this.topicId)?.Name || `topic ${this.topicId}`;
  }

  private isMe(member: Membership) {
    return member.User.AssociateId === this.workspace.me.AssociateId;
  }

  /** Whether anyone other than this member manages the topic. */
  private othersManage(member: Membership) {
    return (this.members ?? []).some((other) => other.User.AssociateId !== member.User.AssociateId && other.CanManage);
  }

  private notify(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  private rightsChanged(member: Membership) {
    this.dispatchEvent(new CustomEvent('console-rights-changed', { detail: { topicId: this.topicId, mine: this.isMe(member) }, bubbles: true, composed: true }));
  }

  private async focusSoon(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private handleRight(member: Membership, right: Right, event: Event) {
    const on = (event.target as HTMLInputElement).checked;
    const next = { ...inEffect(member), [right]: on };
    if (right === 'CanManage' && !on && this.isMe(member)) {
      this.confirm = { kind: 'stop-managing', member, next };
      void this.focusSoon('#confirm-keep');
      return;
    }
    void this.save(member, next);
  }

  /**
   * Shows the change at once and saves it. Changes to one agent are sent one after another,
   * each with all of its rights as shown, so a quick second click never undoes the first; a
   * refused one puts back the rights the server last answered.
   */
  private async save(member: Membership, next: Rights) {
    const id = member.User.AssociateId;
    const wanted = inEffect(next);
    this.members = (this.members ?? []).map((entry) => (entry.User.AssociateId === id ? { ...entry, ...wanted } : entry));
    this.saving = new Set(this.saving).add(id);
    this.error = '';
    this.saved = '';
    const run: Promise<void> = (this.queues.get(id) ?? Promise.resolve()).then(async () => {
      try {
        const answered = await api.setMember(this.topicId, { AssociateId: id, ...wanted });
        this.stored.set(id, inEffect(answered));
        if (this.queues.get(id) === run) {
          this.saved = `Saved: ${agentName(member.User)} may ${rightsInWords(answered)} in ${this.topicName}.`;
          if (this.isMe(member) && !answered.CanManage) this.notify(`You no longer manage ${this.topicName}.`);
        }
        this.rightsChanged(member);
      } catch (error) {
        this.error = `${agentName(member.User)}’s rights were not changed: ${reasonOf(error)}`;
        const known = this.stored.get(id);
        if (known) this.members = (this.members ?? []).map((entry) => (entry.User.AssociateId === id ? { ...entry, ...known } : entry));
      }
    });
    this.queues.set(id, run);
    await run;
    if (this.queues.get(id) === run) {
      this.queues.delete(id);
      const saving = new Set(this.saving);
      saving.delete(id);
      this.saving = saving;
    }
  }

  private handleAskRemove(member: Membership) {
    if (this.saving.has(member.User.AssociateId)) return;
    this.confirm = { kind: 'remove', member };
    void this.focusSoon('#confirm-keep');
  }

  private handleKeep() {
    const confirm = this.confirm;
    this.confirm = null;
    if (!confirm) return;
    const id = confirm.member.User.AssociateId;
    void this.focusSoon(confirm.kind === 'remove' ? `#remove-${id}` : `#right-${id}-CanManage`);
  }

  private async handleConfirmed() {
    const confirm = this.confirm;
    if (!confirm) return;
    this.confirm = null;
    // The question goes: the cursor goes back to the row while the change is saved.
    const id = confirm.member.User.AssociateId;
    void this.focusSoon(confirm.kind === 'stop-managing' ? `#right-${id}-CanManage` : `#remove-${id}`);
    if (confirm.kind === 'stop-managing') await this.save(confirm.member, confirm.next);
    else await this.removeMember(confirm.member);
  }

  private async removeMember(member: Membership) {
    const id = member.User.AssociateId;
    const members = this.members ?? [];
    const at = members.findIndex((entry) => entry.User.AssociateId === id);
    this.saving = new Set(this.saving).add(id);
    this.error = '';
    this.saved = '';
    try {
      await api.removeMember(this.topicId, member.User.UserName || String(id));
      this.members = members.filter((entry) => entry.User.AssociateId !== id);
      this.saved = `${agentName(member.User)} is no longer an agent of ${this.topicName}.`;
      if (this.isMe(member)) this.notify(`You left ${this.topicName}.`);
      this.rightsChanged(member);
      void this.reload();
      // The cursor goes to the next member's Remove, else the previous one's, else the form to add one.
      const next = this.members[at] ?? this.members[at - 1];
      void this.focusSoon(next ? `#remove-${next.User.AssociateId}` : '#add-agent');
    } catch (error) {
      this.error = `${agentName(member.User)} was not removed: ${reasonOf(error)}`;
      void this.focusSoon(`#remove-${id}`);
    } finally {
      const saving = new Set(this.saving);
      saving.delete(id);
      this.saving = saving;
    }
  }

  private handleAddRight(right: Right, on: boolean) {
    this.addRights = { ...inEffect(this.addRights), [right]: on };
  }

  private async handleAdd(event: SubmitEvent) {
    event.preventDefault();
    const agent = this.candidates.find((candidate) => candidate.AssociateId === this.adding);
    if (!agent || this.addBusy) return;
    this.addBusy = true;
    this.error = '';
    this.saved = '';
    try {
      const stored = await api.setMember(this.topicId, { AssociateId: agent.AssociateId, ...inEffect(this.addRights) });
      const member: Membership = { ...stored, User: stored.User ?? agent };
      this.members = [...(this.members ?? []), member].sort((a, b) => agentName(a.User).localeCompare(agentName(b.User)));
      this.saved = `${agentName(agent)} is now an agent of ${this.topicName} and may ${rightsInWords(member)}.`;
      this.notify(`${agentName(agent)} was added to ${this.topicName}.`);
      this.adding = this.candidates[0]?.AssociateId ?? null;
      this.addRights = { ...newcomerRights };
      this.rightsChanged(member);
      void this.focusSoon(this.adding === null ? `#right-${agent.AssociateId}-CanListen` : '#add-agent');
    } catch (error) {
      this.error = `${agentName(agent)} was not added: ${reasonOf(error)}`;
    } finally {
      this.addBusy = false;
    }
  }

  private renderConfirm(confirm: Confirm) {
    const member = confirm.member;
    const me = this.isMe(member);
    const alone = !this.othersManage(member);
    const topic = this.topicName;
    const what =
      confirm.kind === 'stop-managing'
        ? `Stop managing ${topic}? It leaves the Manage view, and only another manager can give you the right back.`
        : me
          ? `Leave ${topic}? You will no longer get its chats or manage it, and only another manager can add you again.`
          : `Remove ${agentName(member.User)} from ${topic}? They will no longer get its chats.`;
    const warning = me && alone ? ` You are its only manager: nobody could manage it after this.` : '';
    return html`<div class="confirm" role="group" aria-labelledby="confirm-text">
      <p id="confirm-text"><strong>${what}</strong>${warning}</p>
      <div class="actions">
        <button id="confirm-keep" class="primary" @click=${this.handleKeep}>${confirm.kind === 'stop-managing' ? 'Keep managing' : 'Cancel'}</button>
        <button class="danger" @click=${this.handleConfirmed}>
          ${confirm.kind === 'stop-managing' ? 'Stop managing' : me ? `Leave ${topic}` : `Remove ${agentName(member.User)}`}
        </button>
      </div>
    </div>`;
  }

  private renderRights(member: Membership) {
    const id = member.User.AssociateId;
    const shown = this.confirm?.kind === 'stop-managing' && this.confirm.member.User.AssociateId === id ? this.confirm.next : inEffect(member);
    const busy = this.confirm !== null;
    return rights.map(({ key, label }) => {
      const includer = includedIn(key, member);
      return html`<td class="centre">
        <input
          id="right-${id}-${key}"
          type="checkbox"
          aria-label="${label}: ${agentName(member.User)}"
          .checked=${live(shown[key])}
          ?disabled=${busy || includer !== null}
          aria-describedby=${includer ? `included-${includer}` : nothing}
          @change=${(event: Event) => this.handleRight(member, key, event)}
        />
      </td>`;
    });
  }

  private renderMember(member: Membership) {
    const id = member.User.AssociateId;
    const confirming = this.confirm?.member.User.AssociateId === id;
    const name = agentName(member.User);
    return html`<tr class=${confirming ? 'confirming' : ''}>
        <th scope="row">
          <span class="who">
            <span class="name">${name}${this.isMe(member) ? ' (you)' : ''}</span>
            ${member.User.UserName && member.User.UserName !== name ? html`<span class="muted">${member.User.UserName}</span>` : nothing}
          </span>
        </th>
        ${this.renderRights(member)}
        <td>
          <button
            id="remove-${id}"
            class="danger"
            ?disabled=${this.confirm !== null}
            aria-disabled=${this.saving.has(id) ? 'true' : 'false'}
            aria-label="Remove ${name}" @click=${() => this.handleAskRemove(member)}>
            Remove
          </button>
          ${this.saving.has(id) ? html`<span class="busy">Saving…</span>` : nothing}
        </td>
      </tr>
      ${confirming
        ? html`<tr>
            <td colspan=${rights.length + 2}>${this.renderConfirm(this.confirm!)}</td>
          </tr>`
        : nothing}`;
  }

  private renderAdd() {
    const candidates = this.candidates;
    const topic = this.topicName;
    if (candidates.length === 0) {
      return html`<section aria-labelledby="add-heading">
        <h3 id="add-heading">Add an agent to ${topic}</h3>
        <p class="muted">Every agent is an agent of ${topic}. To add someone new, use New agent.</p>
      </section>`;
    }
    return html`<form class="add" @submit=${this.handleAdd} aria-labelledby="add-heading">
      <h3 id="add-heading">Add an agent to ${topic}</h3>
      <div class="field">
        <label for="add-agent">Agent</label>
        <select id="add-agent" @change=${(event: Event) => (this.adding = Number((event.target as HTMLSelectElement).value))}>
          ${candidates.map(
            (agent) =>
              html`<option value=${agent.AssociateId} ?selected=${agent.AssociateId === this.adding}>
                ${agentName(agent)}${agent.UserName && agent.UserName !== agentName(agent) ? ` (${agent.UserName})` : ''}
              </option>`,
          )}
        </select>
      </div>
      <fieldset>
        <legend>What they may do in ${topic}</legend>
        ${rightsChoice('add', this.addRights, (right, on) => this.handleAddRight(right, on))}
      </fieldset>
      <div class="actions">
        <button class="primary" aria-disabled=${this.addBusy ? 'true' : 'false'}>${this.addBusy ? 'Adding…' : `Add to ${topic}`}</button>
      </div>
    </form>`;
  }

  override render() {
    const topic = this.topicName;
    const heading = html`<h3 id="agents-heading" tabindex="-1">Agents of ${topic}</h3>`;
    if (this.loadError) return html`${heading}<p class="alert" role="alert">${this.loadError}</p>`;
    if (this.members === null) return html`${heading}<p class="muted" role="status">Loading the agents…</p>`;
    return html`<section class="stack" aria-labelledby="agents-heading">
        <div class="head">
          ${heading}
          <p class="hint" id="agents-hint">
            ${rights.map(({ label, does }, index) => html`${index > 0 ? ' · ' : ''}<strong>${label}</strong>: ${does}`)}. Manage includes Respond, and Respond
            includes Listen. A change is saved as soon as you make it.
          </p>
          <span class="visually-hidden" id="included-CanManage">Included in ${labelOf('CanManage')}.</span>
          <span class="visually-hidden" id="included-CanRespond">Included in ${labelOf('CanRespond')}.</span>
          <div role="alert">${this.error ? html`<p class="alert">${this.error}</p>` : nothing}</div>
          <p class="saved" role="status">${this.saved}</p>
        </div>
        ${this.members.length === 0
          ? html`<p class="muted">${topic} has no agents.</p>`
          : html`<div class="scroll">
              <table aria-describedby="agents-hint">
                <caption class="visually-hidden">
                  The agents of ${topic} and their rights
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    ${rights.map(({ label }) => html`<th scope="col" class="centre">${label}</th>`)}
                    <th scope="col"><span class="visually-hidden">Remove</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${this.members.map((member) => this.renderMember(member))}
                </tbody>
              </table>
            </div>`}
      </section>
      ${this.renderAdd()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-topic-agents': ConsoleTopicAgents;
  }
  interface GlobalEventHandlersEventMap {
    'console-rights-changed': CustomEvent<{ topicId: number; mine: boolean }>;
  }
}
