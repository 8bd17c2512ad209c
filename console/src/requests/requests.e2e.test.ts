/**
 * Requests in headless Chromium against the real server: what visitors leave when nobody can
 * answer (the offline form, or a message left from the queue) shows live with the visitor's
 * details, and is marked handled, undone and marked open again.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, axeViolations, ConsoleServer, launch, openConsole, pageErrors, signIn, type Agent } from '../testing/harness.ts';

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
  // Every test starts with no open request.
  for (const request of await server.asAgent<{ ChatSessionId: number }[]>(AGENTS.kari, 'GET', 'ChatSession/OfflineRequests')) {
    await server.asAgent(AGENTS.kari, 'PUT', `ChatSession/${request.ChatSessionId}/Handled`, { Handled: true });
  }
});

async function agentPage(agent: Agent, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { context, page } = await openConsole(browser, server, colorScheme);
  contexts.push(context);
  await signIn(page, agent);
  return page;
}

/** A visitor fills the topic's offline form, as the widget sends it. */
const offlineForm = (fields: Record<string, unknown>) => server.visitor({ Status: 'RequestPosted', ...fields });

const list = (page: Page, which: 'Open' | 'Handled') => page.getByRole('list', { name: `${which} requests` });
const card = (page: Page, which: 'Open' | 'Handled', name: string): Locator => list(page, which).getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
const requestsButton = (page: Page) => page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: /^Requests/ });

