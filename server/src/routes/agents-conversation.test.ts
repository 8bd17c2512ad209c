/** What agents may do in a topic's chats, and the Chat agent methods that hand chats around. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reader } from '../testing/event-stream.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let kari: string;
let ola: string;
let olaId: number;
beforeEach(async () => {
  t = await createTestApp();
  kari = await t.agent('kari', 'kari-secret-1');
  ola = await t.agent('ola', 'ola-secret-12');
  olaId = (await t.store.findAgent('ola'))!.id;
});
afterEach(() => t.close());

const as = (auth: string, method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
  t.call(method, path, { ...init, headers: { Authorization: auth, ...init.headers } });
const rpc = (auth: string, method: string, args?: unknown) =>
  t.call('POST', `/api/v1/Agents/Chat/${method}`, {
    body: args === undefined ? '' : JSON.stringify(args),
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
  });

async function waiting(fields: Record<string, unknown> = {}) {
  return (await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true, ...fields }))) as {
    ChatSessionId: number;
    SessionKey: string;
  };
}

/** Makes ola a member of topic 1 with only these rights. */
const olaMayOnly = (rights: Partial<Record<'canListen' | 'canRespond' | 'canManage' | 'canNotify', boolean>>) =>
  t.store.setTopicAgent({ topicId: 1, agentId: olaId, canListen: false, canRespond: false, canManage: false, canNotify: false, ...rights });

