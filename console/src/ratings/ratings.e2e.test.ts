/**
 * Ratings and transcripts in headless Chromium against the real server: a chat the visitor
 * rated after the agent ended it shows its stars and comment in History and counts in the
 * averages of Ratings; History's transcript downloads as text and HTML, and prints.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, axeViolations, ConsoleServer, launch, openConsole, pageErrors, signIn, type Agent, type Visitor } from '../testing/harness.ts';

let server: ConsoleServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let kind: Visitor;
let terse: Visitor;

/** A chat the agent picks up, answers and ends; then the visitor rates it. */
async function ratedChat(agent: Agent, visitor: Record<string, unknown>, rating: number, comment?: string): Promise<Visitor> {
  const chat = await server.visitor(visitor);
  await server.asAgent(agent, 'POST', `ChatSession/${chat.id}/Pickup`);
  await server.asAgent(agent, 'POST', `ChatSession/${chat.id}/Messages`, { Message: `Hello, ${agent.fullName} here.` });
  await chat.say('Thanks, that was all.');
  await server.asAgent(agent, 'POST', `ChatSession/${chat.id}/End`);
  await chat.rate(rating, comment);
  return chat;
}

beforeAll(async () => {
  server = new ConsoleServer();
  await server.start();
  browser = await launch();
  kind = await ratedChat(AGENTS.kari, { CustomerAlias: 'Happy Hanna', FirstMessage: 'Is the shop open on Sunday?' }, 5, 'Quick and kind, thank you!');
  terse = await ratedChat(AGENTS.ola, { CustomerAlias: 'Grumpy Gunnar', FirstMessage: 'My order is late' }, 2);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

async function agentPage(agent: Agent, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { context, page } = await openConsole(browser, server, colorScheme);
  contexts.push(context);
  await signIn(page, agent);
  return page;
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name, exact: true });
const historyRow = (page: Page, name: string) => page.getByRole('region', { name: 'History' }).getByRole('button', { name: new RegExp(`^${name}`) });
const transcript = (page: Page) => page.getByRole('region', { name: 'Transcript' });

describe('ratings', () => {
  it('show in History as stars, with the comment when the visitor wrote one', async () => {
    const kari = await agentPage(AGENTS.kari);
    await nav(kari, 'History').click();
    // In the list, the stars are told in words too.
    await expect.poll(() => historyRow(kari, 'Happy Hanna').textContent()).toContain('★★★★★');
    expect(await historyRow(kari, 'Happy Hanna').getAttribute('aria-current')).toBe('false');
    await kari.getByRole('region', { name: 'History' }).getByRole('button', { name: /Happy Hanna.*Rated 5 of 5 stars/ }).waitFor();
    await kari.getByRole('region', { name: 'History' }).getByRole('button', { name: /Grumpy Gunnar.*Rated 2 of 5 stars/ }).waitFor();

    await historyRow(kari, 'Happy Hanna').click();
    const rating = transcript(kari).getByRole('figure', { name: "The visitor's rating" });
    await rating.getByText('Rated 5 of 5 stars').waitFor();
    await rating.getByText('Quick and kind, thank you!').waitFor();

    await historyRow(kari, 'Grumpy Gunnar').click();
    await transcript(kari).getByText('Rated 2 of 5 stars').waitFor();
    expect(await transcript(kari).getByRole('blockquote').count()).toBe(0);
    expect(pageErrors(kari)).toEqual([]);
    void kind;
    void terse;
  });

  it('are counted per topic and per agent, with the recent ones and their comments', async () => {
    const kari = await agentPage(AGENTS.kari);
    await nav(kari, 'Ratings').click();
    const byTopic = kari.getByRole('table', { name: 'By topic' });
    await byTopic.getByRole('row', { name: /General/ }).waitFor();
    // 5 and 2: 3.5 on average, of 2 ratings.
    expect((await byTopic.getByRole('row', { name: /General/ }).getByRole('cell').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(['★★★★☆ 3.5 of 5', '2']);
    const byAgent = kari.getByRole('table', { name: 'By agent' });
    expect((await byAgent.getByRole('row', { name: /Kari Nordmann/ }).getByRole('cell').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(['★★★★★ 5 of 5', '1']);
    expect((await byAgent.getByRole('row', { name: /Ola Hansen/ }).getByRole('cell').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(['★★☆☆☆ 2 of 5', '1']);
    const recent = kari.getByRole('table', { name: 'Recent ratings' });
    const hanna = recent.getByRole('row', { name: /Happy Hanna/ });
    expect(await hanna.innerText()).toContain('Quick and kind, thank you!');
    expect(await hanna.innerText()).toContain('Kari Nordmann');
    expect(await recent.getByRole('row', { name: /Grumpy Gunnar/ }).innerText()).toContain('No comment');

    // A new rating shows on Refresh.
    await ratedChat(AGENTS.kari, { CustomerAlias: 'Late Lars', FirstMessage: 'Hi' }, 4, 'Fine');
    await kari.getByRole('button', { name: 'Refresh' }).click();
    await recent.getByRole('row', { name: /Late Lars/ }).waitFor();
    await expect.poll(async () => (await byTopic.getByRole('row', { name: /General/ }).getByRole('cell').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(['★★★★☆ 3.67 of 5', '3']);
    expect(pageErrors(kari)).toEqual([]);
  });

  it('have nothing axe finds, in History with a rated chat open and in Ratings, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const kari = await agentPage(AGENTS.kari, scheme);
      await nav(kari, 'History').click();
      await historyRow(kari, 'Happy Hanna').click();
      await transcript(kari).getByText('Quick and kind, thank you!').waitFor();
      await transcript(kari).getByText('Thanks, that was all.').waitFor();
      expect(await axeViolations(kari), `history, ${scheme}`).toEqual([]);
      await nav(kari, 'Ratings').click();
      await kari.getByRole('table', { name: 'Recent ratings' }).getByRole('row', { name: /Happy Hanna/ }).waitFor();
      expect(await axeViolations(kari), `ratings, ${scheme}`).toEqual([]);
    }
  });
});

describe('a transcript in History', () => {
  it('downloads as text and as a page of HTML, in the agent’s time zone, and prints', async () => {
    const { context, page } = await openConsole(browser, server, 'light', { timezoneId: 'Pacific/Auckland' });
    contexts.push(context);
    await signIn(page, AGENTS.kari);
    await nav(page, 'History').click();
    await historyRow(page, 'Happy Hanna').click();
    await transcript(page).getByText('Thanks, that was all.').waitFor();

    const [text] = await Promise.all([page.waitForEvent('download'), transcript(page).getByRole('button', { name: 'Download as text' }).click()]);
    expect(text.suggestedFilename()).toBe(`chat-${kind.id}.txt`);
    const plain = await readFile((await text.path())!, 'utf8');
    expect(plain).toContain('Happy Hanna: Is the shop open on Sunday?');
    expect(plain).toContain('Kari Nordmann: Hello, Kari Nordmann here.');
    expect(plain).toContain('Happy Hanna: Thanks, that was all.');
    // The times are on the agent's clock: what the server writes for this zone.
    const expected = await server.asAgent<string>(AGENTS.kari, 'POST', `ChatSession/${kind.id}/Transcript?html=false&lang=en&tz=Pacific%2FAuckland`);
    expect(plain).toBe(expected);

    const [page2] = await Promise.all([page.waitForEvent('download'), transcript(page).getByRole('button', { name: 'Download as HTML' }).click()]);
    expect(page2.suggestedFilename()).toBe(`chat-${kind.id}.html`);
    const document = await readFile((await page2.path())!, 'utf8');
    expect(document).toMatch(/^<!doctype html>/);
    expect(document).toContain('<div class="chat-transcript"');
    expect(document).toContain('Thanks, that was all.');
    expect(document).toContain('<title>Chat');

    // Printing prints the transcript alone: the print dialog is stood in for, and what is on paper looked at.
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    await transcript(page).getByRole('button', { name: 'Print' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const paper = page.locator('console-history .printable');
    expect(await paper.isVisible()).toBe(true);
    expect(await paper.innerText()).toContain('Happy Hanna: Thanks, that was all.');
    for (const hidden of [page.getByRole('banner'), page.getByRole('region', { name: 'History' }), transcript(page)]) expect(await hidden.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    expect(await paper.isVisible()).toBe(false);
    expect(pageErrors(page)).toEqual([]);
  });

  it('is reached by keyboard: History, the chat, and its download', async () => {
    const kari = await agentPage(AGENTS.kari);
    const focusedName = () =>
      kari.evaluate(() => {
        let element = document.activeElement;
        while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
        return (element?.textContent || '').trim().replace(/\s+/g, ' ');
      });
    const tabTo = async (name: RegExp) => {
      for (let step = 0; step < 80; step++) {
        await kari.keyboard.press('Tab');
        if (name.test(await focusedName())) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo(/^History$/);
    await kari.keyboard.press('Enter');
    await historyRow(kari, 'Happy Hanna').waitFor();
    await tabTo(/^Happy Hanna/);
    await kari.keyboard.press('Enter');
    await transcript(kari).getByText('Quick and kind, thank you!').waitFor();
    await tabTo(/^Download as text$/);
    const [download] = await Promise.all([kari.waitForEvent('download'), kari.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe(`chat-${kind.id}.txt`);
    await tabTo(/^Ratings$/);
    await kari.keyboard.press('Enter');
    await kari.getByRole('table', { name: 'By agent' }).waitFor();
  });
});
