/**
 * Conditional requests (RFC 9110 §13): the version a change may be made over, from
 * `If-Unmodified-Since` (to the second, as HTTP dates go) or `If-Match` (exact), and the
 * validators an answer carries so that a client can name that version.
 */
import type { Context } from 'hono';
import type { UpdateCondition } from '../chat/sessions.ts';
import type { SessionRecord } from '../store/types.ts';
import { badRequest } from './errors.ts';

/** A session's version as an entity tag: its last change, to the millisecond. */
const etagOf = (session: SessionRecord) => `"${session.updatedAt}"`;

/** Sets `ETag` and `Last-Modified` on the answer for this version of the session. */
export function validators(c: Context, session: SessionRecord): void {
  c.header('ETag', etagOf(session));
  c.header('Last-Modified', new Date(session.updatedAt).toUTCString());
}

/** The condition the request's headers put on a change; empty when there is none. */
export function updateCondition(c: Context): UpdateCondition {
  const condition: UpdateCondition = {};
  const since = Date.parse(c.req.header('if-unmodified-since') ?? '');
  // An unparsable date is ignored, as the RFC asks. A date names a whole second: the session
  // is unmodified since then if its last change falls within that second or before.
  if (!Number.isNaN(since)) condition.notChangedAfter = Math.floor(since / 1000) * 1000 + 999;
  const match = c.req.header('if-match');
  if (match !== undefined && match.trim() !== '*') {
    // Strong comparison: a weak tag, or one that is not ours, names no version.
    condition.versions = match
      .slice(0, 1024)
      .split(',')
      .map((tag) => /^\s*"(\d{1,15})"\s*$/.exec(tag)?.[1])
      .filter((version): version is string => version !== undefined)
      .map(Number);
  }
  return condition;
}

/** An Idempotency-Key: the client's own unique text, such as a UUID. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

/** The request's Idempotency-Key, if it sent one: a retry with the same key is not done twice. */
export function idempotencyKey(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw badRequest('badIdempotencyKey');
  return key;
}
