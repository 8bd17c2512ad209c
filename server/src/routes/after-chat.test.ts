/**
 * When nobody can answer and when the chat is over, through the API, with the app's own clock:
 * the offline form's requests and the queue's offer to leave a message, the agents' list of
 * them, chats that end by themselves when the visitor is gone, reopening by writing again, the
 * rating, and the visitor's transcript in their language and time zone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../testing/drafts.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let clock: number;
let kari: string;

const MINUTE = 60_000;

beforeEach(async () => {
  clock = T0;
  t = await createTestApp({ now: () => clock, idleTimes: { goneAfterMs: 2 * MINUTE, idleAfterMs: 15 * MINUTE, reopenWithinMs: 10 * MINUTE } });
  kari = await t.agent('kari', 'kari-secret-1');
});
afterEach(() => t.close());

type Session = { ChatSessionId: number; SessionKey: string; Status: string };

const asKari = (method: string, path: string, body?: unknown) => t.call(method, path, { headers: { Authorization: kari }, json: body });
const asVisitor = (session: Session, method: string, path: string, body?: unknown) =>
  t.call(method, path, { headers: { 'X-Chat-Session-Key': session.SessionKey }, json: body });
const path = (session: Session, tail = '') => `/api/v1/ChatSession/${session.ChatSessionId}${tail}`;

async function visitorSession(fields: Record<string, unknown> = {}): Promise<Session> {
  const response = await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true, ...fields });
  expect(response.status).toBe(200);
  return json(response);
}

/** A chat kari picked up and the visitor wrote in, its visitor's widget having fetched once. */
async function chatUnderWay(): Promise<Session> {
  const session = await visitorSession();
  expect((await asVisitor(session, 'GET', path(session, '/Messages'))).status).toBe(200);
  expect((await asKari('POST', path(session, '/Pickup'))).status).toBe(200);
  clock += 1000;
  expect((await asVisitor(session, 'POST', path(session, '/Messages'), { Message: 'My bike squeaks.' })).status).toBe(200);
  return session;
}

const statusOf = async (session: Session) => (await json(await asKari('GET', path(session)))).Status as string;
const messagesOf = async (session: Session) => (await json(await asKari('GET', path(session, '/Messages')))) as { Message: string; SpecialType: string; Type: string }[];

