/**
 * Creating, reading, replacing and deleting chat sessions: the rules every route that touches
 * a session shares, whatever URL or body format it came through.
 */
import type { Context } from 'hono';
import { nanoid } from 'nanoid';
import {
  ChatSessionStatus,
  checkVisitorRules,
  fieldByName,
  fieldError,
  readFields,
  requiredCustomerFields,
  type ChatSessionEntity,
  type FieldError,
  type FieldValues,
} from '@chatline/shared';
import { sameSecret, sha256, type Caller } from './auth.ts';
import type { ApiEnv } from './env.ts';
import { clientAddress } from './client-address.ts';
import { sessionRow, toEntity } from './entity.ts';
import { forbidden, notFound, preconditionFailed, tooManyRequests, validationFailed } from './errors.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { ChatStore, SessionRow, TopicRules } from './store.ts';

export type SessionDeps = {
  store: ChatStore;
  trustProxy: number;
  /** Base URL for `_Links`; the request's own origin when null. */
  publicUrl: string | null;
  now: () => number;
  /** Limits visitors' creates per client address. */
  limiter: RateLimiter;
  /** Origins the default topic (1) takes besides its own list: CHAT_ALLOWED_ORIGINS. */
  defaultTopicOrigins: ReadonlySet<string>;
};

export const DEFAULT_TOPIC_ID = 1;

function topicAllows(deps: SessionDeps, topic: TopicRules, origin: string): boolean {
  if (topic.id === DEFAULT_TOPIC_ID && deps.defaultTopicOrigins.has(origin)) return true;
  return topic.allowed_origins.split(/\s+/).includes(origin);
}

/**
 * Whether `key` is the session's key: its hash is compared with the stored one in constant
 * time, so the answer's timing tells nothing about how much of a guess was right.
 */
export function sessionKeyMatches(row: SessionRow, key: string): boolean {
  if (!row.session_key_hash || key.length > 256) return false;
  return sameSecret(sha256(key), row.session_key_hash);
}

/** Validates a body as a whole entity for this caller, or throws the 400 or 403 it deserves. */
function checkFields(caller: Caller, body: Record<string, unknown>): FieldValues {
  const { values, present, errors } = readFields(body);
  if (errors.length > 0) throw validationFailed(errors);

  if (caller.kind === 'visitor') {
    const agentOnly = [...present].map((name) => fieldByName(name)!).filter((spec) => spec.writer === 'agent');
    if (agentOnly.length > 0) {
      throw forbidden(
        agentOnly.map((spec) => fieldError(spec, 'not_allowed')),
        'agentOnlyFields',
        agentOnly.map((spec) => spec.name).join(', '),
      );
    }
  }
  return values;
}

/**
 * Checks what the values refer to, the agents and the topic, and the topic's rules for a
 * visitor; throws the 400 the values deserve. Returns the topic's rules.
 */
function checkReferences(store: ChatStore, caller: Caller, values: FieldValues): TopicRules {
  const problems: FieldError[] = [];
  for (const name of ['User', 'TransferTo'] as const) {
    const value = values[name] as { AssociateId?: unknown } | null | undefined;
    if (!value) continue;
    const spec = fieldByName(name)!;
    const id = value.AssociateId;
    if (id === 0 || id === undefined || id === null) values[name] = null;
    else if (!Number.isInteger(id)) problems.push(fieldError(spec, 'type'));
    else if (!store.getAssociate(id as number)) problems.push(fieldError(spec, 'unknown_associate'));
  }

  const topicField = fieldByName('TopicId')!;
  const topic = values.TopicId === undefined ? null : store.getTopicRules(values.TopicId as number);
  if (values.TopicId === undefined) problems.push(fieldError(topicField, 'required'));
  else if (!topic) problems.push(fieldError(topicField, 'unknown_topic'));
  if (problems.length > 0) throw validationFailed(problems);

  if (caller.kind === 'visitor') {
    const ruleErrors = checkVisitorRules(values, {
      collectConsent: topic!.collect_consent === 1,
      requiredFields: requiredCustomerFields(topic!.widget_required_fields),
    });
    if (ruleErrors.length > 0) throw validationFailed(ruleErrors);
  }
  return topic!;
}

