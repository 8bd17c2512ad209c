/** The live stream of a session: state first, then what the cursor missed, then live; nothing twice. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';
import { reader } from '../testing/event-stream.ts';
import { startServer } from '../testing/server-process.ts';

let clock = Date.parse('2026-11-26T09:00:00Z');
let t: TestApp;
let auth: string;
/** Streams are read over HTTP from Node's server, as browsers read them. */
let base: string;
beforeEach(async () => {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = await createTestApp({ now: () => clock });
  auth = await t.agent('kari', 'kari-secret-1');
  base = await t.listen();
});
afterEach(() => t.close());

async function visitorSession() {
  const response = await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true });
  return (await json(response)) as { ChatSessionId: number; SessionKey: string };
}

const events = (id: number, headers: Record<string, string>, query = '') =>
  fetch(`${base}/api/v1/ChatSession/${id}/Events${query}`, { headers: { Accept: 'text/event-stream', ...headers } });
const asAgent = (method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
  t.call(method, path, { ...init, headers: { Authorization: auth, ...init.headers } });
const say = (id: number, text: string) => asAgent('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: text } });

describe('the stream of a session', () => {
  it('sends the state first, then the messages after the cursor, then what happens live', async () => {
    await t.store.updateTopic(1, { ...(await t.store.getTopic(1))!, welcomeMessage: 'Welcome!' });
    const session = await visitorSession();
    const id = session.ChatSessionId;
    await t.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'Hello?' }, headers: { 'X-Chat-Session-Key': session.SessionKey } });

    const response = await events(id, { 'X-Chat-Session-Key': session.SessionKey });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const stream = reader(response.body!);
    const state = await stream.next();
    expect(state).toMatchObject({ event: 'state', id: '0', data: { ChatSessionId: id, Status: 'InQueue', QueuePosition: 1, Agent: null } });
    const hello = await stream.next();
    expect(hello).toMatchObject({ event: 'message', data: { Message: 'Hello?', Type: 'ToUser' } });
    expect(hello.id).toBe(String(hello.data.ChatMessageId));

    // Live: the agent picks up and answers.
    await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`);
    const picked = await stream.next();
    expect(picked).toMatchObject({ event: 'state', id: hello.id, data: { Status: 'UserLast', Agent: 'kari Nordmann', QueuePosition: null } });
    expect(await stream.next()).toMatchObject({ event: 'message', data: { SpecialType: 'Welcome', Message: 'Welcome!' } });
    await say(id, 'How can I help?');
    expect(await stream.next()).toMatchObject({ event: 'message', data: { Type: 'ToCustomer', Message: 'How can I help?' } });
    await stream.close();

    // The visitor's client was there: WhenFetched says when.
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${id}`))).WhenFetched).toBe('2026-11-26T09:00:00.000+00:00');
  });

  it('streams alike through a fetch handler that is not Node\'s server', async () => {
    const session = await visitorSession();
    const response = await t.call('GET', `/api/v1/ChatSession/${session.ChatSessionId}/Events`, {
      headers: { Accept: 'text/event-stream', 'X-Chat-Session-Key': session.SessionKey },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = reader(response.body!);
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Status: 'InQueue', QueuePosition: 1 } });
    await asAgent('POST', `/api/v1/ChatSession/${session.ChatSessionId}/Pickup`);
    expect(await stream.next()).toMatchObject({ event: 'state', data: { Agent: 'kari Nordmann' } });
    await say(session.ChatSessionId, 'Hello from the fetch handler');
    let frame = await stream.next();
    while (frame.event !== 'message') frame = await stream.next();
    expect(frame.data.Message).toBe('Hello from the fetch handler');
    await stream.close();
  });

  it('resumes from Last-Event-ID with the state as it is now, and only what came after', async () => {
    const session = await visitorSession();
    const id = session.ChatSessionId;
    await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`);
    const ids: number[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await json(await say(id, text))).ChatMessageId);
    // While the visitor was away, the chat was closed: the state says so before anything else.
    await asAgent('PATCH', `/api/v1/ChatSession/${id}`, { body: '{"Status": "Closed"}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    const stream = reader((await events(id, { 'X-Chat-Session-Key': session.SessionKey, 'Last-Event-ID': String(ids[0]) })).body!);
    expect(await stream.next()).toMatchObject({ event: 'state', id: String(ids[0]), data: { Status: 'Closed' } });
    expect((await stream.next()).data.Message).toBe('two');
    expect((await stream.next()).data.Message).toBe('three');
    await stream.close();
    const byQuery = reader((await events(id, { 'X-Chat-Session-Key': session.SessionKey }, `?after=${ids[1]}`)).body!);
    await byQuery.next();
    expect((await byQuery.next()).data.Message).toBe('three');
    await byQuery.close();
  });

  it('lets EventSource in with a single-use ticket instead of the key, and nobody without either', async () => {
    const session = await visitorSession();
    const id = session.ChatSessionId;
    const ticketFor = async () =>
      (await json(await t.call('POST', `/api/v1/ChatSession/${id}/Events/Ticket`, { headers: { 'X-Chat-Session-Key': session.SessionKey } }))).Ticket as string;
    const ticket = await ticketFor();
    expect(ticket).toMatch(/^[\w-]{43}$/);
    const first = await events(id, {}, `?ticket=${ticket}`);
    expect(first.status).toBe(200);
    await reader(first.body!).close();
    expect((await events(id, {}, `?ticket=${ticket}`)).status).toBe(401);
    const other = await visitorSession();
    expect((await events(other.ChatSessionId, {}, `?ticket=${await ticketFor()}`)).status).toBe(401);
    const late = await ticketFor();
    clock += 61_000;
    expect((await events(id, {}, `?ticket=${late}`)).status).toBe(401);
    expect((await t.call('POST', `/api/v1/ChatSession/${id}/Events/Ticket`)).status).toBe(401);
    expect((await events(id, {})).status).toBe(401);
    expect((await events(id, { 'X-Chat-Session-Key': other.SessionKey })).status).toBe(404);
    expect((await events(id, { 'X-Chat-Session-Key': session.SessionKey, Accept: 'application/json' })).status).toBe(406);
    expect((await events(id, { 'X-Chat-Session-Key': session.SessionKey, 'Last-Event-ID': 'yesterday' })).status).toBe(400);
  });

  it('refuses more than 16 streams from one client with 429', async () => {
    const session = await visitorSession();
    const open = [];
    for (let i = 0; i < 16; i++) {
      const response = await events(session.ChatSessionId, { 'X-Chat-Session-Key': session.SessionKey });
      expect(response.status).toBe(200);
      open.push(reader(response.body!));
    }
    const refused = await events(session.ChatSessionId, { 'X-Chat-Session-Key': session.SessionKey });
    expect(refused.status).toBe(429);
    expect((await json(refused)).ErrorType).toBe('SoTooManyRequestsException');
    await open.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await events(session.ChatSessionId, { 'X-Chat-Session-Key': session.SessionKey })).status).toBe(200);
    await Promise.all(open.map((stream) => stream.close()));
  });

  it('tells each waiting visitor their new place as the queue moves, and only then', async () => {
    const visitors = [await visitorSession(), await visitorSession(), await visitorSession()];
    const streams = await Promise.all(
      visitors.map(async (session) => reader((await events(session.ChatSessionId, { 'X-Chat-Session-Key': session.SessionKey })).body!)),
    );
    const places = async () => Promise.all(streams.slice(1).map(async (stream) => (await stream.next()).data.QueuePosition));
    expect(await Promise.all(streams.map(async (stream) => (await stream.next()).data.QueuePosition))).toEqual([1, 2, 3]);

    // The first is picked up: those behind move up.
    await asAgent('POST', `/api/v1/ChatSession/Pickup`);
    expect((await streams[0]!.next()).data).toMatchObject({ Agent: 'kari Nordmann', QueuePosition: null });
    expect(await places()).toEqual([1, 2]);

    // Someone joins behind them: their places stay, and nothing is sent.
    const late = await visitorSession();
    await expect(streams[1]!.next(200)).rejects.toThrow(/no frame/);

    // The second gives up waiting: the third is first now, and the one who joined second.
    await t.call('POST', `/api/v1/ChatSession/${visitors[1]!.ChatSessionId}/End`, { headers: { 'X-Chat-Session-Key': visitors[1]!.SessionKey } });
    expect((await streams[1]!.next()).data).toMatchObject({ Status: 'ClosedFromQueue', QueuePosition: null });
    expect((await streams[2]!.next()).data.QueuePosition).toBe(1);
    const lateStream = reader((await events(late.ChatSessionId, { 'X-Chat-Session-Key': late.SessionKey })).body!);
    expect((await lateStream.next()).data.QueuePosition).toBe(2);
    await Promise.all([...streams, lateStream].map((stream) => stream.close()));
  });

  it('says when the session is gone, and ends', async () => {
    const session = await visitorSession();
    const stream = reader((await events(session.ChatSessionId, { Authorization: auth })).body!);
    await stream.next();
    await asAgent('DELETE', `/api/v1/ChatSession/${session.ChatSessionId}`);
    expect((await stream.next()).event).toBe('gone');
    expect(await stream.ends()).toBe(true);
  });

  it('never loses nor repeats a message while the stream is cut again and again and both sides write', async () => {
    const session = await visitorSession();
    const id = session.ChatSessionId;
    await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`);
    let writing = true;
    // The writers call the app in this process: each waits a turn of the event loop, as a
    // request over the network would, so that the streams' sockets are served meanwhile.
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const writers = [
      (async () => {
        for (let i = 0; writing; i++) {
          await say(id, `agent ${i}`);
          await turn();
        }
      })(),
      (async () => {
        for (let i = 0; writing; i++) {
          await turn();
          await t.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: `visitor ${i}` }, headers: { 'X-Chat-Session-Key': session.SessionKey } });
          clock += 1000; // below the visitor's message rate
        }
      })(),
    ];
    const seen: number[] = [];
    let cursor = 0;
    for (let cut = 0; cut < 15; cut++) {
      const stream = reader((await events(id, { 'X-Chat-Session-Key': session.SessionKey, 'Last-Event-ID': String(cursor) })).body!);
      const frames = 2 + (cut % 4);
      for (let i = 0; i < frames; i++) {
        const frame = await stream.next();
        if (frame.event !== 'message') continue;
        seen.push(Number(frame.id));
        cursor = Number(frame.id);
      }
      await stream.close();
    }
    writing = false;
    await Promise.all(writers);
    const stream = reader((await events(id, { 'X-Chat-Session-Key': session.SessionKey, 'Last-Event-ID': String(cursor) })).body!);
    const stored = (await t.store.listMessages(id, 0, 10_000)).map((message) => message.id);
    while (seen.length < stored.length) {
      const frame = await stream.next();
      if (frame.event === 'message') seen.push(Number(frame.id));
    }
    await stream.close();
    expect(seen).toEqual(stored);
  });
});

