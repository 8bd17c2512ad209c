import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatSessionFields } from '@chatline/shared';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let clock = Date.parse('2026-11-26T09:00:00Z');
let t: TestApp;
let auth: string;
beforeEach(async () => {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = createTestApp({ now: () => clock });
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
