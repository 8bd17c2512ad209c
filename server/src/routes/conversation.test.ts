/** A conversation through the API: the visitor and an agent write, the agent picks up, nothing is said twice. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../chat/events.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let clock = Date.parse('2026-11-26T09:00:00Z');
let t: TestApp;
let auth: string;
let events: ChatEvent[];
beforeEach(async () => {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = await createTestApp({ now: () => clock });
  auth = await t.agent('kari', 'kari-secret-1');
  events = [];
  t.bus.subscribe((event) => events.push(event));
});
afterEach(() => t.close());

type Session = { ChatSessionId: number; SessionKey: string };

async function visitorSession(fields: Record<string, unknown> = {}): Promise<Session> {
  const response = await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerName: 'Ada Lovelace', CustomerConsented: true, ...fields });
  expect(response.status).toBe(200);
  return json(response);
}

const asVisitor = (session: Session, method: string, path: string, init: { json?: unknown; headers?: Record<string, string> } = {}) =>
  t.call(method, path, { ...init, headers: { 'X-Chat-Session-Key': session.SessionKey, ...init.headers } });
const asAgent = (method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
  t.call(method, path, { ...init, headers: { Authorization: auth, ...init.headers } });
const messagesOf = (id: number) => `/api/v1/ChatSession/${id}/Messages`;

describe('a conversation', () => {
  it('goes both ways once an agent has picked the session up, each message signed and in order', async () => {
    await t.store.updateTopic(1, { ...(await t.store.getTopic(1))!, welcomeMessage: 'Hi, I am here. How can I help?' });
    const session = await visitorSession();
    const id = session.ChatSessionId;

    clock += 1000;
    const early = await asVisitor(session, 'POST', messagesOf(id), { json: { Message: 'Is anyone there?' } });
    expect(early.status).toBe(200);
    expect(await json(early)).toMatchObject({
      ChatSessionId: id,
      Type: 'ToUser',
      Message: 'Is anyone there?',
      Author: 'Ada',
      SpecialType: 'None',
      WhenPosted: '2026-11-26T09:00:01.000+00:00',
    });
    // Writing while waiting keeps the visitor's place in the queue.
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${id}`))).Status).toBe('InQueue');
    expect((await asAgent('POST', messagesOf(id), { json: { Message: 'Too early' } })).status).toBe(409);

    clock += 1000;
    const picked = await json(await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`));
    expect(picked).toMatchObject({ Status: 'UserLast', User: { UserName: 'kari' }, Rank: 1, WhenStarted: '2026-11-26T09:00:02.000+00:00' });
    // Taken already: REST says so; SuperOffice's method answers null, and so does ours.
    const late = await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`);
    expect(late.status).toBe(409);
    expect(await json(late)).toMatchObject({ Error: true, ErrorType: 'SoConflictException', ErrorMessage: `You took ChatSession ${id} already.` });
    const lateRpc = await asAgent('POST', '/api/v1/Agents/Chat/PickUpChatSession', { json: { chatSessionId: id } });
    expect(lateRpc.status).toBe(200);
    expect(await lateRpc.text()).toBe('null');

    clock += 1000;
    const reply = await json(await asAgent('POST', messagesOf(id), { json: { message: 'Yes, we service cargo bikes.' } }));
    expect(reply).toMatchObject({ Type: 'ToCustomer', Author: 'kari Nordmann', ReadByCustomer: 0 });
    clock += 1000;
    await asVisitor(session, 'POST', messagesOf(id), { json: { Message: 'Great, thanks!' } });
    expect(await json(await asAgent('GET', `/api/v1/ChatSession/${id}`))).toMatchObject({
      Status: 'CustomerLast',
      LastMessage: 'Great, thanks!',
      WhenIdle: '2026-11-26T09:00:04.000+00:00',
      FirstMessage: null,
    });

    const all = await json(await asVisitor(session, 'GET', messagesOf(id)));
    expect(all.map((m: { Type: string; SpecialType: string; Message: string }) => [m.Type, m.SpecialType, m.Message])).toEqual([
      ['ToUser', 'None', 'Is anyone there?'],
      ['Special', 'Welcome', 'Hi, I am here. How can I help?'],
      ['ToCustomer', 'None', 'Yes, we service cargo bikes.'],
      ['ToUser', 'None', 'Great, thanks!'],
    ]);
    const after = await json(await asAgent('GET', `${messagesOf(id)}?after=${all[1].ChatMessageId}`));
    expect(after.map((m: { Message: string }) => m.Message)).toEqual(['Yes, we service cargo bikes.', 'Great, thanks!']);
    expect(events.filter((event) => event.type === 'message.created')).toHaveLength(4);
  });

  it('stores a send retried with the same Idempotency-Key once, and answers the message stored then', async () => {
    const session = await visitorSession();
    const send = (text: string, key: string) =>
      asVisitor(session, 'POST', messagesOf(session.ChatSessionId), { json: { Message: text }, headers: { 'Idempotency-Key': key } });
    const first = await send('Hello', 'c0ffee00-0000-4000-8000-000000000001');
    const retry = await send('Hello', 'c0ffee00-0000-4000-8000-000000000001');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(retry)).toEqual(await json(first));
    expect((await send('Hello', 'c0ffee00-0000-4000-8000-000000000002')).status).toBe(200);
    const stored = await json(await asVisitor(session, 'GET', messagesOf(session.ChatSessionId)));
    expect(stored.map((m: { Message: string }) => m.Message)).toEqual(['Hello', 'Hello']);
    expect((await send('Hello', 'short')).status).toBe(400);

    // A retry is answered only to whoever may write there: another visitor, or an agent
    // without the right to answer in the topic, learns nothing of the message stored.
    const other = await visitorSession({ CustomerAlias: 'Bo' });
    const replay = { json: { Message: 'Hello' }, headers: { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-000000000001' } };
    expect((await asVisitor(other, 'POST', messagesOf(session.ChatSessionId), replay)).status).toBe(404);
    const outsider = await t.agent('outsider', 'outsider-secret-1');
    // Added as an operator adds agents, it may answer the default topic: take that right away.
    await t.store.removeTopicAgent(1, (await t.store.findAgent('outsider'))!.id);
    const asOutsider = await t.call('POST', messagesOf(session.ChatSessionId), { ...replay, headers: { ...replay.headers, Authorization: outsider } });
    expect(asOutsider.status).toBe(403);
  });

  it('keeps a visitor to their own session, by its key', async () => {
    const mine = await visitorSession();
    const theirs = await visitorSession({ CustomerAlias: 'Bo' });
    expect((await t.call('GET', messagesOf(mine.ChatSessionId))).status).toBe(401);
    expect((await t.call('POST', messagesOf(mine.ChatSessionId), { json: { Message: 'x' } })).status).toBe(401);
    const wrongKey = await asVisitor(theirs, 'GET', messagesOf(mine.ChatSessionId));
    expect(wrongKey.status).toBe(404);
    expect((await asVisitor(theirs, 'POST', messagesOf(mine.ChatSessionId), { json: { Message: 'x' } })).status).toBe(404);
    expect((await asVisitor(mine, 'GET', messagesOf(99_999))).status).toBe(404);
  });

  it.each([
    [{}, 400, 'Message'],
    [{ Message: '   ' }, 400, 'Message'],
    [{ Message: 'x'.repeat(4001) }, 400, 'Message'],
    [{ Message: 'bell\u0007' }, 400, 'Message'],
    [{ Message: 42 }, 400, 'Message'],
    [{ Message: 'hi', Type: 'Special' }, 403, 'Type'],
    [{ Message: 'hi', Type: 'ToCustomer' }, 403, 'Type'],
    [{ Message: 'hi', Type: 'Sideways' }, 400, 'Type'],
    [{ Message: 'hi', SpecialType: 'Welcome' }, 403, 'SpecialType'],
    [{ Message: 'hi', ReadByCustomer: 1 }, 403, 'ReadByCustomer'],
  ])('refuses a visitor\'s message %j with %i naming %s, and stores nothing', async (body, status, field) => {
    const session = await visitorSession();
    const response = await asVisitor(session, 'POST', messagesOf(session.ChatSessionId), { json: body });
    expect(response.status).toBe(status);
    const error = await json(response);
    expect(error.FieldErrors.map((e: { Field: string }) => e.Field)).toContain(field);
    expect(await json(await asVisitor(session, 'GET', messagesOf(session.ChatSessionId)))).toEqual([]);
  });

  it('lets an agent post a Special message, and nobody write in a chat that has ended', async () => {
    const session = await visitorSession();
    const id = session.ChatSessionId;
    const special = await asAgent('POST', messagesOf(id), { json: { Type: 'Special', SpecialType: 'Url', SpecialParam: 'https://example.com/manual', Message: 'Our manual' } });
    expect(await json(special)).toMatchObject({ Type: 'Special', SpecialType: 'Url', SpecialParam: 'https://example.com/manual' });
    expect((await asAgent('POST', messagesOf(id), { json: { Type: 'ToUser', Message: 'as the visitor' } })).status).toBe(403);
    const closed = await asAgent('PATCH', `/api/v1/ChatSession/${id}`, { body: '{"Status": "Closed"}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(closed.status).toBe(200);
    // The agent cannot write in it; the visitor can once the time to reopen it by writing is past.
    expect((await asAgent('POST', messagesOf(id), { json: { Message: 'One more thing' } })).status).toBe(409);
    clock += 11 * 60_000;
    const refused = await asVisitor(session, 'POST', messagesOf(id), { json: { Message: 'Hello?' } });
    expect(refused.status).toBe(409);
    expect((await json(refused)).ErrorMessage).toContain('has ended');
    expect((await asAgent('POST', messagesOf(id), { json: { Type: 'Special', Message: 'x' } })).status).toBe(409);
  });

  it('holds back a visitor who sends more than 20 messages in 10 seconds', async () => {
    const session = await visitorSession();
    for (let i = 0; i < 20; i++) {
      expect((await asVisitor(session, 'POST', messagesOf(session.ChatSessionId), { json: { Message: `m${i}` } })).status).toBe(200);
    }
    const refused = await asVisitor(session, 'POST', messagesOf(session.ChatSessionId), { json: { Message: 'one more' } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(refused)).ErrorMessage).toContain('Too many messages');
    clock += 10_000;
    expect((await asVisitor(session, 'POST', messagesOf(session.ChatSessionId), { json: { Message: 'later' } })).status).toBe(200);
    // Agents are not held back.
    for (let i = 0; i < 25; i++) expect((await asAgent('POST', messagesOf(session.ChatSessionId), { json: { Type: 'Special', Message: `n${i}` } })).status).toBe(200);
  });
});

describe('picking up', () => {
  it('takes the session that has waited longest, gives each of an agent\'s chats the lowest free rank, and says null when none waits', async () => {
    const first = await visitorSession({ CustomerAlias: 'first' });
    const second = await visitorSession({ CustomerAlias: 'second' });
    const third = await visitorSession({ CustomerAlias: 'third' });
    const pick = async () => json(await asAgent('POST', '/api/v1/ChatSession/Pickup'));
    expect(await pick()).toMatchObject({ ChatSessionId: first.ChatSessionId, Rank: 1, Status: 'CustomerLast' });
    expect(await pick()).toMatchObject({ ChatSessionId: second.ChatSessionId, Rank: 2 });
    await asAgent('PATCH', `/api/v1/ChatSession/${first.ChatSessionId}`, { body: '{"Status": "Closed"}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(await pick()).toMatchObject({ ChatSessionId: third.ChatSessionId, Rank: 1 });
    const none = await asAgent('POST', '/api/v1/ChatSession/Pickup');
    expect(await none.text()).toBe('null');
    // The queue moved: a new visitor is first in line again.
    expect((await visitorSession()).ChatSessionId).toBeGreaterThan(third.ChatSessionId);
    expect((await t.call('POST', '/api/v1/ChatSession/Pickup')).status).toBe(401);
  });

  it('gives a session to one of two agents who pick it up at once, and tells the other who took it with 409', async () => {
    await t.store.updateTopic(1, { ...(await t.store.getTopic(1))!, welcomeMessage: 'Welcome!' });
    await t.agent('ola', 'ola-secret-12');
    // Tokens, whose check is quick: both requests reach the session in the same turn.
    const token = async (userName: string) => `Bearer ${await t.chat.agents.createToken((await t.store.findAgent(userName))!)}`;
    const both = [await token('kari'), await token('ola')];
    const ola = both[1]!;
    for (let round = 0; round < 5; round++) {
      const session = await visitorSession();
      const id = session.ChatSessionId;
      const answers = await Promise.all(
        both.map((authorization) => t.call('POST', `/api/v1/ChatSession/${id}/Pickup`, { headers: { Authorization: authorization } })),
      );
      const bodies = await Promise.all(answers.map((answer) => json(answer)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      const winner = bodies[answers.findIndex((answer) => answer.status === 200)];
      const loser = bodies[answers.findIndex((answer) => answer.status === 409)];
      expect(loser).toMatchObject({ Error: true, ErrorType: 'SoConflictException', ErrorMessage: `${winner.User.FullName} took ChatSession ${id} first.` });
      // The winner's chat, with one welcome.
      expect(await json(await asAgent('GET', `/api/v1/ChatSession/${id}`))).toMatchObject({ User: { UserName: winner.User.UserName }, Status: 'UserLast' });
      const welcomes = (await t.store.listMessages(id, 0, 10)).filter((message) => message.message === 'Welcome!');
      expect(welcomes).toHaveLength(1);
    }
    // Through SuperOffice's method the other gets null, as SuperOffice answers.
    const session = await visitorSession();
    const rpc = await Promise.all(
      [auth, ola].map((authorization) =>
        t.call('POST', '/api/v1/Agents/Chat/PickUpChatSession', { json: { chatSessionId: session.ChatSessionId }, headers: { Authorization: authorization } }),
      ),
    );
    expect(rpc.map((answer) => answer.status)).toEqual([200, 200]);
    expect((await Promise.all(rpc.map((answer) => answer.text()))).filter((body) => body === 'null')).toHaveLength(1);
  });

  it('says 409 for a session that is no longer waiting, and 404 for none', async () => {
    const session = await visitorSession();
    await t.call('POST', `/api/v1/ChatSession/${session.ChatSessionId}/End`, { headers: { 'X-Chat-Session-Key': session.SessionKey } });
    const ended = await asAgent('POST', `/api/v1/ChatSession/${session.ChatSessionId}/Pickup`);
    expect(ended.status).toBe(409);
    expect((await json(ended)).ErrorMessage).toBe(`ChatSession ${session.ChatSessionId} is not waiting in the queue.`);
    expect((await asAgent('POST', '/api/v1/ChatSession/999999/Pickup')).status).toBe(404);
  });
});

describe('the Agents/Chat methods of a conversation', () => {
  const rpc = (method: string, body?: string) =>
    asAgent('POST', `/api/v1/Agents/Chat/${method}`, { body, headers: { 'Content-Type': 'application/json' } });

  it('pick up, add and get messages as SuperOffice\'s client sends them', async () => {
    const session = await visitorSession();
    const id = session.ChatSessionId;
    expect(await json(await rpc('PickUpChatSession', JSON.stringify({ chatSessionId: id })))).toMatchObject({ ChatSessionId: id, Rank: 1 });
    const added = await json(await rpc('AddChatMessage', JSON.stringify({ chatSessionId: id, message: { chatMessageId: 0, type: 'ToCustomer', message: 'Hello from the client' } })));
    expect(added).toMatchObject({ ChatMessageId: expect.any(Number), Type: 'ToCustomer', Message: 'Hello from the client', Author: 'kari Nordmann' });
    const listed = await json(await rpc('GetChatMessages', JSON.stringify({ chatSessionId: id })));
    expect(listed.map((m: { Message: string }) => m.Message)).toEqual(['Hello from the client']);
    expect(await json(await rpc('GetChatMessages', JSON.stringify({ ChatSessionId: id, After: added.ChatMessageId })))).toEqual([]);
    // No parameters: an empty body; nothing waiting: null.
    expect(await (await rpc('PickUpFirstChatSession', '')).text()).toBe('null');
    expect(await (await rpc('PickUpFirstChatSession', 'null')).text()).toBe('null');
    expect((await rpc('GetChatMessages', JSON.stringify({ chatSessionId: 'seven' }))).status).toBe(400);
    expect((await rpc('AddChatMessage', JSON.stringify({ chatSessionId: id }))).status).toBe(400);
    expect((await rpc('GetChatMessages', '[1')).status).toBe(400);
  });
});

describe('ending a chat', () => {
  const patchStatus = (id: number, status: string) =>
    asAgent('PATCH', `/api/v1/ChatSession/${id}`, { body: JSON.stringify({ Status: status }), headers: { 'Content-Type': 'application/merge-patch+json' } });
  const specials = async (session: Session) =>
    (await json(await asVisitor(session, 'GET', messagesOf(session.ChatSessionId))))
      .filter((m: { Type: string }) => m.Type === 'Special')
      .map((m: { SpecialType: string; Author: string }) => `${m.SpecialType} by ${m.Author}`);

  it('by the visitor: closed, with WhenEnded and a ClosedByCustomer message, once', async () => {
    const session = await visitorSession();
    await asAgent('POST', `/api/v1/ChatSession/${session.ChatSessionId}/Pickup`);
    clock += 5000;
    const ended = await asVisitor(session, 'POST', `/api/v1/ChatSession/${session.ChatSessionId}/End`);
    expect(ended.status).toBe(200);
    expect(await json(ended)).toMatchObject({ Status: 'Closed', WhenEnded: '2026-11-26T09:00:05.000+00:00', TableRight: { Mask: 'Insert' } });
    clock += 5000;
    expect(await json(await asVisitor(session, 'POST', `/api/v1/ChatSession/${session.ChatSessionId}/End`))).toMatchObject({
      WhenEnded: '2026-11-26T09:00:05.000+00:00',
    });
    expect(await specials(session)).toEqual(['ClosedByCustomer by Ada']);
    expect((await t.call('POST', `/api/v1/ChatSession/${session.ChatSessionId}/End`)).status).toBe(401);
  });

  it('by a visitor who leaves the queue: ClosedFromQueue, so the queue moves on', async () => {
    const first = await visitorSession();
    await asVisitor(first, 'POST', `/api/v1/ChatSession/${first.ChatSessionId}/End`);
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${first.ChatSessionId}`))).Status).toBe('ClosedFromQueue');
    const next = await json(await t.postSession({ TopicId: 1, CustomerConsented: true }));
    expect(next.InitialQueuePos).toBe(1);
  });

  it('by an agent, through whatever path writes the status: WhenEnded and a ClosedByUser message', async () => {
    const patched = await visitorSession();
    await asAgent('POST', `/api/v1/ChatSession/${patched.ChatSessionId}/Pickup`);
    clock += 1000;
    expect(await json(await patchStatus(patched.ChatSessionId, 'Closed'))).toMatchObject({ Status: 'Closed', WhenEnded: '2026-11-26T09:00:01.000+00:00' });
    expect(await specials(patched)).toEqual(['ClosedByUser by kari Nordmann']);
    // Changing an ended chat again adds nothing.
    await patchStatus(patched.ChatSessionId, 'Finished');
    expect(await specials(patched)).toEqual(['ClosedByUser by kari Nordmann']);

    const saved = await visitorSession();
    const save = await asAgent('POST', '/api/v1/Agents/Chat/SaveChatSessionEntity', {
      json: { ...(await json(await asAgent('GET', `/api/v1/ChatSession/${saved.ChatSessionId}`))), Status: 'Finished' },
    });
    expect(await json(save)).toMatchObject({ Status: 'Finished', WhenEnded: expect.any(String) });
    expect(await specials(saved)).toEqual(['ClosedByUser by kari Nordmann']);

    const ended = await visitorSession();
    await asAgent('POST', `/api/v1/ChatSession/${ended.ChatSessionId}/End`);
    expect(await specials(ended)).toEqual(['ClosedByUser by kari Nordmann']);
  });
});
