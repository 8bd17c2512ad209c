/**
 * The visitor's session kept across reloads: its id and key, in the storage `persist` names,
 * written only once the visitor has submitted. On connect it reads the kept session back from
 * the server, in a task of its own, and tells the widget what became of it.
 */
import type { ChatSessionStatusName } from '@chatline/shared';
import type { ReactiveController } from 'lit';
import { readChatSession, type KeptSession } from '../api.ts';
import { serverOf, type ChatHost } from './host.ts';

/** A session in one of these is over for the visitor: the widget offers a new one. */
const endedStatuses: readonly string[] = [
  'Invalid',
  'Finished',
  'Deleted',
  'Closed',
  'RequestPosted',
  'ClosedFromQueue',
] satisfies ChatSessionStatusName[];

/** Whether the visitor's chat is over (Finished, Closed…) rather than waiting or under way. */
export const hasEnded = (session: KeptSession): boolean => endedStatuses.includes(session.Status);

export class KeptSessionController implements ReactiveController {
  private readonly host: ChatHost;
  /** Called once after connect: the session as the server has it now, or null when there is none to show. */
  private readonly resumed: (session: KeptSession | null) => void;
  private resumeRequested = false;

  constructor(host: ChatHost, resumed: (session: KeptSession | null) => void) {
    this.host = host;
    this.resumed = resumed;
    host.addController(this);
  }

  hostConnected() {
    if (this.resumeRequested) return;
    this.resumeRequested = true;
    // Reading storage takes milliseconds on a slow device, and the task that connects the
    // element is often the page's own loading task: the read waits for a task of its own.
    setTimeout(() => void this.resume());
  }

  /** Keeps the session just created, so a reload shows it again. */
  keep(id: number, key: string | null) {
    if (!key) return;
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify({ id, key }));
    } catch {
      // full or refused: the chat goes on, it just will not survive a reload
    }
  }

  /** Forgets the kept session: the next reload shows the form. */
  forget() {
    try {
      this.storage?.removeItem(this.storageKey);
    } catch {
      // refused: there was nothing kept either
    }
  }

  private get storage(): Storage | null {
    try {
      const { persist } = this.host;
      return persist === 'local' ? localStorage : persist === 'session' ? sessionStorage : null;
    } catch {
      return null; // storage refused (a sandboxed frame, say): nothing is kept
    }
  }

  private get storageKey(): string {
    return `chatline:${serverOf(this.host)}:${this.host.topicId}`;
  }

  private async resume() {
    let kept: { id?: unknown; key?: unknown } | null = null;
    try {
      kept = JSON.parse(this.storage?.getItem(this.storageKey) ?? 'null');
    } catch {
      kept = null;
    }
    if (!kept || typeof kept.id !== 'number' || typeof kept.key !== 'string') return this.resumed(null);
    let session: KeptSession | null = null;
    try {
      session = await readChatSession(serverOf(this.host), kept.id, kept.key);
      // Gone, or not this visitor's any more: nothing to show after a reload either.
      if (!session) this.forget();
    } catch {
      // Unreachable for now: the form shows, and the kept session stays for the next reload.
    }
    this.resumed(session);
  }
}
