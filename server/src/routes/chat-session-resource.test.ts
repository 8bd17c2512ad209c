import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatSessionFields } from '@chatline/shared';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let clock = Date.parse('2026-11-26T09:00:00Z');
let t: TestApp;
let auth: string;
beforeEach(async () => {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = await createTestApp({ now: () => clock });
  auth = await t.agent();
});
afterEach(() => t.close());

const visitorFields = { TopicId: 1, CustomerName: 'Ada', CustomerEmail: 'ada@example.com', CustomerConsented: true };

async function newSession(): Promise<{ ChatSessionId: number; [key: string]: unknown }> {
  return json(await t.postSession(visitorFields));
}

const asAgent = (method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
  t.call(method, path, { ...init, headers: { Authorization: auth, ...init.headers } });

const patch = (id: number, body: unknown, contentType: string, headers: Record<string, string> = {}) =>
  asAgent('PATCH', `/api/v1/ChatSession/${id}`, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': contentType, ...headers },
  });

/**
 * Sends the agent's requests so that each is received, and has read the session it changes,
 * before any of their bodies has come in, then lets the bodies come: a real race.
 */
async function racing(requests: { method: string; path: string; headers: Record<string, string>; body: string }[]) {
  let release!: () => void;
  const bodiesSent = new Promise<void>((resolve) => (release = resolve));
  const answering = Promise.all(
    requests.map(({ method, path, headers, body }) =>
      t.app.request(path, {
        method,
        headers: { Authorization: auth, ...headers },
        body: new ReadableStream({
          async pull(controller) {
            await bodiesSent;
            controller.enqueue(new TextEncoder().encode(body));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  release();
  return answering;
}

describe('the ChatSession resource', () => {
  it('answers GET default with a new, unsaved entity and no links', async () => {
    const response = await asAgent('GET', '/api/v1/ChatSession/default');
    expect(response.status).toBe(200);
    const entity = await json(response);
    expect(entity).toMatchObject({ ChatSessionId: 0, Status: 'InQueue', SessionKey: null, WhenRequested: null });
    expect(entity._Links).toBeUndefined();
    expect(Object.keys(entity)).toEqual([...chatSessionFields.map((spec) => spec.name), 'TableRight', 'FieldProperties']);
  });

  it('reads a session by id, without its key, with Last-Modified', async () => {
    const created = await newSession();
    const response = await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('last-modified')).toBe(new Date(clock).toUTCString());
    const entity = await json(response);
    expect(entity).toMatchObject({ ChatSessionId: created.ChatSessionId, CustomerName: 'Ada', SessionKey: null });
    expect(entity._Links.Self).toBe(`http://localhost/api/v1/ChatSession/${created.ChatSessionId}`);
  });

  it('answers an unknown id with 404 in the error shape', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/ChatSession/99'],
      ['PUT', '/api/v1/ChatSession/99'],
      ['PATCH', '/api/v1/ChatSession/99'],
      ['DELETE', '/api/v1/ChatSession/99'],
      ['GET', '/api/v1/ChatSession/99999999999999999999'],
    ] as const) {
      const response = await asAgent(method, path, method === 'PUT' || method === 'PATCH' ? { json: [] } : {});
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await json(response)).toMatchObject({ Error: true, ErrorType: 'SoNotFoundException' });
    }
  });

  it('replaces a session with PUT and keeps what the server computed', async () => {
    const created = await newSession();
    clock += 60_000;
    const response = await asAgent('PUT', `/api/v1/ChatSession/${created.ChatSessionId}`, {
      json: { TopicId: 1, CustomerName: 'Ada Lovelace', Status: 'UserLast', LastMessage: 'Hello Ada', CustomerHost: 'x' },
    });
    expect(response.status).toBe(200);
    const entity = await json(response);
    expect(entity).toMatchObject({
      CustomerName: 'Ada Lovelace',
      CustomerEmail: null,
      Status: 'UserLast',
      LastMessage: 'Hello Ada',
      CustomerHost: created.CustomerHost,
      WhenRequested: created.WhenRequested,
      InitialQueuePos: created.InitialQueuePos,
    });
  });

  it('refuses a PUT without a body', async () => {
    const created = await newSession();
    const response = await asAgent('PUT', `/api/v1/ChatSession/${created.ChatSessionId}`);
    expect(response.status).toBe(400);
  });

  it('refuses PUT and PATCH with 412 when the session changed after If-Unmodified-Since', async () => {
    const created = await newSession();
    const before = new Date(clock - 60_000).toUTCString();
    const put = await asAgent('PUT', `/api/v1/ChatSession/${created.ChatSessionId}`, {
      json: { TopicId: 1, CustomerName: 'Changed' },
      headers: { 'If-Unmodified-Since': before },
    });
    expect(put.status).toBe(412);
    expect((await json(put)).ErrorType).toBe('SoPreconditionFailedException');
    const patched = await patch(created.ChatSessionId, { CustomerName: 'Changed' }, 'application/merge-patch+json', {
      'If-Unmodified-Since': before,
    });
    expect(patched.status).toBe(412);
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`))).CustomerName).toBe('Ada');

    const now = new Date(clock).toUTCString();
    const ok = await patch(created.ChatSessionId, { CustomerName: 'Changed' }, 'application/merge-patch+json', {
      'If-Unmodified-Since': now,
    });
    expect(ok.status).toBe(200);
  });

  it('lets only one of two PUTs conditional on the same version win, and answers the other 412', async () => {
    const created = await newSession();
    const since = new Date(clock).toUTCString();
    clock += 10;
    const answers = await racing(
      ['First', 'Second'].map((name) => ({
        method: 'PUT',
        path: `/api/v1/ChatSession/${created.ChatSessionId}`,
        headers: { 'Content-Type': 'application/json', 'If-Unmodified-Since': since },
        body: JSON.stringify({ TopicId: 1, CustomerName: name }),
      })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
    const winner = await json(answers.find((answer) => answer.status === 200)!);
    const loser = await json(answers.find((answer) => answer.status === 412)!);
    expect(loser.ErrorType).toBe('SoPreconditionFailedException');
    // What is stored is the change that was answered 200, and nothing of the other.
    const stored = await json(await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`));
    expect(stored.CustomerName).toBe(winner.CustomerName);
  });

  it('loses neither of two unconditional patches of different fields made from the same version', async () => {
    const created = await newSession();
    const path = `/api/v1/ChatSession/${created.ChatSessionId}`;
    const answers = await racing([
      { method: 'PATCH', path, headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"CustomerName": "Ada Lovelace"}' },
      { method: 'PATCH', path, headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"CustomerPhone": "+47 22 33 44 55"}' },
      { method: 'PATCH', path, headers: { 'Content-Type': 'application/json-patch+json' }, body: '[{"op": "replace", "path": "/Rank", "value": 3}]' },
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const stored = await json(await asAgent('GET', path));
    expect(stored).toMatchObject({ CustomerName: 'Ada Lovelace', CustomerPhone: '+47 22 33 44 55', Rank: 3 });
  });

  it('names each version with an ETag, and writes with If-Match only over that version', async () => {
    const created = await newSession();
    const path = `/api/v1/ChatSession/${created.ChatSessionId}`;
    const read = await asAgent('GET', path);
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const first = await patch(created.ChatSessionId, { CustomerName: 'First' }, 'application/merge-patch+json', { 'If-Match': etag });
    expect(first.status).toBe(200);
    const newer = first.headers.get('etag')!;
    expect(newer).not.toBe(etag);
    // Within the same second, where If-Unmodified-Since cannot tell the versions apart.
    const stale = await patch(created.ChatSessionId, { CustomerName: 'Lost' }, 'application/merge-patch+json', { 'If-Match': etag });
    expect(stale.status).toBe(412);
    for (const tag of ['W/' + newer, '"not-ours"']) {
      expect((await asAgent('PUT', path, { json: { TopicId: 1 }, headers: { 'If-Match': tag } })).status, tag).toBe(412);
    }
    expect((await asAgent('PUT', path, { json: { TopicId: 1, CustomerName: 'Listed' }, headers: { 'If-Match': `"1", ${newer}` } })).status).toBe(200);
    expect((await asAgent('PUT', path, { json: { TopicId: 1, CustomerName: 'Any' }, headers: { 'If-Match': '*' } })).status).toBe(200);
    expect((await json(await asAgent('GET', path))).CustomerName).toBe('Any');
  });

  it('answers SaveChatSessionEntity 412 too when the session changed after If-Unmodified-Since', async () => {
    const created = await newSession();
    const save = await asAgent('POST', '/api/v1/Agents/Chat/SaveChatSessionEntity', {
      json: { ChatSessionId: created.ChatSessionId, TopicId: 1, CustomerName: 'Changed' },
      headers: { 'If-Unmodified-Since': new Date(clock - 60_000).toUTCString() },
    });
    expect(save.status).toBe(412);
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`))).CustomerName).toBe('Ada');
  });

  it('matches paths in any case, as SuperOffice does', async () => {
    const created = await newSession();
    const read = await asAgent('GET', `/api/v1/chatsession/${created.ChatSessionId}`);
    expect(read.status).toBe(200);
    expect((await json(read)).ChatSessionId).toBe(created.ChatSessionId);
    expect((await asAgent('GET', '/API/V1/CHATSESSION/DEFAULT')).status).toBe(200);
    expect((await asAgent('POST', '/api/v1/agents/chat/getchatsessionentity?chatsessionentityid=' + created.ChatSessionId)).status).toBe(200);
    const widget = await t.call('GET', '/api/v1/chattopic/1/WIDGET');
    expect(widget.status).toBe(200);
    expect((await t.call('GET', '/api/v1/chatsession/nothing')).status).toBe(404);
  });

  it('applies JSON Patch add, replace, remove and test, with paths in any case', async () => {
    const created = await newSession();
    const response = await patch(
      created.ChatSessionId,
      [
        { op: 'test', path: '/customername', value: 'Ada' },
        { op: 'replace', path: 'CustomerName', value: 'Ada Lovelace' },
        { op: 'add', path: '/lastMessage', value: 'On my way' },
        { op: 'replace', path: '/Status', value: 'UserLast' },
        { op: 'remove', path: '/CustomerEmail' },
      ],
      'application/json-patch+json',
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      CustomerName: 'Ada Lovelace',
      LastMessage: 'On my way',
      Status: 'UserLast',
      CustomerEmail: null,
    });
  });

  it('applies nothing and answers 409 when a test fails', async () => {
    const created = await newSession();
    const response = await patch(
      created.ChatSessionId,
      [
        { op: 'replace', path: '/CustomerName', value: 'Someone else' },
        { op: 'test', path: '/CustomerEmail', value: 'other@example.com' },
      ],
      'application/json-patch+json',
    );
    expect(response.status).toBe(409);
    expect((await json(response)).ErrorType).toBe('SoConflictException');
    expect((await json(await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`))).CustomerName).toBe('Ada');
  });

  it.each([
    [[{ op: 'move', from: '/CustomerName', path: '/CustomerAlias' }]],
    [[{ op: 'copy', from: '/CustomerName', path: '/CustomerAlias' }]],
    [[{ op: 'replace', path: '/NoSuchField', value: 1 }]],
    [[{ op: 'replace', path: '/CustomerName' }]],
    [[{ op: 'frobnicate', path: '/CustomerName', value: 1 }]],
    [[{ op: 'add', path: '/__proto__/polluted', value: 1 }]],
    [{ not: 'a list' }],
  ])('refuses the JSON Patch %j with 400', async (operations) => {
    const created = await newSession();
    const response = await patch(created.ChatSessionId, operations, 'application/json-patch+json');
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies a merge patch, null clearing a field', async () => {
    const created = await newSession();
    const response = await patch(
      created.ChatSessionId,
      { customerEmail: null, FirstMessage: 'Still there?', Person: { PersonId: 5, Firstname: 'Ada' } },
      'application/merge-patch+json',
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      CustomerEmail: null,
      FirstMessage: 'Still there?',
      Person: { PersonId: 5, Firstname: 'Ada' },
    });
  });

  it('validates a patched session like any other', async () => {
    const created = await newSession();
    const response = await patch(created.ChatSessionId, { CustomerEmail: 'broken' }, 'application/merge-patch+json');
    expect(response.status).toBe(400);
    expect((await json(response)).FieldErrors[0]).toMatchObject({ Field: 'CustomerEmail', Code: 'email' });
  });

  it('deletes a session with 204', async () => {
    const created = await newSession();
    const response = await asAgent('DELETE', `/api/v1/ChatSession/${created.ChatSessionId}`);
    expect(response.status).toBe(204);
    expect((await asAgent('GET', `/api/v1/ChatSession/${created.ChatSessionId}`)).status).toBe(404);
  });
});

