/** Who may follow and speak in a session: an agent any, a visitor their own, proved by its key. */
import type { ChatStore, SessionRecord } from '../store/types.ts';
import { notFound, unauthorized } from './errors.ts';
import { keyMatches, type Caller } from './rights.ts';

/** The session, for this caller; a visitor without the right key learns nothing of it (404). */
export async function followable(store: ChatStore, caller: Caller, id: number, sessionKey: string | undefined): Promise<SessionRecord> {
  if (caller.kind === 'visitor' && sessionKey === undefined) throw unauthorized('sessionKeyRequired');
  const session = Number.isSafeInteger(id) ? await store.getSession(id) : null;
  return mayFollow(caller, id, session, sessionKey);
}

/** The same check of a session already read (in a write's transaction): the session, or the refusal. */
export function mayFollow(caller: Caller, id: number, session: SessionRecord | null, sessionKey: string | undefined): SessionRecord {
  if (caller.kind === 'visitor' && sessionKey === undefined) throw unauthorized('sessionKeyRequired');
  if (!session || (caller.kind === 'visitor' && !keyMatches(session, sessionKey!))) throw notFound('sessionNotFound', id);
  return session;
}
