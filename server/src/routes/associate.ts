import { Hono } from 'hono';
import type { Chat } from '../chat/index.ts';
import type { ApiEnv } from '../http/context.ts';
import { toAssociate } from '../http/entities.ts';
import { sendJson } from '../http/respond.ts';
import { responseFormat } from '../middleware/output.ts';

/** `/api/v1/Associate`: the agents, for an agent. */
export function associateRoutes({ chat }: { chat: Chat }) {
  return new Hono<ApiEnv>()
    .use(responseFormat())
    .get('/', async (c) => sendJson(c, (await chat.agents.list(c.get('caller'))).map(toAssociate)))
    // Who the credentials are: the console asks once it has signed in.
    .get('/Me', (c) => sendJson(c, toAssociate(chat.agents.me(c.get('caller')))));
}
