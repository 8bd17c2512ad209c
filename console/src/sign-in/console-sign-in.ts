import type { Associate } from '@chatline/shared';
import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ConsoleError } from '../api.ts';
import { base } from '../styles.ts';

/**
 * The sign-in form: user name and password. A wrong one says so and keeps the name.
 *
 * @event console-signed-in - The agent signed in; `detail` is the agent (an Associate).
 */
@customElement('console-sign-in')
export class ConsoleSignIn extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100vh;
        background: var(--bg);
      }
      form {
        display: grid;
        gap: 12px;
        width: min(360px, 92vw);
        padding: 28px;
        border: 1px solid var(--line);
        border-radius: 12px;
        background: var(--panel);
      }
      h1 {
        font-size: 1.4rem;
        margin: 0;
      }
      label {
        display: grid;
        gap: 4px;
        font-weight: 600;
      }
      button {
        padding: 8px;
      }
    `,
  ];

  @query('input[name="user"]') private userInput!: HTMLInputElement;
  @state() private error = '';
  @state() private busy = false;

  override firstUpdated() {
    this.userInput.focus();
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const userName = String(form.get('user') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (userName === '' || password === '') {
      this.error = 'Enter your user name and password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const agent = await api.signIn(userName, password);
      this.dispatchEvent(new CustomEvent<Associate>('console-signed-in', { detail: agent, bubbles: true, composed: true }));
    } catch (error) {
      this.error =
        error instanceof ConsoleError && error.status === 401
          ? 'That user name and password do not match.'
          : error instanceof ConsoleError && error.status === 0
            ? 'The server did not answer. Try again.'
            : (error as Error).message;
      (this.renderRoot.querySelector('input[name="password"]') as HTMLInputElement | null)?.select();
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <main>
        <form @submit=${this.handleSubmit} novalidate aria-describedby="sign-in-error">
          <h1>Chatline console</h1>
          <label>User name <input name="user" autocomplete="username" required autocapitalize="none" spellcheck="false" /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
          <p id="sign-in-error" class="error" role="alert">${this.error}</p>
          <button class="primary" ?disabled=${this.busy}>Sign in</button>
        </form>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-sign-in': ConsoleSignIn;
  }
  interface GlobalEventHandlersEventMap {
    'console-signed-in': CustomEvent<Associate>;
  }
}
