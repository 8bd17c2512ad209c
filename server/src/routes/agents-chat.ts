import { Hono, type Context } from 'hono';
import { requireAgent } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { readEntityBody } from '../body.ts';
import { defaultEntity } from '../entity.ts';
import { badRequest } from '../errors.ts';
import { sendEntity } from '../respond.ts';
import {
  createSession,
  entityOf,
  getSessionOr404,
  replaceSession,
  topicCollectsConsent,
  type SessionDeps,
} from '../sessions.ts';

/** A query parameter by name in any case, as the official client spells them differently. */
function idParameter(c: Context, name: string): number {
  const entry = Object.entries(c.req.query()).find(([key]) => key.toLowerCase() === name.toLowerCase());
  const value = entry?.[1];
  if (value === undefined || !/^-?\d+$/.test(value)) throw badRequest('queryId', name);
  return Number(value);
}

/**
 * `/api/v1/Agents/Chat/…`: the RPC endpoints SuperOffice's own clients call for the same
 * operations as the REST resource. All need an agent.
 */
export function agentsChatRoutes(deps: SessionDeps) {
  const { store } = deps;
  return new Hono<ApiEnv>()
    .use(async (c, next) => {
      requireAgent(c.get('caller'));
      await next();
    })
    .post('/CreateDefaultChatSessionEntity', (c) => sendEntity(c, defaultEntity('agent', c.get('output').language)))
    .post('/SaveChatSessionEntity', async (c) => {
      const caller = c.get('caller');
      const body = await readEntityBody(c, () => defaultEntity('agent', c.get('output').language));
      const idKey = Object.keys(body).find((key) => key.toLowerCase() === 'chatsessionid');
      const id = idKey === undefined ? 0 : body[idKey];
      if (id === 0 || id === null || id === undefined) {
        return sendEntity(c, entityOf(deps, c, caller, await createSession(deps, c, caller, body), { links: false }));
      }
      if (!Number.isSafeInteger(id)) throw badRequest('saveId');
      const current = getSessionOr404(store, id as number);
      return sendEntity(c, entityOf(deps, c, caller, replaceSession(deps, caller, current, body), { links: false }));
    })
    .post('/GetChatSessionEntity', (c) => {
      const row = getSessionOr404(store, idParameter(c, 'chatSessionEntityId'));
      const answer = { row, collectConsent: topicCollectsConsent(store, row) };
      return sendEntity(c, entityOf(deps, c, c.get('caller'), answer, { links: false }));
    })
    .post('/DeleteChatSessionEntity', (c) => {
      const row = getSessionOr404(store, idParameter(c, 'ChatSessionEntityId'));
      store.deleteSession(row.id);
      return c.body(null, 204);
    });
}
