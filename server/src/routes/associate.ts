import { Hono, type Context } from 'hono';
import { member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import { readObjectBody } from '../http/body.ts';
import type { ApiEnv } from '../http/context.ts';
import { formatDateTime, toAssociate } from '../http/entities.ts';
import { sendJson } from '../http/respond.ts';
import { responseFormat } from '../middleware/output.ts';

/**
 * `/api/v1/Associate`: the agents, for an agent; a topic's manager adds one, and takes access
 * back: removes an agent, sets its password, revokes its tokens, and reads its sign-ins.
 */
export function associateRoutes({ chat }: { chat: Chat }) {
  const { agents } = chat;
  const id = (c: Context) => Number(c.req.param('id'));
  return (
    new Hono<ApiEnv>()
      .use(responseFormat())
      .get('/', async (c) => sendJson(c, (await agents.list(c.get('caller'))).filter((agent) => !agent.deleted).map(toAssociate)))
      // Who the credentials are: the console asks once it has signed in.
      .get('/Me', (c) => sendJson(c, toAssociate(agents.me(c.get('caller')))))
      // `{"UserName", "FullName", "Password"}` in any case; the new agent is in no topic yet.
      .post('/', async (c) => {
        const caller = c.get('caller');
        // A visitor is refused before the body is read.
        agents.me(caller);
        const body = await readObjectBody(c);
        const agent = await agents.addByManager(
          caller,
          { userName: member(body, 'UserName'), fullName: member(body, 'FullName'), password: member(body, 'Password') },
          c.get('origin'),
        );
        return sendJson(c, toAssociate(agent));
      })
      .delete('/:id{[0-9]+}', async (c) => {
        await agents.remove(c.get('caller'), id(c), c.get('origin'));
        return c.body(null, 204);
      })
      // `{"Password": "…"}`: every sign-in the agent had ends.
      .put('/:id{[0-9]+}/Password', async (c) => {
        const caller = c.get('caller');
        agents.me(caller);
        const body = await readObjectBody(c);
        await agents.setPassword(caller, id(c), member(body, 'Password'), c.get('origin'));
        return c.body(null, 204);
      })
      .get('/:id{[0-9]+}/Tokens', async (c) =>
        sendJson(
          c,
          (await agents.tokens(c.get('caller'), id(c))).map((token) => ({ CreatedAt: formatDateTime(token.createdAt), LastUsed: formatDateTime(token.lastUsedAt) })),
        ),
      )
      .delete('/:id{[0-9]+}/Tokens', async (c) => sendJson(c, { Revoked: await agents.revokeTokens(c.get('caller'), id(c), c.get('origin')) }))
      .get('/:id{[0-9]+}/SignIns', async (c) =>
        sendJson(
          c,
          (await agents.signIns(c.get('caller'), id(c))).map((event) => ({
            When: formatDateTime(event.at),
            Kind: event.kind,
            Method: event.method,
            Address: event.address,
            Count: event.count,
          })),
        ),
      )
  );
}
