/**
 * Takes the README's screenshots of the demo in headless Chromium:
 * `npm start` in one terminal, then `npm run screenshots` (CHAT_URL to point elsewhere).
 * Every shot starts in a fresh browser context, so no kept session shows up in another.
 * The shots of a conversation and of an ended chat answer and close chats as an agent, in a
 * topic of their own with a welcome: start the server with `CHAT_ADMIN_USER` (the agent's name
 * in the chat, say `Ingrid`) and `CHAT_ADMIN_PASSWORD`, and give the script the same two. The
 * console's shots ask for more chats than one address may in a minute: `CHAT_RATE_LIMIT=0`.
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

/** Requests a chat as a visitor, perhaps with a question and in Arabic; resolves its id. */
async function requestChat(page: Page, { question = '', arabic = false } = {}): Promise<number> {
  await open(page);
  await page.getByLabel(arabic ? 'الاسم الكامل' : 'Full name').fill(arabic ? 'كريم حداد' : 'Kari Nordmann');
  if (question) await page.getByLabel(arabic ? 'سؤالك' : 'Your question').fill(question);
  await page.getByLabel(arabic ? /أوافق/ : /I agree/).check();
  const created = page
    .locator('chat-widget')
    .evaluate((element) => new Promise<number>((resolve) => element.addEventListener('chat-session-created', (event) => resolve((event as CustomEvent).detail.chatSessionId))));
  await page.getByRole('button', { name: arabic ? 'ابدأ المحادثة' : 'Start chat' }).click();
  return created;
}

/** Does what an agent does, with the agent's credentials; resolves the answer. */
async function asAgent(method: string, path: string, body?: unknown, type = 'application/json'): Promise<unknown> {
  const { CHAT_ADMIN_USER: user, CHAT_ADMIN_PASSWORD: password } = process.env;
  const response = await fetch(new URL(`api/v1/${path}`, url), {
    method,
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, 'Content-Type': type },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} (CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD?)`);
  return response.status === 204 ? null : response.json();
}

/** Closes a session as an agent would. */
const closeSession = (id: number) => asAgent('PATCH', `ChatSession/${id}`, { Status: 'Closed' }, 'application/merge-patch+json');

/** The workshop's topic, whose agent greets the visitor: the conversation's shots chat in it. */
let workshop: number | undefined;

/** Puts the demo's chat in the workshop's topic, made the first time. */
async function inWorkshop(page: Page): Promise<void> {
  workshop ??= ((await asAgent('POST', 'ChatTopic', {
    Name: 'Workshop',
    WelcomeMessage: 'Hi, this is the workshop. How can we help?',
    Widget: { WelcomeTitle: 'Ask the workshop' },
  })) as { ChatTopicId: number }).ChatTopicId;
  await page.getByRole('button', { name: 'Chat with us' }).waitFor();
  await page.locator('chat-widget').evaluate((element, topic) => {
    const chat = document.createElement('chat-widget');
    chat.setAttribute('topic-id', String(topic));
    element.replaceWith(chat);
  }, workshop);
}

const waitFor = (page: Page, text: string | RegExp) => page.getByRole('log').getByText(text).waitFor();

/** A visitor asks for a chat through the API, as the widget does; resolves the session's id and key. */
async function visitorAsks(fields: Record<string, unknown>): Promise<{ id: number; key: string }> {
  const response = await fetch(new URL('api/v1/ChatSession', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ TopicId: 1, CustomerConsented: true, ...fields }),
  });
  if (!response.ok) throw new Error(`a visitor's chat: ${response.status} (start the server with CHAT_RATE_LIMIT=0 for the shots)`);
  const created = (await response.json()) as { ChatSessionId: number; SessionKey: string };
  return { id: created.ChatSessionId, key: created.SessionKey };
}

const visitorSays = (visitor: { id: number; key: string }, text: string) =>
  fetch(new URL(`api/v1/ChatSession/${visitor.id}/Messages`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chat-Session-Key': visitor.key },
    body: JSON.stringify({ Message: text }),
  });

