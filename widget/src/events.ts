/** The events `<chat-widget>` dispatches. All bubble and cross the shadow boundary. */

export type ChatSessionCreatedDetail = {
  chatSessionId: number;
  initialQueuePos: number;
};

export type ChatErrorDetail = {
  /** The HTTP status, or 0 when the server could not be reached. */
  status: number;
  message: string;
};

export type ChatSessionCreatedEvent = CustomEvent<ChatSessionCreatedDetail>;
export type ChatErrorEvent = CustomEvent<ChatErrorDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-open': CustomEvent<Record<string, never>>;
    'chat-close': CustomEvent<Record<string, never>>;
    'chat-session-created': ChatSessionCreatedEvent;
    'chat-error': ChatErrorEvent;
  }
}