describe('the streams of a running server', () => {
  it('end cleanly when the server is told to stop', async () => {
    const server = await startServer({ CHAT_DB: ':memory:', CHAT_RATE_LIMIT: '0' });
    try {
      const created = (await (
        await fetch(`${server.url}/api/v1/ChatSession`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ TopicId: 1, CustomerConsented: true }),
        })
      ).json()) as { ChatSessionId: number; SessionKey: string };
      const response = await fetch(`${server.url}/api/v1/ChatSession/${created.ChatSessionId}/Events`, {
        headers: { Accept: 'text/event-stream', 'X-Chat-Session-Key': created.SessionKey },
      });
      const stream = reader(response.body!);
      expect((await stream.next()).event).toBe('state');
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      expect(await stream.ends(5000)).toBe(true);
      expect(await exited).toBe(0);
      expect(server.output()).toContain('chatline: stopped');
    } finally {
      await server.stop();
    }
  });
});

describe("an agent's stream", () => {
  /** Signs kari in as a browser does: its cookies, and the XSRF token its page would read from them. */
  async function signInBrowser() {
    const login = await t.call('POST', '/api/v1/Authentication/Login', { json: { UserName: 'kari', Password: 'kari-secret-1' } });
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    return { cookie, xsrf: /XSRF-TOKEN=([^;]+)/.exec(cookie)![1]! };
  }

  const agentEvents = (headers: Record<string, string>, query = '') =>
    fetch(`${base}/api/v1/ChatSession/Events${query}`, { headers: { Accept: 'text/event-stream', ...headers } });

  it('sends the chats it may follow first, then every chat that comes or changes and every message in them', async () => {
    await t.store.updateTopic(1, { ...(await t.store.getTopic(1))!, welcomeMessage: 'Hi!' });
    const early = await visitorSession();
    const elsewhere = await t.topic({ name: 'Elsewhere', collectConsent: false });
    const stream = reader((await agentEvents({ Authorization: auth })).body!);
    const first = await stream.next();
    expect(first).toMatchObject({ event: 'sessions', id: '0' });
    expect((first.data as unknown as { ChatSessionId: number; Status: string }[]).map((row) => [row.ChatSessionId, row.Status])).toEqual([
      [early.ChatSessionId, 'InQueue'],
    ]);

    const late = await visitorSession();
    expect(await stream.next()).toMatchObject({ event: 'session', data: { ChatSessionId: late.ChatSessionId, Status: 'InQueue' } });
    // A chat in a topic the agent is no member of is none of its business.
    await t.postSession({ TopicId: elsewhere.id, CustomerName: 'Bo' });
    await asAgent('POST', `/api/v1/ChatSession/${early.ChatSessionId}/Pickup`);
    const picked = [await stream.next(), await stream.next()];
    expect(picked.map((frame) => frame.event).sort()).toEqual(['message', 'session']);
    expect(picked.find((frame) => frame.event === 'session')!.data).toMatchObject({ ChatSessionId: early.ChatSessionId, Status: 'UserLast', User: { UserName: 'kari' } });
    const welcome = picked.find((frame) => frame.event === 'message')!;
    expect(welcome.data).toMatchObject({ ChatSessionId: early.ChatSessionId, SpecialType: 'Welcome' });
    await t.call('POST', `/api/v1/ChatSession/${early.ChatSessionId}/Messages`, { json: { Message: 'Thanks' }, headers: { 'X-Chat-Session-Key': early.SessionKey } });
    const reply = [await stream.next(), await stream.next()];
    const message = reply.find((frame) => frame.event === 'message')!;
    expect(message.data).toMatchObject({ Type: 'ToUser', Message: 'Thanks' });
    await stream.close();

    // Back after a gap: the chats as they are now, then only what came after its cursor.
    await say(early.ChatSessionId, 'Anything else?');
    const again = reader((await agentEvents({ Authorization: auth, 'Last-Event-ID': message.id! })).body!);
    const snapshot = await again.next();
    expect((snapshot.data as unknown as { ChatSessionId: number }[]).map((row) => row.ChatSessionId)).toEqual([early.ChatSessionId, late.ChatSessionId]);
    expect(await again.next()).toMatchObject({ event: 'message', data: { Message: 'Anything else?' } });
    await asAgent('DELETE', `/api/v1/ChatSession/${late.ChatSessionId}`);
    expect(await again.next()).toMatchObject({ event: 'removed', data: { ChatSessionId: late.ChatSessionId } });
    await again.close();
  });

  it('lets a signed-in browser in with a ticket, and no visitor', async () => {
    expect((await agentEvents({})).status).toBe(401);
    const ticket = (await json(await asAgent('POST', '/api/v1/ChatSession/Events/Ticket'))).Ticket;
    const response = await agentEvents({}, `?ticket=${ticket}`);
    expect(response.status).toBe(200);
    await reader(response.body!).close();
    expect((await agentEvents({}, `?ticket=${ticket}`)).status).toBe(401);
    expect((await t.call('POST', '/api/v1/ChatSession/Events/Ticket')).status).toBe(401);
  });

  it("takes the ticket when the browser's EventSource also sends the cookie, which it cannot add the XSRF token to", async () => {
    const { cookie, xsrf } = await signInBrowser();
    const ticket = (await json(await t.call('POST', '/api/v1/ChatSession/Events/Ticket', { headers: { Cookie: cookie, 'X-XSRF-TOKEN': xsrf } }))).Ticket;
    const agentStream = await agentEvents({ Cookie: cookie }, `?ticket=${ticket}`);
    expect(agentStream.status).toBe(200);
    await reader(agentStream.body!).close();
    // Without a ticket the cookie still needs its token.
    expect((await agentEvents({ Cookie: cookie })).status).toBe(401);

    // A visitor on a page of the same origin, in a browser where an agent is signed in.
    const session = await visitorSession();
    const visitorTicket = (await json(await t.call('POST', `/api/v1/ChatSession/${session.ChatSessionId}/Events/Ticket`, { headers: { 'X-Chat-Session-Key': session.SessionKey! } }))).Ticket;
    const visitorStream = await events(session.ChatSessionId, { Cookie: cookie }, `?ticket=${visitorTicket}`);
    expect(visitorStream.status).toBe(200);
    await reader(visitorStream.body!).close();
  });

  it('ends the agent’s streams when it signs out, and sends its chats again when its topics change', async () => {
    const { cookie, xsrf } = await signInBrowser();
    const browser = { Cookie: cookie, 'X-XSRF-TOKEN': xsrf };
    const ticket = (await json(await t.call('POST', '/api/v1/ChatSession/Events/Ticket', { headers: browser }))).Ticket;
    const stream = reader((await agentEvents({ Cookie: cookie }, `?ticket=${ticket}`)).body!);
    expect((await stream.next()).event).toBe('sessions');

    // Made a member of a new topic, the agent is sent its chats again, that topic's included.
    const other = await t.agent('ola', 'ola-secret-12');
    const topic = await json(await t.call('POST', '/api/v1/ChatTopic', { json: { Name: 'Billing' }, headers: { Authorization: other } }));
    await t.call('POST', '/api/v1/ChatSession', { json: { TopicId: topic.ChatTopicId, CustomerAlias: 'Bill', CustomerConsented: true } });
    await t.call('POST', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent`, {
      json: { User: { UserName: 'kari' }, CanListen: true, CanRespond: true, CanManage: false, CanNotify: true },
      headers: { Authorization: other },
    });
    let frame = await stream.next();
    while (frame.event !== 'sessions') frame = await stream.next();
    expect((frame.data as unknown as { CustomerAlias: string }[]).map((row) => row.CustomerAlias)).toContain('Bill');

    expect((await t.call('POST', '/api/v1/Authentication/Logout', { headers: browser })).status).toBe(204);
    expect(await stream.ends()).toBe(true);
  });

  it('starts from now on a first connect: the history is not sent again, what comes after is', async () => {
    const session = await visitorSession();
    await asAgent('POST', `/api/v1/ChatSession/${session.ChatSessionId}/Pickup`);
    await say(session.ChatSessionId, 'Said before the stream');
    const stream = reader((await agentEvents({ Authorization: auth })).body!);
    const snapshot = await stream.next();
    expect(snapshot.event).toBe('sessions');
    const last = ((await json(await asAgent('GET', `/api/v1/ChatSession/${session.ChatSessionId}/Messages`))) as { ChatMessageId: number }[]).at(-1)!;
    expect(snapshot.id).toBe(String(last.ChatMessageId));
    await say(session.ChatSessionId, 'Said after');
    // The chat's change comes too; the first message to come is the new one.
    let frame = await stream.next();
    while (frame.event !== 'message') frame = await stream.next();
    expect(frame.data).toMatchObject({ Message: 'Said after' });
    await stream.close();
  });
});

describe('typing', () => {
  it("shows on the other side's stream, stops when the message is sent, and stops by itself", async () => {
    await t.close();
    t = await createTestApp({ now: () => clock, typingExpiresMs: 300 });
    auth = await t.agent('kari', 'kari-secret-1');
    base = await t.listen();
    const session = await visitorSession();
    const id = session.ChatSessionId;
    await asAgent('POST', `/api/v1/ChatSession/${id}/Pickup`);
    const agentSide = reader((await events(id, { Authorization: auth })).body!);
    expect((await agentSide.next()).data.Flags).toBe('');
    const typing = (value: unknown, headers: Record<string, string> = { 'X-Chat-Session-Key': session.SessionKey }) =>
      t.call('POST', `/api/v1/ChatSession/${id}/Typing`, { json: { Typing: value }, headers });
    expect((await typing(true)).status).toBe(204);
    expect((await agentSide.next()).data.Flags).toBe('CustomerIsTyping');
    await t.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: 'Here it is' }, headers: { 'X-Chat-Session-Key': session.SessionKey } });
    const sent = [await agentSide.next(), await agentSide.next()];
    expect(sent.map((frame) => frame.event).sort()).toEqual(['message', 'state']);
    expect(sent.find((frame) => frame.event === 'state')!.data.Flags).toBe('');

    // The agent types, then goes quiet: it stops by itself.
    expect((await typing(true, { Authorization: auth })).status).toBe(204);
    expect((await agentSide.next()).data.Flags).toBe('UserIsTyping');
    expect((await agentSide.next(2000)).data.Flags).toBe('');
    await agentSide.close();

    expect((await typing('yes')).status).toBe(400);
    expect((await typing(true, {})).status).toBe(401);
    await asAgent('POST', `/api/v1/ChatSession/${id}/End`);
    expect((await typing(true)).status).toBe(409);
  });
});
