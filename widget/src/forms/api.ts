/**
 * The calls of the forms around a chat, each with the visitor's session key where there is a
 * session: a request from the offline form, a message left from the queue, the rating, the
 * transcript. They ship with the forms (chat-forms.js), not with the conversation.
 */
import type { ChatSessionEntity } from '@chatline/shared';
import { createChatSession } from '../api.ts';
import { call, type SessionAccess } from '../conversation/api.ts';

export type AnsweredSession = Pick<ChatSessionEntity, 'ChatSessionId' | 'Status'>;

/**
 * Posts the offline form: a session that is a request for an answer later (RequestPosted), not
 * a chat. The Idempotency-Key is the same for each try of one form, as the pre-chat form's.
 */
export const postRequest = (serverUrl: string, fields: Record<string, unknown>, language: string, idempotencyKey: string) =>
  createChatSession(serverUrl, { ...fields, Status: 'RequestPosted' }, language, idempotencyKey);

/** The waiting visitor leaves a message instead of waiting on; the chat leaves the queue (ClosedFromQueue). */
export const leaveMessage = (session: SessionAccess, fields: Record<string, unknown>) =>
  call<AnsweredSession>(session, 'LeaveMessage', { body: fields });

/** Rates the chat that ended, 1 to 5, with a comment if any. */
export const rate = (session: SessionAccess, rating: number, comment: string) =>
  call<AnsweredSession>(session, 'Rating', { body: comment ? { Rating: rating, Comment: comment } : { Rating: rating } });

/** The transcript as text or as an HTML fragment, its words in `language` and its times in `timeZone`. */
export const readTranscript = (session: SessionAccess, html: boolean, language: string, timeZone: string) =>
  call<string>(session, `Transcript?html=${html}&lang=${language}&tz=${encodeURIComponent(timeZone)}`, { body: {} });
