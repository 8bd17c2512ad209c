/**
 * Where each waiting visitor is in their topic's queue, for the streams that tell them. A
 * topic's queue is read from the store once, as the ids waiting oldest first, and kept until
 * an event says it changed: a session joined it or left it. A place is then found by binary
 * search, so telling ten thousand waiting visitors their new places costs one read, not ten
 * thousand counts.
 */
import { ChatSessionStatus } from '@chatline/shared';
import type { ChatStore, SessionRecord } from '../store/types.ts';
import type { ChatEvent } from './events.ts';

export function queueIndex(store: ChatStore) {
  /** The queues read, by topic; a promise while the read is under way. */
  const queues = new Map<number, number[] | Promise<number[]>>();

  function load(topicId: number): number[] | Promise<number[]> {
    const held = queues.get(topicId);
    if (held) return held;
    const reading = store.waitingSessionIds(topicId).then(
      (ids) => {
        // Keep it only if no change came while it was read: then it may already be stale.
        if (queues.get(topicId) === reading) queues.set(topicId, ids);
        return ids;
      },
      (error: unknown) => {
        if (queues.get(topicId) === reading) queues.delete(topicId);
        throw error;
      },
    );
    queues.set(topicId, reading);
    return reading;
  }

  return {
    /** The session's place in its topic's queue, one for the first; null when it is not waiting. */
    async position(session: SessionRecord): Promise<number | null> {
      if (session.status !== ChatSessionStatus.InQueue) return null;
      const ids = await load(session.topicId);
      const at = placeOf(ids, session.id);
      // A session not read yet (its event is on its way) is placed where it will be.
      return at + 1;
    },

    /** Forgets every queue read: they are read again when next asked for. */
    forget() {
      queues.clear();
    },

    /**
     * Takes note of a change, and tells the topics whose queues changed with it: a session
     * joined one, left one, or went. Then the places of those who came after it change.
     */
    observe(event: ChatEvent): number[] {
      // Only a session's own events say where it is: not its messages, nor what the visitor read.
      if (!('status' in event)) return [];
      const waits = event.type !== 'session.deleted' && event.status === ChatSessionStatus.InQueue;
      const changed: number[] = [];
      for (const [topicId, held] of queues) {
        if (topicId === event.topicId) continue;
        // A session moved to another topic leaves the queue of the one it was in.
        if (Array.isArray(held) && held[placeOf(held, event.sessionId)] === event.sessionId) {
          queues.delete(topicId);
          changed.push(topicId);
        }
      }
      const held = queues.get(event.topicId);
      const queued = Array.isArray(held) ? held[placeOf(held, event.sessionId)] === event.sessionId : !waits;
      if (queued !== waits) {
        queues.delete(event.topicId);
        changed.push(event.topicId);
      }
      return changed;
    },
  };
}

export type QueueIndex = ReturnType<typeof queueIndex>;

/** Where the id is, or would be, in ids ascending. */
function placeOf(ids: number[], id: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return low;
}
