import { Hono, type Context } from 'hono';
import { chatSession, member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import { readEntityBody } from '../http/body.ts';
import { sessionAnswers } from '../http/answers.ts';
import { clientAddress } from '../http/client-address.ts';
import { updateCondition } from '../http/conditions.ts';
import type { ApiEnv } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { sendEntity } from '../http/respond.ts';
import { agentsOnly } from '../middleware/auth.ts';
import { responseFormat } from '../middleware/output.ts';


/** A query parameter by name in any case, as the official client spells them differently. */
function idParameter(c: Context, name: string): number {
  const value = member(c.req.query(), name);
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw badRequest('queryId', name);
  return Number(value);
}

/**
 * `/api/v1/Agents/Chat/…`: the RPC endpoints SuperOffice's own clients call for the same
 * operations as the REST resource. All need an agent; none answers `_Links`.
 */
export function agentsChatRoutes({ chat, publicUrl, trustProxy }: { chat: Chat; publicUrl: string | null; trustProxy: number }) {
  const { sessions } = chat;
  const answers = sessionAnswers({ publicUrl });
  const answer = (c: Context<ApiEnv>, view: Parameters<typeof answers.entity>[1]) =>
    sendEntity(c, chatSession, answers.entity(c, view, { links: false }));
  return new Hono<ApiEnv>()
    .use(agentsOnly(), responseFormat({ entity: chatSession }))
    .post('/CreateDefaultChatSessionEntity', (c) => answer(c, sessions.defaults(c.get('caller'))))
    .post('/SaveChatSessionEntity', async (c) => {
      const caller = c.get('caller');
      const body = await readEntityBody(c, chatSession, () => answers.entity(c, sessions.blank(), { links: false }));
      const id = member(body, 'ChatSessionId');
      if (id === 0 || id === null || id === undefined) {
        return answer(c, await sessions.create(caller, body, { peer: clientAddress(c, trustProxy), origin: c.get('crossOrigin') }));
      }
      if (!Number.isSafeInteger(id)) throw badRequest('saveId');
      // The id is in the body: the version is the one current when the body has come.
      const pending = await sessions.readForUpdate(caller, id as number, updateCondition(c));
      return answer(c, await sessions.update(caller, pending, () => body));
    })
    .post('/GetChatSessionEntity', async (c) =>
      answer(c, await sessions.read(c.get('caller'), idParameter(c, 'chatSessionEntityId'))),
    )
    .post('/DeleteChatSessionEntity', async (c) => {
      await sessions.delete(c.get('caller'), idParameter(c, 'ChatSessionEntityId'));
      return c.body(null, 204);
    });
}