/** The name of what has the focus, through the shadow roots. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return (element?.getAttribute('aria-label') || element?.textContent || '').trim().replace(/\s+/g, ' ');
  });

async function tabTo(page: Page, name: string, back = false): Promise<void> {
  for (let step = 0; step < 80; step++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('offline requests', () => {
  it('show live, with the count, how to reach the visitor and what they asked, and move to Handled once marked, with who and when', async () => {
    const kari = await agentPage(AGENTS.kari);
    await requestsButton(kari).click();
    await kari.getByText('No open requests.', { exact: false }).waitFor();
    expect((await requestsButton(kari).textContent())?.trim()).toBe('Requests');

    // Left while Kari looks at the list: it comes without a reload.
    const visitor = await offlineForm({
      CustomerAlias: 'Ada',
      CustomerName: 'Ada Lovelace',
      CustomerEmail: 'ada@example.com',
      CustomerPhone: '+47 22 33 44 55',
      FirstMessage: 'Can you call me about the\nanalytical engine?',
    });
    const ada = card(kari, 'Open', 'Ada');
    await ada.waitFor();
    // Told to a screen reader too, politely.
    await kari.getByText('Ada left a request in General.').waitFor({ state: 'attached' });
    await kari.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Requests 1 open' }).waitFor();
    const text = await ada.innerText();
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('General');
    expect(text).toContain('Offline form');
    expect(text).toContain('Can you call me about the\nanalytical engine?');
    expect(text).toMatch(/left .*\d/);
    const mail = ada.getByRole('link', { name: 'ada@example.com' });
    expect(await mail.getAttribute('href')).toBe(`mailto:ada@example.com?subject=${encodeURIComponent('Your question to General')}`);
    expect(await ada.getByRole('link', { name: '+47 22 33 44 55' }).getAttribute('href')).toBe('tel:+4722334455');

    // A visitor who waited in the queue leaves a message instead: it comes too, said to be from the queue.
    const waiting = await server.visitor({ CustomerAlias: 'Grace', CustomerEmail: 'grace@example.com', FirstMessage: 'Is anyone there?' });
    await waiting.leaveMessage({ Message: 'Please mail me the price list.' });
    const grace = card(kari, 'Open', 'Grace');
    await grace.waitFor();
    expect(await grace.innerText()).toContain('Left from the queue');
    expect(await grace.innerText()).toContain('Please mail me the price list.');
    await kari.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Requests 2 open' }).waitFor();
    // The newest first.
    expect(await list(kari, 'Open').getByRole('heading').allTextContents()).toEqual(['Grace', 'Ada']);

    // Marked handled: it leaves the open ones, and the count, at once; it can be undone.
    await ada.getByRole('button', { name: 'Mark handled: Ada' }).click();
    await expect.poll(() => card(kari, 'Open', 'Ada').count()).toBe(0);
    await kari.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Requests 1 open' }).waitFor();
    await kari.getByText('The request of Ada is marked handled.').waitFor();
    await kari.getByRole('button', { name: 'Undo' }).click();
    await card(kari, 'Open', 'Ada').waitFor();
    await expect.poll(async () => (await server.asAgent<{ ChatSessionId: number }[]>(AGENTS.kari, 'GET', 'ChatSession/OfflineRequests')).map((request) => request.ChatSessionId)).toContain(visitor.id);

    await card(kari, 'Open', 'Ada').getByRole('button', { name: 'Mark handled: Ada' }).click();
    await expect.poll(() => card(kari, 'Open', 'Ada').count()).toBe(0);
    const handled = await server.asAgent<{ ChatSessionId: number; Handled: boolean; HandledBy: string }[]>(AGENTS.kari, 'GET', 'ChatSession/OfflineRequests?handled=true');
    expect(handled.find((request) => request.ChatSessionId === visitor.id)).toMatchObject({ Handled: true, HandledBy: 'Kari Nordmann' });

    await kari.getByRole('button', { name: 'Handled', exact: true }).click();
    const done = card(kari, 'Handled', 'Ada');
    await done.waitFor();
    expect(await done.innerText()).toMatch(/Handled by Kari Nordmann, .*\d/);
    // Marked open again from the handled ones: back in the open list.
    await done.getByRole('button', { name: 'Mark open again: Ada' }).click();
    await expect.poll(() => card(kari, 'Handled', 'Ada').count()).toBe(0);
    await kari.getByRole('button', { name: /^Open/ }).click();
    await card(kari, 'Open', 'Ada').waitFor();
    expect(pageErrors(kari)).toEqual([]);
  });

  it('reach the other agents live too: one marked handled by a colleague leaves their list and shows who', async () => {
    const ola = await agentPage(AGENTS.ola);
    await requestsButton(ola).click();
    await offlineForm({ CustomerName: 'Linus', CustomerEmail: 'linus@example.com', FirstMessage: 'Kernel question' });
    await card(ola, 'Open', 'Linus').waitFor();
    // Ola looks at the handled ones while Kari handles it elsewhere.
    await ola.getByRole('button', { name: 'Handled', exact: true }).click();
    const open = await server.asAgent<{ ChatSessionId: number }[]>(AGENTS.kari, 'GET', 'ChatSession/OfflineRequests');
    await server.asAgent(AGENTS.kari, 'PUT', `ChatSession/${open[0]!.ChatSessionId}/Handled`, { Handled: true });
    await card(ola, 'Handled', 'Linus').getByText(/Handled by Kari Nordmann/).waitFor();
    expect(await ola.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: /open/ }).count()).toBe(0);
  });

  it('are marked handled and undone by keyboard alone', async () => {
    await offlineForm({ CustomerAlias: 'Keys', CustomerEmail: 'keys@example.com', FirstMessage: 'Tab, tab, enter' });
    const kari = await agentPage(AGENTS.kari);
    await kari.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Requests 1 open' }).waitFor();
    await tabTo(kari, 'Requests 1 open');
    await kari.keyboard.press('Enter');
    await card(kari, 'Open', 'Keys').waitFor();
    await tabTo(kari, 'Mark handled: Keys');
    await kari.keyboard.press('Enter');
    await expect.poll(() => card(kari, 'Open', 'Keys').count()).toBe(0);
    // The focus is on the way back.
    expect(await focusedName(kari)).toBe('Undo');
    await kari.keyboard.press('Enter');
    await card(kari, 'Open', 'Keys').waitFor();
    // The email is a link the keyboard reaches.
    await tabTo(kari, 'keys@example.com');
  });

  it('have nothing axe finds, open and handled, light and dark', async () => {
    await offlineForm({ CustomerAlias: 'Axe', CustomerName: 'Axe Person', CustomerEmail: 'axe@example.com', CustomerPhone: '12345678', FirstMessage: 'Hello' });
    const waiting = await server.visitor({ CustomerAlias: 'Axe queue', CustomerEmail: 'q@example.com', FirstMessage: 'Hi' });
    await waiting.leaveMessage({ Message: 'Call me' });
    for (const scheme of ['light', 'dark'] as const) {
      const kari = await agentPage(AGENTS.kari, scheme);
      await requestsButton(kari).click();
      await card(kari, 'Open', 'Axe queue').waitFor();
      expect(await axeViolations(kari), `open, ${scheme}`).toEqual([]);
      if (scheme === 'light') {
        await card(kari, 'Open', 'Axe').getByRole('button', { name: 'Mark handled: Axe' }).click();
        await kari.getByRole('button', { name: 'Undo' }).waitFor();
        expect(await axeViolations(kari), `marked, ${scheme}`).toEqual([]);
      }
      await kari.getByRole('button', { name: 'Handled', exact: true }).click();
      await card(kari, 'Handled', 'Axe').waitFor();
      expect(await axeViolations(kari), `handled, ${scheme}`).toEqual([]);
    }
  });
});
