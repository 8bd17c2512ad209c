/** Hostile and malformed input: each case fails if its protection is removed. */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './testing/server-process.ts';
import { createTestApp, json, type TestApp } from './testing/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const visitor = { TopicId: 1, CustomerName: 'Ada', CustomerConsented: true };


const post = (body: string, contentType = 'application/json') =>
  t.call('POST', '/api/v1/ChatSession', { body, headers: { 'Content-Type': contentType } });

describe('JSON limits', () => {
  it('refuses nesting deeper than 16 levels, also in properties it would ignore', async () => {
    const deep = `{"TopicId":1,"CustomerConsented":true,"Extra":${'['.repeat(17)}${']'.repeat(17)}}`;
    const response = await post(deep);
    expect(response.status).toBe(400);
    expect((await json(response)).ErrorMessage).toContain('nested deeper');
    const veryDeep = `{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect((await post(veryDeep)).status).toBe(400);
  });

  it('refuses more than 2000 members and items', async () => {
    const wide = JSON.stringify({ ...visitor, Extra: Array.from({ length: 2001 }, (_, i) => i) });
    const response = await post(wide);
    expect(response.status).toBe(400);
    expect((await json(response)).ErrorMessage).toContain('2000');
  });

  it('never lets __proto__, constructor or prototype reach a prototype', async () => {
    const bodies = [
      '{"TopicId":1,"CustomerConsented":true,"__proto__":{"polluted":1,"CustomerName":"x"}}',
      '{"TopicId":1,"CustomerConsented":true,"constructor":{"prototype":{"polluted":1}}}',
    ];
    for (const body of bodies) {
      const response = await post(body);
      expect(response.status).toBe(200);
      expect((await json(response)).CustomerName).toBeNull();
    }
    const auth = await t.agent();
    const id = (await json(await t.postSession(visitor))).ChatSessionId;
    for (const [type, body] of [
      ['application/merge-patch+json', '{"__proto__":{"polluted":1}}'],
      ['application/merge-patch+json', '{"Person":{"__proto__":{"polluted":1}}}'],
      ['application/json-patch+json', '[{"op":"add","path":"/constructor/prototype/polluted","value":1}]'],
    ] as const) {
      const response = await t.call('PATCH', `/api/v1/ChatSession/${id}`, { body, headers: { Authorization: auth, 'Content-Type': type } });
      expect(response.status, body).toBe(400);
    }
    const form = await post('TopicId=1&CustomerConsented=true&__proto__.polluted=1', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses numbers that are not safe integers for integer fields', async () => {
    for (const topic of ['9007199254740993', '1e300', '2.5', '-0.5']) {
      const response = await post(`{"TopicId":${topic},"CustomerConsented":true}`);
      expect(response.status, topic).toBe(400);
    }
  });

  it('takes the last of a key given twice, as JSON.parse does', async () => {
    const response = await post('{"TopicId":1,"CustomerConsented":true,"CustomerName":"first","CustomerName":"last"}');
    expect(response.status).toBe(200);
    expect((await json(response)).CustomerName).toBe('last');
  });

  it.each([
    ['a NUL', 'Ada\\u0000'],
    ['a bell', 'Ada\\u0007'],
    ['an escape', '\\u001b[31mAda'],
    ['a C1 control', 'Ada\\u0085'],
    ['a lone high surrogate', 'Ada\\ud800'],
    ['a lone low surrogate', '\\udc00Ada'],
  ])('refuses text with %s', async (_, text) => {
    const response = await post(`{"TopicId":1,"CustomerConsented":true,"CustomerName":"${text}"}`);
    expect(response.status).toBe(400);
    expect((await json(response)).FieldErrors[0]).toMatchObject({ Field: 'CustomerName', Code: 'characters' });
  });

  it('keeps tabs, line breaks and emoji', async () => {
    const response = await post('{"TopicId":1,"CustomerConsented":true,"FirstMessage":"Hi!\\nTwo\\tlines 🚲"}');
    expect(response.status).toBe(200);
    expect((await json(response)).FirstMessage).toBe('Hi!\nTwo\tlines 🚲');
  });
});

describe('XML limits', () => {
  it('refuses XML nested too deep without crashing', async () => {
    const deep = `<ChatSessionEntity><Person>${'<a>'.repeat(7_000)}x${'</a>'.repeat(7_000)}</Person></ChatSessionEntity>`;
    const response = await post(deep, 'application/xml');
    expect(response.status).toBe(400);
    expect(await t.sessionCount()).toBe(0);
  });
});

describe('headers', () => {
  it.each([
    ['Authorization', `Bearer ${'x'.repeat(8000)}`],
    ['Authorization', 'Basic ' + '='.repeat(100)],
    ['Authorization', '\u00e9\u00e9'],
    ['Accept', `${'application/json;q=0.1,'.repeat(200)}`],
    ['Accept', 'application/json;q=abc'],
    ['Accept-Language', `${'nb;q=0.5,'.repeat(500)}`],
    ['Accept-Language', 'constructor'],
    ['Accept-Language', '__proto__;q=0.9, toString'],
    ['SO-Language', 'hasOwnProperty'],
    ['SO-Language', 'x'.repeat(4000)],
    ['SO-TimeZone', `${'Europe/Oslo,'.repeat(300)}`],
    ['SO-AppToken', 'y'.repeat(4000)],
    ['X-XSRF-TOKEN', 'z'.repeat(4000)],
    ['Cookie', `chatline_session=${'c'.repeat(4000)}`],
    ['If-Unmodified-Since', 'yesterday-ish'],
    ['Origin', 'http://[::1'],
    ['X-Forwarded-For', '1.2.3.4, not-an-ip, '.repeat(100)],
  ])('answers a strange %s with a 4xx or a normal answer, never a 5xx', async (name, value) => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { [name]: value } });
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) expect((await json(response)).Error).toBe(true);
  });
});

describe('origins per topic', () => {
  let cross: TestApp;
  let rentals: number;
  beforeEach(async () => {
    cross = await createTestApp({ config: { allowedOrigins: ['https://shop.example'] } });
    rentals = (await cross.topic({ name: 'Rentals', allowedOrigins: ['https://rent.example', 'https://bikes.example'] })).id;
  });
  afterEach(() => cross.close());

  const from = (origin: string, topicId: number, headers: Record<string, string> = {}) =>
    cross.call('POST', '/api/v1/ChatSession', { json: { ...visitor, TopicId: topicId }, headers: { Origin: origin, ...headers } });

  it("lets each topic's origins request chats in it, and CHAT_ALLOWED_ORIGINS every topic", async () => {
    expect((await from('https://rent.example', rentals)).status).toBe(200);
    expect((await from('https://bikes.example', rentals)).status).toBe(200);
    expect((await from('https://shop.example', 1)).status).toBe(200);
    // A site owner who adds a second topic expects the same pages to keep working.
    expect((await from('https://shop.example', rentals)).status).toBe(200);
  });

  it('refuses an origin in a topic that does not list it, with 403', async () => {
    const wrongTopic = await from('https://rent.example', 1);
    expect(wrongTopic.status).toBe(403);
    expect((await json(wrongTopic)).ErrorMessage).toContain('topic 1');
    expect((await from('https://evil.example', rentals)).status).toBe(403);
    expect(await cross.sessionCount()).toBe(0);
  });

  it('answers the preflight of an origin any topic lists', async () => {
    const response = await cross.call('OPTIONS', '/api/v1/ChatSession', {
      headers: { Origin: 'https://rent.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://rent.example');
  });

  it('never takes credentials from a page of another origin', async () => {
    const auth = await cross.agent();
    const withAuth = await from('https://shop.example', 1, { Authorization: auth });
    expect(withAuth.status).toBe(403);
    const withCookie = await from('https://shop.example', 1, { Cookie: 'chatline_session=abc', 'X-XSRF-TOKEN': 'x' });
    expect(withCookie.status).toBe(403);
    const preflight = await cross.call('OPTIONS', '/api/v1/ChatSession', {
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase() ?? '').not.toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('body size', () => {
  it.each(['application/xml', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'text/plain'])(
    'refuses %s bodies over 64 KiB with 413, chunked or not',
    async (type) => {
      const big = 'x'.repeat(64 * 1024 + 1);
      expect((await post(big, type)).status).toBe(413);
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 70; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(1024)));
          controller.close();
        },
      });
      const response = await t.app.request('/api/v1/ChatSession', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    },
  );
});

describe('bodies over a real socket', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ CHAT_DB: ':memory:', CHAT_RATE_LIMIT: '0' });
  }, 30_000);
  afterAll(() => server?.stop());

  /** POSTs `chunks` as a chunked body (no Content-Length), or with one when `declare` is set. */
  function send(chunks: string[], declare = false): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const body = chunks.join('');
      const request = httpRequest(`${server.url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(declare ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      });
      request.on('error', reject);
      for (const chunk of chunks) request.write(chunk);
      request.end();
    });
  }

  it('reads a visitor\'s form sent in pieces, chunked or with a length', async () => {
    const form = JSON.stringify({ TopicId: 1, CustomerName: 'Kari Nordmann', CustomerConsented: true });
    const pieces = [form.slice(0, 10), form.slice(10, 30), form.slice(30)];
    for (const declare of [false, true]) {
      const answer = await send(pieces, declare);
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body).CustomerName).toBe('Kari Nordmann');
    }
  });

  it('refuses 413 once a chunked body passes 64 KiB, and a declared length over it at once', async () => {
    const chunked = await send(['{"FirstMessage": "', ...Array.from({ length: 70 }, () => 'y'.repeat(1024)), '"}']);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).ErrorType).toBe('SoPayloadTooLargeException');
    const declared = await send(['{"FirstMessage": "', 'y'.repeat(70 * 1024), '"}'], true);
    expect(declared.status).toBe(413);
  });
});

describe('a busy database', () => {
  it('answers a create that cannot get the database in time 503 with Retry-After, and stores nothing', async () => {
    const busy = await createTestApp({ store: { busyTimeout: 50 } });
    const letGo = await busy.holdWrites();
    try {
      const answers = await Promise.all([busy.postSession(visitor), busy.postSession(visitor)]);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(await json(answer)).toMatchObject({ Error: true, ErrorType: 'SoServiceUnavailableException' });
      }
    } finally {
      await letGo();
    }
    expect(await busy.sessionCount()).toBe(0);
    expect((await busy.postSession(visitor)).status).toBe(200);
    await busy.close();
  });
});