/** The console: its queue, then a conversation under way with visitors waiting, light and dark. */
async function consoleShots() {
  const { CHAT_ADMIN_USER: user = '', CHAT_ADMIN_PASSWORD: password = '' } = process.env;
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    await page.goto(new URL('console/', url).href);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const waiting = [
      await visitorAsks({ CustomerAlias: 'Per', FirstMessage: 'Do you rent out cargo bikes for a weekend?' }),
      await visitorAsks({ CustomerName: 'Åse Berg', CustomerEmail: 'ase@example.com', FirstMessage: 'My chain keeps slipping.' }),
      await visitorAsks({ CustomerAlias: 'Jonas', FirstMessage: 'Is the Havn Cargo in stock in blue?' }),
    ];
    await page.getByRole('list', { name: 'Waiting visitors' }).getByText('Jonas').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL('console-queue.png', out).pathname });
    await context.close();
    for (const visitor of waiting) await closeSession(visitor.id);
  }
  for (const [name, colorScheme] of [
    ['console-conversation', 'light'],
    ['console-dark', 'dark'],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, colorScheme });
    const page = await context.newPage();
    await page.goto(new URL('console/', url).href);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const asker = await visitorAsks({
      CustomerAlias: 'Kari',
      CustomerName: 'Kari Nordmann',
      CustomerEmail: 'kari@example.com',
      CustomerPhone: '+47 22 33 44 55',
      FirstMessage: 'Can you fit a child seat to a Havn Cargo?',
    });
    await page.getByRole('button', { name: 'Take the chat with Kari', exact: true }).click();
    const composer = page.getByRole('textbox', { name: 'Message to Kari' });
    await composer.fill('We can: the Yepp Maxi fits it, and fitting takes half an hour. Prices: https://nordhavn.example/workshop');
    await composer.press('Enter');
    await page.getByRole('log').getByText(/Yepp Maxi/).waitFor();
    await visitorSays(asker, 'Great! Can I bring it in on Saturday?');
    await page.getByRole('log').getByText('Great! Can I bring it in on Saturday?').waitFor();
    await visitorAsks({ CustomerAlias: 'Per', FirstMessage: 'Do you rent out cargo bikes for a weekend?' });
    await visitorAsks({ CustomerName: 'Åse Berg', FirstMessage: 'My chain keeps slipping.' });
    await page.getByRole('list', { name: 'Waiting visitors' }).getByText('Åse Berg').waitFor();
    await composer.fill('Saturday works: we open at 10.');
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL(`${name}.png`, out).pathname });
    await context.close();
    // The next shot starts from an empty queue.
    const open = (await asAgent('GET', "ChatSession?$filter=Status eq 'InQueue'")) as { value: { ChatSessionId: number }[] };
    for (const session of open.value) await closeSession(session.ChatSessionId);
    await closeSession(asker.id);
  }
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
  await shot('widget-conversation', desktop, async (page) => {
    await inWorkshop(page);
    const id = await requestChat(page, { question: 'Can you fit a child seat to a Havn Cargo?' });
    await asAgent('POST', `ChatSession/${id}/Pickup`);
    await asAgent('POST', `ChatSession/${id}/Messages`, {
      Message: 'We can: the Yepp Maxi fits it, and fitting takes half an hour. Prices: https://nordhavn.example/workshop',
    });
    await waitFor(page, /Yepp Maxi/);
    await page.getByLabel('Your message').fill('Great! Can I bring it in on Saturday?');
    await page.getByLabel('Your message').press('Enter');
    await waitFor(page, 'Great! Can I bring it in on Saturday?');
    await asAgent('POST', `ChatSession/${id}/Typing`, { Typing: true });
    await page.getByText(/is typing/).waitFor();
  });
  await shot('widget-ended', desktop, async (page) => {
    await inWorkshop(page);
    const id = await requestChat(page, { question: 'Do you sell helmets for children?' });
    await asAgent('POST', `ChatSession/${id}/Pickup`);
    await asAgent('POST', `ChatSession/${id}/Messages`, { Message: 'We do, from size XS. Come by and try them on.' });
    await waitFor(page, /from size XS/);
    await page.getByLabel('Your message').fill('Thanks, see you!');
    await page.getByLabel('Your message').press('Enter');
    await waitFor(page, 'Thanks, see you!');
    await closeSession(id);
    await page.reload();
    await inWorkshop(page);
    await open(page);
    await page.getByText('This chat has ended.').waitFor();
    await waitFor(page, /ended the chat/);
  });
  await shot('widget-dark', { ...desktop, colorScheme: 'dark' }, open);
  await shot('widget-mobile', phone, open);
  await shot('widget-arabic', { ...phone, colorScheme: 'dark' }, async (page) => {
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    await page.locator('chat-widget').evaluate((element) => element.setAttribute('lang', 'ar'));
    await open(page);
  });
  await shot('widget-conversation-arabic', phone, async (page) => {
    await inWorkshop(page);
    await page.locator('chat-widget').evaluate((element) => element.setAttribute('lang', 'ar'));
    const id = await requestChat(page, { question: 'هل تصلحون الدراجات الكهربائية؟', arabic: true });
    await asAgent('POST', `ChatSession/${id}/Pickup`);
    await asAgent('POST', `ChatSession/${id}/Messages`, { Message: 'نعم، نصلحها في اليوم نفسه. متى تريد أن تحضرها؟' });
    await waitFor(page, /اليوم نفسه/);
  });
  await consoleShots();
} finally {
  await browser.close();
}