describe('rights by topic membership', () => {
  it('keeps an agent that is no member of the topic out of its chats with 403', async () => {
    await t.store.removeTopicAgent(1, olaId);
    const session = await waiting();
    const id = session.ChatSessionId;
    for (const [method, path, body] of [
      ['POST', `/api/v1/ChatSession/${id}/Pickup`, undefined],
      ['GET', `/api/v1/ChatSession/${id}/Messages`, undefined],
      ['POST', `/api/v1/ChatSession/${id}/Messages`, { Type: 'Special', Message: 'x' }],
      ['GET', `/api/v1/ChatSession/${id}/Events`, undefined],
      ['POST', `/api/v1/ChatSession/${id}/Typing`, { Typing: true }],
      ['POST', `/api/v1/ChatSession/${id}/End`, undefined],
      ['POST', `/api/v1/ChatSession/${id}/Reset`, undefined],
    ] as const) {
      const response = await as(ola, method, path, body === undefined ? { headers: { Accept: path.endsWith('Events') ? 'text/event-stream' : '*/*' } } : { json: body });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await json(response)).ErrorType).toBe('SoAccessDeniedException');
    }
    expect(await (await rpc(ola, 'PickUpFirstChatSession')).text()).toBe('null');
    expect(await json(await rpc(ola, 'ChatSessionsForUser'))).toEqual([]);
    expect(await json(await rpc(kari, 'ChatSessionsForUser'))).toHaveLength(1);
  });

  it('lets a listener follow the chats but not take or answer them; its own chat it may always', async () => {
    await olaMayOnly({ canListen: true });
    const session = await waiting();
    const id = session.ChatSessionId;
    expect((await as(ola, 'GET', `/api/v1/ChatSession/${id}/Messages`)).status).toBe(200);
    expect((await as(ola, 'POST', `/api/v1/ChatSession/${id}/Pickup`)).status).toBe(403);
    await as(kari, 'POST', `/api/v1/ChatSession/${id}/Pickup`);
    expect((await as(ola, 'POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'me too' } })).status).toBe(403);
    // A chat transferred to ola is ola's to answer, whatever ola may do in the topic.
    await olaMayOnly({ canRespond: true });
    await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'ola' });
    await rpc(ola, 'AcceptChatSessionTransfer', { chatSessionId: id });
    await olaMayOnly({});
    expect((await as(ola, 'POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'Ola here' } })).status).toBe(200);
  });

  it('picks up first only in the topics where the agent may respond', async () => {
    const other = await t.topic({ name: 'Sales', collectConsent: false });
    const inSales = await waiting({ TopicId: other.id });
    await waiting();
    // kari is in topic 1 only (every agent is): the older chat in Sales is not for kari.
    const picked = await json(await rpc(kari, 'PickUpFirstChatSession'));
    expect(picked.TopicId).toBe(1);
    await t.store.setTopicAgent({ topicId: other.id, agentId: olaId, canListen: false, canRespond: true, canManage: false, canNotify: false });
    expect((await json(await rpc(ola, 'PickUpFirstChatSession'))).ChatSessionId).toBe(inSales.ChatSessionId);
  });
});

describe('handing chats around', () => {
  it('transfers a chat to an agent who accepts it, with the messages saying so', async () => {
    const session = await waiting();
    const id = session.ChatSessionId;
    await rpc(kari, 'PickUpChatSession', { chatSessionId: id });
    const offered = await json(await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'ola' }));
    expect(offered).toMatchObject({ User: { UserName: 'kari' }, TransferTo: { UserName: 'ola' } });
    // Only the agent it is offered to can take it; anyone else changes nothing.
    expect(await json(await rpc(kari, 'AcceptChatSessionTransfer', { chatSessionId: id }))).toMatchObject({ User: { UserName: 'kari' } });
    const accepted = await json(await rpc(ola, 'AcceptChatSessionTransfer', { chatSessionId: id }));
    expect(accepted).toMatchObject({ User: { UserName: 'ola' }, TransferTo: null, Rank: 1 });
    const messages = await json(await as(ola, 'GET', `/api/v1/ChatSession/${id}/Messages`));
    expect(messages.map((m: { SpecialType: string }) => m.SpecialType)).toContain('TransferedSession');
  });

  it('lets the agent offered a chat turn it down, by REST too, and only the one who has it or a manager offer it', async () => {
    const session = await waiting();
    const id = session.ChatSessionId;
    await as(kari, 'POST', `/api/v1/ChatSession/${id}/Pickup`);
    await olaMayOnly({ canRespond: true });
    // ola neither has the chat nor manages the topic: nothing happens.
    expect(await json(await as(ola, 'POST', `/api/v1/ChatSession/${id}/TransferTo/kari`))).toMatchObject({ TransferTo: null });
    expect(await json(await as(kari, 'POST', `/api/v1/ChatSession/${id}/TransferTo/${olaId}`))).toMatchObject({ TransferTo: { UserName: 'ola' } });
    const rejected = await json(await as(ola, 'POST', `/api/v1/ChatSession/${id}/RejectTransfer`));
    expect(rejected).toMatchObject({ User: { UserName: 'kari' }, TransferTo: null });
    const messages = await json(await as(kari, 'GET', `/api/v1/ChatSession/${id}/Messages`));
    expect(messages.at(-1)).toMatchObject({ SpecialType: 'TransferRejected', Author: 'ola Nordmann' });
    // Someone who may not respond in the topic cannot be offered the chat.
    await olaMayOnly({ canListen: true });
    expect((await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'ola' })).status).toBe(403);
    expect((await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'nobody' })).status).toBe(404);
  });

  it('offers a chat only to an agent who is present: one who is away is a 409', async () => {
    const session = await waiting();
    const id = session.ChatSessionId;
    await as(kari, 'POST', `/api/v1/ChatSession/${id}/Pickup`);
    await rpc(ola, 'SaveChatPresence', { chatPresence: [{ userId: olaId, present: false }] });
    for (const response of [
      await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'ola' }),
      await as(kari, 'POST', `/api/v1/ChatSession/${id}/TransferTo/${olaId}`),
    ]) {
      expect(response.status).toBe(409);
      expect(await json(response)).toMatchObject({
        Error: true,
        ErrorType: 'SoConflictException',
        ErrorMessage: 'ola Nordmann is away: a chat can be offered only to an agent who is present.',
      });
    }
    expect(await json(await as(kari, 'GET', `/api/v1/ChatSession/${id}`))).toMatchObject({ User: { UserName: 'kari' }, TransferTo: null });
    await rpc(ola, 'SaveChatPresence', { chatPresence: [{ userId: olaId, present: true }] });
    expect(await json(await rpc(kari, 'TransferChatSession', { chatSessionId: id, toAssociate: 'ola' }))).toMatchObject({ TransferTo: { UserName: 'ola' } });
  });

  it('puts a chat back in the queue, and a bot hands over that way', async () => {
    const session = await waiting();
    await rpc(kari, 'PickUpChatSession', { chatSessionId: session.ChatSessionId });
    const reset = await json(await rpc(kari, 'ResetChatSession', { chatSessionId: session.ChatSessionId }));
    expect(reset).toMatchObject({ Status: 'InQueue', User: null, Rank: 0, WhenStarted: null });
    expect((await json(await rpc(ola, 'PickUpFirstChatSession'))).ChatSessionId).toBe(session.ChatSessionId);
  });

  it('writes a transcript as a JSON string, its HTML escaped', async () => {
    const session = await waiting({ FirstMessage: 'Do you fit <b>child seats</b>?' });
    const id = session.ChatSessionId;
    await rpc(kari, 'PickUpChatSession', { chatSessionId: id });
    await t.call('POST', `/api/v1/ChatSession/${id}/Messages`, {
      json: { Message: '<img src=x onerror=alert(1)> & "quotes"' },
      headers: { 'X-Chat-Session-Key': session.SessionKey },
    });
    const text = await json(await rpc(kari, 'GetChatTranscript', { chatSessionId: id, html: false }));
    expect(text).toContain('Ada: Do you fit <b>child seats</b>?');
    expect(text).toContain('Ada: <img src=x onerror=alert(1)> & "quotes"');
    const html = await json(await rpc(kari, 'GetChatTranscript', { chatSessionId: id, html: true }));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;b&gt;child seats&lt;/b&gt;');
    expect(await json(await as(kari, 'POST', `/api/v1/ChatSession/${id}/Transcript?html=true`))).toBe(html);
  });
});

