/**
 * The console in headless Chromium against the real server: two agents, visitors through the
 * API as the widget talks to it, and what each agent sees.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, axeViolations, ConsoleServer, launch, openConsole, pageErrors, signIn } from './testing/harness.ts';

let server: ConsoleServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = new ConsoleServer();
  await server.start();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  // Every test starts with both agents present, nobody waiting and nothing under way.
  for (const agent of Object.values(AGENTS)) {
    const me = await server.asAgent<{ AssociateId: number }>(agent, 'GET', 'Associate/Me');
    await server.asAgent(agent, 'POST', 'Agents/Chat/SaveChatPresence', { chatPresence: [{ userId: me.AssociateId, present: true }] });
  }
  const open = await server.asAgent<{ value: { ChatSessionId: number; Status: string }[] }>(AGENTS.kari, 'GET', 'ChatSession?$top=1000');
  for (const session of open.value) {
    if (['InQueue', 'CustomerLast', 'UserLast'].includes(session.Status)) await server.asAgent(AGENTS.kari, 'DELETE', `ChatSession/${session.ChatSessionId}`);
  }
});

async function agentPage(agent: (typeof AGENTS)[keyof typeof AGENTS], colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { context, page } = await openConsole(browser, server, colorScheme);
  contexts.push(context);
  await signIn(page, agent);
  return page;
}

/** Moves the focus by Tab (Shift+Tab with `back`) until it is on the control of that name, as a keyboard user would. */
async function tabTo(page: Page, name: string, back = false): Promise<void> {
  for (let step = 0; step < 60; step++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      let element = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return (element?.getAttribute('aria-label') || element?.textContent || '').trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

const queueRow = (page: Page, name: string) => page.getByRole('list', { name: 'Waiting visitors' }).getByRole('listitem').filter({ hasText: name });
const log = (page: Page) => page.getByRole('log');

describe('signing in', () => {
  it('says when the password is wrong, shows nothing before, and keeps the agent signed in across a reload until signing out', async () => {
    await server.visitor({ CustomerAlias: 'Before sign-in', FirstMessage: 'Hello?' });
    const { context, page } = await openConsole(browser, server);
    contexts.push(context);
    await page.getByLabel('User name').fill('kari');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
    expect(await page.getByText('Before sign-in').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Take next' }).count()).toBe(0);

    await page.getByLabel('Password').fill(AGENTS.kari.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as Kari Nordmann').waitFor();
    await queueRow(page, 'Before sign-in').waitFor();

    await page.reload();
    await page.getByText('Signed in as Kari Nordmann').waitFor();
    await queueRow(page, 'Before sign-in').waitFor();

    // Nothing about anyone in the browser's storage; the session cookie is out of the page's reach.
    expect(await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)])).toEqual([[], []]);
    expect(await page.evaluate(() => document.cookie.split('; ').map((pair) => pair.split('=')[0]))).toEqual(['XSRF-TOKEN']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('Before sign-in').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('the queue', () => {
  it('shows who waits, in which topic, with what question and for how long, the oldest first, and a chat taken leaves every queue at once', async () => {
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await server.visitor({ CustomerAlias: 'First Visitor', FirstMessage: 'Do you repair cargo bikes?' });
    await server.visitor({ CustomerName: 'Second Visitor', FirstMessage: 'Opening hours?' });
    for (const page of [kari, ola]) {
      await queueRow(page, 'First Visitor').waitFor();
      await queueRow(page, 'Second Visitor').waitFor();
      const rows = await page.getByRole('list', { name: 'Waiting visitors' }).getByRole('listitem').allTextContents();
      expect(rows[0]).toContain('First Visitor');
      expect(rows[0]).toContain('General');
      expect(rows[0]).toContain('Do you repair cargo bikes?');
      expect(rows[0]).toMatch(/\d+ s/);
      expect(rows[1]).toContain('Second Visitor');
    }
    await kari.getByRole('button', { name: 'Take next' }).click();
    await log(kari).getByText('Do you repair cargo bikes?').waitFor();
    for (const page of [kari, ola]) await expect.poll(() => queueRow(page, 'First Visitor').count()).toBe(0);
    expect(await queueRow(ola, 'Second Visitor').count()).toBe(1);
    await expect.poll(() => kari.title()).toMatch(/^\(1\) /);
  });

  it('gives a chat both agents take at the same moment to one of them, and tells the other', async () => {
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await server.visitor({ CustomerAlias: 'Contested', FirstMessage: 'Anyone?' });
    await queueRow(kari, 'Contested').waitFor();
    await queueRow(ola, 'Contested').waitFor();
    const take = (page: Page) => queueRow(page, 'Contested').getByRole('button', { name: 'Take the chat with Contested' });
    // Both buttons pressed in the same few milliseconds, before either console hears of the other's.
    await Promise.all([take(kari).evaluate((button: HTMLElement) => button.click()), take(ola).evaluate((button: HTMLElement) => button.click())]);
    const winners = await Promise.all(
      [kari, ola].map(async (page) => {
        await expect.poll(async () => (await page.getByRole('status').allTextContents()).join(' ')).toMatch(/You have the chat|Someone else|taken|took/);
        return (await page.getByRole('status').allTextContents()).join(' ').includes('You have the chat');
      }),
    );
    expect(winners.filter(Boolean)).toHaveLength(1);
    const loser = winners[0] ? ola : kari;
    expect(await loser.getByRole('heading', { name: 'Contested' }).count()).toBe(0);
  });
});

describe('a conversation', () => {
  it('carries messages both ways live, shows the visitor typing and what the visitor has read, and counts what came while the agent looked elsewhere', async () => {
    const visitor = await server.visitor({ CustomerAlias: 'Chatty', CustomerEmail: 'chatty@example.com', CustomerPhone: '+47 22 33 44 55', FirstMessage: 'Hi there' });
    const other = await server.visitor({ CustomerAlias: 'Quiet', FirstMessage: 'Hello' });
    const kari = await agentPage(AGENTS.kari);
    await queueRow(kari, 'Chatty').getByRole('button').click();
    await kari.getByRole('heading', { name: 'Chatty' }).waitFor();
    const panel = kari.getByRole('complementary', { name: 'Visitor' });
    await expect.poll(() => panel.textContent()).toContain('chatty@example.com');
    expect(await panel.textContent()).toContain('+47 22 33 44 55');
    expect(await panel.textContent()).toContain('General');

    const composer = kari.getByRole('textbox', { name: 'Message to Chatty' });
    await composer.fill('');
    await composer.pressSequentially('First line');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('second line');
    await composer.press('Enter');
    await log(kari).getByText('First line\nsecond line').waitFor();
    await expect.poll(async () => (await visitor.messages()).map((message) => message.Message)).toContain('First line\nsecond line');
    expect(await composer.inputValue()).toBe('');

    await visitor.typing(true);
    await kari.getByText('Chatty is typing…').waitFor();
    await visitor.say('Thanks! <b>bold</b>');
    await log(kari).getByText('Thanks! <b>bold</b>').waitFor();
    await expect.poll(() => kari.getByText('Chatty is typing…').count()).toBe(0);

    const sent = (await visitor.messages()).find((message) => message.Message === 'First line\nsecond line')!;
    await visitor.read(sent.ChatMessageId);
    await log(kari).getByText('Read', { exact: true }).first().waitFor();

    // The other chat comes into view: what Chatty writes now counts as unread.
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Quiet' }).waitFor();
    await visitor.say('Are you there?');
    await kari.getByRole('button', { name: /Chatty.*1 unread/ }).waitFor();
    await expect.poll(() => kari.title()).toMatch(/^\(1\) /);
    await kari.getByRole('button', { name: /Chatty/ }).click();
    await log(kari).getByText('Are you there?').waitFor();
    await expect.poll(() => kari.getByRole('button', { name: /unread/ }).count()).toBe(0);
    expect(await kari.title()).not.toMatch(/^\(/);
    void other;

    // Shown once each, whatever came from the stream and the history.
    const texts = await log(kari).getByRole('listitem').allTextContents();
    expect(texts.filter((text) => text.includes('Are you there?'))).toHaveLength(1);
    expect(pageErrors(kari)).toEqual([]);
  });

  it('offers the topic’s canned replies on /, chosen by keyboard', async () => {
    await server.asAgent(AGENTS.kari, 'POST', 'ChatTopic/1/CannedReplies', { Name: 'Greeting', Text: 'Hello! How can I help you today?' });
    await server.asAgent(AGENTS.kari, 'POST', 'ChatTopic/1/CannedReplies', { Name: 'Hours', Text: 'We are open 9–17 on weekdays.' });
    await server.visitor({ CustomerAlias: 'Canned', FirstMessage: 'When are you open?' });
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('button', { name: 'Take next' }).click();
    const composer = kari.getByRole('textbox', { name: 'Message to Canned' });
    await composer.press('/');
    const options = kari.getByRole('listbox', { name: 'Canned replies' }).getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    await composer.pressSequentially('hou');
    await expect.poll(() => options.count()).toBe(1);
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('We are open 9–17 on weekdays.');
    await composer.press('Enter');
    await log(kari).getByText('We are open 9–17 on weekdays.').waitFor();

    await composer.press('/');
    await expect.poll(() => options.count()).toBe(2);
    await composer.press('ArrowDown');
    await composer.press('ArrowDown');
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('Hello! How can I help you today?');
  });

  it('puts a chat back in the queue, and ends one so that the visitor sees it ended', async () => {
    const visitor = await server.visitor({ CustomerAlias: 'Returning', FirstMessage: 'Hello' });
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Returning' }).waitFor();
    await kari.getByRole('button', { name: 'Put back in queue' }).click();
    await queueRow(ola, 'Returning').waitFor();
    await expect.poll(async () => (await visitor.session()).Status).toBe('InQueue');

    await ola.getByRole('button', { name: 'Take next' }).click();
    await ola.getByRole('heading', { name: 'Returning' }).waitFor();
    await ola.getByRole('button', { name: 'End chat' }).click();
    // It asks once more; keeping the chat changes nothing.
    await ola.getByRole('button', { name: 'Keep chatting' }).click();
    expect((await visitor.session()).Status).not.toBe('Closed');
    await ola.getByRole('button', { name: 'End chat' }).click();
    await ola.getByRole('button', { name: 'End it' }).click();
    await ola.getByText('This chat has ended.').waitFor();
    await expect.poll(async () => (await visitor.session()).Status).toBe('Closed');
    expect((await visitor.messages()).at(-1)).toMatchObject({ SpecialType: 'ClosedByUser' });
    await ola.getByRole('button', { name: 'Close' }).click();
    expect(await ola.getByRole('heading', { name: 'Returning' }).count()).toBe(0);
  });
});

describe('what the agent writes', () => {
  it('keeps a draft and a reply the server did not get across other chats, History and a lost connection, and sends the reply once', async () => {
    const first = await server.visitor({ CustomerAlias: 'Waiting Reply', FirstMessage: 'Hello' });
    await server.visitor({ CustomerAlias: 'Other Chat', FirstMessage: 'Hi' });
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Waiting Reply' }).waitFor();
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Other Chat' }).waitFor();
    await kari.getByRole('textbox', { name: 'Message to Other Chat' }).fill('A draft, half written');

    await kari.getByRole('button', { name: /^Waiting Reply/ }).click();
    await server.stop();
    await kari.getByText(/Offline: reconnecting/).waitFor();
    const composer = kari.getByRole('textbox', { name: 'Message to Waiting Reply' });
    await composer.fill('Sent while the server was away');
    await composer.press('Enter');
    await log(kari).getByText(/Not sent yet/).waitFor();

    // To the other chat, to History and back: the draft and the reply are still there.
    await kari.getByRole('button', { name: /^Other Chat/ }).click();
    expect(await kari.getByRole('textbox', { name: 'Message to Other Chat' }).inputValue()).toBe('A draft, half written');
    await kari.getByRole('button', { name: 'History' }).click();
    await kari.getByRole('button', { name: 'Chats' }).click();
    await kari.getByRole('button', { name: /^Waiting Reply/ }).click();
    await log(kari).getByText('Sent while the server was away').waitFor();

    await server.restart();
    await kari.getByText(/Offline: reconnecting/).waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(async () => (await first.messages()).filter((message) => message.Message === 'Sent while the server was away').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => log(kari).getByText(/Not sent yet|Sending…/).count()).toBe(0);
    expect(await log(kari).getByText('Sent while the server was away', { exact: true }).count()).toBe(1);
    await kari.getByRole('button', { name: /^Other Chat/ }).click();
    expect(await kari.getByRole('textbox', { name: 'Message to Other Chat' }).inputValue()).toBe('A draft, half written');
  });

  it('lets Alt+E end only the agent’s own chat, and keeps letters typed with Option on a Mac', async () => {
    const visitor = await server.visitor({ CustomerAlias: 'Señor', FirstMessage: 'Hola' });
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await kari.getByRole('button', { name: 'Take next' }).click();
    const composer = kari.getByRole('textbox', { name: 'Message to Señor' });
    await composer.focus();
    // Option+E on a Mac: the key makes no letter ("Dead") and starts an accent.
    await composer.dispatchEvent('keydown', { key: 'Dead', code: 'KeyE', altKey: true, bubbles: true, composed: true });
    await composer.dispatchEvent('keydown', { key: 'Dead', code: 'KeyN', altKey: true, bubbles: true, composed: true });
    expect(await kari.getByRole('button', { name: 'End it' }).count()).toBe(0);
    // Ola manages the topic and looks at Kari's chat: Alt+E does nothing there.
    await ola.getByRole('button', { name: /^Señor/ }).click();
    await ola.getByText('Kari Nordmann has this chat.').waitFor();
    await ola.keyboard.press('Alt+E');
    await ola.waitForTimeout(200);
    expect(await ola.getByRole('button', { name: 'End it' }).count()).toBe(0);
    expect((await visitor.session()).Status).not.toBe('Closed');
  });
});

describe('managing', () => {
  it('opens Manage without an error, and a topic renamed there is renamed everywhere at once', async () => {
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('button', { name: 'Manage' }).click();
    const name = kari.locator('#topic-Name');
    await name.waitFor();
    await name.fill('Bikes');
    await kari.getByRole('button', { name: 'Save settings' }).click();
    await kari.getByText(/Saved/).first().waitFor();
    await kari.getByRole('button', { name: /^Bikes/ }).first().waitFor();
    await server.visitor({ CustomerAlias: 'Renamed', FirstMessage: 'Hi' });
    await kari.getByRole('button', { name: 'Chats' }).click();
    await expect.poll(async () => queueRow(kari, 'Renamed').textContent()).toContain('Bikes');
    expect(pageErrors(kari)).toEqual([]);
    await server.asAgent(AGENTS.kari, 'PUT', 'ChatTopic/1', { ...(await server.asAgent<Record<string, unknown>>(AGENTS.kari, 'GET', 'ChatTopic/1')), Name: 'General' });
  });
});

describe('transfer', () => {
  it('offers a chat to a present agent of the topic, who accepts or turns it down, and the sender sees which', async () => {
    await server.visitor({ CustomerAlias: 'Passed Around', FirstMessage: 'Who can help?' });
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Passed Around' }).waitFor();

    // Turned down: the chat stays Kari's.
    await kari.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = kari.getByRole('dialog', { name: 'Transfer the chat to' });
    await dialog.getByRole('radio', { name: /Ola Hansen/ }).check();
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await ola.getByText('offers you the chat with Passed Around').first().waitFor();
    await ola.getByRole('button', { name: /Passed Around.*Offered to you/ }).click();
    await ola.getByRole('button', { name: 'Turn down' }).click();
    await kari.getByText(/turned down/).waitFor();
    // Ola manages the topic: the chat stays in view, as Kari's.
    await ola.getByText('Kari Nordmann has this chat.').waitFor();
    expect(await ola.getByRole('textbox', { name: 'Message to Passed Around' }).count()).toBe(0);
    await kari.getByRole('textbox', { name: 'Message to Passed Around' }).waitFor();

    // Accepted: the chat is Ola's, and Kari may no longer write in it.
    await kari.getByRole('button', { name: 'Transfer…' }).click();
    await dialog.getByRole('radio', { name: /Ola Hansen/ }).check();
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await ola.getByRole('button', { name: /Passed Around.*Offered to you/ }).click();
    await ola.getByRole('button', { name: 'Accept' }).click();
    await ola.getByRole('textbox', { name: 'Message to Passed Around' }).waitFor();
    await kari.getByText(/was taken over/).waitFor();
    await expect.poll(() => kari.getByRole('textbox', { name: 'Message to Passed Around' }).count()).toBe(0);
  });

  it('does not offer agents who are away', async () => {
    await server.visitor({ CustomerAlias: 'Nobody Else', FirstMessage: 'Hi' });
    const kari = await agentPage(AGENTS.kari);
    const ola = await agentPage(AGENTS.ola);
    await ola.getByRole('button', { name: 'Go away' }).click();
    await ola.getByRole('banner').getByText('Away', { exact: true }).waitFor();
    // The other agents see it at once.
    const agents = kari.getByRole('region', { name: 'Agents' });
    await agents.getByText('Away', { exact: true }).waitFor();
    expect(await agents.textContent()).toContain('Ola Hansen');
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = kari.getByRole('dialog', { name: 'Transfer the chat to' });
    await dialog.getByText('No other agent of this topic is present.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await ola.getByRole('button', { name: 'Be present' }).click();
    await ola.getByRole('banner').getByText('Present', { exact: true }).waitFor();
  });
});

describe('alerts', () => {
  it('count in every tab’s title, sound in one tab only, and not at all when the sound is off or the agent is away', async () => {
    const { context } = await openConsole(browser, server);
    contexts.push(context);
    // Each tone the console plays is counted in the page that plays it.
    await context.addInitScript(`{
      window.__tones = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };
    }`);
    const [first] = context.pages();
    await first!.reload();
    await signIn(first!, AGENTS.kari);
    const second = await context.newPage();
    await second.goto(`${server.url}/console/`);
    await second.getByText('Signed in as Kari Nordmann').waitFor();
    // The gesture browsers want before a page may sound.
    for (const page of [first!, second]) await page.getByRole('heading', { name: 'Queue (0)' }).click();
    const tones = () => Promise.all([first!, second].map((page) => page.evaluate('window.__tones') as Promise<number>));

    await server.visitor({ CustomerAlias: 'Alerting', FirstMessage: 'Hello?' });
    for (const page of [first!, second]) await expect.poll(() => page.title()).toBe('(1) Chatline console');
    await expect.poll(async () => (await tones()).filter((count) => count > 0).length).toBe(1);
    const heard = await tones();

    // Sound off (in the tab that sounds): the next visitor is counted, not heard.
    const leader = heard[0]! > 0 ? first! : second;
    await leader.getByRole('checkbox', { name: 'Sound' }).uncheck();
    await server.visitor({ CustomerAlias: 'Silent', FirstMessage: 'Hi' });
    await expect.poll(() => leader.title()).toBe('(2) Chatline console');
    await leader.waitForTimeout(300);
    expect(await tones()).toEqual(heard);
    await leader.getByRole('checkbox', { name: 'Sound' }).check();

    // Away: no sound, and the queue is not counted as waiting for this agent.
    await leader.getByRole('button', { name: 'Go away' }).click();
    await leader.getByRole('banner').getByText('Away', { exact: true }).waitFor();
    await expect.poll(() => leader.title()).toBe('Chatline console');
    await server.visitor({ CustomerAlias: 'Unheard', FirstMessage: 'Hi' });
    await queueRow(leader, 'Unheard').waitFor();
    await leader.waitForTimeout(300);
    expect(await tones()).toEqual(heard);
    await leader.getByRole('button', { name: 'Be present' }).click();
  });
});

describe('history', () => {
  it('finds ended chats by name, email or words, the newest first, with their transcript', async () => {
    const first = await server.visitor({ CustomerName: 'Åse Berg', CustomerEmail: 'ase@example.com', FirstMessage: 'My bike squeaks' });
    const second = await server.visitor({ CustomerName: 'Bjørn Dahl', CustomerEmail: 'bjorn@example.com', FirstMessage: 'Invoice question' });
    for (const visitor of [first, second]) {
      await server.asAgent(AGENTS.kari, 'POST', `ChatSession/${visitor.id}/Pickup`);
      await visitor.say(visitor === first ? 'The chain makes a sound' : 'Where is my invoice?');
      await server.asAgent(AGENTS.kari, 'POST', `ChatSession/${visitor.id}/End`);
    }
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('button', { name: 'History' }).click();
    const results = kari.getByRole('region', { name: 'History' }).getByRole('listitem');
    const names = () => kari.getByRole('region', { name: 'History' }).locator('.name').allTextContents();
    await expect.poll(async () => (await names()).slice(0, 2)).toEqual(['Bjørn Dahl', 'Åse Berg']);

    const search = kari.getByRole('searchbox', { name: 'Search ended chats' });
    for (const [query, found] of [
      ['åse', 'Åse Berg'],
      ['bjorn@example', 'Bjørn Dahl'],
      ['chain makes', 'Åse Berg'],
    ] as const) {
      await search.fill(query);
      await search.press('Enter');
      await expect.poll(names).toEqual([found]);
    }
    await results.getByRole('button').click();
    await kari.getByRole('region', { name: 'Transcript' }).getByText('The chain makes a sound').waitFor();
  });
});

describe('whatever visitors type', () => {
  it('shows script, handlers, javascript: links and markup as the text typed, and runs none of it', async () => {
    const payloads = [
      '<script>window.__xss = 1</script>',
      '<img src=x onerror="window.__xss = 2">',
      '<a href="javascript:window.__xss=3">click</a>',
      'javascript:window.__xss=4',
      '"><svg onload="window.__xss=5">',
      '{{constructor.constructor("window.__xss=6")()}}',
    ];
    const visitor = await server.visitor({
      CustomerAlias: '<img src=x onerror="window.__xss=7">',
      CustomerName: '<script>window.__xss=8</script>',
      CustomerEmail: 'a@example.com',
      CustomerCompanyName: '<b onmouseover="window.__xss=9">Company</b>',
      FirstMessage: payloads[0],
    });
    const kari = await agentPage(AGENTS.kari);
    const dialogs: string[] = [];
    kari.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await kari.getByRole('button', { name: 'Take next' }).click();
    for (const payload of payloads.slice(1)) await visitor.say(payload);
    for (const payload of payloads) await log(kari).getByText(payload, { exact: true }).waitFor();
    const panel = kari.getByRole('complementary', { name: 'Visitor' });
    expect(await panel.textContent()).toContain('<img src=x onerror="window.__xss=7">');
    expect(await panel.textContent()).toContain('<script>window.__xss=8</script>');
    expect(await panel.textContent()).toContain('<b onmouseover="window.__xss=9">Company</b>');
    await kari.getByRole('heading', { name: '<img src=x onerror="window.__xss=7">' }).hover();
    // Nothing became an element or a link but the http ones.
    const injected = await kari.evaluate(() => {
      const all: Element[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const element of root.querySelectorAll('*')) {
          all.push(element);
          if (element.shadowRoot) walk(element.shadowRoot);
        }
      };
      walk(document);
      return {
        xss: (window as unknown as { __xss?: number }).__xss ?? null,
        scripts: all.filter((element) => element.tagName === 'SCRIPT' && !(element as HTMLScriptElement).src).length,
        images: all.filter((element) => element.tagName === 'IMG').length,
        svgs: all.filter((element) => element.tagName === 'svg').length,
        javascriptLinks: all.filter((element) => element.tagName === 'A' && /^javascript:/i.test(element.getAttribute('href') ?? '')).length,
      };
    });
    expect(injected).toEqual({ xss: null, scripts: 0, images: 0, svgs: 0, javascriptLinks: 0 });
    expect(dialogs).toEqual([]);
    expect(pageErrors(kari)).toEqual([]);
  });
});

describe('a lost connection', () => {
  it('says it is offline while the server is gone, then catches up on what came meanwhile, nothing twice', async () => {
    const visitor = await server.visitor({ CustomerAlias: 'Patient', FirstMessage: 'Still there?' });
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('button', { name: 'Take next' }).click();
    await kari.getByRole('heading', { name: 'Patient' }).waitFor();
    await server.stop();
    await kari.getByText(/Offline: reconnecting/).waitFor();
    await server.restart();
    await visitor.say('Said while you were away');
    const late = await server.visitor({ CustomerAlias: 'Came Meanwhile', FirstMessage: 'Hello' });
    await kari.getByText(/Offline: reconnecting/).waitFor({ state: 'detached', timeout: 20_000 });
    await log(kari).getByText('Said while you were away').waitFor();
    await queueRow(kari, 'Came Meanwhile').waitFor();
    await visitor.say('And after');
    await log(kari).getByText('And after').waitFor();
    const texts = await log(kari).getByRole('listitem').allTextContents();
    expect(texts.filter((text) => text.includes('Said while you were away'))).toHaveLength(1);
    void late;

    // A reload brings back the same chats, each message once.
    await kari.reload();
    await kari.getByRole('button', { name: /^Patient/ }).click();
    await log(kari).getByText('And after').waitFor();
    const again = await log(kari).getByRole('listitem').allTextContents();
    expect(again).toEqual(texts);
  });
});

describe('accessibility', () => {
  it('has nothing axe finds, signed out, in the queue, in a conversation, in the transfer dialog and in history, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openConsole(browser, server, scheme);
      contexts.push(context);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await axeViolations(page), `signed out, ${scheme}`).toEqual([]);
      await signIn(page, AGENTS.kari);
      await server.visitor({ CustomerAlias: `Axe ${scheme}`, FirstMessage: 'Hello' });
      await server.visitor({ CustomerAlias: `Axe waiting ${scheme}`, FirstMessage: 'Me too' });
      await queueRow(page, `Axe waiting ${scheme}`).waitFor();
      expect(await axeViolations(page), `queue, ${scheme}`).toEqual([]);
      await page.getByRole('button', { name: `Take the chat with Axe ${scheme}`, exact: true }).click();
      await page.getByRole('heading', { name: `Axe ${scheme}` }).waitFor();
      expect(await axeViolations(page), `conversation, ${scheme}`).toEqual([]);
      await page.getByRole('button', { name: 'Transfer…' }).click();
      await page.getByRole('dialog', { name: 'Transfer the chat to' }).waitFor();
      expect(await axeViolations(page), `transfer dialog, ${scheme}`).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'History' }).click();
      await page.getByRole('searchbox', { name: 'Search ended chats' }).waitFor();
      expect(await axeViolations(page), `history, ${scheme}`).toEqual([]);
    }
  });

  it('carries a whole shift by keyboard: sign in, take next, answer, transfer, end, sign out', async () => {
    const visitor = await server.visitor({ CustomerAlias: 'Keyboard Visitor', FirstMessage: 'Help me' });
    const second = await server.visitor({ CustomerAlias: 'Second Keyboard', FirstMessage: 'And me' });
    const ola = await agentPage(AGENTS.ola);
    const { context, page } = await openConsole(browser, server);
    contexts.push(context);
    const press = (key: string) => page.keyboard.press(key);
    await page.getByLabel('User name').waitFor();
    // The user name has the focus from the start.
    await page.keyboard.type(AGENTS.kari.userName);
    await press('Tab');
    await page.keyboard.type(AGENTS.kari.password);
    await press('Enter');
    await page.getByText('Signed in as Kari Nordmann').waitFor();

    await queueRow(page, 'Keyboard Visitor').waitFor();
    await press('Alt+N');
    await page.getByRole('heading', { name: 'Keyboard Visitor' }).waitFor();
    // Taking a chat puts the cursor in its composer.
    await page.keyboard.type('Hello from the keyboard');
    await press('Enter');
    await expect.poll(async () => (await visitor.messages()).map((message) => message.Message)).toContain('Hello from the keyboard');

    // Transfer: from the composer, Shift+Tab back to the header's buttons.
    await tabTo(page, 'Transfer…', true);
    await press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Transfer the chat to' });
    await dialog.getByRole('radio', { name: /Ola Hansen/ }).waitFor();
    // The dialog starts on its first choice.
    await press('Space');
    await tabTo(page, 'Transfer');
    await press('Enter');
    await ola.getByRole('button', { name: /Keyboard Visitor.*Offered to you/ }).click();
    await ola.getByRole('button', { name: 'Accept' }).click();
    await page.getByText(/was taken over/).waitFor();

    await press('Alt+N');
    await page.getByRole('heading', { name: 'Second Keyboard' }).waitFor();
    await press('Alt+E');
    // It asks once more, with the focus on the answer.
    await page.getByRole('button', { name: 'End it' }).waitFor();
    await press('Enter');
    await page.getByText('This chat has ended.').waitFor();
    await expect.poll(async () => (await second.session()).Status).toBe('Closed');

    await press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await press('Escape');
    await tabTo(page, 'Sign out');
    await press('Enter');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
