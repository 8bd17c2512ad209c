/**
 * Which pages may use the chat: the one origin policy. A request that names no page (a server,
 * a tool) is not a page's. A page of the server's own origin may do anything its caller may.
 * A page of another origin may request chats in a topic when `CHAT_ALLOWED_ORIGINS` (which
 * applies to every topic) or the topic's own list names its origin, and never with an agent's
 * credentials: sent from another site's page, they would let that site act as the agent.
 */
import type { ChatStore } from '../store/types.ts';
import { forbidden } from './errors.ts';

export type PageRequest = {
  /** The page's origin, normalized (`https://shop.example`); null when it is opaque or not an origin. */
  origin: string | null;
  /** The Origin header as sent, for the refusal's words. */
  header: string;
  /** The origins the server is reached at (its own and its public one). */
  own: readonly string[];
  /** Whether the request carries an agent's credentials. */
  credentials: boolean;
};

export type OriginPolicy = {
  /** Whether a page's request may go on: `own` for the server's pages, `other` for another site's. */
  admit(request: PageRequest): Promise<'own' | 'other'>;
  /** Whether pages of another site's origin may use this topic. */
  mayUseTopic(origin: string, topic: { allowedOrigins: readonly string[] }): boolean;
};

export function originPolicy(store: ChatStore, serverOrigins: Iterable<string>): OriginPolicy {
  const everywhere = new Set(serverOrigins);
  return {
    async admit({ origin, header, own, credentials }) {
      if (origin !== null && own.includes(origin)) return 'own';
      if (origin === null || !(everywhere.has(origin) || (await store.anyTopicAllows(origin)))) {
        throw forbidden(undefined, 'originRefused', header.slice(0, 200));
      }
      if (credentials) throw forbidden(undefined, 'credentialsCrossOrigin');
      return 'other';
    },
    mayUseTopic: (origin, topic) => everywhere.has(origin) || topic.allowedOrigins.includes(origin),
  };
}
