import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssets } from './assets.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

const script = `export const greeting = ${JSON.stringify('hello '.repeat(200))};\n`;
const page = '<!doctype html><title>Demo</title><chat-widget topic-id="1"></chat-widget>';

let dir: string;
let t: TestApp;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-assets-'));
  mkdirSync(join(dir, 'img'));
  writeFileSync(join(dir, 'chat-widget.js'), script);
  writeFileSync(join(dir, 'index.html'), page);
  writeFileSync(join(dir, 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await createTestApp({ assets: loadAssets(dir) });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the built widget and demo', () => {
  it('serves the widget as JavaScript that browsers keep and revalidate on every load', async () => {
    const response = await t.app.request('/chat-widget.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(response.headers.get('etag')).toMatch(/^".+"$/);
    expect(await response.text()).toBe(script);
  });

  it('lets pages of any origin load the widget as a module script, without credentials', async () => {
    const response = await t.app.request('/chat-widget.js', { headers: { Origin: 'https://shop.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBe(null);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await t.app.request('/')).headers.get('access-control-allow-origin')).toBe(null);
  });

  it('answers a matching If-None-Match with 304', async () => {
    const etag = (await t.app.request('/chat-widget.js')).headers.get('etag')!;
    const response = await t.app.request('/chat-widget.js', { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('sends brotli or gzip to clients that accept them', async () => {
    const br = await t.app.request('/chat-widget.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(script);

    const gzip = await t.app.request('/chat-widget.js', { headers: { 'Accept-Encoding': 'gzip, br;q=0' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toBe(script);
    expect(gzip.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('serves the demo page at / and files in folders', async () => {
    const response = await t.app.request('/');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(page);
    expect((await t.app.request('/img/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers a missing file with 404 in the error shape', async () => {
    const response = await t.app.request('/missing.js');
    expect(response.status).toBe(404);
    expect((await json(response)).Error).toBe(true);
  });
});
