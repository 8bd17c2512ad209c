import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatSessionFields } from '@chatline/shared';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

/** The reference page's sample request and response. */
const fixture = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../testing/fixtures/${name}`, import.meta.url)), 'utf8'));
const sampleRequest = fixture('seed-sample-request.json');
const sampleResponse = fixture('seed-sample-response.json');

/** The visitor's part of the reference page's sample request, with consent given. */
const customerFields = {
  TopicId: 1,
  CustomerAlias: sampleRequest.CustomerAlias,
  CustomerName: sampleRequest.CustomerName,
  CustomerEmail: sampleRequest.CustomerEmail,
  CustomerPhone: sampleRequest.CustomerPhone,
  CustomerConsented: true,
  CustomerCompanyName: sampleRequest.CustomerCompanyName,
  FirstMessage: sampleRequest.FirstMessage,
};

const NOW = Date.parse('2026-11-26T09:30:00.250Z');

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ now: () => NOW });
});
afterEach(() => t.close());


const addTopic = async (name: string, collectConsent = true) => (await t.topic({ name, collectConsent })).id;

async function expectError(response: Response, status: number, errorType: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const body = await json(response);
  expect(body).toMatchObject({ Error: true, ErrorType: errorType, ErrorSource: '/api/v1/ChatSession' });
  expect(typeof body.ErrorMessage).toBe('string');
  expect(body.ErrorMessage.length).toBeGreaterThan(0);
  return body;
}

describe('POST /api/v1/ChatSession by a visitor', () => {
  it('answers the customer fields of the sample with every key of the sample response', async () => {
    const response = await t.postSession(customerFields);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const entity = await json(response);

    // And Rating, which SuperOffice's entity has gained since the sample was written, after TransferTo.
    const sampleKeys = Object.keys(sampleResponse);
    sampleKeys.splice(sampleKeys.indexOf('TransferTo') + 1, 0, 'Rating');
    expect(Object.keys(entity)).toEqual(sampleKeys);
    expect(entity.Rating).toBe(0);
    for (const [key, sample] of Object.entries(sampleResponse)) {
      const value = entity[key];
      if (value !== null && typeof sample === 'object' && sample !== null && key !== 'FieldProperties') {
        expect(Object.keys(value), key).toEqual(Object.keys(sample));
      }
    }
    expect(entity).toMatchObject({
      TopicId: 1,
      CustomerAlias: 'non',
      CustomerName: 'Stehr-Lemke',
      CustomerEmail: 'margarete.abshire@dach.info',
      CustomerPhone: '284.321.0351',
      CustomerConsented: true,
      CustomerCompanyName: 'Deckow Inc and Sons',
      FirstMessage: 'minima',
      Status: 'InQueue',
      InitialQueuePos: 1,
      User: null,
      Person: null,
      TransferTo: null,
      LastMessage: null,
      WhenStarted: null,
      AlertLevel: 0,
      Rank: 0,
      Flags: '',
    });
    expect(entity._Links).toEqual({
      Self: `http://localhost/api/v1/ChatSession/${entity.ChatSessionId}`,
      Archive: 'http://localhost/api/v1/ChatSession',
    });
  });

  it('describes every field of the table in FieldProperties, with what a visitor may do', async () => {
    const entity = await json(await t.postSession(customerFields));
    expect(Object.keys(entity.FieldProperties)).toEqual(chatSessionFields.map((spec) => spec.name));
    expect(entity.TableRight).toEqual({ Mask: 'Insert', Reason: '' });
    expect(entity.FieldProperties.CustomerEmail).toEqual({
      FieldRight: { Mask: 'Read, Write, Nullable', Reason: '' },
      FieldType: 'System.String',
      FieldLength: 255,
    });
    expect(entity.FieldProperties.CustomerAlias.FieldLength).toBe(64);
    expect(entity.FieldProperties.CustomerPhone.FieldLength).toBe(32);
    expect(entity.FieldProperties.FirstMessage.FieldLength).toBe(1024);
    expect(entity.FieldProperties.CustomerConsented.FieldRight.Mask).toContain('UIHintMandatory');
    expect(entity.FieldProperties.Status.FieldRight).toEqual({
      Mask: 'Read, UIHintReadOnly',
      Reason: 'Only an agent may set this field.',
    });
    expect(entity.FieldProperties.SessionKey.FieldRight.Mask).toContain('UIHintReadOnly');
  });

  it('matches property names in any case, as the camelCase client sends them', async () => {
    const response = await t.postSession({
      topicId: 1,
      customerName: 'Ada Lovelace',
      CUSTOMEREMAIL: 'ada@example.com',
      customerConsented: true,
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ CustomerName: 'Ada Lovelace', CustomerEmail: 'ada@example.com' });
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    'text/json',
    'TEXT/JSON; charset=utf-8',
  ])('takes Content-Type %s', async (contentType) => {
    const response = await t.postSession(customerFields, { 'Content-Type': contentType });
    expect(response.status).toBe(200);
  });

  it('decodes the charset the request names', async () => {
    const text = JSON.stringify({ ...customerFields, CustomerName: 'Åse Ødegård' });
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) new DataView(bytes.buffer).setUint16(i * 2, text.charCodeAt(i), true);
    const response = await t.app.request('/api/v1/ChatSession', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-16le' },
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect((await json(response)).CustomerName).toBe('Åse Ødegård');
  });

  it('ignores values for the fields the server computes', async () => {
    const response = await t.postSession({
      ...customerFields,
      ChatSessionId: 684,
      SessionKey: 'in',
      CustomerHost: 'ducimus',
      WhenRequested: '2015-12-27T09:40:58.6783426+01:00',
      InitialQueuePos: 400,
    });
    expect(response.status).toBe(200);
    const entity = await json(response);
    expect(entity.ChatSessionId).not.toBe(684);
    expect(entity.SessionKey).not.toBe('in');
    expect(entity.CustomerHost).toBe('203.0.113.7');
    expect(entity.WhenRequested).toBe('2026-11-26T09:30:00.250+00:00');
    expect(entity.InitialQueuePos).toBe(1);
  });

  it('ignores server-computed values even when they are of the wrong type', async () => {
    const response = await t.postSession({ ...customerFields, ChatSessionId: 'x', InitialQueuePos: [] });
    expect(response.status).toBe(200);
  });

  it('returns a URL-safe session key of at least 21 characters once, and stores only its hash', async () => {
    const entity = await json(await t.postSession(customerFields));
    expect(entity.SessionKey).toMatch(/^[\w-]{21,}$/);

    const stored = (await t.store.getSession(entity.ChatSessionId))!;
    expect(Object.values(stored)).not.toContain(entity.SessionKey);
    expect(stored.sessionKeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await t.storedText()).not.toContain(entity.SessionKey);
  });

  it('gives every session its own key', async () => {
    const a = await json(await t.postSession(customerFields));
    const b = await json(await t.postSession(customerFields));
    expect(a.SessionKey).not.toBe(b.SessionKey);
    expect(a.ChatSessionId).not.toBe(b.ChatSessionId);
  });

  it('takes CustomerHost from the peer and not from X-Forwarded-For by default', async () => {
    const entity = await json(
      await t.postSession(customerFields, { 'X-Forwarded-For': '198.51.100.1' }, '::ffff:192.0.2.10'),
    );
    expect(entity.CustomerHost).toBe('192.0.2.10');
  });

  it('takes CustomerHost from the address the trusted proxy saw when CHAT_TRUST_PROXY is set', async () => {
    const proxied = await createTestApp({ config: { trustProxy: 1 } });
    try {
      const entity = await json(
        await proxied.postSession(customerFields, { 'X-Forwarded-For': '10.9.9.9, 198.51.100.1' }, '127.0.0.1'),
      );
      expect(entity.CustomerHost).toBe('198.51.100.1');
      const noHeader = await json(await proxied.postSession(customerFields, {}, '127.0.0.1'));
      expect(noHeader.CustomerHost).toBe('127.0.0.1');
    } finally {
      proxied.close();
    }
  });

  it('uses CHAT_PUBLIC_URL for _Links when it is set', async () => {
    const behindProxy = await createTestApp({ config: { publicUrl: 'https://chat.example.com/support' } });
    try {
      const entity = await json(await behindProxy.postSession(customerFields));
      expect(entity._Links.Self).toBe(`https://chat.example.com/support/api/v1/ChatSession/${entity.ChatSessionId}`);
    } finally {
      behindProxy.close();
    }
  });

  it('counts the queue per topic, and stops counting a session that leaves the queue', async () => {
    const sales = await addTopic('Sales');
    const positions = [];
    for (let i = 0; i < 3; i++) positions.push((await json(await t.postSession(customerFields))).InitialQueuePos);
    expect(positions).toEqual([1, 2, 3]);

    const other = await json(await t.postSession({ ...customerFields, TopicId: sales }));
    expect(other.InitialQueuePos).toBe(1);

    const fourth = await json(await t.postSession(customerFields));
    expect(fourth.InitialQueuePos).toBe(4);
    const patched = await t.call('PATCH', `/api/v1/ChatSession/${fourth.ChatSessionId}`, {
      body: JSON.stringify({ Status: 'CustomerLast' }),
      headers: { Authorization: await t.agent(), 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(200);
    expect((await json(await t.postSession(customerFields))).InitialQueuePos).toBe(4);
  });

  it('does not ask for consent in a topic that does not collect it', async () => {
    const orders = await addTopic('Orders', false);
    const response = await t.postSession({ TopicId: orders, CustomerName: 'Ada' });
    expect(response.status).toBe(200);
    expect((await json(response)).CustomerConsented).toBe(false);
  });

  it('trims text and stores blank optional fields as null', async () => {
    const entity = await json(
      await t.postSession({ ...customerFields, CustomerName: '  Ada  ', CustomerPhone: '   ', CustomerEmail: '' }),
    );
    expect(entity).toMatchObject({ CustomerName: 'Ada', CustomerPhone: null, CustomerEmail: null });
  });
});

describe('POST /api/v1/ChatSession with an Idempotency-Key', () => {
  it('makes one session of a create sent twice, or twice at once, and answers it the same each time', async () => {
    const key = { 'Idempotency-Key': '5f0c8b6e-7a52-4c1e-9a3d-1b2c3d4e5f60' };
    const first = await t.postSession(customerFields, key);
    const retried = await t.postSession(customerFields, key);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [await json(first), await json(retried)];
    expect(b.ChatSessionId).toBe(a.ChatSessionId);
    expect(b.SessionKey).toBe(a.SessionKey);
    expect(a.SessionKey).toMatch(/^[\w-]{21,}$/);
    // The key works, and is no more stored than any other.
    const read = await t.call('GET', `/api/v1/ChatSession/${a.ChatSessionId}`, { headers: { 'X-Chat-Session-Key': a.SessionKey } });
    expect(read.status).toBe(200);
    expect((await t.store.getSession(a.ChatSessionId))!.sessionKeyHash).not.toContain(a.SessionKey);

    const twice = await Promise.all([1, 2].map(() => t.postSession(customerFields, { 'Idempotency-Key': 'a-double-click-0001' })));
    const ids = await Promise.all(twice.map(async (response) => (await json(response)).ChatSessionId));
    expect(ids[0]).toBe(ids[1]);
    const other = await json(await t.postSession(customerFields, { 'Idempotency-Key': 'a-double-click-0002' }));
    expect(other.ChatSessionId).not.toBe(ids[0]);
    expect(other.SessionKey).not.toBe(a.SessionKey);
    expect(await t.sessionCount()).toBe(3);
    expect((await t.postSession(customerFields, { 'Idempotency-Key': 'no' })).status).toBe(400);
  });
});

describe('POST /api/v1/ChatSession with bad input', () => {
  afterEach(async () => {
    expect(await t.sessionCount()).toBe(0);
  });

  it.each([
    ['malformed JSON', '{"TopicId": 1,'],
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
    ['an empty body', ''],
  ])('refuses %s with 400', async (_, body) => {
    await expectError(await t.postSession(body), 400, 'SoBadRequestException');
  });

  it('refuses bytes that are not valid in the named charset', async () => {
    const response = await t.app.request('/api/v1/ChatSession', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    await expectError(response, 400, 'SoBadRequestException');
  });

  it.each([
    ['TopicId', 'one', 'type'],
    ['TopicId', 1.5, 'type'],
    ['TopicId', 2 ** 31, 'type'],
    ['CustomerName', 42, 'type'],
    ['CustomerConsented', 'yes', 'type'],
    ['CustomerAlias', 'a'.repeat(65), 'too_long'],
    ['CustomerName', 'n'.repeat(256), 'too_long'],
    ['CustomerPhone', '1'.repeat(33), 'too_long'],
    ['FirstMessage', 'm'.repeat(1025), 'too_long'],
    ['CustomerEmail', 'not-an-email', 'email'],
    ['CustomerEmail', 'ada@example', 'email'],
    ['CustomerPhone', 'call me maybe', 'phone'],
    ['CustomerPhone', '12', 'phone'],
  ])('refuses %s = %j with 400 and the field named (%s)', async (field, value, code) => {
    const body = await expectError(
      await t.postSession({ ...customerFields, [field]: value }),
      400,
      'SoValidationException',
    );
    expect(body.FieldErrors).toEqual([{ Field: field, Code: code, Message: expect.any(String) }]);
  });

  it('lists every invalid field at once', async () => {
    const body = await expectError(
      await t.postSession({ ...customerFields, CustomerEmail: 'x', CustomerPhone: 'y' }),
      400,
      'SoValidationException',
    );
    expect(body.FieldErrors.map((error: { Field: string }) => error.Field)).toEqual(['CustomerEmail', 'CustomerPhone']);
  });

  it('refuses a session without consent when the topic collects it', async () => {
    for (const consent of [false, undefined, null]) {
      const body = await expectError(
        await t.postSession({ ...customerFields, CustomerConsented: consent }),
        400,
        'SoValidationException',
      );
      expect(body.FieldErrors).toEqual([{ Field: 'CustomerConsented', Code: 'consent', Message: expect.any(String) }]);
    }
  });

  it('refuses an unknown topic and a missing one', async () => {
    const unknown = await expectError(
      await t.postSession({ ...customerFields, TopicId: 99 }),
      400,
      'SoValidationException',
    );
    expect(unknown.FieldErrors[0]).toMatchObject({ Field: 'TopicId', Code: 'unknown_topic' });
    const { TopicId: _, ...withoutTopic } = customerFields;
    const missing = await expectError(await t.postSession(withoutTopic), 400, 'SoValidationException');
    expect(missing.FieldErrors[0]).toMatchObject({ Field: 'TopicId', Code: 'required' });
  });

  it('refuses a property given twice in different cases', async () => {
    const body = await expectError(
      await t.postSession('{"TopicId":1,"CustomerConsented":true,"CustomerName":"a","customername":"b"}'),
      400,
      'SoValidationException',
    );
    expect(body.FieldErrors[0]).toMatchObject({ Field: 'CustomerName', Code: 'ambiguous' });
  });

  it.each(['Status', 'User', 'Person', 'Rank', 'AlertLevel', 'Flags', 'LastMessage', 'WhenStarted', 'Ticket', 'TransferTo'])(
    'refuses %s from a visitor with 403 naming it',
    async (field) => {
      const body = await expectError(
        await t.postSession({ ...customerFields, [field]: sampleRequest[field] }),
        403,
        'SoAccessDeniedException',
      );
      expect(body.ErrorMessage).toContain(field);
      expect(body.FieldErrors).toEqual([{ Field: field, Code: 'not_allowed', Message: expect.any(String) }]);
    },
  );

  it('names every agent field a visitor sent', async () => {
    const body = await expectError(await t.postSession(sampleRequest), 403, 'SoAccessDeniedException');
    for (const field of ['User', 'Person', 'Status', 'LastMessage', 'Contact', 'TransferTo']) {
      expect(body.ErrorMessage).toContain(field);
    }
  });

  it('refuses a body over 64 KiB with 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ ...customerFields, Padding: 'x'.repeat(64 * 1024) });
    await expectError(await t.postSession(big), 413, 'SoPayloadTooLargeException');

    const chunks = [new TextEncoder().encode(big.slice(0, 40_000)), new TextEncoder().encode(big.slice(40_000))];
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await t.app.request('/api/v1/ChatSession', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(response, 413, 'SoPayloadTooLargeException');
  });

  it.each(['text/plain', 'text/html', 'multipart/form-data; boundary=x', 'application/octet-stream'])(
    'refuses Content-Type %s with 415',
    async (contentType) => {
      await expectError(await t.postSession(customerFields, { 'Content-Type': contentType }), 415, 'SoUnsupportedMediaTypeException');
    },
  );

  it('refuses a body without Content-Type with 415, and an unknown charset too', async () => {
    const response = await t.app.request('/api/v1/ChatSession', { method: 'POST', body: JSON.stringify(customerFields) });
    await expectError(response, 415, 'SoUnsupportedMediaTypeException');
    await expectError(
      await t.postSession(customerFields, { 'Content-Type': 'application/json; charset=klingon' }),
      415,
      'SoUnsupportedMediaTypeException',
    );
  });

  it('refuses credentials it does not know with 401 instead of treating the caller as a visitor', async () => {
    await expectError(
      await t.postSession(customerFields, { Authorization: 'Basic dGplMDpUamUw' }),
      401,
      'SoUnauthorizedException',
    );
  });
});

describe('POST /api/v1/ChatSession from browsers', () => {
  let cross: TestApp;
  beforeEach(async () => {
    cross = await createTestApp({ config: { allowedOrigins: ['https://shop.example'] } });
  });
  afterEach(() => cross.close());

  it('refuses a page of an origin that is not allowed with 403', async () => {
    const response = await cross.postSession(customerFields, { Origin: 'https://evil.example' });
    const body = await expectError(response, 403, 'SoAccessDeniedException');
    expect(body.ErrorMessage).toContain('https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an opaque origin', async () => {
    await expectError(await cross.postSession(customerFields, { Origin: 'null' }), 403, 'SoAccessDeniedException');
  });

  it('answers an allowed origin with CORS headers', async () => {
    const response = await cross.postSession(customerFields, { Origin: 'https://shop.example' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets an allowed origin read the errors too', async () => {
    const response = await cross.postSession({ ...customerFields, CustomerEmail: 'x' }, { Origin: 'https://shop.example' });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('answers the preflight of an allowed origin', async () => {
    const response = await cross.app.request('/api/v1/ChatSession', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('refuses the preflight of an origin that is not allowed', async () => {
    const response = await cross.app.request('/api/v1/ChatSession', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts its own origin without CORS headers', async () => {
    const response = await cross.postSession(customerFields, { Origin: 'http://localhost' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the rest of the API', () => {
  it('answers an unknown path with 404 in the error shape', async () => {
    const response = await t.app.request('/api/v1/Nothing');
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ Error: true, ErrorType: 'SoNotFoundException' });
  });
});
