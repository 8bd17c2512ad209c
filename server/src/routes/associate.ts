import { Hono } from 'hono';
import { requireAgent } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { toAssociate } from '../entity.ts';
import { sendJson } from '../respond.ts';
import type { ChatStore } from '../store.ts';

/** `/api/v1/Associate`: the agents, for an agent. */
export function associateRoutes({ store }: { store: ChatStore }) {
  return new Hono<ApiEnv>().get('/', (c) => {
    requireAgent(c.get('caller'));
    return sendJson(c, store.listAssociates().map(toAssociate));
  });
}