describe('who is in a topic', () => {
  it('lists, adds, changes, replaces and removes members, for the topic\'s managers', async () => {
    const list = await json(await rpc(kari, 'GetChatTopicUserAgentList', { chatTopicId: 1 }));
    expect(list.map((m: { User: { UserName: string }; CanManage: boolean }) => [m.User.UserName, m.CanManage])).toEqual([
      ['kari', true],
      ['ola', true],
    ]);
    await olaMayOnly({ canRespond: true });
    const tom = await t.chat.agents.add({ userName: 'tom', password: 'tom-secret-123' });
    await t.store.removeTopicAgent(1, tom.id);
    // ola may not manage: refused.
    expect((await rpc(ola, 'AddChatTopicUserAgent', { chatTopicId: 1, useragent: { user: { associateId: tom.id }, canRespond: true } })).status).toBe(403);
    const added = await json(await rpc(kari, 'AddChatTopicUserAgent', { chatTopicId: 1, useragent: { topicId: 1, user: { associateId: tom.id, name: 'tom' }, canListen: true, canRespond: true, canManage: false, canNotify: false } }));
    expect(added).toMatchObject({ TopicId: 1, User: { UserName: 'tom' }, CanListen: true, CanRespond: true, CanManage: false });
    const updated = await json(await rpc(kari, 'UpdateChatTopicUserAgent', { chatTopicId: 1, username: 'tom', useragent: { canListen: true } }));
    expect(updated).toMatchObject({ CanListen: true, CanRespond: false });
    expect(await json(await rpc(kari, 'GetChatTopicUserAgent', { chatTopicId: 1, username: String(tom.id) }))).toMatchObject({ User: { UserName: 'tom' } });
    // A manager cannot replace the members so that nobody, itself included, manages.
    expect((await rpc(kari, 'UpdateChatTopicUserAgents', { chatTopicId: 1, useragents: [{ user: { associateId: tom.id }, canManage: true }] })).status).toBe(400);
    const kariId = (await t.store.findAgent('kari'))!.id;
    const replaced = await json(await rpc(kari, 'UpdateChatTopicUserAgents', { chatTopicId: 1, useragents: [{ user: { associateId: kariId }, canManage: true }, { user: { userName: 'ola' }, canRespond: true }] }));
    expect(replaced.map((m: { User: { UserName: string } }) => m.User.UserName)).toEqual(['kari', 'ola']);
    expect((await rpc(kari, 'DeleteChatTopicUserAgent', { chatTopicId: 1, username: 'ola' })).status).toBe(204);
    expect((await rpc(kari, 'GetChatTopicUserAgent', { chatTopicId: 1, username: 'ola' })).status).toBe(404);
    expect((await rpc(kari, 'GetChatTopicUserAgentList', { chatTopicId: 99 })).status).toBe(404);
    expect(await json(await rpc(kari, 'CreateDefaultChatTopicAgent'))).toEqual({ TopicId: 0, User: null, CanListen: false, CanRespond: false, CanManage: false, CanNotify: false });
  });

  it('answers the same by REST, and gives whoever makes a topic every right in it', async () => {
    const topic = await json(await as(kari, 'POST', '/api/v1/ChatTopic', { json: { Name: 'Workshop' } }));
    const members = await json(await as(kari, 'GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent`));
    expect(members).toEqual([expect.objectContaining({ User: expect.objectContaining({ UserName: 'kari' }), CanManage: true })]);
    expect((await as(kari, 'POST', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent`, { json: { user: { userName: 'ola' }, canRespond: true } })).status).toBe(200);
    expect(await json(await as(kari, 'GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent/ola`))).toMatchObject({ CanRespond: true, CanManage: false });
    expect(await json(await as(kari, 'PUT', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent/ola`, { json: { canListen: true } }))).toMatchObject({ CanListen: true, CanRespond: false });
    expect((await as(kari, 'DELETE', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent/ola`)).status).toBe(204);
    const mine = await json(await as(kari, 'GET', '/api/v1/ChatTopic/ForCurrentUser'));
    expect(mine.map((t: { Name: string }) => t.Name)).toEqual(['General', 'Workshop']);
    expect((await json(await rpc(ola, 'ChatTopicsForUser'))).map((t: { Name: string }) => t.Name)).toEqual(['General']);
    const created = await json(await as(kari, 'POST', `/api/v1/ChatTopic/${topic.ChatTopicId}/Sessions`));
    expect(created).toMatchObject({ TopicId: topic.ChatTopicId, Status: 'InQueue' });
    const sessions = await json(await as(kari, 'GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/Sessions`));
    expect(sessions.value.map((s: { ChatSessionId: number }) => s.ChatSessionId)).toEqual([created.ChatSessionId]);
    expect((await json(await rpc(kari, 'CreateChatSessionForTopic', { chatTopicId: topic.ChatTopicId }))).TopicId).toBe(topic.ChatTopicId);
    expect((await rpc(ola, 'CreateChatSessionForTopic', { chatTopicId: topic.ChatTopicId })).status).toBe(403);
  });
});

describe('presence', () => {
  it('tells who is there with their chats under way, and lets each agent say so for itself only', async () => {
    const session = await waiting();
    await rpc(kari, 'PickUpChatSession', { chatSessionId: session.ChatSessionId });
    const presence = await json(await rpc(kari, 'GetChatPresence'));
    expect(presence.map((p: { DisplayName: string; OngoingChats: number; Present: boolean; ChatTopics: number[] }) => [p.DisplayName, p.OngoingChats, p.Present, p.ChatTopics])).toEqual([
      ['kari Nordmann', 1, true, [1]],
      ['ola Nordmann', 0, true, [1]],
    ]);
    expect((await rpc(ola, 'SaveChatPresence', { chatPresence: [{ userId: olaId, present: false }] })).status).toBe(204);
    expect((await json(await rpc(kari, 'GetChatPresence')))[1].Present).toBe(false);
    expect((await rpc(ola, 'SaveChatPresence', { chatPresence: [{ userId: (await t.store.findAgent('kari'))!.id, present: false }] })).status).toBe(403);
    expect((await rpc(ola, 'SaveChatPresence', { chatPresence: 'away' })).status).toBe(400);
    const flat = await json(await rpc(kari, 'GetUserAgentList', { flat: true, onlyPresent: true }));
    expect(flat.map((item: { Name: string }) => item.Name)).toEqual(['kari']);
    const grouped = await json(await rpc(kari, 'GetUserAgentList', { flat: false }));
    expect(grouped[0].ChildItems.map((item: { Name: string }) => item.Name)).toEqual(['kari', 'ola']);
    expect((await json(await as(kari, 'GET', '/api/v1/ChatTopic/UserAgents?flat=true'))).map((item: { Name: string }) => item.Name)).toEqual(['kari', 'ola']);
  });

  it("tells every agent's stream when an agent comes or goes, as GetChatPresence gives it", async () => {
    const base = await t.listen();
    const session = await waiting();
    await rpc(ola, 'PickUpChatSession', { chatSessionId: session.ChatSessionId });
    const stream = async (auth: string) => {
      const events = reader((await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: auth } })).body!);
      expect((await events.next()).event).toBe('sessions');
      return events;
    };
    const kariEvents = await stream(kari);
    const olaEvents = await stream(ola);
    const save = (present: boolean) => rpc(ola, 'SaveChatPresence', { chatPresence: [{ userId: olaId, present }] });
    // The stream sent the chat's messages first: its cursor is the last of them.
    const cursor = String((await t.store.listMessages(session.ChatSessionId, 0, 100)).at(-1)?.id ?? 0);

    expect((await save(false)).status).toBe(204);
    const listed = (await json(await rpc(kari, 'GetChatPresence'))).find((entry: { UserId: number }) => entry.UserId === olaId);
    expect(listed).toMatchObject({ UserId: olaId, DisplayName: 'ola Nordmann', OngoingChats: 1, Present: false, ChatTopics: [1] });
    for (const events of [kariEvents, olaEvents]) {
      let frame = await events.next();
      while (frame.event !== 'presence') frame = await events.next();
      expect(frame).toEqual({ event: 'presence', id: cursor, data: listed });
    }
    // Said again, nothing changed: nothing is told. Back again, it is.
    await save(false);
    await save(true);
    let frame = await kariEvents.next();
    while (frame.event !== 'presence') frame = await kariEvents.next();
    expect(frame.data).toMatchObject({ UserId: olaId, Present: true });
    await Promise.all([kariEvents.close(), olaEvents.close()]);
  });
});
