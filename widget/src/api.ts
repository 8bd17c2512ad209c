/**
 * The widget's calls to the server before the chat exists: the topic's widget settings and the
 * create; and the one way every call is made (the conversation's calls, conversation/api.ts, use it too).
 */
import type { ApiErrorBody, ChatSessionEntity, ChatTopicWidgetInfo, FieldError } from '@chatline/shared';

/** What the visitor gave: the offline form and the queue's "leave a message" ask only for what is missing. */
export type GivenFields = Pick<ChatSessionEntity, 'CustomerName' | 'CustomerEmail' | 'CustomerPhone' | 'CustomerCompanyName'>;

export type CreatedSession = GivenFields &
  Pick<ChatSessionEntity, 'ChatSessionId' | 'InitialQueuePos' | 'SessionKey' | 'Status' | 'FirstMessage' | 'WhenRequested' | 'WhenEnded'>;

/** Why a request failed: the server refused it (with its answer) or it never got an answer. */
export class ChatRequestError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];
  /** The language the server worded its messages in (its Content-Language). */
  readonly language: string;

  constructor(status: number, message: string, fieldErrors: FieldError[] = [], language = '') {
    super(message);
    this.name = 'ChatRequestError';
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.language = language;
  }
}

/** The URL of an API path on the server, whether its base URL ends in a slash or not. */
export function endpoint(serverUrl: string, path: string): URL {
  return new URL(`api/v1/${path}`, serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && (body as ApiErrorBody).Error === true;
}

/** 128 random bits for an Idempotency-Key, such as `31337-…-4711`: `crypto.randomUUID` is missing on pages served over plain http. */
export const newKey = (): string => crypto.getRandomValues(new Uint32Array(4)).join('-');

export type Call = {
  /** A body is sent as JSON, with POST; without one the call is a GET. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How long to wait for an answer: one that does not come counts as none (status 0), and may be tried again. */
  timeout?: number;
};

/**
 * Calls an API path and reads its JSON answer (null for none). A refusal throws with the
 * server's words (its error body and Content-Language); status 0 means no answer came.
 */
export async function request<T>(serverUrl: string, path: string, { body, headers, timeout = 15_000 }: Call = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint(serverUrl, path), {
      method: body === undefined ? 'GET' : 'POST',
      // A GET with only Accept is a simple request: no CORS preflight before the widget's first call.
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      signal: AbortSignal.timeout(timeout),
    });
  } catch {
    throw new ChatRequestError(0, 'network');
  }
  let answer: unknown = null;
  try {
    answer = await response.json();
  } catch {
    // No body (204), or one that is not JSON (a proxy's error page, say): the status tells.
  }
  if (response.ok) return answer as T;
  throw isErrorBody(answer)
    ? new ChatRequestError(response.status, answer.ErrorMessage, answer.FieldErrors, response.headers.get('Content-Language') ?? '')
    : new ChatRequestError(response.status, response.statusText);
}

/**
 * POSTs the visitor's fields, asking for messages in `language`. The Idempotency-Key is the same
 * for every try of one form, so a retry after a lost answer gets the session made then.
 */
export const createChatSession = (serverUrl: string, fields: Record<string, unknown>, language: string, idempotencyKey: string) =>
  request<CreatedSession>(serverUrl, 'ChatSession', { body: fields, headers: { 'Accept-Language': language, 'Idempotency-Key': idempotencyKey } });

/**
 * What the topic asks the widget to show and ask for; null when it cannot be had within a few
 * seconds (the widget then shows its own defaults rather than nothing).
 */
export const fetchTopic = (serverUrl: string, topicId: number): Promise<ChatTopicWidgetInfo | null> =>
  request<ChatTopicWidgetInfo>(serverUrl, `ChatTopic/${topicId}/widget`, { timeout: 4000 }).catch(() => null);

/** A kept session as read back: its phase, its question, when it ended (a Closed chat may be reopened for a while) and whether it was rated. */
export type KeptSession = GivenFields &
  Pick<ChatSessionEntity, 'ChatSessionId' | 'InitialQueuePos' | 'Status' | 'FirstMessage' | 'WhenRequested' | 'WhenEnded'> & { Rating?: number };
