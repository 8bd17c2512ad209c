/** The visitor says what they have read of the agent's messages; the agents who follow the chat are told. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reader } from '../testing/event-stream.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let kari: string;
beforeEach(async () => {
  t = await createTestApp();
  await t.agent('kari', 'kari-secret-1');
  kari = `Bearer ${await t.chat.agents.createToken((await t.store.findAgent('kari'))!)}`;
});
afterEach(() => t.close());

type Visitor = { ChatSessionId: number; SessionKey: string };

/** A visitor's chat that kari has picked up and written to; the ids of kari's messages. */
async function chatWithAgent(texts = ['Hi!', 'How can I help?', 'Are you there?']): Promise<{ visitor: Visitor; said: number[] }> {
  const visitor = (await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true }))) as Visitor;
  await t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Pickup`, { headers: { Authorization: kari } });
  const said = [];
  for (const text of texts) {
    const sent = await t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Messages`, { json: { Message: text }, headers: { Authorization: kari } });
    said.push((await json(sent)).ChatMessageId as number);
  }
  return { visitor, said };
}

const read = (visitor: Visitor, body: unknown, headers: Record<string, string> = { 'X-Chat-Session-Key': visitor.SessionKey }) =>
  t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Read`, { ...(body === undefined ? {} : { json: body }), headers });

async function readFlags(visitor: Visitor) {
  const messages = await json(await t.call('GET', `/api/v1/ChatSession/${visitor.ChatSessionId}/Messages`, { headers: { 'X-Chat-Session-Key': visitor.SessionKey } }));
  return messages.map((message: { Message: string; Type: string; ReadByCustomer: number }) => [message.Type, message.Message, message.ReadByCustomer]);
}

describe('POST /api/v1/ChatSession/{id}/Read', () => {
  it("marks the agent's messages up to the one named as read by the visitor, and again changes nothing", async () => {
    const { visitor, said } = await chatWithAgent();
    await t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Messages`, { json: { Message: 'Yes!' }, headers: { 'X-Chat-Session-Key': visitor.SessionKey } });
    expect(await readFlags(visitor)).toEqual([
      ['ToCustomer', 'Hi!', 0],
      ['ToCustomer', 'How can I help?', 0],
      ['ToCustomer', 'Are you there?', 0],
      ['ToUser', 'Yes!', 1],
    ]);
    const first = await read(visitor, { ChatMessageId: said[1] });
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect((await readFlags(visitor)).map((row: unknown[]) => row[2])).toEqual([1, 1, 0, 1]);
    // Again, or less: nothing changes. In any case, as the rest of the API.
    expect((await read(visitor, { chatMessageId: said[1] })).status).toBe(204);
    expect((await read(visitor, { ChatMessageId: said[0] })).status).toBe(204);
    expect((await readFlags(visitor)).map((row: unknown[]) => row[2])).toEqual([1, 1, 0, 1]);
    // Beyond the last message: all of them.
    expect((await read(visitor, { ChatMessageId: 10 ** 15 })).status).toBe(204);
    expect((await readFlags(visitor)).map((row: unknown[]) => row[2])).toEqual([1, 1, 1, 1]);
    // The agents read it too, as ReadByCustomer.
    const asAgent = await json(await t.call('GET', `/api/v1/ChatSession/${visitor.ChatSessionId}/Messages`, { headers: { Authorization: kari } }));
    expect(asAgent[2]).toMatchObject({ ChatMessageId: said[2], ReadByCustomer: 1 });
  });

  it("touches no other chat's messages", async () => {
    const { visitor } = await chatWithAgent(['For Ada']);
    const other = await chatWithAgent(['For Bo']);
    expect((await read(visitor, { ChatMessageId: other.said[0] })).status).toBe(204);
    expect(await readFlags(other.visitor)).toEqual([['ToCustomer', 'For Bo', 0]]);
    expect(await readFlags(visitor)).toEqual([['ToCustomer', 'For Ada', 1]]);
  });

  it('refuses what is not a message id with 400, and everyone but the visitor as their other calls do', async () => {
    const { visitor, said } = await chatWithAgent();
    for (const body of [{ ChatMessageId: 0 }, { ChatMessageId: -3 }, { ChatMessageId: 1.5 }, { ChatMessageId: '3' }, { ChatMessageId: null }, {}, { ChatMessageId: true }]) {
      const response = await read(visitor, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).FieldErrors).toMatchObject([{ Field: 'ChatMessageId' }]);
    }
    for (const body of ['[3]', '{"ChatMessageId":', 'ChatMessageId=3x']) {
      const response = await t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Read`, {
        body,
        headers: { 'X-Chat-Session-Key': visitor.SessionKey, 'Content-Type': body.includes('=') ? 'application/x-www-form-urlencoded' : 'application/json' },
      });
      expect(response.status, body).toBe(400);
      expect((await json(response)).Error).toBe(true);
    }
    const other = (await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Bo', CustomerConsented: true }))) as Visitor;
    expect((await read(visitor, { ChatMessageId: said[0] }, {})).status).toBe(401);
    expect((await read(visitor, { ChatMessageId: said[0] }, { 'X-Chat-Session-Key': other.SessionKey })).status).toBe(404);
    expect((await read({ ...visitor, ChatSessionId: 9999 }, { ChatMessageId: said[0] })).status).toBe(404);
    const byAgent = await read(visitor, { ChatMessageId: said[0] }, { Authorization: kari });
    expect(byAgent.status).toBe(403);
    expect((await json(byAgent)).ErrorType).toBe('SoAccessDeniedException');
    expect((await readFlags(visitor)).map((row: unknown[]) => row[2])).toEqual([0, 0, 0]);
  });

  it('tells the agents who follow the chat, once, on their stream: the highest message read, with the cursor', async () => {
    const base = await t.listen();
    await t.agent('ola', 'ola-secret-12');
    const olaId = (await t.store.findAgent('ola'))!.id;
    const elsewhere = await t.topic({ name: 'Elsewhere' });
    await t.store.removeTopicAgent(1, olaId);
    await t.store.setTopicAgent({ topicId: elsewhere.id, agentId: olaId, canListen: true, canRespond: true, canManage: false, canNotify: false });
    const { visitor, said } = await chatWithAgent();
    const stream = async (authorization: string) => {
      const events = reader((await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: authorization, 'Last-Event-ID': String(said.at(-1)) } })).body!);
      expect((await events.next()).event).toBe('sessions');
      return events;
    };
    const kariEvents = await stream(kari);
    const olaEvents = await stream(`Basic ${Buffer.from('ola:ola-secret-12').toString('base64')}`);

    await read(visitor, { ChatMessageId: said[1] });
    expect(await kariEvents.next()).toEqual({ event: 'read', id: String(said.at(-1)), data: { ChatSessionId: visitor.ChatSessionId, ChatMessageId: said[1] } });
    // Nothing new read: nothing said. Past the last: the last.
    await read(visitor, { ChatMessageId: said[0] });
    await read(visitor, { ChatMessageId: 10 ** 9 });
    expect(await kariEvents.next()).toMatchObject({ event: 'read', data: { ChatSessionId: visitor.ChatSessionId, ChatMessageId: said[2] } });

    // ola follows no chat of topic 1: the first it hears of is one in its own topic.
    const there = (await json(await t.postSession({ TopicId: elsewhere.id, CustomerAlias: 'Bo', CustomerConsented: true }))) as Visitor;
    expect(await olaEvents.next()).toMatchObject({ event: 'session', data: { ChatSessionId: there.ChatSessionId } });
    await Promise.all([kariEvents.close(), olaEvents.close()]);
  });

  it('tells of a read after the message it names, with that message as the cursor', async () => {
    const base = await t.listen();
    const { visitor } = await chatWithAgent([]);
    const events = reader((await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: kari } })).body!);
    expect((await events.next()).event).toBe('sessions');
    // The chat changes, the message comes, and the visitor reads it at once: the stream keeps that order.
    const posted = await json(await t.call('POST', `/api/v1/ChatSession/${visitor.ChatSessionId}/Messages`, { json: { Message: 'Hello' }, headers: { Authorization: kari } }));
    await read(visitor, { ChatMessageId: posted.ChatMessageId });
    const frames = [];
    for (let i = 0; i < 3; i++) frames.push(await events.next());
    const kinds = frames.map((frame) => frame.event);
    expect(kinds.indexOf('message')).toBeLessThan(kinds.indexOf('read'));
    expect(frames.find((frame) => frame.event === 'read')).toMatchObject({ id: String(posted.ChatMessageId), data: { ChatMessageId: posted.ChatMessageId } });
    await events.close();
  });
});
