/** The widget's calls to the server: the topic's widget settings, create and read a session. */
import type { ApiErrorBody, ChatSessionEntity, ChatTopicWidgetInfo, FieldError } from '@chatline/shared';

export type CreatedSession = Pick<ChatSessionEntity, 'ChatSessionId' | 'InitialQueuePos' | 'SessionKey'>;

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
function endpoint(serverUrl: string, path: string): URL {
  return new URL(`api/v1/${path}`, serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && (body as ApiErrorBody).Error === true;
}

/**
 * POSTs the visitor's fields, asking for messages in `language`; status 0 in the error means
 * the server could not be reached.
 */
export async function createChatSession(
  serverUrl: string,
  fields: Record<string, unknown>,
  language: string,
): Promise<CreatedSession> {
  let response: Response;
  try {
    response = await fetch(endpoint(serverUrl, 'ChatSession'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': language },
      body: JSON.stringify(fields),
      credentials: 'omit',
    });
  } catch {
    throw new ChatRequestError(0, 'network');
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An answer that is not JSON (a proxy's error page, say) is reported by its status alone.
  }
  if (!response.ok) {
    if (isErrorBody(body)) {
      const language = response.headers.get('Content-Language') ?? '';
      throw new ChatRequestError(response.status, body.ErrorMessage, body.FieldErrors, language);
    }
    throw new ChatRequestError(response.status, response.statusText);
  }
  if (typeof body !== 'object' || body === null) throw new ChatRequestError(response.status, 'invalid answer');
  return body as CreatedSession;
}

/**
 * What the topic asks the widget to show and ask for; null when it cannot be had within a few
 * seconds (the widget then shows its own defaults rather than nothing).
 */
export async function fetchTopic(serverUrl: string, topicId: number): Promise<ChatTopicWidgetInfo | null> {
  try {
    const response = await fetch(endpoint(serverUrl, `ChatTopic/${topicId}/widget`), {
      headers: { Accept: 'application/json' },
      credentials: 'omit',
      signal: AbortSignal.timeout(4000),
    });
    return response.ok ? ((await response.json()) as ChatTopicWidgetInfo) : null;
  } catch {
    return null;
  }
}

export type KeptSession = Pick<ChatSessionEntity, 'ChatSessionId' | 'InitialQueuePos' | 'Status'>;

/**
 * The visitor's own session, read with its key; null when the server no longer knows it or the
 * key is wrong (404, 401). Any other failure throws: the session may well still be there.
 */
export async function readChatSession(serverUrl: string, id: number, key: string): Promise<KeptSession | null> {
  let response: Response;
  try {
    response = await fetch(endpoint(serverUrl, `ChatSession/${id}`), {
      headers: { Accept: 'application/json', 'X-Chat-Session-Key': key },
      credentials: 'omit',
      signal: AbortSignal.timeout(4000),
    });
  } catch {
    throw new ChatRequestError(0, 'network');
  }
  if (response.status === 404 || response.status === 401) return null;
  if (!response.ok) throw new ChatRequestError(response.status, response.statusText);
  return (await response.json()) as KeptSession;
}
