import { Hono, type Context } from 'hono';
import { chatSession, chatTopic, member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import type { TopicRecord } from '../store/types.ts';
import { readEntityBody, readJsonArray, readObjectBody } from '../http/body.ts';
import type { ApiEnv } from '../http/context.ts';
import { agentGroupItem, toAgentListItem, toCannedReply, toSessionEntity, toSessionRow, toTopicEntity, toTopicWidgetInfo } from '../http/entities.ts';
import { readTopicAgent, topicAgentAnswers } from '../http/topic-agents.ts';
import { sendEntities, sendEntity, sendJson, sendPage } from '../http/respond.ts';
import { agentsOnly } from '../middleware/auth.ts';
import { responseFormat } from '../middleware/output.ts';

/**
 * `/api/v1/ChatTopic`: agents manage topics; `GET /{id}/widget` is public and has only what
 * a widget shows, for any page allowed to use the chat.
 */
export function chatTopicRoutes({ chat, publicUrl }: { chat: Chat; publicUrl: string | null }) {
  const { topics } = chat;
  const id = (c: Context) => Number(c.req.param('id'));
  const replyId = (c: Context) => Number(c.req.param('reply'));
  const entity = (c: Context<ApiEnv>, topic: TopicRecord, { links = true } = {}) =>
    toTopicEntity(topic, {
      caller: c.get('caller').kind,
      language: c.get('output').language,
      baseUrl: links ? (publicUrl ?? new URL(c.req.url).origin) : undefined,
    });
  const body = (c: Context<ApiEnv>) => readEntityBody(c, chatTopic, () => entity(c, topics.defaults(c.get('caller')), { links: false }));
  return new Hono<ApiEnv>()
    .use(responseFormat({ entity: chatTopic }))
    .get('/:id{[0-9]+}/widget', async (c) => {
      const topic = await topics.readPublic(id(c));
      // Whether it is open and anyone is there changes: a page that asks again within the
      // minute may be told what was true at its start.
      c.header('Cache-Control', 'public, max-age=60');
      c.header('Vary', 'Accept', { append: true });
      return sendEntity(c, chatTopic, toTopicWidgetInfo(topic, topic));
    })
    // A bare boolean, as IsWithinOpeningHours answers: for anyone, as the widget's part says it too.
    .get('/:id{[0-9]+}/IsOpen', async (c) => sendJson(c, await topics.isOpen(id(c))))
    // The rest is for agents: a visitor is refused before a body is read.
    .use(agentsOnly())
    .get('/ForCurrentUser', async (c) => {
      const mine = await chat.members.mine(c.get('caller'));
      return sendEntities(c, chatTopic, await Promise.all(mine.map(async (membership) => entity(c, await topics.read(c.get('caller'), membership.topicId)))));
    })
    .get('/UserAgents', async (c) => {
      const query = c.req.query();
      const agents = (await chat.agents.list(c.get('caller'))).filter(
        (agent) => !agent.deleted && (String(member(query, 'onlyPresent')).toLowerCase() !== 'true' || agent.present),
      );
      const items = agents.map(toAgentListItem);
      return sendJson(c, String(member(query, 'flat')).toLowerCase() === 'true' ? items : [{ ...agentGroupItem, ChildItems: items }]);
    })
    .get('/:id{[0-9]+}/Sessions', async (c) => {
      await topics.read(c.get('caller'), id(c));
      // A topic's chats are for the agents who may follow them.
      await chat.members.requireRight(c.get('caller'), id(c), 'listen');
      const base = publicUrl ?? new URL(c.req.url).origin;
      const views = await chat.sessions.list(c.get('caller'), { topicId: id(c), skip: 0, top: 1000 });
      return sendPage(c, chatSession, views.map((view) => toSessionRow(view, base)), { metadata: `${base}/api/v1/$metadata#ChatSession`, next: null });
    })
    .post('/:id{[0-9]+}/Sessions', async (c) => {
      await chat.members.requireRight(c.get('caller'), id(c), 'respond');
      const view = await chat.sessions.create(c.get('caller'), { TopicId: id(c) }, { peer: null, origin: null });
      return sendEntity(c, chatSession, toSessionEntity(view, { caller: 'agent', language: c.get('output').language }));
    })
    .get('/:id{[0-9]+}/UserAgent', async (c) => sendJson(c, await topicAgentAnswers(chat, await chat.members.list(c.get('caller'), id(c)))))
    .post('/:id{[0-9]+}/UserAgent', async (c) => {
      const set = await chat.members.set(c.get('caller'), await readTopicAgent(chat, await readObjectBody(c), id(c)));
      return sendJson(c, (await topicAgentAnswers(chat, [set]))[0]);
    })
    .put('/:id{[0-9]+}/UserAgent', async (c) => {
      const list = await readJsonArray(c);
      const members = await Promise.all(list.map((entry) => readTopicAgent(chat, entry, id(c))));
      return sendJson(c, await topicAgentAnswers(chat, await chat.members.replace(c.get('caller'), id(c), members)));
    })
    .get('/:id{[0-9]+}/UserAgent/:name', async (c) =>
      sendJson(c, (await topicAgentAnswers(chat, [await chat.members.get(c.get('caller'), id(c), c.req.param('name'))]))[0]),
    )
    .put('/:id{[0-9]+}/UserAgent/:name', async (c) => {
      const agent = await chat.members.agentNamed(c.req.param('name'));
      const set = await chat.members.set(c.get('caller'), await readTopicAgent(chat, await readObjectBody(c), id(c), agent.id));
      return sendJson(c, (await topicAgentAnswers(chat, [set]))[0]);
    })
    .delete('/:id{[0-9]+}/UserAgent/:name', async (c) => {
      await chat.members.remove(c.get('caller'), id(c), c.req.param('name'));
      return c.body(null, 204);
    })
    // The texts the topic's agents pick instead of typing them; its managers write them.
    .get('/:id{[0-9]+}/CannedReplies', async (c) => sendJson(c, (await chat.cannedReplies.list(c.get('caller'), id(c))).map(toCannedReply)))
    .post('/:id{[0-9]+}/CannedReplies', async (c) =>
      sendJson(c, toCannedReply(await chat.cannedReplies.create(c.get('caller'), id(c), await readObjectBody(c)))),
    )
    .put('/:id{[0-9]+}/CannedReplies/:reply{[0-9]+}', async (c) =>
      sendJson(c, toCannedReply(await chat.cannedReplies.replace(c.get('caller'), id(c), replyId(c), await readObjectBody(c)))),
    )
    .delete('/:id{[0-9]+}/CannedReplies/:reply{[0-9]+}', async (c) => {
      await chat.cannedReplies.delete(c.get('caller'), id(c), replyId(c));
      return c.body(null, 204);
    })
    .get('/', async (c) => sendEntities(c, chatTopic, (await topics.list(c.get('caller'))).map((topic) => entity(c, topic))))
    .get('/default', (c) => sendEntity(c, chatTopic, entity(c, topics.defaults(c.get('caller')), { links: false })))
    .post('/', async (c) => sendEntity(c, chatTopic, entity(c, await topics.create(c.get('caller'), await body(c)))))
    .get('/:id{[0-9]+}', async (c) => sendEntity(c, chatTopic, entity(c, await topics.read(c.get('caller'), id(c)))))
    .put('/:id{[0-9]+}', async (c) => sendEntity(c, chatTopic, entity(c, await topics.replace(c.get('caller'), id(c), await body(c)))))
    .delete('/:id{[0-9]+}', async (c) => {
      await topics.delete(c.get('caller'), id(c));
      return c.body(null, 204);
    });
}
