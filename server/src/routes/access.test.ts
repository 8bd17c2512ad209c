/**
 * Agent accounts under attack, through the API: password guessing is throttled per account and
 * address and per account from anywhere, a manager takes access back, and every sign-in leaves
 * a record. The clock is the app's own: no test waits for a wait to pass.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS } from '../chat/sign-in.ts';
import { T0 } from '../testing/drafts.ts';
import { reader } from '../testing/event-stream.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let clock: number;
let kari: string;
let ola: string;
const MINUTE = 60_000;

beforeEach(async () => {
  clock = T0;
  t = await createTestApp({ now: () => clock });
  // kari manages the default topic (the admin command's agent); ola only answers in it.
  kari = await t.agent('kari', 'kari-secret-1');
  ola = await t.agent('ola', 'ola-secret-1');
  const olaId = (await t.store.findAgent('ola'))!.id;
  await t.store.setTopicAgent({ topicId: 1, agentId: olaId, canListen: true, canRespond: true, canManage: false, canNotify: true });
});
afterEach(() => t.close());

const basic = (userName: string, password: string) => `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
const idOf = async (userName: string) => (await t.store.findAgent(userName))!.id;

/** One password sign-in, by each way there is in turn: Basic, Login, Ticket. */
function tryPassword(userName: string, password: string, peer: string, way: 'basic' | 'login' | 'ticket' = 'login') {
  if (way === 'basic') return t.call('GET', '/api/v1/Associate/Me', { headers: { Authorization: basic(userName, password) }, peer });
  const path = way === 'login' ? '/api/v1/Authentication/Login' : '/api/v1/Authentication/Ticket';
  return t.call('POST', path, { json: { UserName: userName, Password: password }, peer });
}

/** What a client sees of an answer: the status, the error's type and words, Retry-After. */
async function seen(response: Response) {
  const body = await json(response);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), type: body.ErrorType, message: body.ErrorMessage };
}