describe('the offline form', () => {
  it('makes a RequestPosted session with the question as its first message, which the agents list with the contact details', async () => {
    const response = await t.postSession({
      TopicId: 1,
      Status: 'RequestPosted',
      CustomerName: 'Ada Lovelace',
      CustomerEmail: 'ada@example.com',
      CustomerPhone: '+47 22 33 44 55',
      CustomerConsented: true,
      FirstMessage: 'Do you repair cargo bikes?',
    });
    expect(response.status).toBe(200);
    const request = await json(response);
    expect(request).toMatchObject({ Status: 'RequestPosted', FirstMessage: 'Do you repair cargo bikes?', WhenEnded: '2026-11-26T09:00:00.000+00:00', InitialQueuePos: 1 });
    // Not in the queue: nobody is to pick it up.
    expect(await json(await asKari('POST', '/api/v1/ChatSession/Pickup'))).toBeNull();

    const open = await json(await asKari('GET', '/api/v1/ChatSession/OfflineRequests'));
    expect(open).toEqual([
      {
        ChatSessionId: request.ChatSessionId,
        TopicId: 1,
        TopicName: 'General',
        Status: 'RequestPosted',
        CustomerAlias: null,
        CustomerName: 'Ada Lovelace',
        CustomerEmail: 'ada@example.com',
        CustomerPhone: '+47 22 33 44 55',
        CustomerCompanyName: null,
        CustomerConsented: true,
        Question: 'Do you repair cargo bikes?',
        WhenRequested: '2026-11-26T09:00:00.000+00:00',
        WhenLeft: '2026-11-26T09:00:00.000+00:00',
        Handled: false,
        WhenHandled: null,
        HandledBy: null,
      },
    ]);

    clock += MINUTE;
    const handled = await asKari('PUT', `/api/v1/ChatSession/${request.ChatSessionId}/Handled`, { Handled: true });
    expect(handled.status).toBe(200);
    expect(await json(handled)).toMatchObject({ Handled: true, HandledBy: 'kari Nordmann', WhenHandled: '2026-11-26T09:01:00.000+00:00' });
    expect(await json(await asKari('GET', '/api/v1/ChatSession/OfflineRequests'))).toEqual([]);
    expect(await json(await asKari('GET', '/api/v1/ChatSession/OfflineRequests?handled=true'))).toMatchObject([{ ChatSessionId: request.ChatSessionId, Handled: true }]);
    // And back, when it was marked by mistake.
    expect(await json(await asKari('PUT', `/api/v1/ChatSession/${request.ChatSessionId}/Handled`, { Handled: false }))).toMatchObject({ Handled: false, HandledBy: null });
  });

  it('refuses a request without the question, the topic’s offline fields or consent, naming each, and stores nothing', async () => {
    const before = await t.sessionCount();
    const response = await t.postSession({ TopicId: 1, Status: 'RequestPosted', CustomerName: 'Ada' });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.FieldErrors.map((problem: { Field: string; Code: string }) => `${problem.Field}:${problem.Code}`).sort()).toEqual([
      'CustomerConsented:consent',
      'CustomerEmail:required',
      'FirstMessage:required',
    ]);
    expect(await t.sessionCount()).toBe(before);
    // A visitor may say nothing else of the status.
    expect((await t.postSession({ TopicId: 1, Status: 'UserLast', CustomerConsented: true })).status).toBe(403);
  });

  it('lets only agents of the topic see and handle requests, and says when a session is not one', async () => {
    const session = await visitorSession();
    expect((await t.call('GET', '/api/v1/ChatSession/OfflineRequests')).status).toBe(401);
    expect((await asKari('PUT', path(session, '/Handled'), { Handled: true })).status).toBe(409);
    expect((await asKari('PUT', path(session, '/Handled'), { Handled: 'yes' })).status).toBe(400);
    expect((await asKari('GET', '/api/v1/ChatSession/OfflineRequests?handled=maybe')).status).toBe(400);
    const ola = await t.agent('ola', 'ola-secret-12');
    const stranger = await t.topic({ name: 'Elsewhere' });
    const elsewhere = await visitorSession({ TopicId: stranger.id });
    const request = await json(await asVisitor(elsewhere, 'POST', path(elsewhere, '/LeaveMessage'), { Message: 'Call me', CustomerEmail: 'ada@example.com' }));
    expect(request.Status).toBe('ClosedFromQueue');
    const seen = await json(await t.call('GET', '/api/v1/ChatSession/OfflineRequests', { headers: { Authorization: ola } }));
    expect(seen.map((item: { ChatSessionId: number }) => item.ChatSessionId)).not.toContain(elsewhere.ChatSessionId);
  });
});

describe('leaving a message from the queue', () => {
  it('ends the wait as ClosedFromQueue with the message, and the request reaches the agents', async () => {
    const session = await visitorSession();
    clock += 6 * MINUTE;
    const missing = await asVisitor(session, 'POST', path(session, '/LeaveMessage'), { Message: 'Please call me back.' });
    expect(missing.status).toBe(400);
    expect((await json(missing)).FieldErrors).toEqual([expect.objectContaining({ Field: 'CustomerEmail', Code: 'required' })]);
    expect(await statusOf(session)).toBe('InQueue');

    const left = await asVisitor(session, 'POST', path(session, '/LeaveMessage'), { Message: 'Please call me back.', CustomerEmail: 'ada@example.com' });
    expect(left.status).toBe(200);
    expect(await json(left)).toMatchObject({ Status: 'ClosedFromQueue', CustomerEmail: 'ada@example.com', LastMessage: 'Please call me back.' });
    expect((await messagesOf(session)).map((message) => [message.Type, message.Message])).toEqual([['ToUser', 'Please call me back.']]);
    expect(await json(await asKari('GET', '/api/v1/ChatSession/OfflineRequests'))).toMatchObject([
      { ChatSessionId: session.ChatSessionId, Status: 'ClosedFromQueue', Question: 'Please call me back.', CustomerEmail: 'ada@example.com' },
    ]);
    // Once only: it no longer waits.
    expect((await asVisitor(session, 'POST', path(session, '/LeaveMessage'), { Message: 'Again' })).status).toBe(409);
    expect((await asVisitor({ ...session, SessionKey: 'x'.repeat(21) }, 'POST', path(session, '/LeaveMessage'), { Message: 'Hi' })).status).toBe(404);
  });
});