describe('the ChatSession archive', () => {
  it('lists sessions for agents, the oldest first, a page at a time with a link to the next', async () => {
    const sales = (await t.topic({ name: 'Sales', collectConsent: false })).id;
    await t.chat.members.grantAll(sales, (await t.store.findAgent('kari'))!.id);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await json(await t.postSession({ ...visitorFields, TopicId: i < 3 ? 1 : sales }))).ChatSessionId);
    await patch(ids[1]!, { Status: 'UserLast' }, 'application/merge-patch+json');

    const first = await json(await asAgent('GET', '/api/v1/ChatSession?$top=2'));
    expect(first.value.map((row: { ChatSessionId: number }) => row.ChatSessionId)).toEqual(ids.slice(0, 2));
    expect(first.value[0]).toMatchObject({ CustomerName: 'Ada', Status: 'InQueue', SessionKey: null, TopicId: 1 });
    expect(first.value[0]._Links.Self).toBe(`http://localhost/api/v1/ChatSession/${ids[0]}`);
    expect(first.value[0].FieldProperties).toBeUndefined();
    const next = new URL(first['odata.nextLink']);
    expect(next.searchParams.get('$skip')).toBe('2');
    const second = await json(await asAgent('GET', `${next.pathname}${next.search}`));
    expect(second.value.map((row: { ChatSessionId: number }) => row.ChatSessionId)).toEqual(ids.slice(2, 4));
    const last = await json(await asAgent('GET', '/api/v1/ChatSession?$top=2&$skip=4'));
    expect(last.value).toHaveLength(1);
    expect(last['odata.nextLink']).toBeUndefined();

    const waiting = await json(await asAgent('GET', "/api/v1/ChatSession?$filter=TopicId eq 1 and Status eq 'InQueue'"));
    expect(waiting.value.map((row: { ChatSessionId: number }) => row.ChatSessionId)).toEqual([ids[0], ids[2]]);
    const bySales = await json(await asAgent('GET', `/api/v1/ChatSession?$filter=topicid eq ${sales}`));
    expect(bySales.value).toHaveLength(2);
  });

  it('takes its options in any case, and answers as the request asks: $select, SO-TimeZone, XML', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await newSession()).ChatSessionId);
    const response = await asAgent('GET', "/api/v1/ChatSession?$TOP=1&$Skip=1&$FILTER=status eq 'InQueue'&$select=customerName,whenRequested", {
      headers: { 'SO-TimeZone': 'Europe/Oslo' },
    });
    const page = await json(response);
    expect(page.value).toHaveLength(1);
    expect(page.value[0]).toMatchObject({ ChatSessionId: null, CustomerName: 'Ada', CustomerEmail: null, WhenRequested: '2026-11-26T10:00:00.000+01:00' });
    expect(response.headers.get('link')).toBe(`<${page['odata.nextLink']}>; rel="next"`);
    const next = new URL(page['odata.nextLink']);
    expect([next.searchParams.get('$top'), next.searchParams.get('$skip'), next.searchParams.get('$FILTER')]).toEqual(['1', '2', "status eq 'InQueue'"]);
    expect([...next.searchParams.keys()].filter((key) => /^\$(top|skip)$/i.test(key))).toEqual(['$top', '$skip']);

    // Nothing asked for, nothing next: a client that follows links stops.
    const none = await asAgent('GET', '/api/v1/ChatSession?$top=0');
    expect(await json(none)).toMatchObject({ value: [] });
    expect((await json(await asAgent('GET', '/api/v1/ChatSession?$top=0')))['odata.nextLink']).toBeUndefined();
    expect(none.headers.get('link')).toBeNull();

    const xml = await asAgent('GET', '/api/v1/ChatSession?$top=2', { headers: { Accept: 'application/xml' } });
    const text = await xml.text();
    expect(text).toContain('<ArrayOfChatSessionEntity');
    expect(text.match(/<ChatSessionEntity>/g)).toHaveLength(2);
    expect(xml.headers.get('link')).toContain('$skip=2');
  });

  it('is for agents only, and refuses what it cannot read with 400', async () => {
    expect((await t.call('GET', '/api/v1/ChatSession')).status).toBe(401);
    for (const query of [
      '$top=-1',
      '$top=x',
      '$skip=1.5',
      '$filter=Name eq x',
      "$filter=Status eq 'Sleeping'",
      '$filter=TopicId gt 1',
      '$filter=WhenEnded ne 5',
      '$filter=WhenEnded eq null',
      '$orderby=CustomerName desc',
      '$orderby=ChatSessionId sideways',
      '$orderby=ChatSessionId desc, TopicId',
      '$search=',
      '$search=%20%20',
      `$search=${'x'.repeat(101)}`,
      '$search=bell%07',
      '$search=two%0Alines',
    ]) {
      const response = await asAgent('GET', `/api/v1/ChatSession?${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).Error).toBe(true);
    }
  });
});

describe('searching the archive', () => {
  /** A visitor's chat in a topic, with what the visitor and the agent said, then ended or not. */
  async function chat(fields: Record<string, unknown>, said: string[] = [], { end = false } = {}) {
    const created = await json(await t.postSession({ TopicId: 1, CustomerConsented: true, ...fields }));
    const id = created.ChatSessionId as number;
    for (const text of said) {
      await t.call('POST', `/api/v1/ChatSession/${id}/Messages`, { json: { Message: text }, headers: { 'X-Chat-Session-Key': created.SessionKey } });
      clock += 1000;
    }
    if (end) await asAgent('POST', `/api/v1/ChatSession/${id}/End`);
    return id;
  }
  const ids = async (query: string) => {
    const response = await asAgent('GET', `/api/v1/ChatSession?${query}`);
    expect(response.status, query).toBe(200);
    return ((await json(response)).value as { ChatSessionId: number }[]).map((row) => row.ChatSessionId);
  };
  const q = encodeURIComponent;

  it('finds the sessions whose customer, first question or messages hold a text, in any case, newest first if asked', async () => {
    const kari = await chat({ CustomerName: 'Kari Nordmann', CustomerEmail: 'kari@example.com' }, [], { end: true });
    const ase = await chat({ CustomerAlias: 'Åse', FirstMessage: 'Do you service cargo bikes?' });
    const order = await chat({ CustomerName: 'Per' }, ['Hello', 'My order #4711 came at 50% off'], { end: true });
    const other = await chat({ CustomerName: 'Bo' }, ['Nothing to see here']);
    expect(await ids(`$search=${q('NORDMANN')}`)).toEqual([kari]);
    expect(await ids(`$search=${q('@Example.com')}`)).toEqual([kari]);
    expect(await ids(`$search=${q('åse')}`)).toEqual([ase]);
    expect(await ids(`$search=${q('ÅSE')}`)).toEqual([ase]);
    expect(await ids(`$search=${q('Cargo Bikes')}`)).toEqual([ase]);
    expect(await ids(`$search=${q('#4711')}`)).toEqual([order]);
    expect(await ids(`$search=${q('50%')}`)).toEqual([order]);
    expect(await ids(`$search=${q('5%o')}`)).toEqual([]);
    expect(await ids(`$search=${q('  here ')}`)).toEqual([other]);
    expect(await ids(`$search=${q('e')}&$orderby=ChatSessionId desc`)).toEqual([other, order, ase, kari]);
    expect(await ids(`$search=${q('e')}&$orderby=chatsessionid ASC`)).toEqual([kari, ase, order, other]);
    expect(await ids(`$search=${q('x'.repeat(100))}`)).toEqual([]);

    // Combined with the filter: ended ones, in a topic, in a status.
    expect(await ids(`$filter=${q('WhenEnded ne null')}`)).toEqual([kari, order]);
    expect(await ids(`$filter=${q("WhenEnded ne null and Status eq 'Closed' and TopicId eq 1")}&$search=order&$orderby=ChatSessionId desc`)).toEqual([order]);
    expect(await ids(`$filter=${q('whenended NE NULL and TopicId eq 2')}`)).toEqual([]);
  });

  it('pages through what it finds, the link to the next page keeping the search, the filter and the order', async () => {
    const found: number[] = [];
    for (let i = 0; i < 5; i++) {
      found.push(await chat({ CustomerName: `Cargo customer ${i}` }, [], { end: i !== 2 }));
      await chat({ CustomerName: `Someone else ${i}` }, [], { end: true });
    }
    const newest = found.filter((_, i) => i !== 2).reverse();
    let next: string | undefined = `/api/v1/ChatSession?$search=CARGO&$filter=${q('WhenEnded ne null')}&$orderby=${q('ChatSessionId desc')}&$top=3`;
    const pages: number[][] = [];
    while (next) {
      const page = await json(await asAgent('GET', next));
      pages.push(page.value.map((row: { ChatSessionId: number }) => row.ChatSessionId));
      next = page['odata.nextLink'] && new URL(page['odata.nextLink']).pathname + new URL(page['odata.nextLink']).search;
    }
    expect(pages).toEqual([newest.slice(0, 3), newest.slice(3)]);
  });

  it('shows an agent the sessions of the topics it may follow, and those it has or is offered', async () => {
    const ola = await t.agent('ola', 'ola-secret-12');
    const olaId = (await t.store.findAgent('ola'))!.id;
    const sales = (await t.topic({ name: 'Sales', collectConsent: false })).id;
    await t.chat.members.grantAll(sales, (await t.store.findAgent('kari'))!.id);
    const general = await chat({ CustomerName: 'In general' });
    const inSales = await chat({ TopicId: sales, CustomerName: 'In sales' });
    const asOla = async (query = '') =>
      ((await json(await t.call('GET', `/api/v1/ChatSession${query}`, { headers: { Authorization: ola } }))).value as { ChatSessionId: number }[]).map(
        (row) => row.ChatSessionId,
      );
    expect(await ids('')).toEqual([general, inSales]);
    // ola may follow topic 1, not Sales.
    expect(await asOla()).toEqual([general]);
    expect(await asOla('?$search=sales')).toEqual([]);
    // Notified only, it may follow nothing.
    await t.store.setTopicAgent({ topicId: 1, agentId: olaId, canListen: false, canRespond: false, canManage: false, canNotify: true });
    expect(await asOla()).toEqual([]);
    // A chat of Sales offered to ola, and then its own, it sees.
    await asAgent('POST', `/api/v1/ChatSession/${inSales}/Pickup`);
    await t.store.setTopicAgent({ topicId: sales, agentId: olaId, canListen: false, canRespond: true, canManage: false, canNotify: false });
    await asAgent('POST', `/api/v1/ChatSession/${inSales}/TransferTo/ola`);
    await t.store.removeTopicAgent(sales, olaId);
    expect(await asOla('?$search=sales')).toEqual([inSales]);
  });
});

describe('the Agents/Chat endpoints', () => {
  it('create a default, save it new, read it, save it changed and delete it', async () => {
    const entity = await json(await asAgent('POST', '/api/v1/Agents/Chat/CreateDefaultChatSessionEntity'));
    expect(entity.ChatSessionId).toBe(0);
    const saved = await json(
      await asAgent('POST', '/api/v1/Agents/Chat/SaveChatSessionEntity', {
        json: { ...entity, TopicId: 1, CustomerName: 'Ada' },
      }),
    );
    expect(saved.ChatSessionId).toBeGreaterThan(0);
    expect(saved._Links).toBeUndefined();

    const read = await json(
      await asAgent('POST', `/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=${saved.ChatSessionId}`),
    );
    expect(read.CustomerName).toBe('Ada');
    const updated = await json(
      await asAgent('POST', '/api/v1/Agents/Chat/SaveChatSessionEntity', { json: { ...read, CustomerName: 'Ada L' } }),
    );
    expect(updated).toMatchObject({ ChatSessionId: saved.ChatSessionId, CustomerName: 'Ada L' });

    const deleted = await asAgent('POST', `/api/v1/Agents/Chat/DeleteChatSessionEntity?ChatSessionEntityId=${saved.ChatSessionId}`);
    expect(deleted.status).toBe(204);
    const gone = await asAgent('POST', `/api/v1/Agents/Chat/GetChatSessionEntity?chatsessionentityid=${saved.ChatSessionId}`);
    expect(gone.status).toBe(404);
  });

  it('refuses a missing or malformed id with 400', async () => {
    expect((await asAgent('POST', '/api/v1/Agents/Chat/GetChatSessionEntity')).status).toBe(400);
    expect((await asAgent('POST', '/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=abc')).status).toBe(400);
    const save = await asAgent('POST', '/api/v1/Agents/Chat/SaveChatSessionEntity', { json: { ChatSessionId: 'x', TopicId: 1 } });
    expect(save.status).toBe(400);
  });
});

describe('a visitor reading their own session', () => {
  it('works with the session key from the create, and never without it', async () => {
    const created = await json(await t.postSession(visitorFields));
    const read = (headers: Record<string, string>) => t.call('GET', `/api/v1/ChatSession/${created.ChatSessionId}`, { headers });
    const own = await read({ 'X-Chat-Session-Key': created.SessionKey as string });
    expect(own.status).toBe(200);
    const entity = await json(own);
    expect(entity).toMatchObject({ ChatSessionId: created.ChatSessionId, Status: 'InQueue', InitialQueuePos: 1, SessionKey: null });
    expect(entity.TableRight.Mask).toBe('Insert');

    expect((await read({ 'X-Chat-Session-Key': `${created.SessionKey}x` })).status).toBe(404);
    expect((await read({ 'X-Chat-Session-Key': 'x'.repeat(5000) })).status).toBe(404);
    expect((await read({})).status).toBe(401);
    const other = await json(await t.postSession(visitorFields));
    expect((await t.call('GET', `/api/v1/ChatSession/${other.ChatSessionId}`, { headers: { 'X-Chat-Session-Key': created.SessionKey as string } })).status).toBe(404);
  });
});
