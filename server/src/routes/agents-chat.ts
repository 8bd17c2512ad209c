import { Hono, type Context } from 'hono';
import { chatMessage, chatSession, chatTopic, member } from '@chatline/shared';
import type { SessionRecord, TopicAgentRecord, TopicRecord } from '../store/types.ts';
import type { Chat } from '../chat/index.ts';
import { readArguments, readEntityBody } from '../http/body.ts';
import { sessionAnswers } from '../http/answers.ts';
import { clientAddress } from '../http/client-address.ts';
import { idempotencyKey, updateCondition } from '../http/conditions.ts';
import type { ApiEnv } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { agentGroupItem, toAgentListItem, toChatMessage, toChatPresence, toTopicEntity } from '../http/entities.ts';
import { readTopicAgent, topicAgentAnswers } from '../http/topic-agents.ts';
import { transcriptHtml, transcriptText } from '../http/transcript.ts';
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

/** A text argument: a user name, or an agent's id as text. */
function text(args: Record<string, unknown>, name: string): string {
  const value = member(args, name);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value === '' || value.length > 255) throw badRequest('argument', name);
  return value;
}

/**
 * `/api/v1/Agents/Chat/…`: the RPC endpoints SuperOffice's own clients call for the same
 * operations as the REST resource. All need an agent; none answers `_Links`.
 */
