/** What the widget's controllers read of the `<chat-widget>` they serve. */
import type { ReactiveControllerHost } from 'lit';

export type Persist = 'session' | 'local' | 'none';

export type ChatHost = ReactiveControllerHost &
  HTMLElement & {
    serverUrl: string;
    topicId: number;
    persist: Persist;
    lang: string;
  };

/** The server the script was loaded from: where the widget talks unless told otherwise. */
const scriptOrigin = new URL(import.meta.url).origin;

/** The chat server the element talks to: its `server-url`, else the script's origin. */
export const serverOf = (host: ChatHost): string => host.serverUrl || scriptOrigin;