describe('password guessing from one address', () => {
  it('gets five tries by any way, then waits, with the same answer for the right password as for a wrong one', async () => {
    const ways = ['basic', 'login', 'ticket', 'login', 'basic'] as const;
    for (const way of ways) expect((await tryPassword('kari', 'wrong-guess', '198.51.100.1', way)).status).toBe(401);
    const wrong = await seen(await tryPassword('kari', 'wrong-guess-6', '198.51.100.1'));
    expect(wrong).toEqual({
      status: 429,
      retryAfter: '60',
      type: 'SoTooManyRequestsException',
      message: 'Too many failed sign-ins for this user name. Try again in 60 s.',
    });
    // The right password during the wait: the same refusal, so the wait tests no guess.
    for (const way of ['basic', 'login', 'ticket'] as const) expect(await seen(await tryPassword('kari', 'kari-secret-1', '198.51.100.1', way))).toEqual(wrong);
    clock += 30_000;
    expect((await seen(await tryPassword('kari', 'kari-secret-1', '198.51.100.1'))).retryAfter).toBe('30');
    clock += 30_000;
    expect((await tryPassword('kari', 'kari-secret-1', '198.51.100.1')).status).toBe(200);
    // A success forgives: five tries again.
    for (let i = 0; i < 5; i++) expect((await tryPassword('kari', 'wrong-guess', '198.51.100.1')).status).toBe(401);
    expect((await tryPassword('kari', 'wrong-guess', '198.51.100.1')).status).toBe(429);
  });

  it('waits twice as long after each failure that goes on, up to an hour, and forgets failures after a day', async () => {
    for (let i = 0; i < 5; i++) await tryPassword('kari', 'wrong-guess', '198.51.100.1');
    const waits: string[] = [];
    for (let i = 0; i < 8; i++) {
      const wait = (await seen(await tryPassword('kari', 'wrong-guess', '198.51.100.1'))).retryAfter!;
      waits.push(wait);
      clock += Number(wait) * 1000;
      // The wait is over: one more wrong try.
      expect((await tryPassword('kari', 'wrong-guess', '198.51.100.1')).status).toBe(401);
    }
    expect(waits).toEqual(['60', '120', '240', '480', '960', '1920', '3600', '3600']);
    clock += SIGN_IN_LIMITS.forgetFailuresMs;
    expect((await tryPassword('kari', 'kari-secret-1', '198.51.100.1')).status).toBe(200);
  });

  it('checks no more passwords at once than the tries left', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => tryPassword('kari', 'wrong-guess', '198.51.100.1', 'basic')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('lets an integration that signed in from its address send many Basic requests at once', async () => {
    expect((await tryPassword('kari', 'kari-secret-1', '192.0.2.9', 'basic')).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 12 }, () => tryPassword('kari', 'kari-secret-1', '192.0.2.9', 'basic')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
  });
});

describe('password guessing, and the agents it must not lock out', () => {
  it('does not hold back the agent from an address that has not failed, nor a colleague from the guessing address', async () => {
    for (let i = 0; i < 6; i++) await tryPassword('kari', 'wrong-guess', '198.51.100.1');
    expect((await tryPassword('kari', 'kari-secret-1', '198.51.100.1')).status).toBe(429);
    expect((await tryPassword('kari', 'kari-secret-1', '203.0.113.50')).status).toBe(200);
    expect((await tryPassword('ola', 'ola-secret-1', '198.51.100.1')).status).toBe(200);
  });

  it('bounds the guesses from many addresses together each hour, except from addresses the agent signed in from', async () => {
    expect((await tryPassword('kari', 'kari-secret-1', '203.0.113.50')).status).toBe(200);
    clock += MINUTE;
    const perHour = SIGN_IN_LIMITS.accountFailuresPerHour;
    for (let i = 0; i < perHour; i++) expect((await tryPassword('kari', 'wrong-guess', `198.51.${Math.floor(i / 200)}.${i % 200}`)).status).toBe(401);
    // Every further guess waits for the hour to pass, from any new address, right or wrong.
    const next = await seen(await tryPassword('kari', 'wrong-guess', '192.0.2.200'));
    expect(next).toMatchObject({ status: 429, retryAfter: '3600' });
    expect(await seen(await tryPassword('kari', 'kari-secret-1', '192.0.2.201'))).toEqual(next);
    // The agent at the address it signed in from before is let in.
    expect((await tryPassword('kari', 'kari-secret-1', '203.0.113.50')).status).toBe(200);
    clock += 59 * MINUTE;
    expect((await seen(await tryPassword('kari', 'wrong-guess', '192.0.2.202'))).retryAfter).toBe('60');
    clock += MINUTE;
    expect((await tryPassword('kari', 'kari-secret-1', '192.0.2.203')).status).toBe(200);
  });

  it('answers a user name nobody has as it answers an agent’s, in about the same time', async () => {
    const answers = async (userName: string, peer: string) => {
      const all = [];
      for (let i = 0; i < 7; i++) all.push(await seen(await tryPassword(userName, `wrong-guess-${i}`, peer, i % 2 ? 'basic' : 'login')));
      return all;
    };
    const known = await answers('kari', '198.51.100.1');
    const unknown = await answers('nobody', '198.51.100.2');
    expect(unknown).toEqual(known);
    expect(known.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);

    // Failures cost a password hash either way; timed from fresh addresses, alternately.
    const timed = async (userName: string, peer: string) => {
      const started = performance.now();
      expect((await tryPassword(userName, 'wrong-guess', peer)).status).toBe(401);
      return performance.now() - started;
    };
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 6; i++) {
      times.known.push(await timed('kari', `192.0.2.${i}`));
      times.unknown.push(await timed(`nobody-${i}`, `192.0.2.${100 + i}`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(times.unknown) / median(times.known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

/** Signs in every way there is: a cookie session with its XSRF token, a ticket, a Bearer token. */
async function everyCredential(userName: string, password: string) {
  const login = await t.call('POST', '/api/v1/Authentication/Login', { json: { UserName: userName, Password: password } });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const xsrf = /XSRF-TOKEN=([^;]+)/.exec(cookie)![1]!;
  const ticket = (await json(await t.call('POST', '/api/v1/Authentication/Ticket', { json: { UserName: userName, Password: password } }))).Ticket as string;
  const token = await t.chat.agents.createToken((await t.store.findAgent(userName))!);
  return {
    secrets: [password, xsrf, ticket, token, ...cookie.split('; ').map((pair) => pair.split('=')[1]!)],
    headers: <Record<string, string>[]>[
      { Authorization: basic(userName, password) },
      { Cookie: cookie, 'X-XSRF-TOKEN': xsrf },
      { Authorization: `SOTicket ${ticket}` },
      { Authorization: `Bearer ${token}` },
    ],
  };
}

const statusesWith = async (headers: Record<string, string>[]) =>
  Promise.all(headers.map(async (h) => (await t.call('GET', '/api/v1/Associate/Me', { headers: h })).status));

describe('taking access back', () => {
  it('removes an agent: every credential it had stops at once, its stream ends, its chat goes back to the queue, its name stays on past chats', async () => {
    const olaId = await idOf('ola');
    const { headers } = await everyCredential('ola', 'ola-secret-1');
    expect(await statusesWith(headers)).toEqual([200, 200, 200, 200]);
    // A chat ola ended, and one under way.
    const ended = await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true }));
    await t.call('POST', `/api/v1/ChatSession/${ended.ChatSessionId}/Pickup`, { headers: { Authorization: ola } });
    await t.call('POST', `/api/v1/ChatSession/${ended.ChatSessionId}/End`, { headers: { Authorization: ola } });
    const going = await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Bo', CustomerConsented: true }));
    await t.call('POST', `/api/v1/ChatSession/${going.ChatSessionId}/Pickup`, { headers: { Authorization: ola } });
    const base = await t.listen();
    const stream = await fetch(`${base}/api/v1/ChatSession/Events`, { headers: { Accept: 'text/event-stream', ...headers[3] } });
    const frames = reader(stream.body!);
    expect((await frames.next()).event).toBe('sessions');

    const removed = await t.call('DELETE', `/api/v1/Associate/${olaId}`, { headers: { Authorization: kari } });
    expect(removed.status).toBe(204);
    expect(await statusesWith(headers)).toEqual([401, 401, 401, 401]);
    await expect(async () => {
      for (;;) await frames.next(3000);
    }).rejects.toThrow('the stream ended');
    const back = await json(await t.call('GET', `/api/v1/ChatSession/${going.ChatSessionId}`, { headers: { Authorization: kari } }));
    expect(back).toMatchObject({ Status: 'InQueue', User: null });
    const past = await json(await t.call('GET', `/api/v1/ChatSession/${ended.ChatSessionId}`, { headers: { Authorization: kari } }));
    expect(past.User).toMatchObject({ UserName: 'ola', FullName: 'ola Nordmann' });
    // Gone from the team: not listed, in no topic, not removable twice.
    expect((await json(await t.call('GET', '/api/v1/Associate', { headers: { Authorization: kari } }))).map((a: { UserName: string }) => a.UserName)).toEqual(['kari']);
    expect(await t.store.agentTopics(olaId)).toEqual([]);
    expect((await t.call('DELETE', `/api/v1/Associate/${olaId}`, { headers: { Authorization: kari } })).status).toBe(404);
    expect((await tryPassword('ola', 'ola-secret-1', '203.0.113.7')).status).toBe(401);
  });

  it('is for managers only, and a manager cannot remove themselves', async () => {
    const kariId = await idOf('kari');
    const olaId = await idOf('ola');
    expect(await seen(await t.call('DELETE', `/api/v1/Associate/${kariId}`, { headers: { Authorization: ola } }))).toMatchObject({ status: 403 });
    for (const [method, path] of [
      ['PUT', `/api/v1/Associate/${kariId}/Password`],
      ['GET', `/api/v1/Associate/${kariId}/Tokens`],
      ['DELETE', `/api/v1/Associate/${kariId}/Tokens`],
      ['GET', `/api/v1/Associate/${kariId}/SignIns`],
    ] as const) {
      const body = method === 'PUT' ? { json: { Password: 'hijacked-123' } } : {};
      expect((await t.call(method, path, { headers: { Authorization: ola }, ...body })).status, path).toBe(403);
      expect((await t.call(method, path, body)).status, path).toBe(401);
    }
    expect(await seen(await t.call('DELETE', `/api/v1/Associate/${kariId}`, { headers: { Authorization: kari } }))).toMatchObject({
      status: 403,
      message: 'You cannot remove yourself: ask another manager.',
    });
    expect((await t.call('DELETE', '/api/v1/Associate/999', { headers: { Authorization: kari } })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/Associate/${olaId}/SignIns`, { headers: { Authorization: kari } })).status).toBe(200);
  });

  it('sets a new password: every sign-in the agent had ends, the new password works and the old one does not', async () => {
    const olaId = await idOf('ola');
    const { headers } = await everyCredential('ola', 'ola-secret-1');
    const short = await t.call('PUT', `/api/v1/Associate/${olaId}/Password`, { headers: { Authorization: kari }, json: { Password: 'short' } });
    expect(short.status).toBe(400);
    expect((await json(short)).FieldErrors).toMatchObject([{ Field: 'Password', Code: 'too_short' }]);
    expect(await statusesWith(headers)).toEqual([200, 200, 200, 200]);
    const changed = await t.call('PUT', `/api/v1/Associate/${olaId}/Password`, { headers: { Authorization: kari }, json: { Password: 'ola-new-secret' } });
    expect(changed.status).toBe(204);
    expect(await statusesWith(headers)).toEqual([401, 401, 401, 401]);
    expect((await tryPassword('ola', 'ola-new-secret', '203.0.113.7', 'basic')).status).toBe(200);
  });

  it('lists an agent’s tokens with when they were made and last used, never the token, and revokes them all', async () => {
    const olaId = await idOf('ola');
    const { headers, secrets } = await everyCredential('ola', 'ola-secret-1');
    clock += MINUTE;
    const second = await t.chat.agents.createToken((await t.store.findAgent('ola'))!);
    const listed = await t.call('GET', `/api/v1/Associate/${olaId}/Tokens`, { headers: { Authorization: kari } });
    const text = await listed.text();
    for (const secret of [...secrets, second]) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual([
      { CreatedAt: '2026-11-26T09:00:00.000+00:00', LastUsed: null },
      { CreatedAt: '2026-11-26T09:01:00.000+00:00', LastUsed: null },
    ]);
    clock += MINUTE;
    expect((await t.call('GET', '/api/v1/Associate/Me', { headers: headers[3] })).status).toBe(200);
    const used = await json(await t.call('GET', `/api/v1/Associate/${olaId}/Tokens`, { headers: { Authorization: kari } }));
    expect(used[0].LastUsed).toBe('2026-11-26T09:02:00.000+00:00');

    const revoked = await t.call('DELETE', `/api/v1/Associate/${olaId}/Tokens`, { headers: { Authorization: kari } });
    expect(await json(revoked)).toEqual({ Revoked: 2 });
    // The tokens end, and the tickets (one can be had with a token); the password and the browser session do not.
    expect(await statusesWith(headers)).toEqual([200, 200, 401, 401]);
    expect((await t.call('GET', '/api/v1/Associate/Me', { headers: { Authorization: `Bearer ${second}` } })).status).toBe(401);
    expect(await json(await t.call('GET', `/api/v1/Associate/${olaId}/Tokens`, { headers: { Authorization: kari } }))).toEqual([]);
  });
});

describe('the record of sign-ins', () => {
  it('logs every sign-in, failure, throttled try and change with time, account, address, kind and request id, and no secret', async () => {
    const olaId = await idOf('ola');
    const { secrets } = await everyCredential('ola', 'ola-secret-1');
    for (let i = 0; i < 6; i++) await tryPassword('ola', `ola-guess-${i}`, '198.51.100.1');
    await tryPassword('nobody', 'nobody-guess', '198.51.100.1');
    await t.call('GET', '/api/v1/Associate/Me', { headers: { Authorization: 'Bearer not-a-token-anyone-has' } });
    await t.call('PUT', `/api/v1/Associate/${olaId}/Password`, { headers: { Authorization: kari }, json: { Password: 'ola-new-secret' } });
    await t.call('DELETE', `/api/v1/Associate/${olaId}/Tokens`, { headers: { Authorization: kari } });
    await t.call('DELETE', `/api/v1/Associate/${olaId}`, { headers: { Authorization: kari } });

    const lines = t.audit.filter((line) => line.agent_id === olaId || line.account === null);
    expect(lines.map((line) => [line.kind, line.method, line.address])).toEqual([
      ['agent_added', 'admin', null],
      ['sign_in', 'login', '203.0.113.7'],
      ['sign_in', 'ticket', '203.0.113.7'],
      ['token_created', 'admin', null],
      ...Array(5).fill(['sign_in_failed', 'login', '198.51.100.1']),
      ['sign_in_throttled', 'login', '198.51.100.1'],
      ['sign_in_failed', 'login', '198.51.100.1'],
      ['sign_in_failed', 'token', '203.0.113.7'],
      ['password_changed', 'console', '203.0.113.7'],
      ['tokens_revoked', 'console', '203.0.113.7'],
      ['agent_removed', 'console', '203.0.113.7'],
    ]);
    for (const line of lines) {
      expect(Date.parse(line.time), JSON.stringify(line)).toBe(T0);
      expect(line.event).toBe('auth');
      if (line.method !== 'admin') expect(line.request_id).toMatch(/\S{8,}/);
    }
    expect(lines.find((line) => line.kind === 'sign_in')).toMatchObject({ account: 'ola', agent_id: olaId });
    expect(lines.find((line) => line.kind === 'sign_in_throttled')).toMatchObject({ retry_after: 60 });
    expect(lines.find((line) => line.kind === 'agent_removed')).toMatchObject({ by: 'kari' });
    // A name nobody has is never written out, but the same name is told by the same hash.
    const nobody = lines.find((line) => line.account === null && line.method === 'login')!;
    expect(nobody.account_hash).toMatch(/^[\w-]{16}$/);
    const everything = JSON.stringify(t.audit);
    for (const secret of [...secrets, 'ola-new-secret', 'ola-guess-0', 'nobody', 'not-a-token-anyone-has']) expect(everything).not.toContain(secret);
  });

  it('shows a manager each agent’s last sign-ins, the newest first, the same thing again counted', async () => {
    const olaId = await idOf('ola');
    await tryPassword('ola', 'ola-secret-1', '203.0.113.7');
    for (let i = 0; i < 3; i++) await tryPassword('ola', 'wrong-guess', '198.51.100.1', 'basic');
    clock += MINUTE;
    await tryPassword('ola', 'ola-secret-1', '203.0.113.7', 'ticket');
    const record = await json(await t.call('GET', `/api/v1/Associate/${olaId}/SignIns`, { headers: { Authorization: kari } }));
    expect(record).toEqual([
      { When: '2026-11-26T09:01:00.000+00:00', Kind: 'sign_in', Method: 'ticket', Address: '203.0.113.7', Count: 1 },
      { When: '2026-11-26T09:00:00.000+00:00', Kind: 'sign_in_failed', Method: 'basic', Address: '198.51.100.1', Count: 3 },
      { When: '2026-11-26T09:00:00.000+00:00', Kind: 'sign_in', Method: 'login', Address: '203.0.113.7', Count: 1 },
      { When: '2026-11-26T09:00:00.000+00:00', Kind: 'agent_added', Method: 'admin', Address: null, Count: 1 },
    ]);
  });
});

describe('taking access back, as an attacker would try to get around it', () => {
  it('lets a manager change only agents whose every topic it manages, however it came to manage a topic', async () => {
    const kariId = await idOf('kari');
    const olaId = await idOf('ola');
    // bob, added by kari, makes a topic of his own (and so manages it), and puts kari in it.
    expect((await t.call('POST', '/api/v1/Associate', { headers: { Authorization: kari }, json: { UserName: 'bob', Password: 'bob-secret-1' } })).status).toBe(200);
    const bob = basic('bob', 'bob-secret-1');
    const bobs = await json(await t.call('POST', '/api/v1/ChatTopic', { headers: { Authorization: bob }, json: { Name: 'Bobs' } }));
    await t.store.setTopicAgent({ topicId: bobs.ChatTopicId, agentId: kariId, canListen: true, canRespond: true, canManage: false, canNotify: false });
    for (const [method, path, body] of [
      ['PUT', `/api/v1/Associate/${kariId}/Password`, { Password: 'owned-by-bob' }],
      ['DELETE', `/api/v1/Associate/${kariId}`, undefined],
      ['DELETE', `/api/v1/Associate/${kariId}/Tokens`, undefined],
      ['GET', `/api/v1/Associate/${kariId}/SignIns`, undefined],
      ['PUT', `/api/v1/Associate/${olaId}/Password`, { Password: 'owned-by-bob' }],
    ] as const) {
      const refused = await t.call(method, path, { headers: { Authorization: bob }, ...(body ? { json: body } : {}) });
      expect(refused.status, `${method} ${path}`).toBe(403);
    }
    expect((await seen(await t.call('DELETE', `/api/v1/Associate/${kariId}`, { headers: { Authorization: bob } }))).message).toBe(
      'kari is also an agent of ChatTopic 1, which you do not manage: ask one of its managers.',
    );
    expect((await tryPassword('kari', 'kari-secret-1', '203.0.113.7')).status).toBe(200);
    // His own password he may change; kari, who manages every topic ola is in, may change ola's.
    expect((await t.call('PUT', `/api/v1/Associate/${await idOf('bob')}/Password`, { headers: { Authorization: bob }, json: { Password: 'bob-secret-2' } })).status).toBe(204);
    expect((await t.call('PUT', `/api/v1/Associate/${olaId}/Password`, { headers: { Authorization: kari }, json: { Password: 'ola-secret-2' } })).status).toBe(204);
  });

  it('ends an agent’s streams of single chats and the stream tickets it had, and a chat’s ticket opens no other stream', async () => {
    const olaId = await idOf('ola');
    const session = await json(await t.postSession({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true }));
    const id = session.ChatSessionId;
    const base = await t.listen();
    const open = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/api/v1/ChatSession/${id}/Events${query}`, { headers: { Accept: 'text/event-stream', ...headers } });
    const ticket = async () => (await json(await t.call('POST', `/api/v1/ChatSession/${id}/Events/Ticket`, { headers: { Authorization: ola } }))).Ticket as string;
    const stream = reader((await open('', { Authorization: ola })).body!);
    expect((await stream.next()).event).toBe('state');
    const unused = await ticket();
    // A ticket of one chat does not open the agent's stream of every chat.
    const agentWide = await fetch(`${base}/api/v1/ChatSession/Events?ticket=${await ticket()}`, { headers: { Accept: 'text/event-stream' } });
    expect(agentWide.status).toBe(401);

    expect((await t.call('DELETE', `/api/v1/Associate/${olaId}`, { headers: { Authorization: kari } })).status).toBe(204);
    await expect(async () => {
      for (;;) await stream.next(3000);
    }).rejects.toThrow('the stream ended');
    expect((await open(`?ticket=${unused}`)).status).toBe(401);
  });

  it('gives a sign-in that checked the old password no credential once the password has changed', async () => {
    const before = (await t.store.findAgent('ola'))!;
    await t.call('PUT', `/api/v1/Associate/${before.id}/Password`, { headers: { Authorization: kari }, json: { Password: 'ola-new-secret' } });
    // What a sign-in checked before the change would now be given.
    await expect(t.chat.agents.issueTicket(before)).rejects.toMatchObject({ kind: 'unauthorized' });
    await expect(t.chat.agents.startBrowserSession(before)).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(await t.store.listCredentials(before.id, 'ticket', clock)).toEqual([]);
    expect((await tryPassword('ola', 'ola-new-secret', '203.0.113.7', 'ticket')).status).toBe(200);
  });

  it('charges a burst of guesses from an address the agent signed in from only the first wait', async () => {
    expect((await tryPassword('kari', 'kari-secret-1', '192.0.2.9', 'basic')).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 30 }, () => tryPassword('kari', 'wrong-guess', '192.0.2.9', 'basic')));
    expect(burst.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual(SIGN_IN_LIMITS.checksAtOnce);
    expect((await seen(await tryPassword('kari', 'kari-secret-1', '192.0.2.9'))).retryAfter).toBe('60');
  });

  it('keeps every change to an agent’s access in its record however many tries come after', async () => {
    const olaId = await idOf('ola');
    await t.call('PUT', `/api/v1/Associate/${olaId}/Password`, { headers: { Authorization: kari }, json: { Password: 'ola-new-secret' } });
    for (let i = 0; i < 5; i++) await tryPassword('ola', 'wrong-guess', '198.51.100.1');
    for (let i = 0; i < 130; i++) await tryPassword('ola', 'wrong-guess', '198.51.100.1', i % 2 ? 'basic' : 'login');
    const record = await json(await t.call('GET', `/api/v1/Associate/${olaId}/SignIns`, { headers: { Authorization: kari } }));
    expect(record.map((event: { Kind: string; Count: number }) => [event.Kind, event.Count])).toEqual([
      ['sign_in_throttled', 130],
      ['sign_in_failed', 5],
      ['password_changed', 1],
      ['agent_added', 1],
    ]);
  });

  it('waits its turn in a flood of sign-ins, and past the queue answers 503 to try again', async () => {
    const answers = await Promise.all(
      Array.from({ length: SIGN_IN_LIMITS.checksInProcess + SIGN_IN_LIMITS.checksWaiting + 12 }, (_, i) => tryPassword(`made-up-${i}`, 'guess', `198.51.${i >> 8}.${i & 255}`)),
    );
    const busy = answers.filter((answer) => answer.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((answer) => answer.headers.get('retry-after') === '1')).toBe(true);
    expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(SIGN_IN_LIMITS.checksWaiting);
    expect((await tryPassword('kari', 'kari-secret-1', '203.0.113.7')).status).toBe(200);
  });

  it('puts a removed agent in no topic again, shows its record still, and refuses broken passwords', async () => {
    const olaId = await idOf('ola');
    await t.call('DELETE', `/api/v1/Associate/${olaId}`, { headers: { Authorization: kari } });
    const back = await t.call('PUT', '/api/v1/ChatTopic/1/UserAgent/ola', {
      headers: { Authorization: kari },
      json: { CanListen: true, CanRespond: true, CanManage: true, CanNotify: true },
    });
    expect(back.status).toBe(400);
    expect(await t.store.agentTopics(olaId)).toEqual([]);
    const record = await json(await t.call('GET', `/api/v1/Associate/${olaId}/SignIns`, { headers: { Authorization: kari } }));
    expect(record[0]).toMatchObject({ Kind: 'agent_removed', Method: 'console' });
    const kariId = await idOf('kari');
    for (const password of ['with\u0000nul-1', 'lone\uD800surrogate']) {
      const refused = await t.call('PUT', `/api/v1/Associate/${kariId}/Password`, { headers: { Authorization: kari }, json: { Password: password } });
      expect(refused.status).toBe(400);
      expect((await json(refused)).FieldErrors).toMatchObject([{ Field: 'Password', Code: 'characters' }]);
    }
  });
});
