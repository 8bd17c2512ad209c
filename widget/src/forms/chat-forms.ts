/**
 * The forms around a chat, loaded after the visitor opens the chat and only when one is wanted:
 * the offline form (the topic cannot chat now), the queue's "leave a message instead", and the
 * post-chat form with the transcript. Built to chat-forms.js; it takes Lit and the widget's
 * helpers from chat-widget.js and the session calls from chat-conversation.js, both loaded then.
 */
export { ChatOfflineForm } from './offline-form.ts';
export { ChatPostchatForm } from './postchat-form.ts';