describe('chats nobody is in any more', () => {
  it('takes a waiting visitor whose widget went away out of the queue, and leaves one whose stream is open', async () => {
    const gone = await visitorSession();
    const here = await visitorSession({ CustomerAlias: 'Grace' });
    // Made through the API and never fetched by a widget: not watched.
    const apiMade = await visitorSession({ CustomerAlias: 'Integration' });
    expect((await asVisitor(gone, 'GET', path(gone))).status).toBe(200);
    const base = await t.listen();
    const ticket = await json(await asVisitor(here, 'POST', path(here, '/Events/Ticket')));
    const stream = new AbortController();
    const response = await fetch(`${base}${path(here, '/Events')}?ticket=${ticket.Ticket}`, { signal: stream.signal });
    expect(response.status).toBe(200);

    clock += MINUTE;
    expect(await t.chat.idle.sweep()).toBe(0);
    clock += 90_000;
    expect(await t.chat.idle.sweep()).toBe(1);
    expect(await statusOf(gone)).toBe('ClosedFromQueue');
    expect((await messagesOf(gone)).at(-1)).toMatchObject({ Type: 'Special', SpecialType: 'ClosedByIdle' });
    expect(await statusOf(here)).toBe('InQueue');
    expect(await statusOf(apiMade)).toBe('InQueue');

    // The stream ends, and so, two minutes on, does the wait.
    stream.abort();
    for (let waited = 0; t.chat.streams.visitorSessions().length > 0 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    clock += 3 * MINUTE;
    expect(await t.chat.idle.sweep()).toBe(1);
    expect(await statusOf(here)).toBe('ClosedFromQueue');
  });

  it('ends a chat under way once its visitor is gone and nobody wrote for the idle time, and the agent sees why', async () => {
    const session = await chatUnderWay();
    clock += 10 * MINUTE;
    // Gone for ten minutes, but the last word was ten minutes ago: not idle yet.
    expect(await t.chat.idle.sweep()).toBe(0);
    expect(await statusOf(session)).toBe('CustomerLast');
    clock += 5 * MINUTE;
    expect(await t.chat.idle.sweep()).toBe(1);
    const ended = await json(await asKari('GET', path(session)));
    expect(ended).toMatchObject({ Status: 'Closed', WhenEnded: '2026-11-26T09:15:01.000+00:00' });
    expect((await messagesOf(session)).at(-1)).toMatchObject({ Type: 'Special', SpecialType: 'ClosedByIdle', Message: 'The chat ended after a time without messages.' });
    // A visitor who is there is never idled out, however quiet.
    const quiet = await chatUnderWay();
    for (let i = 0; i < 4; i++) {
      clock += 10 * MINUTE;
      expect((await asVisitor(quiet, 'GET', path(quiet))).status).toBe(200);
      await t.chat.idle.sweep();
    }
    expect(await statusOf(quiet)).toBe('CustomerLast');
  });

  it('reopens a closed chat when the visitor writes again soon, with its agent, and not after the reopening time', async () => {
    const session = await chatUnderWay();
    expect((await asKari('POST', path(session, '/End'))).status).toBe(200);
    clock += 5 * MINUTE;
    const again = await asVisitor(session, 'POST', path(session, '/Messages'), { Message: 'One more thing!' });
    expect(again.status).toBe(200);
    expect(await json(again)).toMatchObject({ Type: 'ToUser', Message: 'One more thing!' });
    expect(await json(await asKari('GET', path(session)))).toMatchObject({ Status: 'CustomerLast', WhenEnded: null, User: { UserName: 'kari' } });
    expect((await messagesOf(session)).slice(-2).map((message) => message.SpecialType)).toEqual(['ReopenedByCustomer', 'None']);

    expect((await asVisitor(session, 'POST', path(session, '/End'))).status).toBe(200);
    clock += 11 * MINUTE;
    const late = await asVisitor(session, 'POST', path(session, '/Messages'), { Message: 'Hello?' });
    expect(late.status).toBe(409);
    expect(await statusOf(session)).toBe('Closed');
    // A request left for later is not reopened by writing.
    const request = await visitorSession();
    await asVisitor(request, 'POST', path(request, '/LeaveMessage'), { Message: 'Call me', CustomerEmail: 'ada@example.com' });
    expect((await asVisitor(request, 'POST', path(request, '/Messages'), { Message: 'Hello?' })).status).toBe(409);
  });
});

describe('the rating', () => {
  it('is stored once the chat has ended, once, from its visitor only, and counted per topic and agent', async () => {
    const session = await chatUnderWay();
    const early = await asVisitor(session, 'POST', path(session, '/Rating'), { Rating: 5 });
    expect(early.status).toBe(400);
    expect((await json(early)).FieldErrors).toEqual([expect.objectContaining({ Field: 'Rating', Code: 'not_ended' })]);
    await asKari('POST', path(session, '/End'));
    for (const bad of [0, 6, 4.5, '5', null]) {
      const response = await asVisitor(session, 'POST', path(session, '/Rating'), { Rating: bad });
      expect(response.status, String(bad)).toBe(400);
      expect((await json(response)).FieldErrors).toEqual([expect.objectContaining({ Field: 'Rating', Code: 'range' })]);
    }
    expect((await asVisitor(session, 'POST', path(session, '/Rating'), { Rating: 4, Comment: 'x'.repeat(1025) })).status).toBe(400);
    expect((await asKari('POST', path(session, '/Rating'), { Rating: 5 })).status).toBe(403);
    const other = await visitorSession();
    expect((await asVisitor(other, 'POST', path(session, '/Rating'), { Rating: 1 })).status).toBe(404);
    expect((await json(await asKari('GET', path(session)))).Rating).toBe(0);

    const rated = await asVisitor(session, 'POST', path(session, '/Rating'), { Rating: 4, Comment: ' Quick and kind. ' });
    expect(rated.status).toBe(200);
    expect((await json(rated)).Rating).toBe(4);
    const twice = await asVisitor(session, 'POST', path(session, '/Rating'), { Rating: 1 });
    expect(twice.status).toBe(400);
    expect((await json(twice)).FieldErrors).toEqual([expect.objectContaining({ Field: 'Rating', Code: 'already_rated' })]);

    const second = await chatUnderWay();
    await asVisitor(second, 'POST', path(second, '/End'));
    await asVisitor(second, 'POST', path(second, '/Rating'), { Rating: 1 });
    const summary = await json(await asKari('GET', '/api/v1/ChatSession/Ratings'));
    expect(summary.Topics).toEqual([{ TopicId: 1, Name: 'General', Average: 2.5, Count: 2 }]);
    expect(summary.Agents).toEqual([expect.objectContaining({ Name: 'kari Nordmann', Average: 2.5, Count: 2 })]);
    expect(summary.Recent.map((item: { Rating: number; Comment: string | null }) => [item.Rating, item.Comment])).toEqual([
      [1, null],
      [4, 'Quick and kind.'],
    ]);
  });
});

describe('the transcript', () => {
  it('is the visitor’s too, in their language and time zone, and refuses ones it does not know', async () => {
    const session = await chatUnderWay();
    await asKari('POST', path(session, '/Messages'), { Message: 'Oil the chain <b>first</b>.' });
    await asKari('POST', path(session, '/End'));
    const text = await json(await asVisitor(session, 'POST', path(session, '/Transcript?lang=nb&tz=Europe/Oslo')));
    expect(text).toContain(`Chat ${session.ChatSessionId}`);
    expect(text).toContain('2026-11-26 10:00 Ada: My bike squeaks.');
    expect(text).toContain('(kari Nordmann) Kundebehandleren avsluttet chatten.');
    const html = await json(await asVisitor(session, 'POST', path(session, '/Transcript?html=true&lang=de')));
    expect(html).toContain('Oil the chain &lt;b&gt;first&lt;/b&gt;.');
    expect(html).toContain('Der Mitarbeiter hat den Chat beendet.');
    // As the agents' method answers it, by default.
    expect(await json(await asKari('POST', path(session, '/Transcript')))).toContain('2026-11-26 09:00 Ada: My bike squeaks.');
    expect((await asVisitor(session, 'POST', path(session, '/Transcript?lang=xx'))).status).toBe(400);
    expect((await asVisitor(session, 'POST', path(session, '/Transcript?tz=Mars/Olympus'))).status).toBe(400);
    expect((await t.call('POST', path(session, '/Transcript'))).status).toBe(401);
  });
});

describe('the widget’s part of a topic', () => {
  it('tells the average wait of the chats picked up, and how long an ended chat may be reopened', async () => {
    const before = await json(await t.call('GET', '/api/v1/ChatTopic/1/widget'));
    expect(before).toMatchObject({ AverageWaitSeconds: null, ReopenSeconds: 600 });
    const first = await visitorSession();
    clock += 30_000;
    await asKari('POST', path(first, '/Pickup'));
    const second = await visitorSession();
    clock += 90_000;
    await asKari('POST', path(second, '/Pickup'));
    expect(await json(await t.call('GET', '/api/v1/ChatTopic/1/widget'))).toMatchObject({ AverageWaitSeconds: 60 });
  });
});
