/** The widget bundle's entry: defines `<chat-widget>`. */
export { ChatWidget } from './chat-widget/chat-widget.ts';
export type { ChatErrorDetail, ChatErrorEvent, ChatSessionCreatedDetail, ChatSessionCreatedEvent } from './events.ts';