export type EntityAnswer = { row: SessionRow; collectConsent: boolean; sessionKey?: string };

export async function createSession(
  deps: SessionDeps,
  c: Context,
  caller: Caller,
  body: Record<string, unknown>,
): Promise<EntityAnswer> {
  const customerHost = clientAddress(c, deps.trustProxy);
  if (caller.kind === 'visitor') {
    const retryAfter = deps.limiter.take(customerHost ?? 'unknown', deps.now());
    if (retryAfter > 0) {
      c.header('Retry-After', String(retryAfter));
      throw tooManyRequests('rateLimited', retryAfter);
    }
  }
  const values = checkFields(caller, body);
  const crossOrigin = (c as Context<ApiEnv>).get('crossOrigin');
  // A visitor's session waits for an agent; an agent may file one in any state.
  if (caller.kind === 'visitor') values.Status = ChatSessionStatus.InQueue;
  const sessionKey = nanoid();
  const sessionKeyHash = sha256(sessionKey);
  let topic: TopicRules;
  // What the values refer to is checked in the transaction that inserts them, so a topic or
  // agent changed in between, by another request or process, cannot let a wrong one in.
  const row = await deps.store.createSession(() => {
    topic = checkReferences(deps.store, caller, values);
    if (crossOrigin && !topicAllows(deps, topic, crossOrigin)) {
      throw forbidden(undefined, 'originTopic', crossOrigin, topic.id);
    }
    const now = deps.now();
    return sessionRow(values, { sessionKeyHash, customerHost, whenRequested: now, now });
  });
  return { row, collectConsent: topic!.collect_consent === 1, sessionKey };
}

export function getSessionOr404(store: ChatStore, id: number): SessionRow {
  const row = Number.isSafeInteger(id) ? store.getSession(id) : null;
  if (!row) throw notFound('sessionNotFound', id);
  return row;
}

/**
 * Rejects a change to a session modified after the time the client last saw it
 * (RFC 9110 §13.1.4). An unparsable date is ignored, as the RFC asks.
 */
export function checkUnmodifiedSince(c: Context, row: SessionRow): void {
  const header = c.req.header('if-unmodified-since');
  if (header === undefined) return;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return;
  if (Math.floor(row.updated_at / 1000) > Math.floor(since / 1000)) {
    throw preconditionFailed('changedSince', row.id, header.slice(0, 64));
  }
}

/** Replaces a session with the entity in the body; the server-computed fields stay. */
export function replaceSession(
  deps: SessionDeps,
  caller: Caller,
  current: SessionRow,
  body: Record<string, unknown>,
): EntityAnswer {
  const values = checkFields(caller, body);
  const topic = checkReferences(deps.store, caller, values);
  const row = deps.store.updateSession(
    current.id,
    sessionRow(values, {
      sessionKeyHash: current.session_key_hash,
      customerHost: current.customer_host,
      whenRequested: current.when_requested,
      now: Math.max(deps.now(), current.updated_at + 1),
    }),
  );
  if (!row) throw notFound('sessionNotFound', current.id);
  return { row, collectConsent: topic.collect_consent === 1 };
}

export function entityOf(
  deps: SessionDeps,
  c: Context,
  caller: Caller,
  answer: EntityAnswer,
  { links = true }: { links?: boolean } = {},
): ChatSessionEntity {
  return toEntity(answer.row, {
    caller: caller.kind,
    collectConsent: answer.collectConsent,
    associate: deps.store.getAssociate,
    sessionKey: answer.sessionKey,
    baseUrl: links ? (deps.publicUrl ?? new URL(c.req.url).origin) : undefined,
    language: (c as Context<ApiEnv>).get('output').language,
  });
}

export function topicCollectsConsent(store: ChatStore, row: SessionRow): boolean {
  return store.getTopicRules(row.topic_id)?.collect_consent === 1;
}
