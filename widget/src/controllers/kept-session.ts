/**
 * The visitor's session kept across reloads: its id and key, in the storage `persist` names,
 * written only once the visitor has submitted. On connect it reads the kept session back from
 * the server, in a task of its own, and tells the widget what became of it: the conversation to
 * follow, in the phase its Status says (queued, chatting or ended). The read and the phases ship
 * with the conversation, which a kept session needs anyway: it reads the session's history next.
 */
import type { ReactiveController } from 'lit';
import type { Resumed } from '../conversation/chat-conversation.ts';
import { serverOf, type ChatHost } from './host.ts';

export type { Resumed };

export class KeptSessionController implements ReactiveController {
  private readonly host: ChatHost;
  /** Called once after connect: the kept session, or null when there is none to show. */
  private readonly resumed: (resumed: Resumed | null) => void;
  private resumeRequested = false;

  constructor(host: ChatHost, resumed: (resumed: Resumed | null) => void) {
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
    try {
      const { resume } = await import('../conversation/chat-conversation.ts');
      const resumed = await resume({ serverUrl: serverOf(this.host), id: kept.id, key: kept.key });
      // Gone, or not this visitor's any more: nothing to show after a reload either.
      if (!resumed) this.forget();
      this.resumed(resumed);
    } catch {
      // Unreachable for now (the session, or the conversation's module): the form shows, and the kept session stays for the next reload.
      this.resumed(null);
    }
  }
}
