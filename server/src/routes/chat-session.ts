import { Hono } from 'hono';
import { requireAgent } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { readEntityBody, readPatchedEntity } from '../body.ts';
import { defaultEntity, toEntity } from '../entity.ts';
import { sendEntity } from '../respond.ts';
import { notFound } from '../errors.ts';
import {
  checkUnmodifiedSince,
  sessionKeyMatches,
  createSession,
  entityOf,
  getSessionOr404,
  replaceSession,
  topicCollectsConsent,
  type SessionDeps,
} from '../sessions.ts';

/** `/api/v1/ChatSession`: the REST resource. Everything but POST needs an agent. */
export function chatSessionRoutes(deps: SessionDeps) {
  const { store } = deps;
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const caller = c.get('caller');
      const body = await readEntityBody(c, () => defaultEntity(caller.kind, c.get('output').language));
      return sendEntity(c, entityOf(deps, c, caller, await createSession(deps, c, caller, body)));
    })
    .get('/default', (c) => {
      requireAgent(c.get('caller'));
      return sendEntity(c, defaultEntity('agent', c.get('output').language));
    })
    .get('/:id{-?[0-9]+}', (c) => {
      const caller = c.get('caller');
      const key = c.req.header('x-chat-session-key');
      // A visitor reads their own session with the key they were given when it was created.
      if (caller.kind !== 'visitor' || key === undefined) requireAgent(caller);
      const row = getSessionOr404(store, Number(c.req.param('id')));
      if (caller.kind === 'visitor' && !sessionKeyMatches(row, key!)) throw notFound('sessionNotFound', row.id);
      c.header('Last-Modified', new Date(row.updated_at).toUTCString());
      return sendEntity(c, entityOf(deps, c, caller, { row, collectConsent: topicCollectsConsent(store, row) }));
    })
    .put('/:id{-?[0-9]+}', async (c) => {
      const caller = c.get('caller');
      requireAgent(caller);
      const current = getSessionOr404(store, Number(c.req.param('id')));
      checkUnmodifiedSince(c, current);
      const body = await readEntityBody(c, () => defaultEntity(caller.kind, c.get('output').language));
      return sendEntity(c, entityOf(deps, c, caller, replaceSession(deps, caller, current, body)));
    })
    .patch('/:id{-?[0-9]+}', async (c) => {
      const caller = c.get('caller');
      requireAgent(caller);
      const current = getSessionOr404(store, Number(c.req.param('id')));
      checkUnmodifiedSince(c, current);
      const entity = toEntity(current, {
        caller: caller.kind,
        collectConsent: topicCollectsConsent(store, current),
        associate: store.getAssociate,
      });
      const body = await readPatchedEntity(c, entity);
      return sendEntity(c, entityOf(deps, c, caller, replaceSession(deps, caller, current, body)));
    })
    .delete('/:id{-?[0-9]+}', (c) => {
      requireAgent(c.get('caller'));
      const row = getSessionOr404(store, Number(c.req.param('id')));
      store.deleteSession(row.id);
      return c.body(null, 204);
    });
}
