/** The agents' console: `<chat-console>` and its parts. */
export { ChatConsole } from './chat-console/chat-console.ts';
