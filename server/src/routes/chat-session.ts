import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { nanoid } from 'nanoid';
import {
  ChatSessionStatus,
  checkVisitorRules,
  fieldByName,
  fieldError,
  readFields,
} from '@chatline/shared';
import { readJsonObject } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { newSessionRow, toEntity } from '../entity.ts';
import { ApiError, forbidden, validationFailed } from '../errors.ts';
import { sendJson } from '../respond.ts';
import type { ChatStore } from '../store.ts';

export type ChatSessionDeps = {
  store: ChatStore;
  trustProxy: number;
  /** Base URL for `_Links`; the request's own origin when null. */
  publicUrl: string | null;
  now: () => number;
};

export function hashSessionKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function chatSessionRoutes({ store, trustProxy, publicUrl, now }: ChatSessionDeps) {
  return new Hono().post('/', async (c) => {
    if (c.req.header('authorization') !== undefined) {
      // No agent credentials exist yet; an unknown credential is never taken as anonymous.
      throw new ApiError(401, 'SoUnauthorizedException', 'The credentials in Authorization are not valid.');
    }
    const body = await readJsonObject(c);
    const { values, present, errors } = readFields(body);
    if (errors.length > 0) throw validationFailed(errors);

    const agentOnly = [...present].map((name) => fieldByName(name)!).filter((spec) => spec.writer === 'agent');
    if (agentOnly.length > 0) {
      throw forbidden(
        `Only an agent may set ${agentOnly.map((spec) => spec.name).join(', ')}.`,
        agentOnly.map((spec) => fieldError(spec, 'not_allowed')),
      );
    }

    const topicField = fieldByName('TopicId')!;
    if (values.TopicId === undefined) throw validationFailed([fieldError(topicField, 'required')]);
    const topic = store.getTopic(values.TopicId as number);
    if (!topic) throw validationFailed([fieldError(topicField, 'unknown_topic')]);
    const collectConsent = topic.collect_consent === 1;
    const ruleErrors = checkVisitorRules(values, { collectConsent });
    if (ruleErrors.length > 0) throw validationFailed(ruleErrors);

    const sessionKey = nanoid();
    const row = store.createSession(
      newSessionRow(
        { ...values, Status: ChatSessionStatus.InQueue },
        { sessionKeyHash: hashSessionKey(sessionKey), customerHost: clientAddress(c, trustProxy), now: now() },
      ),
    );
    return sendJson(
      c,
      toEntity(row, {
        caller: 'visitor',
        collectConsent,
        sessionKey,
        baseUrl: publicUrl ?? new URL(c.req.url).origin,
      }),
    );
  });
}
