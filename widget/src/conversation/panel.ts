/**
 * What `<chat-widget>`'s panel shows once the visitor's chat exists, rendered into the widget's
 * own shadow root: the status line (the place in the queue, who the visitor chats with, that the
 * connection is being found again, or that the chat ended), the conversation, and a button for a
 * new chat once the chat has ended. It ships with the conversation: the widget's first module
 * holds what a page needs before the chat opens, and the form.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ConversationMessages } from '../locale.ts';
import type { ConversationTarget, LivePhase } from './chat-conversation.ts';

/** The status line, in the widget's polite live region. */
export function renderStatus(phase: LivePhase, w: ConversationMessages): TemplateResult {
  if (phase.name === 'ended') return html`<p class="ended" id="ended">${w.ended}</p>`;
  // Said politely, as what is happening, not as an error: the widget finds the connection again by itself.
  const reconnecting = phase.connection === 'reconnecting' ? html`<p class="connection">${w.reconnecting}</p>` : nothing;
  return phase.name === 'queued'
    ? html`<p class="queued" tabindex="-1">${w.queued(phase.position)}</p>
        <p>${w.queuedHint}</p>
        ${reconnecting}`
    : html`<p class="chatting">${w.chatting(phase.agent)}</p>
        ${reconnecting}`;
}

/**
 * The conversation, and a new chat once it has ended. The handlers are the widget's: Lit calls
 * them on the element whose template this is.
 */
export function renderChat(
  chat: ConversationTarget,
  phase: LivePhase,
  open: boolean,
  language: string,
  w: ConversationMessages,
  handleState: (event: CustomEvent<LivePhase>) => void,
  handleNewChat: () => void,
): TemplateResult {
  return html`<chat-conversation
      exportparts="composer, send, end"
      .chat=${chat}
      .words=${w}
      .language=${language}
      .open=${open}
      @chat-conversation-state=${handleState}
    ></chat-conversation>
    ${phase.name === 'ended'
      ? html`<button class="new-chat accent primary" type="button" aria-describedby="ended" @click=${handleNewChat}>${w.newChat}</button>`
      : nothing}`;
}
