/**
 * Property-based tests: whatever arrives, the answer is never a 5xx, every error has the one
 * shape, and the server answers correctly afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatSessionFields } from '@chatline/shared';
import { createTestApp, type TestApp } from './testing/test-app.ts';

const RUNS = 300;
let t: TestApp;
let bearer: string;
let sessionId: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.agent('kari');
  bearer = `Bearer ${await t.chat.agents.createToken((await t.store.findAgent('kari'))!)}`;
  const created = await t.postSession({ TopicId: 1, CustomerName: 'Ada', CustomerConsented: true });
  sessionId = ((await created.json()) as { ChatSessionId: number }).ChatSessionId;
});
afterAll(() => t.close());

/** Printable ASCII: what a header value can carry through fetch. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 });

const fieldName = fc
  .constantFrom(...chatSessionFields.map((spec) => spec.name), '__proto__', 'constructor', 'TableRight', 'x')
  .chain((name) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(name) }, fc.constant(name.toLowerCase()), fc.constant(name.toUpperCase())),
  );

const anyValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('InQueue', 'Closed', '2026-11-26T10:00:00+01:00', 'CustomerIsTyping, UserIsTyping', 'a@b.co'),
  fc.jsonValue({ maxDepth: 3 }),
);

const entityLike = fc.dictionary(fieldName, anyValue, { maxKeys: 12 });

/** A value as form or XML text. Objects go as JSON: String() throws on the prototype-less ones fast-check makes. */
const asText = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const xmlBody = fc.oneof(
  entityLike.map(
    (entity) =>
      `<ChatSessionEntity>${Object.entries(entity)
        .map(([key, value]) => `<${key.replace(/[^\w]/g, '')}>${xmlText(asText(value))}</${key.replace(/[^\w]/g, '')}>`)
        .join('')}</ChatSessionEntity>`,
  ),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('<!DOCTYPE x [<!ENTITY a "b">]><ChatSessionEntity/>', '<ChatSessionEntity>', '<a><b></a>'),
);

const formBody = fc.oneof(
  entityLike.map((entity) => new URLSearchParams(Object.entries(entity).map(([k, v]): [string, string] => [k, asText(v)])).toString()),
  fc.string({ maxLength: 200 }),
);

const patchOperation = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'replace', 'remove', 'test', 'move', 'copy'), fc.string({ maxLength: 8 })),
    path: fc.oneof(fieldName.map((name) => `/${name}`), fieldName, fc.string({ maxLength: 30 }), fc.constant('/User/AssociateId')),
    value: anyValue,
    from: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ['op'] },
);
const patchBody = fc.oneof(
  fc.array(patchOperation, { maxLength: 6 }).map((ops) => JSON.stringify(ops)),
  entityLike.map((entity) => JSON.stringify(entity)),
  fc.json(),
  fc.string({ maxLength: 100 }),
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(
    'application/json',
    'text/json; charset=utf-8',
    'application/xml',
    'text/xml',
    'application/x-www-form-urlencoded',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/json; charset=latin1',
    'application/json; charset=nope',
  ) },
  { weight: 1, arbitrary: headerText },
);

/** Mostly well-formed values, so most requests get past the headers to the body. */
const mostly = (usual: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: headerText });

const headers = fc.record(
  {
    Accept: mostly(fc.constantFrom('application/json', 'application/xml;q=0.9, */*;q=0.1', 'text/json', 'text/xml', 'image/png')),
    'Accept-Language': headerText,
    'SO-Language': headerText,
    'SO-TimeZone': mostly(fc.constantFrom('Europe/Oslo', 'UTC,includeTZOffset', 'Asia/Kolkata')),
    'SO-Culture': headerText,
    'SO-AppToken': headerText,
    'If-Unmodified-Since': headerText,
    'X-Forwarded-For': headerText,
    Origin: mostly(fc.constantFrom('http://localhost', 'http://localhost', 'null', 'https://evil.example')),
  },
  { requiredKeys: [] },
);

async function expectWellFormed(response: Response) {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    const body = (await response.json()) as { Error: unknown; ErrorType: unknown; ErrorMessage: unknown };
    expect(body.Error).toBe(true);
    expect(typeof body.ErrorType).toBe('string');
    expect(typeof body.ErrorMessage).toBe('string');
  } else {
    await response.arrayBuffer();
  }
}

async function stillAnswers() {
  const response = await t.postSession({ TopicId: 1, CustomerName: 'After', CustomerConsented: true });
  expect(response.status).toBe(200);
}

describe('whatever a visitor sends', () => {
  it('POST bodies of every content type, with any headers', async () => {
    const body = fc.oneof(entityLike.map((entity) => JSON.stringify(entity)), fc.json(), xmlBody, formBody, patchBody);
    await fc.assert(
      fc.asyncProperty(body, contentType, headers, mostly(fc.constantFrom('', 'customerName,user/associateId')), async (text, type, extra, select) => {
        const query = select ? `?$select=${encodeURIComponent(select)}` : '';
        await expectWellFormed(
          await t.call('POST', `/api/v1/ChatSession${query}`, { body: text, headers: { ...extra, 'Content-Type': type } }),
        );
      }),
      { numRuns: RUNS * 2 },
    );
    await stillAnswers();
  });

  it('credentials of any shape', async () => {
    const authorization = fc.oneof(
      headerText,
      fc.tuple(fc.constantFrom('Basic', 'Bearer', 'SOTicket', 'basic', 'Digest'), headerText).map(([s, v]) => `${s} ${v}`),
      fc.string({ maxLength: 60 }).map((v) => `Basic ${Buffer.from(v).toString('base64')}`),
    );
    await fc.assert(
      fc.asyncProperty(authorization, headerText, async (auth, cookie) => {
        await expectWellFormed(
          await t.call('GET', '/api/v1/ChatSession/default', { headers: { Authorization: auth, Cookie: `chatline_session=${cookie}` } }),
        );
      }),
      { numRuns: RUNS },
    );
    await stillAnswers();
  });
});

describe('whatever an agent sends', () => {
  it('patches, replacements and ids on every method', async () => {
    const path = fc.oneof(
      fc.constant(`/api/v1/ChatSession/${sessionId}`),
      fc.string({ maxLength: 30 }).map((id) => `/api/v1/ChatSession/${encodeURIComponent(id)}`),
      fc.integer().map((id) => `/api/v1/ChatSession/${id}`),
      fc.string({ maxLength: 20 }).map((id) => `/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=${encodeURIComponent(id)}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST'), path, patchBody, contentType, headers, async (method, url, text, type, extra) => {
        const withBody = method !== 'GET' && method !== 'DELETE';
        // Keep the session others patch: deleting it would only test 404s from then on.
        const target = method === 'DELETE' && url.endsWith(`/${sessionId}`) ? '/api/v1/ChatSession/0' : url;
        await expectWellFormed(
          await t.call(method, target, {
            ...(withBody ? { body: text } : {}),
            headers: { ...extra, Origin: 'http://localhost', Authorization: bearer, ...(withBody ? { 'Content-Type': type } : {}) },
          }),
        );
      }),
      { numRuns: RUNS * 2 },
    );
    const read = await t.call('GET', `/api/v1/ChatSession/${sessionId}`, { headers: { Authorization: bearer } });
    expect(read.status).toBe(200);
    await stillAnswers();
  });
});
