/**
 * End to end, as a site owner embeds the chat: a shop on another origin, with the strict
 * Content Security Policy such sites use, loads the widget with one script tag from the chat
 * server. A visitor uses it with the keyboard only, reloads, holds a conversation (the
 * conversation's module and its live stream come from the chat server too), uses a phone, reads
 * Arabic; the browser reports no policy violation and axe-core no accessibility violation.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../server/src/testing/server-process.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dir: string;
let chat: ServerProcess;
let shop: Server;
let shopUrl: string;
let browser: Browser;

/** The shop's page: its own stylesheet, the chat's script, and nothing else allowed. */
function shopPage(lang: string): string {
  const dir = lang === 'ar' ? ' dir="rtl"' : '';
  return `<!doctype html>
<html lang="${lang}"${dir}>
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fjord Outdoor</title>
    <link rel="stylesheet" href="/shop.css" />
    <script type="module" src="${chat.url}/chat-widget.js"></script>
  </head>
  <body>
    <header><a href="/">Fjord Outdoor</a> <a href="/tents">Tents</a></header>
    <main><h1>Tents and sleeping bags</h1><p>Everything for a night in the mountains.</p></main>
    <chat-widget topic-id="1"></chat-widget>
  </body>
</html>`;
}

function policy(): string {
  return `default-src 'none'; script-src ${chat.url}; connect-src ${chat.url}; style-src 'self'`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-embed-'));
  shop = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/shop.css') {
      response.writeHead(200, { 'Content-Type': 'text/css' });
      response.end('body { font-family: Georgia, serif; margin: 2rem; } a { color: #0a4d8c; }');
      return;
    }
    response.writeHead(url.pathname === '/' ? 200 : 404, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': policy(),
    });
    response.end(shopPage(url.searchParams.get('lang') ?? 'en'));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  const { port } = shop.address() as { port: number };
  // Another host name as well as another port: a different site, as a customer's shop is.
  shopUrl = `http://localhost:${port}`;
  chat = await startServer({
    CHAT_DB: join(dir, 'chat.db'),
    CHAT_ALLOWED_ORIGINS: shopUrl,
    CHAT_ADMIN_USER: 'agent',
    CHAT_ADMIN_PASSWORD: 'embed-tests',
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chat?.stop();
  await new Promise((resolve) => shop?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A page that records every CSP violation the browser reports, and every failed request. */
async function openShop(context: BrowserContext, path = '/'): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    (window.cspViolations ??= []).push(event.violatedDirective + ' ' + event.blockedURI);
  });`);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    // The live stream is closed as the page goes (a reload): the browser calls that aborted, and it is no failure.
    if (/\/Events\?/.test(request.url()) && request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`failed: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${shopUrl}${path}`);
  await page.getByRole('button', { name: /Chat with us|تحدث معنا/ }).waitFor();
  return { page, problems };
}

async function violations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.cspViolations ?? []')) as string[];
}

/** axe-core over the whole page, the widget's shadow DOM included. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate('axe.run(document)')) as { violations: { id: string; nodes: unknown[] }[] };
  return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
}

/** Presses Tab until the focused element (inside shadow roots too) matches `name`. */
async function tabTo(page: Page, name: RegExp, limit = 20): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(`(() => {
      let element = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return (element?.labels?.[0]?.textContent ?? element?.textContent ?? '').trim();
    })()`)) as string;
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

/** What the agent does, from the server's side, with the agent's credentials. */
async function asAgent(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${chat.url}/api/v1/${path}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('agent:embed-tests').toString('base64')}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

describe('the widget on another origin with a strict policy', () => {
  it('lets a visitor request a chat with the keyboard only, and shows it again after a reload', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openShop(context);
    expect(await axeViolations(page)).toEqual([]);

    await tabTo(page, /^Chat with us$/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Chat with us' });
    await dialog.waitFor();
    // Focus moved into the panel, on the first field.
    await page.keyboard.type('Kari');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Kari Nordmann');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kari@example');
    await tabTo(page, /^I agree/);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    // The bad address is announced, tied to its field, and focused.
    await page.getByText('Enter an email address like name@example.com.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await expect(page.getByLabel('Email').evaluate((input) => input === (input.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    await page.keyboard.type('.com');
    await tabTo(page, /^Start chat$/);
    await page.keyboard.press('Enter');

    const status = page.getByRole('status');
    await status.filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    await tabTo(page, /^Chat with us$/);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
    await page.keyboard.press('Escape');
    await expect(dialog.count()).resolves.toBe(0);

    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('holds a conversation: the conversation loads from the chat server, and the agent\'s answers come live', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openShop(context);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Full name').fill('Kari Nordmann');
    await page.getByLabel(/I agree/).check();
    const created = page
      .locator('chat-widget')
      .evaluate((element) => new Promise<number>((resolve) => element.addEventListener('chat-session-created', (event) => resolve((event as CustomEvent).detail.chatSessionId))));
    await page.getByRole('button', { name: 'Start chat' }).click();
    const id = await created;
    const composer = page.getByLabel('Your message');
    await composer.fill('Do you have tents for four?');
    await composer.press('Enter');
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('Do you have tents for four?').waitFor();

    await asAgent(`ChatSession/${id}/Pickup`);
    await page.getByRole('status').filter({ hasText: 'You are chatting with agent.' }).waitFor();
    await asAgent(`ChatSession/${id}/Messages`, { Message: 'We do: see https://fjord.example/tents' });
    await log.getByRole('link', { name: 'https://fjord.example/tents' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('status').filter({ hasText: 'This chat has ended.' }).waitFor();
    // The visitor may still reopen it by writing again, for a while, and is told so.
    await page.getByText('Write again to reopen this chat.').waitFor();
    await expect(composer.isDisabled()).resolves.toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fills a phone\'s screen, with inputs that do not zoom', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const { page, problems } = await openShop(context);
    await page.getByRole('button', { name: 'Chat with us' }).tap();
    const dialog = page.getByRole('dialog', { name: 'Chat with us' });
    await dialog.waitFor();
    await dialog.evaluate((panel) => Promise.all(panel.getAnimations().map((animation) => animation.finished)));
    expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    const fontSize = await page.getByLabel('Email').evaluate((input) => parseFloat(getComputedStyle(input).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(16);
    await expect(page.getByLabel('Phone').getAttribute('type')).resolves.toBe('tel');
    expect(await axeViolations(page)).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('speaks Arabic on an Arabic page, laid out right to left', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openShop(context, '/?lang=ar');
    const launcher = page.getByRole('button', { name: 'تحدث معنا' });
    // On a right-to-left page the chat sits in the bottom left corner.
    const box = (await launcher.boundingBox())!;
    expect(box.x).toBeLessThan(100);
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'تحدث معنا' });
    await dialog.waitFor();
    await expect(dialog.evaluate((panel) => getComputedStyle(panel).direction)).resolves.toBe('rtl');
    await page.getByLabel('الاسم الكامل').fill('كريم');
    await page.getByLabel(/أوافق/).check();
    await page.getByRole('button', { name: 'ابدأ المحادثة' }).click();
    await page.getByRole('status').filter({ hasText: 'ترتيبك في قائمة الانتظار' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
