/** Every write through the API is announced once it is stored, and nothing that was refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';
import { inProcessBus, type ChatEvent } from './events.ts';

let t: TestApp;
let events: ChatEvent[];
/** For each event, whether the store already had what it announced when it was told. */
let stored: Promise<boolean>[];
beforeEach(async () => {
  t = await createTestApp({ config: { allowedOrigins: ['https://shop.example'] } });
  events = [];
  stored = [];
  t.bus.subscribe((event) => {
    events.push(event);
    if (event.type === 'session.created' || event.type === 'session.updated') {
      stored.push(t.store.getSession(event.sessionId).then((session) => session?.status === event.status));
    } else if (event.type === 'session.deleted') {
      stored.push(t.store.getSession(event.sessionId).then((session) => session === null));
    } else if (event.type === 'topic.created' || event.type === 'topic.updated') {
      stored.push(t.store.getTopic(event.topicId).then((topic) => topic !== null));
    }
  });
});
afterEach(() => t.close());

const visitor = { TopicId: 1, CustomerName: 'Ada', CustomerConsented: true };

describe('the event bus', () => {
  it('announces each change to a session once it is stored', async () => {
    const auth = await t.agent();
    events.length = 0;
    stored.length = 0;
    const created = await json(await t.postSession(visitor));
    const id = created.ChatSessionId;
    const headers = { Authorization: auth, 'Content-Type': 'application/merge-patch+json' };
    expect((await t.call('PATCH', `/api/v1/ChatSession/${id}`, { body: '{"Status": "UserLast"}', headers })).status).toBe(200);
    expect((await t.call('DELETE', `/api/v1/ChatSession/${id}`, { headers: { Authorization: auth } })).status).toBe(204);
    expect(events).toEqual([
      { type: 'session.created', sessionId: id, topicId: 1, status: 4 },
      { type: 'session.updated', sessionId: id, topicId: 1, status: 6 },
      { type: 'session.deleted', sessionId: id, topicId: 1, status: 6 },
    ]);
    expect(await Promise.all(stored)).toEqual([true, true, true]);
  });

  it('announces nothing for what was refused', async () => {
    const auth = await t.agent();
    events.length = 0;
    expect((await t.postSession({ ...visitor, CustomerEmail: 'not an email' })).status).toBe(400);
    expect((await t.postSession(visitor, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await t.postSession({ ...visitor, CustomerConsented: false })).status).toBe(400);
    expect((await t.call('PATCH', '/api/v1/ChatSession/99', { json: {}, headers: { Authorization: auth } })).status).toBe(404);
    expect((await t.call('DELETE', '/api/v1/ChatTopic/1', { headers: { Authorization: auth } })).status).toBe(204);
    expect(events).toEqual([{ type: 'topic.deleted', topicId: 1 }]);
  });

  it('announces topics, agents and credentials', async () => {
    const auth = await t.agent('kari', 'kari-secret-1');
    const topic = await json(await t.call('POST', '/api/v1/ChatTopic', { json: { Name: 'Sales' }, headers: { Authorization: auth } }));
    await t.call('PUT', `/api/v1/ChatTopic/${topic.ChatTopicId}`, { json: { Name: 'Sales and rentals' }, headers: { Authorization: auth } });
    await t.call('POST', '/api/v1/Authentication/Ticket', { json: { UserName: 'kari', Password: 'kari-secret-1' } });
    const agentId = (await t.store.findAgent('kari'))!.id;
    expect(events).toEqual([
      { type: 'agent.created', agentId },
      // A new agent may answer the default topic; whoever makes a topic may do everything in it.
      { type: 'topic.updated', topicId: 1 },
      { type: 'topic.created', topicId: topic.ChatTopicId },
      { type: 'topic.updated', topicId: topic.ChatTopicId },
      { type: 'topic.updated', topicId: topic.ChatTopicId },
      { type: 'credential.created', agentId, kind: 'ticket' },
    ]);
    expect(await Promise.all(stored)).toEqual([true, true, true, true]);
  });

  it('tells every listener even when one throws, and stops telling one that unsubscribed', () => {
    const errors: unknown[] = [];
    const bus = inProcessBus({ onListenerError: (error) => errors.push(error) });
    const heard: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    const stop = bus.subscribe((event) => heard.push(event.type));
    bus.publish({ type: 'topic.created', topicId: 2 });
    stop();
    bus.publish({ type: 'topic.deleted', topicId: 2 });
    expect(heard).toEqual(['topic.created']);
    expect(errors).toHaveLength(2);
  });
});
