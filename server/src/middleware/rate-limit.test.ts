import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';
import { clientKey, MAX_TRACKED, rateLimiter } from './rate-limit.ts';

const visitor = { TopicId: 1, CustomerName: 'Ada', CustomerConsented: true };
let clock = 0;
let t: TestApp;
afterEach(() => t.close());

async function app(rateLimit: number, trustProxy = 0) {
  clock = Date.parse('2026-11-26T09:00:00Z');
  t = await createTestApp({ now: () => clock, config: { rateLimit, trustProxy } });
  return t;
}

describe('the visitor rate limit', () => {
  it('answers the create past the limit with 429 and Retry-After, and lets the next one through later', async () => {
    await app(3);
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
    await app(1);
    const auth = await t.agent();
    for (let i = 0; i < 5; i++) {
      const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { Authorization: auth } });
      expect(response.status).toBe(200);
    }
  });

  it('counts the forwarded address behind a trusted proxy', async () => {
    await app(1, 1);
    const from = (address: string) => t.postSession(visitor, { 'X-Forwarded-For': address }, '127.0.0.1');
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.2')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(429);
  });

  it('is off at 0', async () => {
    await app(0);
    for (let i = 0; i < 20; i++) expect((await t.postSession(visitor)).status).toBe(200);
  });
});

describe('the rate limiter', () => {
  it('keeps at most MAX_TRACKED clients and takes as long per new one when full, with 200,000 addresses', () => {
    const limiter = rateLimiter(10);
    const heapBefore = process.memoryUsage().heapUsed;
    let refused = 0;
    const quarter = (n: number) => {
      const started = performance.now();
      for (let i = n * 50_000; i < (n + 1) * 50_000; i++) refused += limiter.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, i / 10);
      return performance.now() - started;
    };
    const times = [0, 1, 2, 3].map(quarter);
    expect(refused).toBe(0);
    expect(limiter.size).toBe(MAX_TRACKED);
    // The last 100,000 each make the limiter forget one: that costs about what a take costs
    // when there is room. (Scanning for what to forget took a minute here; a Map used as a
    // queue, 25 times longer for the last quarter than the first.)
    expect(Math.max(times[2]!, times[3]!), times.map((ms) => ms.toFixed(0)).join(', ')).toBeLessThan(10 * Math.max(times[0]!, 20));
    expect(times.reduce((sum, ms) => sum + ms)).toBeLessThan(5_000);
    // About a hundred bytes a bucket: the bound keeps it to some 10 MB however many addresses come.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(60 * 1024 * 1024);
    // The most recent clients are still counted.
    const recent = '10.3.13.63';
    const takes = Array.from({ length: 10 }, () => limiter.take(recent, 20_000));
    expect(takes.filter((wait) => wait > 0)).toHaveLength(1);
  });

  it('gives a client its whole allowance again once its bucket has refilled', () => {
    const limiter = rateLimiter(2);
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 30]);
    expect([limiter.take('a', 60_000), limiter.take('a', 60_000), limiter.take('a', 60_000)]).toEqual([0, 0, 30]);
  });

  it('forgets clients whose buckets have refilled, by its own clock, a few with each take', () => {
    const limiter = rateLimiter(2);
    for (const client of ['a', 'b', 'c']) limiter.take(client, 0);
    limiter.take('d', 59_999);
    expect(limiter.size).toBe(4);
    limiter.take('e', 60_000);
    expect(limiter.size).toBe(3);
    limiter.take('e', 60_000);
    expect(limiter.size).toBe(2);
  });

  it('forgets the least recently seen client first when full', () => {
    const limiter = rateLimiter(1, { maxTracked: 2 });
    expect([limiter.take('a', 0), limiter.take('b', 0), limiter.take('a', 1)]).toEqual([0, 0, 60]);
    limiter.take('c', 2);
    expect(limiter.size).toBe(2);
    // b was forgotten, a was not.
    expect([limiter.take('a', 3), limiter.take('b', 3)]).toEqual([60, 0]);
  });

  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['203.0.113.7', '203.0.113.7'],
  ])('counts %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('counts the addresses of one IPv6 /64 as one client, through the API', async () => {
    await app(1);
    expect((await t.postSession(visitor, {}, '2001:db8:5:6::1')).status).toBe(200);
    expect((await t.postSession(visitor, {}, '2001:db8:5:6:ffff::2')).status).toBe(429);
    expect((await t.postSession(visitor, {}, '2001:db8:5:7::1')).status).toBe(200);
  });
});
