import { hasBadCharacters, newAgent, type Associate } from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ConsoleError } from '../api.ts';
import { base } from '../styles.ts';
import { agentName, fieldErrorsOf, confirmStyles, formStyles, inEffect, reasonOf, rightsChoice, rightsInWords, type Right, type Rights } from './forms.ts';

/** The server's rules for a new agent (the same as `npm run admin -- add-agent`). */
const USER_NAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;
const FULL_NAME_MAX = newAgent.field('FullName')!.maxLength!;
const PASSWORD_MIN = newAgent.field('Password')!.minLength!;
const PASSWORD_MAX = newAgent.field('Password')!.maxLength!;

type Field = 'UserName' | 'FullName' | 'Password' | 'Again';
type Errors = Partial<Record<Field, string>>;

const ids: Record<Field, string> = { UserName: 'new-user-name', FullName: 'new-full-name', Password: 'new-password', Again: 'new-password-again' };
const newcomerRights: Rights = { CanListen: true, CanRespond: true, CanManage: false, CanNotify: true };

/** What the agent just added is in the chosen topic: not yet, already (with rights), or added now. */
type Offer = { agent: Associate; member: Rights | null; added: boolean };

/**
 * Adds an agent to the console: a user name, full name and password (typed twice). Then it
 * offers to make the new agent an agent of the chosen topic, with the rights the manager picks.
 *
 * @event console-members-changed - The chosen topic has a new member.
 * @event console-show-agents - The manager asks to see the topic's agents.
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-add-agent')
export class ConsoleAddAgent extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: block;
        max-width: 640px;
      }
      .offer {
        border: 1px solid var(--accent);
        border-radius: 8px;
        padding: 12px 14px;
        background: var(--accent-soft);
        display: grid;
        gap: 10px;
      }
      .offer h3,
      .offer p {
        margin: 0;
      }
      .offer h3:focus {
        outline: none;
      }
      .offer h3:focus-visible {
        outline: 3px solid var(--focus);
      }
      .offer fieldset {
        background: var(--panel);
      }
    `,
  ];

  @property({ attribute: false }) topicId = 0;
  @property({ attribute: false }) topicName = '';
  @state() private errors: Errors = {};
  @state() private alert = '';
  @state() private saved = '';
  @state() private busy = false;
  @state() private offer: Offer | null = null;
  @state() private offerRights: Rights = { ...newcomerRights };

  override willUpdate(changed: PropertyValues<this>) {
    // The offer is for the topic it was made in; another topic gets a fresh one.
    if (changed.has('topicId') && this.offer && !this.offer.added) void this.makeOffer(this.offer.agent);
  }

  private notify(text: string) {
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: text, bubbles: true, composed: true }));
  }

  private async focusSoon(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private values(form: HTMLFormElement): Record<Field, string> {
    const data = new FormData(form);
    const value = (name: Field) => String(data.get(name) ?? '');
    return { UserName: value('UserName').trim(), FullName: value('FullName').trim(), Password: value('Password'), Again: value('Again') };
  }

  private check(values: Record<Field, string>): Errors {
    const errors: Errors = {};
    if (values.UserName === '') errors.UserName = 'Choose a user name: the new agent signs in with it.';
    else if (!USER_NAME.test(values.UserName)) errors.UserName = 'Use 1 to 64 letters, digits or . _ @ + - (no spaces).';
    if (values.FullName.length > FULL_NAME_MAX) errors.FullName = `Use at most ${FULL_NAME_MAX} characters: this has ${values.FullName.length}.`;
    else if (hasBadCharacters(values.FullName)) errors.FullName = 'Remove the control characters or broken characters from the name.';
    if (values.Password === '') errors.Password = 'Choose a password.';
    else if (values.Password.length < PASSWORD_MIN) errors.Password = `Use at least ${PASSWORD_MIN} characters: this has ${values.Password.length}.`;
    else if (values.Password.length > PASSWORD_MAX) errors.Password = `Use at most ${PASSWORD_MAX} characters.`;
    if (!errors.Password && values.Again !== values.Password) errors.Again = 'The two passwords are not the same: type it again.';
    return errors;
  }

  private async showErrors(errors: Errors, alert: string) {
    const count = Object.keys(errors).length;
    this.errors = errors;
    this.alert = alert || `The agent was not added: ${count === 1 ? 'one field needs' : `${count} fields need`} a change.`;
    await this.updateComplete;
    const first = (Object.keys(ids) as Field[]).find((field) => errors[field]);
    this.renderRoot.querySelector<HTMLElement>(first ? `#${ids[first]}` : '.alert')?.focus();
  }

  private handleInput(event: Event) {
    const name = (event.target as HTMLInputElement).name as Field;
    this.saved = '';
    if (this.errors[name] || (name === 'Password' && this.errors.Again)) {
      const rest: Errors = { ...this.errors };
      delete rest[name];
      if (name === 'Password') delete rest.Again;
      this.errors = rest;
    }
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (this.busy) return;
    const values = this.values(form);
    const errors = this.check(values);
    this.saved = '';
    if (Object.keys(errors).length > 0) return this.showErrors(errors, '');
    this.busy = true;
    this.errors = {};
    this.alert = '';
    try {
      const agent = await api.addAgent({ UserName: values.UserName, FullName: values.FullName, Password: values.Password });
      form.reset();
      this.notify(`${agentName(agent)} was added: they can sign in as ${agent.UserName}.`);
      await this.makeOffer(agent);
      void this.focusSoon('#offer-heading');
    } catch (error) {
      const byField: Errors = {};
      for (const problem of fieldErrorsOf(error)) {
        const field = (Object.keys(ids) as Field[]).find((name) => name.toLowerCase() === problem.Field.toLowerCase());
        if (field) byField[field] = problem.Message;
      }
      if (error instanceof ConsoleError && error.status === 409) byField.UserName = `${error.message} Choose another user name.`;
      else if (Object.keys(byField).length === 0 && error instanceof ConsoleError && error.status === 400) {
        // A refusal of one field, without the list: the words say which.
        if (/user name/i.test(error.message)) byField.UserName = error.message;
        else if (/password/i.test(error.message)) byField.Password = error.message;
        else if (/full name/i.test(error.message)) byField.FullName = error.message;
      }
      void this.showErrors(byField, Object.keys(byField).length > 0 ? '' : `The agent was not added: ${reasonOf(error)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Whether the new agent is in the chosen topic yet, and so what to offer. */
  private async makeOffer(agent: Associate) {
    let member: Rights | null = null;
    try {
      member = await api.member(this.topicId, agent.UserName);
    } catch {
      // Not a member (404), or it could not be told: the offer is made, and the server has the last word.
    }
    this.offer = { agent, member, added: false };
    this.offerRights = { ...newcomerRights };
  }

  private handleOfferRight(right: Right, on: boolean) {
    this.offerRights = { ...inEffect(this.offerRights), [right]: on };
  }

  private async handleAddToTopic(event: SubmitEvent) {
    event.preventDefault();
    const offer = this.offer;
    if (!offer || this.busy) return;
    this.busy = true;
    this.alert = '';
    try {
      const stored = await api.setMember(this.topicId, { AssociateId: offer.agent.AssociateId, ...inEffect(this.offerRights) });
      this.offer = { ...offer, member: stored, added: true };
      this.saved = `${agentName(offer.agent)} is now an agent of ${this.topicName} and may ${rightsInWords(stored)}.`;
      this.notify(`${agentName(offer.agent)} was added to ${this.topicName}.`);
      this.dispatchEvent(new CustomEvent('console-members-changed', { detail: { topicId: this.topicId }, bubbles: true, composed: true }));
      void this.focusSoon('#offer-heading');
    } catch (error) {
      this.alert = `${agentName(offer.agent)} was not added to ${this.topicName}: ${reasonOf(error)}`;
      void this.focusSoon('.alert');
    } finally {
      this.busy = false;
    }
  }

  private handleDone() {
    if (this.busy) return;
    this.offer = null;
    this.saved = '';
    void this.focusSoon(`#${ids.UserName}`);
  }

  private handleShowAgents() {
    this.dispatchEvent(new CustomEvent('console-show-agents', { bubbles: true, composed: true }));
  }

  private renderInput(field: Field, label: string, hint: string, attributes: { type?: string; autocomplete: string; required?: boolean }) {
    const id = ids[field];
    const error = this.errors[field];
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        name=${field}
        type=${attributes.type ?? 'text'}
        autocomplete=${attributes.autocomplete}
        autocapitalize="none"
        spellcheck="false"
        ?required=${attributes.required ?? false}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"
        @input=${this.handleInput}
      />
      <p class="hint" id="${id}-hint">${hint}</p>
      ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  private renderOffer(offer: Offer) {
    const name = agentName(offer.agent);
    const topic = this.topicName;
    if (offer.added || offer.member) {
      return html`<section class="offer" aria-labelledby="offer-heading">
        <h3 id="offer-heading" tabindex="-1">${offer.added ? `${name} is an agent of ${topic}` : `${name} is an agent of ${topic} already`}</h3>
        <p>They may ${rightsInWords(offer.member!)} there. Change that, or add them to another topic, under Agents.</p>
        <div class="actions">
          <button class="primary" @click=${this.handleDone}>Add another agent</button>
          <button @click=${this.handleShowAgents}>Show the agents of ${topic}</button>
        </div>
      </section>`;
    }
    return html`<form class="offer" @submit=${this.handleAddToTopic} aria-labelledby="offer-heading">
      <h3 id="offer-heading" tabindex="-1">${name} can now sign in as ${offer.agent.UserName}</h3>
      <p>They are in no topic yet, so they get no chats. Add them to ${topic}?</p>
      <fieldset>
        <legend>What they may do in ${topic}</legend>
        ${rightsChoice('offer', this.offerRights, (right, on) => this.handleOfferRight(right, on))}
      </fieldset>
      <div class="actions">
        <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? 'Adding…' : `Add to ${topic}`}</button>
        <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleDone}>Not now</button>
      </div>
    </form>`;
  }

  override render() {
    return html`<div class="head">
        <div role="alert">${this.alert ? html`<p class="alert" tabindex="-1">${this.alert}</p>` : nothing}</div>
        <p class="saved" role="status">${this.saved}</p>
      </div>
      ${this.offer
        ? this.renderOffer(this.offer)
        : html`<form class="new" @submit=${this.handleSubmit} novalidate aria-labelledby="new-agent-heading">
            <h3 id="new-agent-heading">New agent</h3>
            <p class="hint">Someone who will sign in to this console. They are in no topic until a manager adds them to one.</p>
            <fieldset>
              <legend>Who they are</legend>
              ${this.renderInput('UserName', 'User name', 'What they sign in with: 1 to 64 letters, digits or . _ @ + -, no spaces.', {
                autocomplete: 'off',
                required: true,
              })}
              ${this.renderInput('FullName', 'Full name', `Visitors see it on their messages. At most ${FULL_NAME_MAX} characters.`, { autocomplete: 'off' })}
            </fieldset>
            <fieldset>
              <legend>Their password</legend>
              ${this.renderInput('Password', 'Password', `At least ${PASSWORD_MIN} characters. Tell it to them in person or another safe way.`, {
                type: 'password',
                autocomplete: 'new-password',
                required: true,
              })}
              ${this.renderInput('Again', 'Password again', 'The same password, to be sure of it.', { type: 'password', autocomplete: 'new-password', required: true })}
            </fieldset>
            <div class="actions">
              <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? 'Adding…' : 'Add agent'}</button>
            </div>
          </form>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-add-agent': ConsoleAddAgent;
  }
  interface GlobalEventHandlersEventMap {
    'console-members-changed': CustomEvent<{ topicId: number }>;
    'console-show-agents': CustomEvent<undefined>;
  }
}
