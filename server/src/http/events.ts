/**
 * A session's stream as Server-Sent Events: each event's id is the stream's cursor, so that
 * the browser's EventSource reconnects with `Last-Event-ID` and gets exactly what it missed.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ChatSessionFlagMasks, formatFlagNames, statusName } from '@chatline/shared';
import type { AgentStreamEvent, StreamEvent } from '../chat/streams.ts';
import { formatDateTime, toChatMessage, toSessionRow } from './entities.ts';

/** How long EventSource waits before it reconnects. */
const RETRY_MS = 3000;
/** A comment this often keeps proxies and the browser from taking an idle stream for dead. */
export const HEARTBEAT_MS = 20_000;

export function sessionFrame(event: StreamEvent): string {
  switch (event.kind) {
    case 'state': {
      const { state } = event;
      const data = {
        ChatSessionId: state.sessionId,
        Status: statusName(state.status),
        Agent: state.agentName,
        QueuePosition: state.queuePosition,
        Flags: formatFlagNames(ChatSessionFlagMasks, state.flags),
        WhenEnded: formatDateTime(state.whenEnded),
      };
      return `event: state\nid: ${event.cursor}\ndata: ${JSON.stringify(data)}\n\n`;
    }
    case 'message':
      return `event: message\nid: ${event.cursor}\ndata: ${JSON.stringify(toChatMessage(event.message))}\n\n`;
    case 'gone':
      return 'event: gone\ndata: {}\n\n';
  }
}

/** A stream admitted but not started, of events of type E. */
type Admitted<E> = { start(sink: { send(event: E): Promise<void>; close(): void }): { close(): void }; cancel(): void };

/** Answers with the admitted stream: it starts once the answer is under way, and stops when the client goes away. */
export function sendEvents<E>(c: Context, admitted: Admitted<E>, frame: (event: E) => string): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let ended = false;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      finish();
    };
    const sink = {
      send: async (event: E) => {
        if (!ended) await stream.write(frame(event));
      },
      close: end,
    };
    const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const opened = admitted.start(sink);
    stream.onAbort(() => {
      opened.close();
      end();
    });
    await stream.write(`retry: ${RETRY_MS}\n\n`);
    await done;
  });
}

/** An agent's stream, its chats as the archive's rows: `baseUrl` for their links. */
export const agentFrame = (baseUrl: string) => (event: AgentStreamEvent): string => {
  switch (event.kind) {
    case 'sessions':
      return `event: sessions\nid: ${event.cursor}\ndata: ${JSON.stringify(event.sessions.map((view) => toSessionRow(view, baseUrl)))}\n\n`;
    case 'session':
      return `event: session\nid: ${event.cursor}\ndata: ${JSON.stringify(toSessionRow(event.session, baseUrl))}\n\n`;
    case 'removed':
      return `event: removed\nid: ${event.cursor}\ndata: ${JSON.stringify({ ChatSessionId: event.sessionId })}\n\n`;
    case 'message':
      return `event: message\nid: ${event.cursor}\ndata: ${JSON.stringify(toChatMessage(event.message))}\n\n`;
  }
};
