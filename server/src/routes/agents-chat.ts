import { Hono, type Context } from 'hono';
import { chatMessage, chatSession, member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import { readArguments, readEntityBody } from '../http/body.ts';
import { sessionAnswers } from '../http/answers.ts';
import { clientAddress } from '../http/client-address.ts';
import { idempotencyKey, updateCondition } from '../http/conditions.ts';
import type { ApiEnv } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { toChatMessage } from '../http/entities.ts';
import { sendEntities, sendEntity, sendJson } from '../http/respond.ts';
import { agentsOnly } from '../middleware/auth.ts';
import { responseFormat } from '../middleware/output.ts';


/** A query parameter by name in any case, as the official client spells them differently. */
function idParameter(c: Context, name: string): number {
  const value = member(c.req.query(), name);
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw badRequest('queryId', name);
  return Number(value);
}

/** A whole-number argument (camelCase as the client sends it, any case); `fallback` when absent. */
function whole(args: Record<string, unknown>, name: string, fallback?: number): number {
  const value = member(args, name);
  if (value === undefined && fallback !== undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw badRequest('argument', name);
  return value as number;
}

const sessionId = (args: Record<string, unknown>) => whole(args, 'chatSessionId');

/**
 * `/api/v1/Agents/Chat/…`: the RPC endpoints SuperOffice's own clients call for the same
 * operations as the REST resource. All need an agent; none answers `_Links`.
 */
export function agentsChatRoutes({ chat, publicUrl, trustProxy }: { chat: Chat; publicUrl: string | null; trustProxy: number }) {
  const { sessions, conversation } = chat;
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
    })
    .post('/GetChatMessages', async (c) => {
      const args = await readArguments(c);
      const messages = await conversation.messages(c.get('caller'), sessionId(args), { after: whole(args, 'after', 0) });
      return sendEntities(c, chatMessage, messages.map(toChatMessage));
    })
    .post('/AddChatMessage', async (c) => {
      const args = await readArguments(c);
      const message = member(args, 'message');
      if (typeof message !== 'object' || message === null || Array.isArray(message)) throw badRequest('argument', 'message');
      const posted = await conversation.post(c.get('caller'), sessionId(args), message as Record<string, unknown>, {
        idempotencyKey: idempotencyKey(c),
      });
      return sendEntity(c, chatMessage, toChatMessage(posted.message));
    })
    // SuperOffice answers null when there was nothing to take, and its client reads exactly that.
    .post('/PickUpChatSession', async (c) => {
      const taken = await conversation.pickUp(c.get('caller'), sessionId(await readArguments(c)));
      return taken ? answer(c, await sessions.view(taken.session)) : sendJson(c, null);
    })
    .post('/PickUpFirstChatSession', async (c) => {
      const taken = await conversation.pickUpFirst(c.get('caller'));
      return taken ? answer(c, await sessions.view(taken.session)) : sendJson(c, null);
    });
}
