/**
 * A session's stream as Server-Sent Events: each event's id is the stream's cursor, so that
 * the browser's EventSource reconnects with `Last-Event-ID` and gets exactly what it missed.
 */
import type { ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ChatSessionFlagMasks, formatFlagNames, statusName } from '@chatline/shared';
import type { AgentStreamEvent, StreamEvent } from '../chat/streams.ts';
import { formatDateTime, toChatMessage, toChatPresence, toSessionRow } from './entities.ts';

/** How long EventSource waits before it reconnects. */
const RETRY_MS = 3000;
/**
 * An event this often keeps proxies from taking an idle stream for dead, and tells the client
 * that it is not: one that hears nothing for twice as long connects anew. An event, not a
 * comment, since EventSource hands comments to nobody.
 */
export const HEARTBEAT_MS = 20_000;
const HEARTBEAT = 'event: ping\ndata: {}\n\n';

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

/** How long a client may leave what was sent unread before its stream is closed: it reconnects from its cursor. */
export const SLOW_CLIENT_MS = 30_000;

const STREAM_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' };

/**
 * Answers with the admitted stream: it starts once the answer is under way, and stops when the
 * client goes away. Under Node's server the events are written to the connection itself: a
 * web ReadableStream and its pipe to the socket would double what each idle stream holds.
 */
export function sendEvents<E>(c: Context, admitted: Admitted<E>, frame: (event: E) => string): Response {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  return outgoing ? writeEvents(c, outgoing, admitted, frame) : streamEvents(c, admitted, frame);
}

/** The streams that a heartbeat keeps alive: one timer for them all. */
const beating = new Set<ServerResponse>();
let heartbeat: NodeJS.Timeout | null = null;

function beat(outgoing: ServerResponse, on: boolean) {
  if (on) beating.add(outgoing);
  else beating.delete(outgoing);
  if (beating.size > 0 && !heartbeat) {
    heartbeat = setInterval(() => {
      // A stream with unread events waits: it is alive, and more would only pile up.
      for (const stream of beating) if (!stream.writableNeedDrain) stream.write(HEARTBEAT);
    }, HEARTBEAT_MS);
    heartbeat.unref();
  } else if (beating.size === 0 && heartbeat) {
    clearInterval(heartbeat);
    heartbeat = null;
  }
}

function writeEvents<E>(c: Context, outgoing: ServerResponse, admitted: Admitted<E>, frame: (event: E) => string): Response {
  // The answer's headers as the middleware made them (CORS, security), written by hand.
  c.res = c.body(null, 200, STREAM_HEADERS);
  for (const [name, value] of c.res.headers) outgoing.setHeader(name, value);
  outgoing.writeHead(200);
  outgoing.write(`retry: ${RETRY_MS}\n\n`);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    beat(outgoing, false);
    outgoing.end();
  };
  /** Resolves when what was written has been read, or the stream ended; ends a stream left unread too long. */
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        outgoing.off('drain', done);
        outgoing.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        outgoing.destroy();
        done();
      }, SLOW_CLIENT_MS);
      outgoing.once('drain', done);
      outgoing.once('close', done);
    });
  const opened = admitted.start({
    send: async (event) => {
      if (ended) return;
      if (!outgoing.write(frame(event))) await drained();
    },
    close: end,
  });
  outgoing.once('close', () => {
    opened.close();
    end();
  });
  beat(outgoing, true);
  return RESPONSE_ALREADY_SENT;
}

/** The same stream as a web Response, for a server that is not Node's. */
function streamEvents<E>(c: Context, admitted: Admitted<E>, frame: (event: E) => string): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let ended = false;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(beating);
      finish();
    };
    const beating = setInterval(() => void stream.write(HEARTBEAT), HEARTBEAT_MS);
    beating.unref();
    const opened = admitted.start({
      send: async (event: E) => {
        if (!ended) await stream.write(frame(event));
      },
      close: end,
    });
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
    case 'cannedReplies':
      return `event: cannedReplies\nid: ${event.cursor}\ndata: ${JSON.stringify({ TopicId: event.topicId })}\n\n`;
    case 'presence':
      return `event: presence\nid: ${event.cursor}\ndata: ${JSON.stringify(toChatPresence(event.presence))}\n\n`;
    case 'read':
      return `event: read\nid: ${event.cursor}\ndata: ${JSON.stringify({ ChatSessionId: event.sessionId, ChatMessageId: event.messageId })}\n\n`;
  }
};
