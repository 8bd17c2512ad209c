/**
 * What the manager's forms share: the rights of a topic's member and how they include one
 * another, the server's refusals field by field, the words for a field's problem, and the
 * styles of forms, fieldsets and tables.
 */
import type { FieldError } from '@chatline/shared';
import { css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { ConsoleError, type Membership } from '../api.ts';

export type Right = 'CanListen' | 'CanRespond' | 'CanManage' | 'CanNotify';
export type Rights = Pick<Membership, Right>;

/** The rights in the order the tables show them, with what each lets a member do. */
export const rights: readonly { key: Right; label: string; does: string; verb: string }[] = [
  { key: 'CanListen', label: 'Listen', does: 'read the topic’s chats and follow them live', verb: 'listen' },
  { key: 'CanRespond', label: 'Respond', does: 'pick up chats and answer them', verb: 'respond' },
  { key: 'CanManage', label: 'Manage', does: 'take over or hand on chats, and manage the topic, its agents and replies', verb: 'manage' },
  { key: 'CanNotify', label: 'Notify', does: 'be alerted when a visitor waits', verb: 'be alerted' },
];

/** The right that includes this one, as the server counts them (managing includes responding, responding includes listening). */
export function includedIn(right: Right, member: Rights): Right | null {
  if (right === 'CanListen') return member.CanManage ? 'CanManage' : member.CanRespond ? 'CanRespond' : null;
  if (right === 'CanRespond') return member.CanManage ? 'CanManage' : null;
  return null;
}

/** The rights as they are in effect: a right that another includes is on. */
export const inEffect = (member: Rights): Rights => ({
  CanListen: member.CanListen || member.CanRespond || member.CanManage,
  CanRespond: member.CanRespond || member.CanManage,
  CanManage: member.CanManage,
  CanNotify: member.CanNotify,
});

export const labelOf = (right: Right) => rights.find((entry) => entry.key === right)!.label;

/** What a member may do, in words: "listen, respond and be alerted", or "do nothing". */
export function rightsInWords(member: Rights): string {
  const on = rights.filter((entry) => inEffect(member)[entry.key]).map((entry) => entry.verb);
  if (on.length === 0) return 'do nothing';
  return on.length === 1 ? on[0]! : `${on.slice(0, -1).join(', ')} and ${on.at(-1)}`;
}

/** The name an agent is known by here. */
export const agentName = (agent: { FullName?: string; Name?: string; UserName?: string }) => agent.FullName || agent.Name || agent.UserName || 'An agent';

/**
 * The server's refusals by field, when the error carries them (`FieldErrors` of the error
 * body, as `ConsoleError.fieldErrors`); none otherwise.
 */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const carried = error instanceof ConsoleError ? (error as ConsoleError & { fieldErrors?: unknown }).fieldErrors : undefined;
  return Array.isArray(carried) ? (carried as FieldError[]).filter((entry) => typeof entry?.Field === 'string') : [];
}

/** What went wrong, in words for the status line or an alert. */
export function reasonOf(error: unknown): string {
  if (error instanceof ConsoleError && error.status === 0) return 'The server did not answer. Try again.';
  if (error instanceof ConsoleError && error.status === 403) return `${error.message} You may not do this in this topic.`.trim();
  return (error as Error).message || 'Something went wrong.';
}

/** "12 characters" or "1 character". */
export const characters = (count: number) => `${count} ${count === 1 ? 'character' : 'characters'}`;

/** Lines of a text area, trimmed, blank ones left out. */
export const linesOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * Checkboxes for the rights a member is to have, each with what it lets them do; a right that
 * another one includes is shown on, and cannot be turned off while that one is on.
 */
export function rightsChoice(prefix: string, value: Rights, onChange: (right: Right, on: boolean) => void) {
  const shown = inEffect(value);
  return html`<div class="rights">
    ${rights.map(({ key, label, does }) => {
      const includer = includedIn(key, value);
      const id = `${prefix}-${key}`;
      return html`<div class="check">
        <input
          id=${id}
          type="checkbox"
          .checked=${live(shown[key])}
          ?disabled=${includer !== null}
          aria-describedby="${id}-does"
          @change=${(event: Event) => onChange(key, (event.target as HTMLInputElement).checked)}
        />
        <span>
          <label for=${id}>${label}</label>
          <span class="hint" id="${id}-does">${does}${includer ? ` (included in ${labelOf(includer)})` : nothing}</span>
        </span>
      </div>`;
    })}
  </div>`;
}

/** The styles of the manager's forms, on top of `base`. */
/** The box that asks "are you sure" before something that is hard to undo, with its answers in `.actions`. */
export const confirmStyles = css`
  .confirm {
    display: grid;
    gap: 8px;
    padding: 10px 12px;
    border: 2px solid var(--danger);
    border-radius: 8px;
    background: var(--panel);
  }
  .confirm p {
    margin: 0;
  }
  .confirm .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
`;

export const formStyles = css`
  h3 {
    font-size: 1rem;
    margin: 0 0 8px;
  }
  form,
  .stack {
    display: grid;
    gap: 14px;
  }
  fieldset {
    border: 1px solid var(--line);
    border-radius: 8px;
    margin: 0;
    padding: 10px 14px 14px;
    display: grid;
    gap: 12px;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  .field {
    display: grid;
    gap: 4px;
    max-width: 640px;
  }
  .field > label {
    font-weight: 600;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .hint {
    font-size: 0.86rem;
    color: var(--muted);
    margin: 0;
  }
  .field-error {
    font-size: 0.9rem;
    color: var(--danger);
    margin: 0;
    font-weight: 600;
  }
  [aria-invalid='true'] {
    border-color: var(--danger);
    border-width: 2px;
  }
  textarea {
    resize: vertical;
    min-height: 4.5em;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.1em;
    height: 1.1em;
    margin: 0;
    accent-color: var(--accent);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .saved {
    color: var(--ok);
    font-weight: 600;
    margin: 0;
  }
  /* A heading with what is said about the part below it: live regions that are empty take no room. */
  .head > h3 {
    margin: 0;
  }
  .head .hint {
    margin-top: 4px;
  }
  .head .alert,
  .head .saved:not(:empty) {
    margin-block: 8px;
  }
  .alert {
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--danger);
    border-radius: 8px;
    color: var(--danger);
    background: var(--panel);
  }
  .alert .link {
    color: inherit;
    font-weight: 600;
  }
  .alert ul {
    margin: 4px 0 0;
    padding-inline-start: 20px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 6px 10px;
    border-bottom: 1px solid var(--line);
    vertical-align: middle;
  }
  thead th {
    font-size: 0.86rem;
    color: var(--muted);
    font-weight: 600;
  }
  td.centre,
  th.centre {
    text-align: center;
  }
  caption {
    text-align: start;
    padding: 0 0 6px;
  }
  /* Busy, but kept focusable: a control that is disabled while it has the focus loses it. */
  button[aria-disabled='true'] {
    cursor: default;
    opacity: 0.6;
  }
  .rights {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
    gap: 10px 20px;
  }
  .rights .check {
    align-items: flex-start;
  }
  .rights .check input {
    margin-top: 0.2em;
    flex: none;
  }
  .rights .check > span {
    display: grid;
  }
  .rights label {
    font-weight: 600;
  }
  .busy {
    color: var(--muted);
    font-size: 0.86rem;
  }
  .link {
    border: none;
    background: none;
    padding: 0;
    color: var(--accent);
    text-decoration: underline;
  }
`;
