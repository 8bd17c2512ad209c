import { Hono } from 'hono';
import { member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import { readObjectBody } from '../http/body.ts';
import type { ApiEnv } from '../http/context.ts';
import { toAssociate } from '../http/entities.ts';
import { sendJson } from '../http/respond.ts';
import { responseFormat } from '../middleware/output.ts';

/** `/api/v1/Associate`: the agents, for an agent; a topic's manager adds one. */
export function associateRoutes({ chat }: { chat: Chat }) {
  return new Hono<ApiEnv>()
    .use(responseFormat())
    .get('/', async (c) => sendJson(c, (await chat.agents.list(c.get('caller'))).map(toAssociate)))
    // Who the credentials are: the console asks once it has signed in.
    .get('/Me', (c) => sendJson(c, toAssociate(chat.agents.me(c.get('caller')))))
    // `{"UserName", "FullName", "Password"}` in any case; the new agent is in no topic yet.
    .post('/', async (c) => {
      const caller = c.get('caller');
      // A visitor is refused before the body is read.
      chat.agents.me(caller);
      const body = await readObjectBody(c);
      const agent = await chat.agents.addByManager(caller, {
        userName: member(body, 'UserName'),
        fullName: member(body, 'FullName'),
        password: member(body, 'Password'),
      });
      return sendJson(c, toAssociate(agent));
    });
}
