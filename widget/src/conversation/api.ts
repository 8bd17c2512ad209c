/**
 * The conversation's calls to the server, each with the visitor's session key in its header
 * (never in a URL): the kept session read back, messages, a ticket for the live stream, typing,
 * ending the chat. They ship with the conversation, not with the widget's first module.
 */
import type { ChatMessage, ChatSessionStatusName } from '@chatline/shared';
import { endpoint, request, type Call, type ChatRequestError, type KeptSession } from '../api.ts';

/** The visitor's session, as the conversation reaches it. */
export type SessionAccess = { serverUrl: string; id: number; key: string };

/** The state the live stream sends first on every connect, and again whenever it changes. */
export type StreamState = {
  ChatSessionId: number;
  Status: ChatSessionStatusName;
  /** The agent's name as the visitor sees it; null while nobody has the chat. */
  Agent: string | null;
  /** The visitor's place in the queue now, while they wait; null otherwise. */
  QueuePosition: number | null;
  /** Who is typing: `UserIsTyping` is the agent. */
  Flags: string;
  WhenEnded: string | null;
};

/** The most messages one read answers: a longer chat is read on from the last id. */
const PAGE = 1000;

/** A call about the visitor's session, with its key. */
export const call = <T>(session: SessionAccess, path: string, options: Call = {}) =>
  request<T>(session.serverUrl, `ChatSession/${session.id}/${path}`, { ...options, headers: { 'X-Chat-Session-Key': session.key, ...options.headers } });

/**
 * The visitor's own session, read with its key; null when the server no longer knows it or the
 * key is wrong (404, 401). Any other failure throws: the session may well still be there.
 */
export async function readChatSession({ serverUrl, id, key }: SessionAccess): Promise<KeptSession | null> {
  try {
    return await request<KeptSession>(serverUrl, `ChatSession/${id}`, { headers: { 'X-Chat-Session-Key': key }, timeout: 4000 });
  } catch (error) {
    if ((error as ChatRequestError).status === 404 || (error as ChatRequestError).status === 401) return null;
    throw error;
  }
}

/** Every message after the one with id `after`, in order, page by page. */
export async function readMessages(session: SessionAccess, after: number): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const page = await call<ChatMessage[]>(session, `Messages?after=${after}`);
    all.push(...page);
    if (page.length < PAGE) return all;
    after = page[page.length - 1]!.ChatMessageId;
  }
}

/**
 * Sends the visitor's message. The Idempotency-Key stays the same across retries, so a retry
 * of a send whose answer was lost answers the message stored then, and stores nothing new.
 */
export const postMessage = (session: SessionAccess, text: string, idempotencyKey: string) =>
  call<ChatMessage>(session, 'Messages', { body: { Message: text }, headers: { 'Idempotency-Key': idempotencyKey } });

/** A single-use ticket for the live stream's EventSource, which cannot send the key in a header. */
export const requestTicket = (session: SessionAccess) => call<{ Ticket: string }>(session, 'Events/Ticket', { body: {}, timeout: 10_000 });

/** The URL of the live stream, from the cursor (the last message id the widget has). */
export const eventsUrl = (session: SessionAccess, ticket: string, after: number) =>
  endpoint(session.serverUrl, `ChatSession/${session.id}/Events?ticket=${encodeURIComponent(ticket)}&after=${after}`).href;

export const sendTyping = (session: SessionAccess, typing: boolean) => call<null>(session, 'Typing', { body: { Typing: typing } });

/** Tells the server that the visitor has read the agent's messages up to this one. */
export const sendRead = (session: SessionAccess, upTo: number) => call<null>(session, 'Read', { body: { ChatMessageId: upTo } });

/** Ends the chat; answers the session, Closed (ClosedFromQueue while it waited), with when it ended. */
export const endChat = (session: SessionAccess) => call<{ Status: ChatSessionStatusName; WhenEnded: string | null }>(session, 'End', { body: {} });
