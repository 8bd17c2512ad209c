/**
 * What tells an agent that something needs them: a count in the tab's title, a short sound,
 * and a desktop notification if the agent allowed them.
 *
 * An agent may have the console open in several tabs: every tab shows the count, but only one
 * of them sounds and notifies. That tab holds a Web Lock for as long as it is open; when it
 * closes, another tab gets the lock and the alerts. Browsers without Web Locks alert in each tab.
 */
const LOCK = 'chatline-console-alerts';
const SOUND_KEY = 'chatline-console-sound';

/** What an alert says, and what opening its notification shows. */
export type Alert = { title: string; body: string; tag: string; open?: (() => void) | undefined };

export class Alerts {
  /** Whether this tab is the one that sounds and notifies. */
  leader = false;
  private count = 0;
  private readonly baseTitle = document.title;
  private audio: AudioContext | null = null;

  constructor() {
    if ('locks' in navigator) {
      void navigator.locks.request(LOCK, () => {
        this.leader = true;
        // Held until the tab goes.
        return new Promise<void>(() => {});
      });
    } else this.leader = true;
    // Browsers let a page play sound only after the person did something in it: the sound is
    // made ready at the first key or click (signing in is one), not when the first alert comes.
    const ready = () => {
      removeEventListener('pointerdown', ready, true);
      removeEventListener('keydown', ready, true);
      try {
        this.audio ??= new AudioContext();
        void this.audio.resume();
      } catch {
        // No audio here: the title and the notification still tell.
      }
    };
    addEventListener('pointerdown', ready, true);
    addEventListener('keydown', ready, true);
  }

  /** Whether the agent wants the sound; on unless turned off (a preference, nothing about anyone). */
  get soundOn(): boolean {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  }

  set soundOn(on: boolean) {
    if (on) localStorage.removeItem(SOUND_KEY);
    else localStorage.setItem(SOUND_KEY, 'off');
  }

  get notificationsAllowed(): boolean {
    return 'Notification' in window && Notification.permission === 'granted';
  }

  get notificationsAsked(): boolean {
    return !('Notification' in window) || Notification.permission !== 'default';
  }

  async askForNotifications(): Promise<void> {
    if ('Notification' in window) await Notification.requestPermission();
  }

  /** The number in the title: what waits for the agent (unread messages and chats in the queue). */
  setCount(count: number): void {
    if (count === this.count) return;
    this.count = count;
    document.title = count > 0 ? `(${count}) ${this.baseTitle}` : this.baseTitle;
  }

  /** Sounds and notifies, in the leading tab only. */
  raise(alert: Alert): void {
    if (!this.leader) return;
    if (this.soundOn) this.beep();
    if (this.notificationsAllowed && document.visibilityState !== 'visible') {
      const notification = new Notification(alert.title, { body: alert.body, tag: alert.tag });
      notification.onclick = () => {
        window.focus();
        alert.open?.();
        notification.close();
      };
    }
  }

  /** Two short soft tones: no file to load, nothing to cache. */
  private beep(): void {
    try {
      const context = this.audio;
      if (!context || context.state !== 'running') return;
      for (const [offset, frequency] of [
        [0, 880],
        [0.16, 1175],
      ] as const) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, context.currentTime + offset);
        gain.gain.exponentialRampToValueAtTime(0.15, context.currentTime + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + offset + 0.14);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(context.currentTime + offset);
        oscillator.stop(context.currentTime + offset + 0.15);
      }
    } catch {
      // No audio here: the title and the notification still tell.
    }
  }
}
