import { Hono, type Context } from 'hono';
import { chatTopic } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import type { TopicRecord } from '../store/types.ts';
import { readEntityBody } from '../http/body.ts';
import type { ApiEnv } from '../http/context.ts';
import { toTopicEntity, toTopicWidgetInfo } from '../http/entities.ts';
import { sendEntities, sendEntity } from '../http/respond.ts';
import { agentsOnly } from '../middleware/auth.ts';
import { responseFormat } from '../middleware/output.ts';

/**
 * `/api/v1/ChatTopic`: agents manage topics; `GET /{id}/widget` is public and has only what
 * a widget shows, for any page allowed to use the chat.
 */
export function chatTopicRoutes({ chat, publicUrl }: { chat: Chat; publicUrl: string | null }) {
  const { topics } = chat;
  const id = (c: Context) => Number(c.req.param('id'));
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
      c.header('Cache-Control', 'public, max-age=60');
      c.header('Vary', 'Accept', { append: true });
      return sendEntity(c, chatTopic, toTopicWidgetInfo(topic));
    })
    // The rest is for agents: a visitor is refused before a body is read.
    .use(agentsOnly())
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
