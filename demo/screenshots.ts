/**
 * Takes the README's screenshots of the demo in headless Chromium:
 * `npm start` in one terminal, then `npm run screenshots` (CHAT_URL to point elsewhere).
 * Every shot starts in a fresh browser context, so no kept session shows up in another.
 * The shot of an ended chat closes a session as an agent: start the server with
 * `CHAT_ADMIN_USER` and `CHAT_ADMIN_PASSWORD` and give the script the same two.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type BrowserContextOptions, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const url = process.env.CHAT_URL ?? 'http://127.0.0.1:3000/';
const out = new URL('./screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 860 } };
const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });

/** Opens the demo in a fresh context and the chat panel in it, ready for `shoot`. */
async function shot(name: string, options: BrowserContextOptions, steps: (page: Page) => Promise<void> = async () => {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(url);
  await steps(page);
  // Let the panel finish sliding in.
  await page.waitForTimeout(300);
  await page.screenshot({ path: new URL(`${name}.png`, out).pathname });
  await context.close();
}

const open = (page: Page) => page.getByRole('button', { name: /Chat with us|تحدث معنا/ }).click();

/** Requests a chat as a visitor; resolves its id. */
async function requestChat(page: Page): Promise<number> {
  await open(page);
  await page.getByLabel('Full name').fill('Kari Nordmann');
  await page.getByLabel(/I agree/).check();
  const created = page
    .locator('chat-widget')
    .evaluate((element) => new Promise<number>((resolve) => element.addEventListener('chat-session-created', (event) => resolve((event as CustomEvent).detail.chatSessionId))));
  await page.getByRole('button', { name: 'Start chat' }).click();
  return created;
}

/** Closes a session as an agent would. */
async function closeSession(id: number): Promise<void> {
  const { CHAT_ADMIN_USER: user, CHAT_ADMIN_PASSWORD: password } = process.env;
  const response = await fetch(new URL(`api/v1/ChatSession/${id}`, url), {
    method: 'PATCH',
    headers: {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      'Content-Type': 'application/merge-patch+json',
    },
    body: JSON.stringify({ Status: 'Closed' }),
  });
  if (!response.ok) throw new Error(`could not close session ${id}: ${response.status} (CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD?)`);
}

try {
  await shot('widget-desktop', desktop, open);
  await shot('widget-errors', desktop, async (page) => {
    await open(page);
    await page.getByLabel('Display name').fill('Kari');
    await page.getByLabel('Email').fill('kari@example');
    await page.getByRole('button', { name: 'Start chat' }).click();
  });
  await shot('widget-queued', desktop, async (page) => {
    await requestChat(page);
    await page.getByText(/in the queue/).waitFor();
  });
  await shot('widget-ended', desktop, async (page) => {
    await closeSession(await requestChat(page));
    await page.reload();
    await open(page);
    await page.getByText('This chat has ended.').waitFor();
  });
  await shot('widget-dark', { ...desktop, colorScheme: 'dark' }, open);
  await shot('widget-mobile', phone, open);
  await shot('widget-arabic', { ...phone, colorScheme: 'dark' }, async (page) => {
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    await page.locator('chat-widget').evaluate((element) => element.setAttribute('lang', 'ar'));
    await open(page);
  });
} finally {
  await browser.close();
}
