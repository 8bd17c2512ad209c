import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

const visitor = { TopicId: 1, CustomerName: 'Ada', CustomerConsented: true };
let clock = 0;
let t: TestApp;
afterEach(() => t.close());

function app(rateLimit: number, trustProxy = 0) {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = createTestApp({ now: () => clock, config: { rateLimit, trustProxy } });
  return t;
}

describe('the visitor rate limit', () => {
  it('answers the create past the limit with 429 and Retry-After, and lets the next one through later', async () => {
    app(3);
    for (let i = 0; i < 3; i++) expect((await t.postSession(visitor)).status).toBe(200);
    const refused = await t.postSession(visitor);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(await json(refused)).toMatchObject({ Error: true, ErrorType: 'SoTooManyRequestsException' });

    expect((await t.postSession(visitor, {}, '198.51.100.9')).status).toBe(200);
    clock += 20_000;
    expect((await t.postSession(visitor)).status).toBe(200);
    expect((await t.postSession(visitor)).status).toBe(429);
  });

  it('does not limit agents', async () => {
    app(1);
    const auth = await t.agent();
    for (let i = 0; i < 5; i++) {
      const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { Authorization: auth } });
      expect(response.status).toBe(200);
    }
  });

  it('counts the forwarded address behind a trusted proxy', async () => {
    app(1, 1);
    const from = (address: string) => t.postSession(visitor, { 'X-Forwarded-For': address }, '127.0.0.1');
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.2')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(429);
  });

  it('is off at 0', async () => {
    app(0);
    for (let i = 0; i < 20; i++) expect((await t.postSession(visitor)).status).toBe(200);
  });
});
