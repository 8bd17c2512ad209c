/**
 * What changed, announced after it is committed. Every write of `chat/` publishes here once
 * its transaction has committed, never before, so a listener (a stream, the console, a timer)
 * never learns of what is not stored. Events are small, ids and little else: a listener reads
 * what it needs from the store, so the same events can cross processes (PostgreSQL's NOTIFY
 * carries 8 kB at most) and a listener that missed some can catch up from the store.
 */

export type ChatEvent =
  | { type: 'session.created' | 'session.updated' | 'session.deleted'; sessionId: number; topicId: number; status: number }
  | { type: 'message.created'; sessionId: number; topicId: number; messageId: number }
  /** The visitor has read the agent's messages up to this one. */
  | { type: 'message.read'; sessionId: number; topicId: number; messageId: number }
  | { type: 'topic.created' | 'topic.updated' | 'topic.deleted'; topicId: number }
  /** A topic's canned replies changed: the consoles of its agents read them again. */
  | { type: 'topic.cannedReplies'; topicId: number }
  | { type: 'agent.created' | 'agent.updated'; agentId: number }
  | { type: 'credential.created' | 'credential.deleted'; agentId: number; kind: 'token' | 'ticket' | 'session' };

export type ChatEventListener = (event: ChatEvent) => void;

export type EventBus = {
  /** Tells every listener; a listener that throws does not stop the others, nor the writer. */
  publish(event: ChatEvent): void;
  /** Returns the function that stops listening. */
  subscribe(listener: ChatEventListener): () => void;
};

/** The bus of one server process: listeners are called in the order they subscribed. */
export function inProcessBus({ onListenerError = (error: unknown) => console.error(error) } = {}): EventBus {
  const listeners = new Set<ChatEventListener>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      // Each subscription is its own, even for a listener already subscribed.
      const own: ChatEventListener = (event) => listener(event);
      listeners.add(own);
      return () => void listeners.delete(own);
    },
  };
}
