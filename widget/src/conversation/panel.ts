/**
 * What `<chat-widget>`'s panel shows once the chat opens, rendered into the widget's own shadow
 * root: the status line (the place in the queue, who the visitor chats with, that the
 * connection is being found again, or that the chat ended), the conversation, the post-chat form
 * and a button for a new chat once the chat has ended, and the offline form instead of the
 * pre-chat form when nobody can chat. It ships with the conversation: the widget's first module
 * holds what a page needs before the chat opens, and the form. The forms around a chat (offline,
 * post-chat, the transcript) are a module of their own, loaded here when one is wanted.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ChatSessionFieldName, ChatTopicWidgetInfo } from '@chatline/shared';
import type { ChatHost } from '../controllers/host.ts';
import type { Topic } from '../controllers/topic.ts';
import type { ConversationMessages } from '../locale.ts';
import type { ConversationTarget, LivePhase } from './chat-conversation.ts';

let forms: Promise<unknown> | null = null;

/**
 * Loads the forms' module (chat-forms.js) once; its elements upgrade where they are rendered
 * already. One that could not be had is asked for again at the next render.
 */
export function loadForms(): Promise<unknown> {
  return (forms ??= import('../forms/chat-forms.ts').catch(() => (forms = null)));
}

/** An average wait as the topic's queue text says it: `m:ss`, or `h:mm:ss` from an hour. */
export function formatWait(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

/**
 * The place in the queue, in the topic's own words when it has them (`{cque}` the place,
 * `{cavw}` the average wait); the widget's own when they need an average there is none of yet.
 */
function queueLine(position: number, info: ChatTopicWidgetInfo | null, w: ConversationMessages): string {
  const text = info?.CustomQueueTextEnabled ? info.CustomQueueText.trim() : '';
  const wait = info?.AverageWaitSeconds;
  if (!text || (/\{cavw\}/i.test(text) && typeof wait !== 'number')) return w.queued(position);
  return text.replace(/\{cque\}/gi, String(position)).replace(/\{cavw\}/gi, () => formatWait(wait!));
}

/** The status line, in the widget's polite live region. */
export function renderStatus(phase: LivePhase, w: ConversationMessages, info: ChatTopicWidgetInfo | null): TemplateResult {
  if (phase.name === 'ended') return html`<p class="ended" id="ended">${phase.left ? w.messageLeft : w.ended}</p>`;
  // Said politely, as what is happening, not as an error: the widget finds the connection again by itself.
  const reconnecting = phase.connection === 'reconnecting' ? html`<p class="connection">${w.reconnecting}</p>` : nothing;
  return phase.name === 'queued'
    ? html`<p class="queued" tabindex="-1">${queueLine(phase.position, info, w)}</p>
        <p>${w.queuedHint}</p>
        ${reconnecting}`
    : html`<p class="chatting">${w.chatting(phase.agent)}</p>
        ${reconnecting}`;
}

/** Whether the topic asks the visitor to rate a chat: its rating, or its post-chat form. */
export const asksRating = (info: ChatTopicWidgetInfo | null): boolean => !!(info?.WidgetEnableRating || info?.Widget.PostFormEnabled);

/** The post-chat form, for a chat that was one (with an agent, ended as Closed): the rating, if not given yet, and the transcript. */
function renderAfter(chat: ConversationTarget, phase: LivePhase & { name: 'ended' }, topic: Topic, w: ConversationMessages): TemplateResult | typeof nothing {
  const { info } = topic;
  const askRating = asksRating(info) && !chat.session.Rating;
  if (!['Closed', 'Finished'].includes(phase.status) || !(askRating || info?.Widget.PostTranscriptEnabled)) return nothing;
  void loadForms();
  return html`<chat-postchat-form
    class="next"
    .chat=${chat}
    .info=${info}
    .askRating=${askRating}
    .words=${w}
    .language=${topic.language}
    .direction=${topic.words.dir}
  ></chat-postchat-form>`;
}

/**
 * The conversation, and once it has ended the post-chat form and a new chat. The handlers are
 * the widget's: Lit calls them on the element whose template this is. Where focus goes on to
 * when the chat ends is marked `next`: the post-chat form, the conversation that says the message
 * left from the queue was received, or the new chat.
 */
export function renderChat(
  chat: ConversationTarget,
  phase: LivePhase,
  open: boolean,
  topic: Topic,
  w: ConversationMessages,
  handleState: (event: CustomEvent<LivePhase>) => void,
  handleNewChat: () => void,
): TemplateResult {
  const { info } = topic;
  // The post-chat form's module comes while the chat goes on: it is there, and takes focus, when the chat ends.
  if (asksRating(info) || info?.Widget.PostTranscriptEnabled) void loadForms();
  const after = phase.name === 'ended' ? renderAfter(chat, phase, topic, w) : nothing;
  return html`<chat-conversation
      exportparts="composer, send, end"
      class=${after !== nothing ? 'after' : phase.name === 'ended' && phase.left ? 'next' : ''}
      .chat=${chat}
      .words=${w}
      .language=${topic.language}
      .topic=${topic}
      .open=${open}
      @chat-conversation-state=${handleState}
    ></chat-conversation>
    ${phase.name === 'ended'
      ? html`${after}
          <button class="new-chat next accent primary" type="button" aria-describedby="ended" @click=${handleNewChat}>${w.newChat}</button>`
      : nothing}`;
}

/**
 * The offline form, in place of the pre-chat form while nobody can chat: the topic is outside
 * its opening hours, or no agent is there. It sends itself; the widget keeps nothing of it.
 */
export function renderOffline(
  widget: ChatHost,
  topic: Topic,
  w: ConversationMessages,
  prefilled: Partial<Record<ChatSessionFieldName, unknown>>,
): TemplateResult {
  void loadForms();
  return html`<chat-offline-form
    class="next"
    exportparts="form, field, submit"
    .widget=${widget}
    .source=${topic}
    .words=${w}
    .prefilled=${prefilled}
  ></chat-offline-form>`;
}
