import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssets } from './assets.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';
import type { LogLine } from './observe.ts';

let lines: LogLine[];
let t: TestApp;
beforeEach(async () => {
  lines = [];
  t = await createTestApp({ log: (line) => lines.push(line) });
});
afterEach(() => t.close());

const visitor = {
  TopicId: 1,
  CustomerName: 'Kari Nordmann',
  CustomerEmail: 'kari@example.com',
  CustomerPhone: '+47 22 33 44 55',
  CustomerConsented: true,
};

describe('request logging', () => {
  it('writes one line per request with its id, and no personal data or keys', async () => {
    const response = await t.call('POST', '/api/v1/ChatSession?$select=SessionKey', { json: visitor });
    const entity = await json(response);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ method: 'POST', path: '/api/v1/ChatSession', status: 200 });
    expect(line.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(line.time)).not.toBeNaN();
    expect(line.request_id).toBe(response.headers.get('x-request-id'));
    const text = JSON.stringify(line);
    for (const secret of ['Kari', 'kari@example.com', '22 33 44 55', entity.SessionKey, '$select']) {
      expect(text).not.toContain(secret);
    }
  });

  it('puts the request id in error bodies and headers', async () => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: { TopicId: 'x' } });
    const body = await json(response);
    expect(body.RequestId).toMatch(/^[\w-]{16,}$/);
    expect(response.headers.get('x-request-id')).toBe(body.RequestId);
    expect(lines[0]).toMatchObject({ status: 400, request_id: body.RequestId });
  });

  it('logs a request that failed inside the server too', async () => {
    await t.store.close();
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor });
    expect(response.status).toBe(500);
    expect((await json(response)).ErrorType).toBe('SoServerException');
    expect(lines[0]).toMatchObject({ status: 500 });
  });
});

describe('security headers', () => {
  it('sends a restrictive policy with API answers, errors included', async () => {
    for (const response of [
      await t.call('POST', '/api/v1/ChatSession', { json: visitor }),
      await t.call('POST', '/api/v1/ChatSession', { json: { ...visitor, CustomerEmail: 'x' } }),
      await t.call('GET', '/api/v1/ChatSession/1'),
      await t.call('GET', '/api/v1/Nothing'),
      await t.call('GET', '/nothing'),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('lets no browser or proxy keep what the API answers, but the topic’s public widget part for a minute', async () => {
    for (const response of [
      await t.call('POST', '/api/v1/ChatSession', { json: visitor }),
      await t.call('GET', '/api/v1/ChatSession/1'),
      await t.call('GET', '/api/v1/Nothing'),
    ]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect((await t.call('GET', '/api/v1/ChatTopic/1/widget')).headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('sends a CSP with pages, and lets any site load the widget', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'chatline-headers-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'chat-widget.js'), 'export {};');
    const withAssets = await createTestApp({ assets: loadAssets(dir), log: () => {} });
    try {
      const page = await withAssets.call('GET', '/');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      const script = await withAssets.call('GET', '/chat-widget.js');
      expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      withAssets.close();
    }
  });
});
