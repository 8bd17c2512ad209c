/** The widget bundle's entry: defines `<chat-widget>`. */
export { ChatWidget } from './chat-widget/chat-widget.ts';
export type {
  ChatEndedDetail,
  ChatEndedEvent,
  ChatErrorDetail,
  ChatErrorEvent,
  ChatMessageEvent,
  ChatRequestSentDetail,
  ChatRequestSentEvent,
  ChatSessionCreatedDetail,
  ChatSessionCreatedEvent,
} from './events.ts';
