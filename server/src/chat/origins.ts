/**
 * Which pages may use the chat: the one origin policy. A page of the server's own origin may
 * always; a page of another origin may request chats in a topic when `CHAT_ALLOWED_ORIGINS`
 * (which applies to every topic) or the topic's own list names its origin.
 */
import type { ChatStore } from '../store/types.ts';

export type OriginPolicy = {
  /** Whether pages of this origin may use this topic. */
  mayUseTopic(origin: string, topic: { allowedOrigins: readonly string[] }): boolean;
  /** Whether pages of this origin may use any topic, and so call the API at all. */
  mayUseServer(origin: string): Promise<boolean>;
};

export function originPolicy(store: ChatStore, serverOrigins: Iterable<string>): OriginPolicy {
  const everywhere = new Set(serverOrigins);
  return {
    mayUseTopic: (origin, topic) => everywhere.has(origin) || topic.allowedOrigins.includes(origin),
    mayUseServer: async (origin) => everywhere.has(origin) || (await store.anyTopicAllows(origin)),
  };
}
