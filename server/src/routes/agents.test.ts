import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

const sampleRequest = JSON.parse(
  readFileSync(fileURLToPath(new URL('../testing/fixtures/seed-sample-request.json', import.meta.url)), 'utf8'),
);

let clock = Date.parse('2026-11-26T09:00:00Z');
let t: TestApp;
beforeEach(async () => {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = await createTestApp({ now: () => clock, config: { appTokens: ['app-token-1'] } });
});
afterEach(() => t.close());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const asAgent = (authorization: string) => t.call('GET', '/api/v1/ChatSession/default', { headers: { Authorization: authorization } });

async function expect401(response: Response) {
  expect(response.status).toBe(401);
  expect(await json(response)).toMatchObject({ Error: true, ErrorType: 'SoUnauthorizedException' });
}

describe('agents\' credentials', () => {
  it('takes Basic with the right password, and refuses a wrong one, an unknown user and garbage', async () => {
    const good = await t.agent('kari', 'kari-secret-1');
    expect((await asAgent(good)).status).toBe(200);
    await expect401(await asAgent(basic('kari', 'wrong-password')));
    await expect401(await asAgent(basic('nobody', 'kari-secret-1')));
    await expect401(await asAgent('Basic not*base64'));
    await expect401(await asAgent(`Basic ${Buffer.from('no-colon').toString('base64')}`));
  });

  it('matches the user name in any case', async () => {
    await t.agent('kari', 'kari-secret-1');
    expect((await asAgent(basic('KARI', 'kari-secret-1'))).status).toBe(200);
  });

  it('takes a Bearer token it issued, and refuses others', async () => {
    await t.agent('kari');
    const token = await t.chat.agents.createToken((await t.store.findAgent('kari'))!);
    expect((await asAgent(`Bearer ${token}`)).status).toBe(200);
    await expect401(await asAgent(`Bearer ${token}x`));
    expect(await t.store.findCredential(token, 'token', clock)).toBeNull();
    expect(await t.storedText()).not.toContain(token);
  });

  it('issues a ticket for valid credentials, takes it as SOTicket until it expires', async () => {
    await t.agent('kari', 'kari-secret-1');
    const response = await t.call('POST', '/api/v1/Authentication/Ticket', {
      json: { UserName: 'kari', Password: 'kari-secret-1' },
    });
    expect(response.status).toBe(200);
    const { Ticket, Expires } = await json(response);
    expect(Ticket).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(Expires)).toBeGreaterThan(clock);
    expect((await asAgent(`SOTicket ${Ticket}`)).status).toBe(200);

    clock = Date.parse(Expires) + 1;
    await expect401(await asAgent(`SOTicket ${Ticket}`));
    await expect401(await asAgent('SOTicket made-up'));
  });

  it('refuses a ticket for wrong credentials, and a login body without them', async () => {
    await t.agent('kari', 'kari-secret-1');
    await expect401(
      await t.call('POST', '/api/v1/Authentication/Ticket', { json: { UserName: 'kari', Password: 'nope-nope' } }),
    );
    const missing = await t.call('POST', '/api/v1/Authentication/Ticket', { json: { UserName: 'kari' } });
    expect(missing.status).toBe(400);
  });

  it('signs a browser agent in with a session cookie that needs the XSRF token echoed', async () => {
    await t.agent('kari', 'kari-secret-1');
    const login = await t.call('POST', '/api/v1/Authentication/Login', {
      json: { UserName: 'kari', Password: 'kari-secret-1' },
    });
    expect(login.status).toBe(200);
    expect((await json(login)).UserName).toBe('kari');
    const cookies = login.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith('chatline_session='))!;
    const xsrf = cookies.find((cookie) => cookie.startsWith('XSRF-TOKEN='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(xsrf).not.toMatch(/HttpOnly/);
    const sessionValue = session.split(';')[0]!;
    const xsrfValue = xsrf.split(';')[0]!.slice('XSRF-TOKEN='.length);
    const cookie = `${sessionValue}; XSRF-TOKEN=${xsrfValue}`;

    const ok = await t.call('GET', '/api/v1/ChatSession/default', { headers: { Cookie: cookie, 'X-XSRF-TOKEN': xsrfValue } });
    expect(ok.status).toBe(200);
    await expect401(await t.call('GET', '/api/v1/ChatSession/default', { headers: { Cookie: cookie } }));
    await expect401(
      await t.call('GET', '/api/v1/ChatSession/default', { headers: { Cookie: cookie, 'X-XSRF-TOKEN': 'forged' } }),
    );

    const logout = await t.call('POST', '/api/v1/Authentication/Logout', { headers: { Cookie: cookie, 'X-XSRF-TOKEN': xsrfValue } });
    expect(logout.status).toBe(204);
    await expect401(
      await t.call('GET', '/api/v1/ChatSession/default', { headers: { Cookie: cookie, 'X-XSRF-TOKEN': xsrfValue } }),
    );
  });

  it('makes its cookies Secure and sends HSTS only when the browser came over TLS', async () => {
    const login = (app: TestApp, headers: Record<string, string> = {}) =>
      app.call('POST', '/api/v1/Authentication/Login', { json: { UserName: 'kari', Password: 'kari-secret-1' }, headers });
    const secure = (response: Response) => response.headers.getSetCookie().map((cookie) => /;\s*Secure/i.test(cookie));
    await t.agent('kari', 'kari-secret-1');
    // Plain http, and a proxy's word that is not trusted: neither.
    for (const response of [await login(t), await login(t, { 'X-Forwarded-Proto': 'https' })]) {
      expect(secure(response)).toEqual([false, false]);
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
    const behindProxy = await createTestApp({ config: { trustProxy: 1 } });
    const published = await createTestApp({ config: { publicUrl: 'https://chat.example.com' } });
    try {
      await behindProxy.agent('kari', 'kari-secret-1');
      await published.agent('kari', 'kari-secret-1');
      for (const response of [await login(behindProxy, { 'X-Forwarded-Proto': 'https' }), await login(published)]) {
        expect(response.status).toBe(200);
        expect(secure(response)).toEqual([true, true]);
        expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
      }
      // The console's page too; and a client's own claim before the proxy's entry counts for nothing.
      const page = await behindProxy.call('GET', '/console/', { headers: { 'X-Forwarded-Proto': 'https' } });
      expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(secure(await login(behindProxy, { 'X-Forwarded-Proto': 'https, http' }))).toEqual([false, false]);
    } finally {
      await published.close();
      await behindProxy.close();
    }
  });

  it('refuses unknown schemes and oversized headers with 401', async () => {
    await expect401(await asAgent('Digest username="kari"'));
    await expect401(await asAgent(`Bearer ${'x'.repeat(10_000)}`));
    await expect401(await asAgent('Bearer'));
  });

  it('refuses an SO-AppToken it does not know, when app tokens are configured', async () => {
    const auth = await t.agent();
    const withToken = (token: string) =>
      t.call('GET', '/api/v1/ChatSession/default', { headers: { Authorization: auth, 'SO-AppToken': token } });
    expect((await withToken('app-token-1')).status).toBe(200);
    await expect401(await withToken('someone-elses'));
    expect((await asAgent(auth)).status).toBe(200);
  });

  it('keeps visitors out of agents\' routes with 401', async () => {
    await expect401(await t.call('GET', '/api/v1/ChatSession/default'));
    await expect401(await t.call('GET', '/api/v1/Associate'));
    await expect401(await t.call('POST', '/api/v1/Agents/Chat/CreateDefaultChatSessionEntity'));
  });
});

describe('GET /api/v1/Associate', () => {
  it('lists the agents in the Associate shape', async () => {
    const auth = await t.agent('kari');
    await t.agent('ola');
    const response = await t.call('GET', '/api/v1/Associate', { headers: { Authorization: auth } });
    expect(response.status).toBe(200);
    const agents = await json(response);
    expect(agents.map((agent: { UserName: string }) => agent.UserName)).toEqual(['kari', 'ola']);
    expect(Object.keys(agents[0])).toEqual(Object.keys(sampleRequest.User));
    expect(agents[0]).toMatchObject({ FullName: 'kari Nordmann', Deleted: false, Type: 'Employee' });
  });
});

describe('GET /api/v1/Associate/Me', () => {
  /** Signs kari in as a browser does: the session cookie, and the XSRF token to echo. */
  async function signedIn() {
    const login = await t.call('POST', '/api/v1/Authentication/Login', { json: { UserName: 'kari', Password: 'kari-secret-1' } });
    const cookies = login.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!);
    const xsrf = cookies.find((cookie) => cookie.startsWith('XSRF-TOKEN='))!.slice('XSRF-TOKEN='.length);
    return { Cookie: cookies.join('; '), 'X-XSRF-TOKEN': xsrf };
  }

  it('answers the calling agent as GET /api/v1/Associate lists it, with every kind of credential', async () => {
    const basic = await t.agent('kari', 'kari-secret-1');
    await t.agent('ola');
    const listed = (await json(await t.call('GET', '/api/v1/Associate', { headers: { Authorization: basic } }))).find(
      (agent: { UserName: string }) => agent.UserName === 'kari',
    );
    const token = await t.chat.agents.createToken((await t.store.findAgent('kari'))!);
    const { Ticket } = await json(await t.call('POST', '/api/v1/Authentication/Ticket', { json: { UserName: 'kari', Password: 'kari-secret-1' } }));
    for (const headers of [{ Authorization: basic }, { Authorization: `Bearer ${token}` }, { Authorization: `SOTicket ${Ticket}` }, await signedIn()]) {
      const response = await t.call('GET', '/api/v1/Associate/Me', { headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(await json(response)).toEqual(listed);
    }
    // Paths match in any case, as everywhere in the API.
    expect((await json(await t.call('GET', '/api/v1/associate/me', { headers: { Authorization: basic } }))).UserName).toBe('kari');
  });

  it('refuses a visitor, and a cookie without its XSRF token, with 401 in the error shape', async () => {
    await t.agent('kari', 'kari-secret-1');
    await expect401(await t.call('GET', '/api/v1/Associate/Me'));
    const { Cookie } = await signedIn();
    await expect401(await t.call('GET', '/api/v1/Associate/Me', { headers: { Cookie } }));
  });
});

describe('POST /api/v1/Associate', () => {
  const add = (auth: string, body: unknown) => t.call('POST', '/api/v1/Associate', { json: body, headers: { Authorization: auth } });

  it('lets a manager add an agent who can sign in at once and is a member of no topic', async () => {
    const kari = await t.agent('kari', 'kari-secret-1');
    const created: number[] = [];
    t.bus.subscribe((event) => event.type === 'agent.created' && created.push(event.agentId));
    // Members in any case, as the rest of the API.
    const response = await add(kari, { userName: 'åse', fullName: '  Åse Ødegård ', password: 'åse-secret-1' });
    expect(response.status).toBe(200);
    const agent = await json(response);
    expect(agent).toMatchObject({ UserName: 'åse', Name: 'åse', FullName: 'Åse Ødegård', Type: 'Employee', Deleted: false });
    expect(Object.keys(agent)).toEqual(Object.keys(sampleRequest.User));
    expect(created).toEqual([agent.AssociateId]);

    const ase = basic('åse', 'åse-secret-1');
    expect(await json(await t.call('GET', '/api/v1/Associate/Me', { headers: { Authorization: ase } }))).toEqual(agent);
    expect(await json(await t.call('GET', '/api/v1/ChatTopic/ForCurrentUser', { headers: { Authorization: ase } }))).toEqual([]);
    const members = await json(await t.call('GET', '/api/v1/ChatTopic/1/UserAgent', { headers: { Authorization: kari } }));
    expect(members.map((member: { User: { UserName: string } }) => member.User.UserName)).toEqual(['kari']);
  });

  it('says which field breaks which rule, all at once, with 400', async () => {
    const kari = await t.agent('kari', 'kari-secret-1');
    const problems = async (body: unknown) => {
      const response = await add(kari, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const answer = await json(response);
      expect(answer.ErrorType).toBe('SoValidationException');
      return answer;
    };
    expect(await problems({ UserName: 'two words', Password: 'long-enough-1' })).toMatchObject({
      ErrorMessage: 'Use 1 to 64 letters, digits or . _ @ + - (no spaces).',
      FieldErrors: [{ Field: 'UserName', Code: 'user_name' }],
    });
    expect(await problems({ UserName: 'ola', Password: 'short' })).toMatchObject({
      ErrorMessage: 'Use at least 8 characters.',
      FieldErrors: [{ Field: 'Password', Code: 'too_short' }],
    });
    expect((await problems({ UserName: 'ola', FullName: 'Ola\u0007', Password: 'long-enough-1' })).FieldErrors).toMatchObject([{ Field: 'FullName', Code: 'characters' }]);
    expect((await problems({ UserName: 'ola', FullName: 'x'.repeat(256), Password: 'long-enough-1' })).FieldErrors).toMatchObject([{ Field: 'FullName', Code: 'too_long' }]);
    expect((await problems({ UserName: 'ola', Password: 'x'.repeat(1025) })).FieldErrors).toMatchObject([{ Field: 'Password', Code: 'too_long' }]);
    const all = await problems({ UserName: 7, FullName: ['Ola'] });
    expect(all.FieldErrors.map((error: { Field: string; Code: string }) => `${error.Field}:${error.Code}`)).toEqual([
      'UserName:type',
      'FullName:type',
      'Password:required',
    ]);
    expect((await add(kari, [])).status).toBe(400);
    expect((await t.call('POST', '/api/v1/Associate', { body: '{"UserName":', headers: { Authorization: kari, 'Content-Type': 'application/json' } })).status).toBe(400);
    expect((await t.store.listAgents()).map((agent) => agent.userName)).toEqual(['kari']);
  });

  it('refuses a user name that is taken in any case with 409', async () => {
    const kari = await t.agent('kari', 'kari-secret-1');
    expect((await add(kari, { UserName: 'Åse', Password: 'long-enough-1' })).status).toBe(200);
    for (const userName of ['KARI', 'åse', 'ÅSE']) {
      const response = await add(kari, { UserName: userName, Password: 'long-enough-1' });
      expect(response.status, userName).toBe(409);
      expect(await json(response)).toMatchObject({ ErrorType: 'SoConflictException', ErrorMessage: `There is already an agent named "${userName}".` });
    }
  });

  it('is for managers only: 403 for an agent who manages no topic, 401 for a visitor', async () => {
    await t.agent('kari', 'kari-secret-1');
    const ola = await t.agent('ola', 'ola-secret-12');
    const olaId = (await t.store.findAgent('ola'))!.id;
    await t.store.setTopicAgent({ topicId: 1, agentId: olaId, canListen: true, canRespond: true, canManage: false, canNotify: true });
    const refused = await add(ola, { UserName: 'per', Password: 'long-enough-1' });
    expect(refused.status).toBe(403);
    expect((await json(refused)).ErrorType).toBe('SoAccessDeniedException');
    await expect401(await t.call('POST', '/api/v1/Associate', { json: { UserName: 'per', Password: 'long-enough-1' } }));
    expect(await t.store.findAgent('per')).toBeNull();
    // A manager of any topic may.
    const elsewhere = await t.topic({ name: 'Elsewhere' });
    await t.store.setTopicAgent({ topicId: elsewhere.id, agentId: olaId, canListen: false, canRespond: false, canManage: true, canNotify: false });
    expect((await add(ola, { UserName: 'per', Password: 'long-enough-1' })).status).toBe(200);
  });
});

describe('POST /api/v1/ChatSession by an agent', () => {
  /** The sample's topic (16) and agents (181, 74), and the sample request naming them by the ids they got here. */
  async function withSampleReferences() {
    const topic = await t.topic({ name: 'Returns' });
    const [user, transferTo] = await Promise.all(
      ['langosh', 'waters'].map((userName) => t.store.createAgent({ userName, fullName: `${userName} full`, passwordHash: null, createdAt: 0 })),
    );
    return {
      ...sampleRequest,
      TopicId: topic.id,
      User: { ...sampleRequest.User, AssociateId: user!.id },
      TransferTo: { ...sampleRequest.TransferTo, AssociateId: transferTo!.id },
    };
  }

  it('saves the reference page\'s sample request and answers 200', async () => {
    const auth = await t.agent();
    const request = await withSampleReferences();
    const response = await t.call('POST', '/api/v1/ChatSession', { json: request, headers: { Authorization: auth } });
    expect(response.status).toBe(200);
    const entity = await json(response);
    expect(entity).toMatchObject({
      TopicId: request.TopicId,
      Status: 'Closed',
      CustomerConsented: false,
      LastMessage: 'sit',
      WhenStarted: '2002-10-30T08:40:58.678+00:00',
      AlertLevel: 650,
      Rank: 771,
      Flags: 'CustomerIsTyping',
      Person: sampleRequest.Person,
      Ticket: sampleRequest.Ticket,
      TableRight: { Mask: 'FULL', Reason: '' },
    });
    expect(entity.User).toMatchObject({ AssociateId: request.User.AssociateId, UserName: 'langosh', FullName: 'langosh full' });
    expect(entity.TransferTo).toMatchObject({ AssociateId: request.TransferTo.AssociateId, UserName: 'waters' });
    // Still the server's own:
    expect(entity.ChatSessionId).not.toBe(684);
    expect(entity.SessionKey).not.toBe('in');
    expect(entity.CustomerHost).toBe('203.0.113.7');
    expect(entity.WhenRequested).toBe('2026-11-26T09:00:00.000+00:00');
    expect(entity.InitialQueuePos).toBe(1);
    expect(entity.FieldProperties.Status.FieldRight.Mask).toBe('Read, Write, Update');
  });

  it('refuses a User or TransferTo that names no agent', async () => {
    const auth = await t.agent();
    const response = await t.call('POST', '/api/v1/ChatSession', {
      json: { TopicId: 1, User: { AssociateId: 999 }, TransferTo: { AssociateId: 998 } },
      headers: { Authorization: auth },
    });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.FieldErrors.map((e: { Field: string; Code: string }) => `${e.Field}:${e.Code}`)).toEqual([
      'User:unknown_associate',
      'TransferTo:unknown_associate',
    ]);
  });

  it('does not ask an agent for the visitor\'s consent', async () => {
    const auth = await t.agent();
    const response = await t.call('POST', '/api/v1/ChatSession', { json: { TopicId: 1 }, headers: { Authorization: auth } });
    expect(response.status).toBe(200);
  });
});