export function agentsChatRoutes({ chat, publicUrl, trustProxy }: { chat: Chat; publicUrl: string | null; trustProxy: number }) {
  const { sessions, conversation, members } = chat;
  const answerAll = async (c: Context<ApiEnv>, records: readonly SessionRecord[]) =>
    sendEntities(c, chatSession, await Promise.all(records.map(async (record) => answers.entity(c, await sessions.view(record), { links: false }))));
  const topicEntity = (c: Context<ApiEnv>, topic: TopicRecord) => toTopicEntity(topic, { caller: c.get('caller').kind, language: c.get('output').language });
  const topicAgents = (list: readonly TopicAgentRecord[]) => topicAgentAnswers(chat, list);
  const topicAgentFrom = (value: unknown, topicId: number, agentId?: number) => readTopicAgent(chat, value, topicId, agentId);
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
    })
    .post('/ChatSessionsForUser', async (c) => answerAll(c, await conversation.sessionsFor(c.get('caller'))))
    .post('/TransferChatSession', async (c) => {
      const args = await readArguments(c);
      const to = member(args, 'toAssociate');
      if (typeof to !== 'string' && typeof to !== 'number') throw badRequest('argument', 'toAssociate');
      return answer(c, await sessions.view(await conversation.transfer(c.get('caller'), sessionId(args), String(to))));
    })
    .post('/AcceptChatSessionTransfer', async (c) =>
      answer(c, await sessions.view(await conversation.acceptTransfer(c.get('caller'), sessionId(await readArguments(c))))),
    )
    .post('/RejectChatSessionTransfer', async (c) =>
      answer(c, await sessions.view(await conversation.rejectTransfer(c.get('caller'), sessionId(await readArguments(c))))),
    )
    .post('/ResetChatSession', async (c) => answer(c, await sessions.view(await conversation.reset(c.get('caller'), sessionId(await readArguments(c))))))
    // A JSON string, as SuperOffice's client reads it.
    .post('/GetChatTranscript', async (c) => {
      const args = await readArguments(c);
      const html = member(args, 'html');
      if (html !== undefined && typeof html !== 'boolean') throw badRequest('argument', 'html');
      const { session, messages } = await conversation.transcript(c.get('caller'), sessionId(args));
      return sendJson(c, html ? transcriptHtml(session, messages) : transcriptText(session, messages));
    })
    .post('/CreateChatSessionForTopic', async (c) => {
      const topicId = whole(await readArguments(c), 'chatTopicId');
      await members.requireRight(c.get('caller'), topicId, 'respond');
      const view = await sessions.create(c.get('caller'), { TopicId: topicId }, { peer: clientAddress(c, trustProxy), origin: null });
      return answer(c, view);
    })
    .post('/ChatTopicsForUser', async (c) => {
      const mine = await members.mine(c.get('caller'));
      const topics = await Promise.all(mine.map((membership) => chat.topics.read(c.get('caller'), membership.topicId)));
      return sendEntities(c, chatTopic, topics.map((topic) => topicEntity(c, topic)));
    })
    .post('/IsWithinOpeningHours', async (c) => sendJson(c, await chat.topics.isOpen(whole(await readArguments(c), 'chatTopicId'))))
    .post('/GetChatPresence', async (c) => sendJson(c, (await members.presence(c.get('caller'))).map(toChatPresence)))
    .post('/SaveChatPresence', async (c) => {
      const list = member(await readArguments(c), 'chatPresence');
      if (!Array.isArray(list)) throw badRequest('argument', 'chatPresence');
      const entries = list.map((entry) => {
        const agentId = typeof entry === 'object' && entry !== null ? member(entry, 'userId') : undefined;
        const present = typeof entry === 'object' && entry !== null ? member(entry, 'present') : undefined;
        if (!Number.isSafeInteger(agentId) || typeof present !== 'boolean') throw badRequest('argument', 'chatPresence');
        return { agentId: agentId as number, present };
      });
      await members.savePresence(c.get('caller'), entries);
      return c.body(null, 204);
    })
    .post('/GetUserAgentList', async (c) => {
      const args = await readArguments(c);
      const agents = (await chat.agents.list(c.get('caller'))).filter((agent) => !agent.deleted && (member(args, 'onlyPresent') !== true || agent.present));
      const items = agents.map(toAgentListItem);
      if (member(args, 'flat') === true) return sendJson(c, items);
      // Grouped: one group, as every agent here is in the same.
      return sendJson(c, [{ ...agentGroupItem, ChildItems: items }]);
    })
    .post('/GetChatTopicUserAgentList', async (c) => {
      const topicId = whole(await readArguments(c), 'chatTopicId');
      return sendJson(c, await topicAgents(await members.list(c.get('caller'), topicId)));
    })
    .post('/GetChatTopicUserAgent', async (c) => {
      const args = await readArguments(c);
      const found = await members.get(c.get('caller'), whole(args, 'chatTopicId'), text(args, 'username'));
      return sendJson(c, (await topicAgents([found]))[0]);
    })
    .post('/CreateDefaultChatTopicAgent', (c) =>
      sendJson(c, { TopicId: 0, User: null, CanListen: false, CanRespond: false, CanManage: false, CanNotify: false }),
    )
    .post('/AddChatTopicUserAgent', async (c) => {
      const args = await readArguments(c);
      const topicId = whole(args, 'chatTopicId');
      const set = await members.set(c.get('caller'), await topicAgentFrom(member(args, 'useragent'), topicId));
      return sendJson(c, (await topicAgents([set]))[0]);
    })
    .post('/UpdateChatTopicUserAgent', async (c) => {
      const args = await readArguments(c);
      const topicId = whole(args, 'chatTopicId');
      const agent = await members.agentNamed(text(args, 'username'));
      const set = await members.set(c.get('caller'), { ...(await topicAgentFrom(member(args, 'useragent'), topicId, agent.id)), agentId: agent.id });
      return sendJson(c, (await topicAgents([set]))[0]);
    })
    .post('/UpdateChatTopicUserAgents', async (c) => {
      const args = await readArguments(c);
      const topicId = whole(args, 'chatTopicId');
      const list = member(args, 'useragents');
      if (!Array.isArray(list)) throw badRequest('argument', 'useragents');
      const replaced = await members.replace(c.get('caller'), topicId, await Promise.all(list.map((entry) => topicAgentFrom(entry, topicId))));
      return sendJson(c, await topicAgents(replaced));
    })
    .post('/DeleteChatTopicUserAgent', async (c) => {
      const args = await readArguments(c);
      await members.remove(c.get('caller'), whole(args, 'chatTopicId'), text(args, 'username'));
      return c.body(null, 204);
    })
    .post('/GetChatTopicEntity', async (c) => sendEntity(c, chatTopic, topicEntity(c, await chat.topics.read(c.get('caller'), idParameter(c, 'chatTopicEntityId')))))
    .post('/CreateDefaultChatTopicEntity', (c) => sendEntity(c, chatTopic, topicEntity(c, chat.topics.defaults(c.get('caller')))))
    .post('/SaveChatTopicEntity', async (c) => {
      const body = await readEntityBody(c, chatTopic, () => topicEntity(c, chat.topics.defaults(c.get('caller'))));
      const id = member(body, 'ChatTopicId');
      const caller = c.get('caller');
      if (id === 0 || id === null || id === undefined) return sendEntity(c, chatTopic, topicEntity(c, await chat.topics.create(caller, body)));
      if (!Number.isSafeInteger(id)) throw badRequest('argument', 'ChatTopicId');
      return sendEntity(c, chatTopic, topicEntity(c, await chat.topics.replace(caller, id as number, body)));
    })
    .post('/DeleteChatTopicEntity', async (c) => {
      await chat.topics.delete(c.get('caller'), idParameter(c, 'ChatTopicEntityId'));
      return c.body(null, 204);
    });
}
