/** The events `<chat-widget>` dispatches. All bubble and cross the shadow boundary. */
import type { ChatMessage, ChatSessionFieldName } from '@chatline/shared';
import type { LivePhase } from './conversation/chat-conversation.ts';

export type ChatSessionCreatedDetail = {
  chatSessionId: number;
  initialQueuePos: number;
};

export type ChatErrorDetail = {
  /** The HTTP status, or 0 when the server could not be reached. */
  status: number;
  message: string;
};

export type ChatEndedDetail = {
  chatSessionId: number;
  /** How it ended: `Closed`, or `ClosedFromQueue` when the visitor left the queue; `Deleted` when the session is gone. */
  status: string;
};

export type ChatRequestSentDetail = {
  chatSessionId: number;
  /** `RequestPosted` from the offline form; `ClosedFromQueue` when the visitor left a message instead of waiting. */
  status: string;
};

/** The pre-chat form's fields, checked by the shared rules: what a new session is created with. */
export type PrechatSubmitDetail = {
  fields: Partial<Record<ChatSessionFieldName, string | boolean>>;
};

export type ChatSessionCreatedEvent = CustomEvent<ChatSessionCreatedDetail>;
export type ChatErrorEvent = CustomEvent<ChatErrorDetail>;
/** A message of the conversation, as the server stores it: `Message` is plain text, to be shown as text. */
export type ChatMessageEvent = CustomEvent<ChatMessage>;
export type ChatEndedEvent = CustomEvent<ChatEndedDetail>;
export type ChatRequestSentEvent = CustomEvent<ChatRequestSentDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-open': CustomEvent<Record<string, never>>;
    'chat-close': CustomEvent<Record<string, never>>;
    'chat-session-created': ChatSessionCreatedEvent;
    'chat-error': ChatErrorEvent;
    'chat-message': ChatMessageEvent;
    'chat-ended': ChatEndedEvent;
    'chat-request-sent': ChatRequestSentEvent;
    /** Internal: `<chat-conversation>` to its `<chat-widget>`, the phase the chat is in. */
    'chat-conversation-state': CustomEvent<LivePhase>;
    /** Internal: `<chat-prechat-form>` to its `<chat-widget>`; it stays inside the widget's shadow root. */
    'chat-prechat-submit': CustomEvent<PrechatSubmitDetail>;
    /** Internal: the queue's "leave a message" form to the conversation, the visitor went back to waiting. */
    'chat-keep-waiting': CustomEvent<Record<string, never>>;
  }
}

type DetailOf<K extends keyof GlobalEventHandlersEventMap> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Dispatches one of the widget's events with its typed detail. It bubbles; `composed` lets it
 * cross shadow boundaries to the page, which only the public events do.
 */
export function emit<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  type: K,
  detail: DetailOf<K>,
  composed = true,
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed }));
}
