/** A topic's canned replies: its agents read them, its managers write them, and consoles hear of each change. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reader } from '../testing/event-stream.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let kari: string;
let ola: string;
let olaId: number;
beforeEach(async () => {
  t = await createTestApp();
  // kari manages topic 1; ola is a member with only the rights a test gives it.
  await t.agent('kari', 'kari-secret-1');
  // A token: the credential is remembered for a second, where a password is hashed on every request.
  kari = `Bearer ${await t.chat.agents.createToken((await t.store.findAgent('kari'))!)}`;
  ola = await t.agent('ola', 'ola-secret-12');
  olaId = (await t.store.findAgent('ola'))!.id;
  await t.store.removeTopicAgent(1, olaId);
});
afterEach(() => t.close());

const as = (auth: string, method: string, path: string, body?: unknown) =>
  t.call(method, path, { ...(body === undefined ? {} : { json: body }), headers: { Authorization: auth } });
const replies = (topicId: number) => `/api/v1/ChatTopic/${topicId}/CannedReplies`;
const olaMay = (topicId: number, rights: Partial<Record<'canListen' | 'canRespond' | 'canManage' | 'canNotify', boolean>>) =>
  t.store.setTopicAgent({ topicId, agentId: olaId, canListen: false, canRespond: false, canManage: false, canNotify: false, ...rights });

async function expectError(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  const body = await json(response);
  expect(body).toMatchObject({ Error: true, ErrorType: type });
  return body;
}

describe('canned replies', () => {
  it('are added, listed by name in any case, changed and deleted by a manager of the topic', async () => {
    const added = await as(kari, 'POST', replies(1), { Name: '  Greeting ', Text: ' Hi! How can I help? ' });
    expect(added.status).toBe(200);
    const greeting = await json(added);
    expect(greeting).toEqual({ CannedReplyId: expect.any(Number), TopicId: 1, Name: 'Greeting', Text: 'Hi! How can I help?' });
    // Members in any case, as the rest of the API.
    const bye = await json(await as(kari, 'POST', replies(1), { name: 'bye', text: 'Thanks for writing, bye!' }));
    await as(kari, 'POST', replies(1), { Name: 'Åpningstider', Text: 'Vi har åpent 9–17.' });
    await as(kari, 'POST', replies(1), { Name: 'after hours', Text: 'We are closed now.\nWrite to us by mail.' });
    const listed = await json(await as(kari, 'GET', replies(1)));
    expect(listed.map((reply: { Name: string }) => reply.Name)).toEqual(['after hours', 'bye', 'Greeting', 'Åpningstider']);
    expect(listed[2]).toEqual(greeting);

    const changed = await as(kari, 'PUT', `${replies(1)}/${bye.CannedReplyId}`, { Name: 'Bye', Text: 'Bye for now!' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual({ CannedReplyId: bye.CannedReplyId, TopicId: 1, Name: 'Bye', Text: 'Bye for now!' });
    expect((await as(kari, 'DELETE', `${replies(1)}/${greeting.CannedReplyId}`)).status).toBe(204);
    const after = await json(await as(kari, 'GET', replies(1)));
    expect(after.map((reply: { Name: string; Text: string }) => [reply.Name, reply.Text])).toEqual([
      ['after hours', 'We are closed now.\nWrite to us by mail.'],
      ['Bye', 'Bye for now!'],
      ['Åpningstider', 'Vi har åpent 9–17.'],
    ]);
    // Each topic has its own.
    const sales = await t.topic({ name: 'Sales' });
    await t.chat.members.grantAll(sales.id, (await t.store.findAgent('kari'))!.id);
    expect(await json(await as(kari, 'GET', replies(sales.id)))).toEqual([]);
  });

  it('are read by whoever may follow the topic, written by its managers only', async () => {
    const { CannedReplyId } = await json(await as(kari, 'POST', replies(1), { Name: 'Greeting', Text: 'Hi!' }));
    await expectError(await as(ola, 'GET', replies(1)), 403, 'SoAccessDeniedException');
    for (const rights of [{ canListen: true }, { canRespond: true }]) {
      await olaMay(1, rights);
      expect((await as(ola, 'GET', replies(1))).status, JSON.stringify(rights)).toBe(200);
      await expectError(await as(ola, 'POST', replies(1), { Name: 'Mine', Text: 'x' }), 403, 'SoAccessDeniedException');
      await expectError(await as(ola, 'PUT', `${replies(1)}/${CannedReplyId}`, { Name: 'Mine', Text: 'x' }), 403, 'SoAccessDeniedException');
      await expectError(await as(ola, 'DELETE', `${replies(1)}/${CannedReplyId}`), 403, 'SoAccessDeniedException');
    }
    await olaMay(1, { canNotify: true });
    await expectError(await as(ola, 'GET', replies(1)), 403, 'SoAccessDeniedException');
    await olaMay(1, { canManage: true });
    expect((await as(ola, 'PUT', `${replies(1)}/${CannedReplyId}`, { Name: 'Hello', Text: 'Hello!' })).status).toBe(200);
    await expectError(await t.call('GET', replies(1)), 401, 'SoUnauthorizedException');
    await expectError(await t.call('POST', replies(1), { json: { Name: 'x', Text: 'y' } }), 401, 'SoUnauthorizedException');
    expect((await json(await as(kari, 'GET', replies(1)))).map((reply: { Name: string }) => reply.Name)).toEqual(['Hello']);
  });

  it('say 404 for a topic or a reply that is not there, or a reply of another topic', async () => {
    const sales = await t.topic({ name: 'Sales' });
    await t.chat.members.grantAll(sales.id, (await t.store.findAgent('kari'))!.id);
    const { CannedReplyId } = await json(await as(kari, 'POST', replies(sales.id), { Name: 'Greeting', Text: 'Hi!' }));
    await expectError(await as(kari, 'GET', replies(999)), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'POST', replies(999), { Name: 'x', Text: 'y' }), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'GET', replies(99_999_999_999_999_999)), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'PUT', `${replies(1)}/${CannedReplyId}`, { Name: 'x', Text: 'y' }), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'DELETE', `${replies(1)}/${CannedReplyId}`), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'DELETE', `${replies(sales.id)}/${CannedReplyId + 1}`), 404, 'SoNotFoundException');
    await expectError(await as(kari, 'PUT', `${replies(sales.id)}/99999999999999999999`, { Name: 'x', Text: 'y' }), 404, 'SoNotFoundException');
    expect((await json(await as(kari, 'GET', replies(sales.id)))).map((reply: { Name: string }) => reply.Name)).toEqual(['Greeting']);
  });

  it('refuse a name or a text that breaks the rules with 400, naming the field', async () => {
    const problems = async (body: unknown) => {
      const answer = await expectError(await as(kari, 'POST', replies(1), body), 400, 'SoValidationException');
      return answer.FieldErrors.map((error: { Field: string; Code: string }) => `${error.Field}:${error.Code}`);
    };
    expect(await problems({ Text: 'Hi!' })).toEqual(['Name:required']);
    expect(await problems({ Name: '   ', Text: 'Hi!' })).toEqual(['Name:required']);
    expect(await problems({ Name: 'Greeting', Text: '' })).toEqual(['Text:required']);
    expect(await problems({ Name: 'x'.repeat(65), Text: 'Hi!' })).toEqual(['Name:too_long']);
    expect(await problems({ Name: 'Two\nlines', Text: 'Hi!' })).toEqual(['Name:characters']);
    expect(await problems({ Name: 'Bell\u0007', Text: 'Hi!' })).toEqual(['Name:characters']);
    expect(await problems({ Name: 42, Text: 'x'.repeat(4001) })).toEqual(['Name:type', 'Text:too_long']);
    expect(await problems({})).toEqual(['Name:required', 'Text:required']);
    // As long as a message may be, and no longer.
    expect((await as(kari, 'POST', replies(1), { Name: 'x'.repeat(64), Text: 'y'.repeat(4000) })).status).toBe(200);
    await expectError(await as(kari, 'POST', replies(1), ['Greeting']), 400, 'SoBadRequestException');
    await expectError(
      await t.call('POST', replies(1), { body: '{"Name": "x",', headers: { Authorization: kari, 'Content-Type': 'application/json' } }),
      400,
      'SoBadRequestException',
    );
    const [{ CannedReplyId }] = await json(await as(kari, 'GET', replies(1)));
    await expectError(await as(kari, 'PUT', `${replies(1)}/${CannedReplyId}`, { Name: 'Only a name' }), 400, 'SoValidationException');
    expect(await json(await as(kari, 'GET', replies(1)))).toHaveLength(1);
  });

  it('keep names unique in the topic in any case, and at most 100 replies a topic, with 409', async () => {
    const greeting = await json(await as(kari, 'POST', replies(1), { Name: 'Åse', Text: 'Hei Åse!' }));
    const taken = await expectError(await as(kari, 'POST', replies(1), { Name: 'åSE', Text: 'x' }), 409, 'SoConflictException');
    expect(taken.ErrorMessage).toBe('ChatTopic 1 already has a canned reply named "åSE".');
    const other = await json(await as(kari, 'POST', replies(1), { Name: 'Other', Text: 'x' }));
    await expectError(await as(kari, 'PUT', `${replies(1)}/${other.CannedReplyId}`, { Name: 'ÅSE', Text: 'x' }), 409, 'SoConflictException');
    // Its own name in another case is no conflict.
    expect((await as(kari, 'PUT', `${replies(1)}/${greeting.CannedReplyId}`, { Name: 'ÅSE', Text: 'x' })).status).toBe(200);
    // Another topic may have the same name.
    const sales = await t.topic({ name: 'Sales' });
    await t.chat.members.grantAll(sales.id, (await t.store.findAgent('kari'))!.id);
    expect((await as(kari, 'POST', replies(sales.id), { Name: 'Åse', Text: 'x' })).status).toBe(200);

    for (let i = 0; i < 98; i++) expect((await as(kari, 'POST', replies(1), { Name: `Reply ${i}`, Text: 'x' })).status).toBe(200);
    const full = await expectError(await as(kari, 'POST', replies(1), { Name: 'One more', Text: 'x' }), 409, 'SoConflictException');
    expect(full.ErrorMessage).toBe('ChatTopic 1 has 100 canned replies, as many as it may: delete one first.');
    expect(await json(await as(kari, 'GET', replies(1)))).toHaveLength(100);
    await as(kari, 'DELETE', `${replies(1)}/${other.CannedReplyId}`);
    expect((await as(kari, 'POST', replies(1), { Name: 'One more', Text: 'x' })).status).toBe(200);
  });

  it("tell the agent streams of the topic's followers of each change, and nobody else", async () => {
    const base = await t.listen();
    const sales = await t.topic({ name: 'Sales' });
    await t.chat.members.grantAll(sales.id, (await t.store.findAgent('kari'))!.id);
    await olaMay(sales.id, { canListen: true });
    const stream = async (auth: string) => {
      const events = reader((await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', Authorization: auth } })).body!);
      expect((await events.next()).event).toBe('sessions');
      return events;
    };
    const kariEvents = await stream(kari);
    const olaEvents = await stream(ola);

    // Topic 1: kari follows it, ola does not.
    const { CannedReplyId } = await json(await as(kari, 'POST', replies(1), { Name: 'Greeting', Text: 'Hi!' }));
    expect(await kariEvents.next()).toEqual({ event: 'cannedReplies', id: '0', data: { TopicId: 1 } });
    await as(kari, 'PUT', `${replies(1)}/${CannedReplyId}`, { Name: 'Greeting', Text: 'Hello!' });
    expect(await kariEvents.next()).toMatchObject({ event: 'cannedReplies', data: { TopicId: 1 } });
    await as(kari, 'DELETE', `${replies(1)}/${CannedReplyId}`);
    expect(await kariEvents.next()).toMatchObject({ event: 'cannedReplies', data: { TopicId: 1 } });
    // A refused change changes nothing, and tells nobody.
    await as(kari, 'POST', replies(1), { Name: '', Text: 'x' });

    // Sales: both follow it; the first frame ola gets is this one.
    await as(kari, 'POST', replies(sales.id), { Name: 'Greeting', Text: 'Hi from sales!' });
    expect(await olaEvents.next()).toMatchObject({ event: 'cannedReplies', data: { TopicId: sales.id } });
    expect(await kariEvents.next()).toMatchObject({ event: 'cannedReplies', data: { TopicId: sales.id } });
    await Promise.all([kariEvents.close(), olaEvents.close()]);
  });
});
