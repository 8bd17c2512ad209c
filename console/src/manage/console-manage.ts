import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ChatTopic } from '../api.ts';
import { base } from '../styles.ts';
import { confirmStyles } from './forms.ts';
import type { Workspace } from '../workspace.ts';
import './console-add-agent.ts';
import './console-agent-access.ts';
import './console-canned-replies.ts';
import './console-topic-agents.ts';
import type { ConsoleTopicAgents } from './console-topic-agents.ts';
import './console-topic-settings.ts';
import type { ConsoleTopicSettings } from './console-topic-settings.ts';

type Section = 'settings' | 'agents' | 'replies' | 'new-agent' | 'access';

const sections: [Section, string][] = [
  ['settings', 'Settings'],
  ['agents', 'Agents'],
  ['replies', 'Canned replies'],
  ['new-agent', 'New agent'],
  ['access', 'Access'],
];

/**
 * For managers: the topics they manage, and for the one chosen its settings, its agents and
 * their rights, its canned replies, and a form to add an agent to the console; and the
 * access of every agent of the console (sign-ins, tokens, password, removing them).
 *
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-manage')
export class ConsoleManage extends LitElement {
  static override styles = [
    base,
    confirmStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: 260px minmax(0, 1fr);
        height: 100%;
        min-height: 0;
      }
      .topics {
        padding: 14px;
        border-inline-end: 1px solid var(--line);
        background: var(--bg);
        overflow-y: auto;
      }
      .topic {
        width: 100%;
        text-align: start;
        display: grid;
        gap: 2px;
      }
      .topic .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .topic .muted {
        font-size: 0.86rem;
        overflow-wrap: anywhere;
      }
      .detail {
        padding: 14px 18px 0;
        overflow-y: auto;
        min-width: 0;
      }
      .detail > header {
        display: grid;
        gap: 10px;
        margin-bottom: 16px;
      }
      .detail h2 {
        font-size: 1.2rem;
        margin: 0;
        overflow-wrap: anywhere;
      }
      .detail h2:focus {
        outline: none;
      }
      .detail h2:focus-visible {
        outline: 3px solid var(--focus);
      }
      .sections {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        border-bottom: 1px solid var(--line);
        padding-bottom: 8px;
      }
      .sections button[aria-current='page'] {
        font-weight: 600;
      }
      .confirm {
        margin-top: 12px;
      }
      .detail > div {
        padding-bottom: 24px;
      }
      #panel-settings {
        padding-bottom: 0;
      }
      .empty {
        padding: 24px;
      }
      @media (max-width: 800px) {
        /* One column that scrolls as a whole: the topics, then the chosen one. */
        :host {
          display: block;
          overflow-y: auto;
        }
        .topics {
          overflow: visible;
          border-inline-end: none;
          border-bottom: 1px solid var(--line);
        }
        .detail {
          overflow: visible;
        }
      }
    `,
  ];

  @property({ attribute: false }) workspace!: Workspace;
  @query('console-topic-settings') private settings?: ConsoleTopicSettings;
  @query('console-topic-agents') private agents?: ConsoleTopicAgents;
  @query('#topic-heading') private topicHeading?: HTMLElement;
  @state() private chosen: number | null = null;
  @state() private section: Section = 'settings';
  /** A topic asked for while the settings of this one have changes not saved. */
  @state() private leavingFor: number | null = null;

  private unsubscribe: (() => void) | null = null;
  /** The managed topics as last drawn, to draw again only when they change. */
  private drawn = '';

  override connectedCallback() {
    super.connectedCallback();
    // Loaded when first opened, the element may be connected before it is given the workspace.
    if (this.workspace) this.subscribe();
  }

  private subscribe() {
    this.unsubscribe?.();
    this.unsubscribe = this.workspace.onChange(() => {
      const now = this.managedKey();
      if (now !== this.drawn) this.requestUpdate();
    });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The topics the agent manages, by name. */
  private get managed(): ChatTopic[] {
    return [...this.workspace.topics.values()]
      .filter((topic) => this.workspace.manages(topic.ChatTopicId))
      .sort((a, b) => a.Name.localeCompare(b.Name) || a.ChatTopicId - b.ChatTopicId);
  }

  private managedKey(): string {
    return JSON.stringify(this.managed.map((topic) => [topic.ChatTopicId, topic.Name, topic.Description]));
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('workspace')) this.subscribe();
    this.drawn = this.managedKey();
    const managed = this.managed;
    if (this.chosen === null || !managed.some((topic) => topic.ChatTopicId === this.chosen)) this.chosen = managed[0]?.ChatTopicId ?? null;
  }

  private handleChoose(topicId: number) {
    if (topicId === this.chosen) return;
    if (this.settings?.dirty) {
      this.leavingFor = topicId;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('#stay')?.focus());
      return;
    }
    this.choose(topicId);
  }

  private choose(topicId: number) {
    this.leavingFor = null;
    this.chosen = topicId;
  }

  private handleDiscard() {
    if (this.leavingFor === null) return;
    this.choose(this.leavingFor);
    void this.updateComplete.then(() => this.topicHeading?.focus());
  }

  private handleStay() {
    this.leavingFor = null;
    this.section = 'settings';
    void this.updateComplete.then(() => this.settings?.focus());
  }

  /** Up and down move between the topics, Home and End to the first and last. */
  private handleTopicKey(event: KeyboardEvent) {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.topic')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus();
  }

  private async handleRightsChanged(event: CustomEvent<{ topicId: number; mine: boolean }>) {
    // The agent changed its own rights: what it manages may have changed with them.
    if (!event.detail.mine) return;
    const before = this.chosen;
    try {
      await this.workspace.loadTopics();
    } catch {
      // The list stays as it was; the next change of the workspace reads it again.
    }
    this.requestUpdate();
    await this.updateComplete;
    // The topic left the list with the right to manage it: the cursor goes to what is shown instead.
    if (this.chosen !== before) this.renderRoot.querySelector<HTMLElement>('#topic-heading, #manage-heading')?.focus();
  }

  private handleMembersChanged() {
    void this.agents?.reload();
  }

  private handleShowAgents() {
    this.section = 'agents';
    void this.updateComplete.then(() => this.agents?.focus());
  }

  private renderTopics(managed: ChatTopic[]) {
    return html`<nav class="topics" aria-labelledby="topics-heading">
      <h2 id="topics-heading">Topics you manage</h2>
      <ul class="choices" @keydown=${this.handleTopicKey}>
        ${managed.map(
          (topic) => html`<li>
            <button class="topic" aria-current=${topic.ChatTopicId === this.chosen ? 'true' : 'false'} @click=${() => this.handleChoose(topic.ChatTopicId)}>
              <span class="name">${topic.Name || `Topic ${topic.ChatTopicId}`}</span>
              ${topic.Description ? html`<span class="muted">${topic.Description}</span>` : nothing}
            </button>
          </li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderLeaving(topic: ChatTopic | undefined) {
    if (this.leavingFor === null) return nothing;
    const next = this.workspace.topics.get(this.leavingFor);
    return html`<div class="confirm" role="group" aria-labelledby="leaving-text">
      <p id="leaving-text">
        The settings of ${topic?.Name ?? 'this topic'} have changes that are not saved. Go to ${next?.Name ?? 'the other topic'} and
        discard them?
      </p>
      <div class="actions">
        <button id="stay" class="primary" @click=${this.handleStay}>Stay and save them</button>
        <button class="danger" @click=${this.handleDiscard}>Discard changes</button>
      </div>
    </div>`;
  }

  override render() {
    const managed = this.managed;
    if (managed.length === 0) {
      return html`<section class="empty" aria-labelledby="manage-heading">
        <h2 id="manage-heading" tabindex="-1">Manage</h2>
        <p class="muted">You do not manage any topic. Another manager can give you the right to manage one.</p>
      </section>`;
    }
    const topicId = this.chosen!;
    const topic = this.workspace.topics.get(topicId);
    const name = topic?.Name || `Topic ${topicId}`;
    return html`${this.renderTopics(managed)}
      <section class="detail" aria-labelledby="topic-heading">
        <header>
          <h2 id="topic-heading" tabindex="-1">${name}</h2>
          <nav class="sections" aria-label="Manage ${name}">
            ${sections.map(
              ([section, label]) =>
                html`<button aria-current=${this.section === section ? 'page' : 'false'} aria-controls="panel-${section}" @click=${() => (this.section = section)}>
                  ${label}
                </button>`,
            )}
          </nav>
          ${this.renderLeaving(topic)}
        </header>
        <div id="panel-settings" ?hidden=${this.section !== 'settings'}>
          <console-topic-settings .topicId=${topicId} .workspace=${this.workspace} @console-topic-saved=${() => this.requestUpdate()}></console-topic-settings>
        </div>
        <div id="panel-agents" ?hidden=${this.section !== 'agents'}>
          <console-topic-agents
            .topicId=${topicId}
            .workspace=${this.workspace}
            @console-rights-changed=${this.handleRightsChanged}
          ></console-topic-agents>
        </div>
        <div id="panel-replies" ?hidden=${this.section !== 'replies'}>
          <console-canned-replies .topicId=${topicId} .workspace=${this.workspace}></console-canned-replies>
        </div>
        <div id="panel-new-agent" ?hidden=${this.section !== 'new-agent'}>
          <console-add-agent
            .topicId=${topicId}
            .topicName=${name}
            @console-members-changed=${this.handleMembersChanged}
            @console-show-agents=${this.handleShowAgents}
          ></console-add-agent>
        </div>
        <div id="panel-access" ?hidden=${this.section !== 'access'}>
          <console-agent-access
            .workspace=${this.workspace}
            ?active=${this.section === 'access'}
            @console-agent-removed=${this.handleMembersChanged}
          ></console-agent-access>
        </div>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-manage': ConsoleManage;
  }
}
