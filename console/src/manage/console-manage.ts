import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';

/** For managers: the topics they manage, their agents and rights, and canned replies. */
@customElement('console-manage')
export class ConsoleManage extends LitElement {
  static override styles = [base];
  @property({ attribute: false }) workspace!: Workspace;

  override render() {
    return html`<h2>Manage</h2>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-manage': ConsoleManage;
  }
}
