/**
 * The conversation's words in English, bundled with the conversation (chat-conversation.js),
 * which loads when the chat opens. Another language is a file like this one, with the same keys,
 * built to locales/conversation/xx.js: the widget loads it with the conversation when it speaks it.
 */
export default {
  /** The status line once an agent has the chat; null when the server names no one. */
  queued: (position: number) => `You are number ${position} in the queue.`,
  queuedHint: 'Please keep this page open. Someone will be with you shortly.',
  ended: 'This chat has ended.',
  newChat: 'Start a new chat',
  chatting: (agent: string | null) => (agent ? `You are chatting with ${agent}.` : 'You are connected. Someone will answer you here.'),
  reconnecting: 'The connection was lost. Reconnecting… You can keep writing: your messages go once we are back.',
  log: 'Conversation',
  you: 'You',
  sending: 'Sending…',
  sent: 'Sent',
  notSent: 'Not sent.',
  retry: 'Send again',
  tooFast: 'Not sent: you are writing faster than we can take. Wait a moment and send again.',
  endedNotSent: 'Not sent: the chat has ended.',
  typing: (agent: string | null) => `${agent ?? 'Someone'} is typing…`,
  message: 'Your message',
  composerHint: 'Enter sends, Shift+Enter starts a new line.',
  send: 'Send',
  endChat: 'End chat',
  endFailed: 'We could not end the chat. Check your connection and try again.',
  endedByAgent: (agent: string) => `${agent} ended the chat.`,
  endedByVisitor: 'You ended the chat.',
};
