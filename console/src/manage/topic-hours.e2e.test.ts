/**
 * Manage → Settings in headless Chromium against the real server: a manager sets a topic's
 * opening hours in its own time zone, what the widget offers when nobody can answer, the
 * queue's words and what comes after the chat; the server's IsOpen follows, and what the
 * server refuses is said next to the input it is about.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, axeViolations, ConsoleServer, launch, openConsole, pageErrors, signIn } from '../testing/harness.ts';

type Topic = Record<string, unknown> & { OpeningHours: Record<string, unknown>; Widget: Record<string, unknown> };

let server: ConsoleServer;
let browser: Browser;
let original: Topic;
const contexts: BrowserContext[] = [];
/** Scratch for looking at the form: git leaves it out. */
const look = join(import.meta.dirname, '../../../.look');

beforeAll(async () => {
  server = new ConsoleServer();
  await server.start();
  browser = await launch();
  original = await topic();
  mkdirSync(look, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  // Every test starts from the topic as the server made it.
  await server.asAgent(AGENTS.kari, 'PUT', 'ChatTopic/1', original);
});

const topic = () => server.asAgent<Topic>(AGENTS.kari, 'GET', 'ChatTopic/1');

/** The server's answer to anyone who asks whether topic 1 is open now. */
async function isOpen(): Promise<boolean> {
  const response = await fetch(`${server.url}/api/v1/ChatTopic/1/IsOpen`, { headers: { Accept: 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as boolean;
}

type Options = { scheme?: 'light' | 'dark'; timezoneId?: string };

/** Kari's console in a browser in a time zone and colour scheme of the test's choosing. */
async function kariPage({ scheme = 'light', timezoneId = 'Asia/Tokyo' }: Options = {}): Promise<Page> {
  const { context, page } = await openConsole(browser, server, scheme, { timezoneId });
  contexts.push(context);
  await signIn(page, AGENTS.kari);
  return page;
}

/** Manage → the topic's settings, once they are read. */
async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Manage' }).click();
  const form = page.locator('console-topic-settings');
  await form.getByLabel('Use opening hours').waitFor();
  return form;
}

async function save(form: Locator): Promise<void> {
  await form.getByRole('button', { name: 'Save settings' }).click();
  await form.getByRole('status').getByText(/^Saved at/).waitFor();
}

/** The ids an input's aria-describedby names, and their text. */
const description = (input: Locator) =>
  input.evaluate((element) => {
    const root = element.getRootNode() as ShadowRoot;
    return (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => root.getElementById(id)?.textContent?.trim() ?? `(no #${id})`);
  });

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

async function setDay(form: Locator, day: string, open: boolean, hours?: [string, string]) {
  await form.getByLabel(`Open on ${day}`).setChecked(open);
  if (hours) {
    await form.getByLabel(`${day} opens`).fill(hours[0]);
    await form.getByLabel(`${day} closes`).fill(hours[1]);
  }
}

/** Pictures of the whole form and of each of its new parts, the page made tall enough for all of it, into .look/. */
async function shoot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const form = page.locator('console-topic-settings');
  const height = await form.evaluate((element) => element.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.min(height + 240, 8000) });
  await page.screenshot({ path: join(look, `${name}.png`) });
  for (const [part, legend] of [
    ['hours', 'Opening hours'],
    ['offline', 'When nobody can answer'],
    ['queue', 'Queue text'],
    ['after', 'After the chat'],
  ]) {
    await form.getByRole('group', { name: legend, exact: true }).screenshot({ path: join(look, `${name}-${part}.png`) });
  }
  await page.setViewportSize(viewport);
}

/** The name of what has the focus: its aria-label, its label, or its text. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const labels = (element as HTMLInputElement | null)?.labels;
    return (element?.getAttribute('aria-label') || labels?.[0]?.textContent || element?.textContent || '').trim().replace(/\s+/g, ' ');
  });

/** Tabs out of the focused time input, past its AM/PM part when the browser's language has one. */
async function leaveTime(page: Page): Promise<void> {
  const input = await focusedName(page);
  for (let step = 0; step < 3 && (await focusedName(page)) === input; step++) await page.keyboard.press('Tab');
}

/** Tab until the focus is on the control whose name is this. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let step = 0; step < 120; step++) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('opening hours', () => {
  it('are set in a chosen zone with a lunch break, saved, and read back the same after a reload', async () => {
    const page = await kariPage({ timezoneId: 'Asia/Tokyo' });
    let form = await openSettings(page);
    // A topic without hours is open at all hours, and says so.
    await form.getByText('Off: the topic is open at all hours, every day.').waitFor();
    expect(await form.getByLabel('Time zone').count()).toBe(0);

    // Turned on, the topic had UTC: the browser's zone is offered instead.
    await form.getByLabel('Use opening hours').check();
    const zone = form.getByLabel('Time zone');
    expect(await zone.inputValue()).toBe('Asia/Tokyo');
    await form.getByText('It is your browser’s time zone too.').waitFor();
    await zone.selectOption('America/New_York');
    await form.getByText(/It is \w+day \d\d:\d\d there now\./).waitFor();

    await setDay(form, 'Monday', true, ['09:00', '17:30']);
    await setDay(form, 'Tuesday', true, ['08:15', '16:00']);
    await setDay(form, 'Friday', false);
    await setDay(form, 'Saturday', true, ['10:00', '14:00']);
    await setDay(form, 'Sunday', false);
    expect(await form.getByRole('row', { name: /Friday/ }).getByText('Closed').count()).toBe(1);
    await form.getByLabel('Close for lunch on every open day').check();
    await form.getByLabel('Lunch starts').fill('12:00');
    await form.getByLabel('Lunch ends').fill('12:45');
    await form.getByText('Changes not saved yet.').waitFor();
    await form.getByText('By the hours as saved, the topic is open now.').waitFor();
    await save(form);

    const stored = await topic();
    expect(stored.OpeningHoursEnabled).toBe(true);
    expect(stored.OpeningHours).toMatchObject({
      TzLocation: { TZLocationCode: 'America/New_York' },
      MonEnabled: true,
      MonStart: '09:00:00',
      MonStop: '17:30:00',
      TueStart: '08:15:00',
      TueStop: '16:00:00',
      WedEnabled: true,
      FriEnabled: false,
      SatEnabled: true,
      SatStart: '10:00:00',
      SatStop: '14:00:00',
      SunEnabled: false,
      UseLunchHours: true,
      LunchStart: '12:00:00',
      LunchStop: '12:45:00',
    });
    // What the console says of now is what the server says.
    const open = await isOpen();
    await form.getByText(`The topic is ${open ? 'open' : 'closed'} now.`).waitFor();
    await shoot(page, 'topic-hours-saved-light');

    await page.reload();
    form = await openSettings(page);
    expect(await form.getByLabel('Use opening hours').isChecked()).toBe(true);
    expect(await form.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    expect(await form.getByLabel('Monday opens').inputValue()).toBe('09:00');
    expect(await form.getByLabel('Monday closes').inputValue()).toBe('17:30');
    expect(await form.getByLabel('Tuesday opens').inputValue()).toBe('08:15');
    expect(await form.getByLabel('Saturday closes').inputValue()).toBe('14:00');
    expect(await form.getByLabel('Open on Friday').isChecked()).toBe(false);
    expect(await form.getByLabel('Open on Sunday').isChecked()).toBe(false);
    expect(await form.getByLabel('Friday opens').count()).toBe(0);
    expect(await form.getByLabel('Close for lunch on every open day').isChecked()).toBe(true);
    expect(await form.getByLabel('Lunch starts').inputValue()).toBe('12:00');
    expect(await form.getByLabel('Lunch ends').inputValue()).toBe('12:45');
    expect(await form.getByText('Changes not saved yet.').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it('make the server’s IsOpen answer closed when every day is closed, and open when every day runs from midnight to midnight', async () => {
    const page = await kariPage();
    const form = await openSettings(page);
    expect(await isOpen()).toBe(true);
    await form.getByLabel('Use opening hours').check();
    await form.getByLabel('Time zone').selectOption('Europe/Oslo');
    for (const day of DAYS) await setDay(form, day, false);
    await save(form);
    expect(await isOpen()).toBe(false);
    await form.getByText('The topic is closed now.').waitFor();

    // Every day open, Monday's hours copied to the rest: 00:00 to 00:00 is the whole day.
    for (const day of DAYS) await setDay(form, day, true);
    await form.getByLabel('Monday opens').fill('00:00');
    await form.getByLabel('Monday closes').fill('00:00');
    await form.getByRole('button', { name: 'Use Monday’s hours on every open day' }).click();
    expect(await form.getByLabel('Sunday opens').inputValue()).toBe('00:00');
    expect(await form.getByLabel('Sunday closes').inputValue()).toBe('00:00');
    await save(form);
    expect(await isOpen()).toBe(true);
    await form.getByText('The topic is open now.').waitFor();
    const stored = await topic();
    expect([stored.OpeningHours.ThuStart, stored.OpeningHours.ThuStop]).toEqual(['00:00:00', '24:00:00']);

    // Turned off again, the topic is open at all hours whatever its days say.
    for (const day of DAYS) await setDay(form, day, false);
    await form.getByLabel('Use opening hours').uncheck();
    await form.getByText('Off: the topic is open at all hours, every day.').waitFor();
    await form.getByText('By the hours as saved, the topic is open now.').waitFor();
    await save(form);
    expect(await isOpen()).toBe(true);
    expect(await form.getByText(/topic is (open|closed) now/).count()).toBe(0);
    expect((await topic()).OpeningHoursEnabled).toBe(false);
  });

  it('show the server’s refusal of a day that closes before it opens next to that day’s closing time, and save nothing', async () => {
    const page = await kariPage();
    const form = await openSettings(page);
    await form.getByLabel('Use opening hours').check();
    await setDay(form, 'Tuesday', true, ['17:00', '09:00']);
    const before = await topic();
    // What the server says of it, asked directly.
    const refusal = await fetch(`${server.url}/api/v1/ChatTopic/1`, {
      method: 'PUT',
      headers: {
        Authorization: `Basic ${Buffer.from(`${AGENTS.kari.userName}:${AGENTS.kari.password}`).toString('base64')}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ ...before, OpeningHoursEnabled: true, OpeningHours: { ...before.OpeningHours, TueEnabled: true, TueStart: '17:00', TueStop: '09:00' } }),
    });
    expect(refusal.status).toBe(400);
    const { FieldErrors } = (await refusal.json()) as { FieldErrors: { Field: string; Message: string }[] };
    const message = FieldErrors.find((error) => error.Field === 'OpeningHours/TueStop')!.Message;
    expect(message).toBe('The closing time must be after the opening time.');

    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('alert').getByText('The settings were not saved: one field needs a change.').waitFor();
    await form.getByRole('alert').getByText(`: ${message}`).waitFor();
    const stop = form.getByLabel('Tuesday closes');
    expect(await stop.getAttribute('aria-invalid')).toBe('true');
    expect(await description(stop)).toContain(message);
    expect(await form.getByLabel('Tuesday opens').getAttribute('aria-invalid')).toBe('false');
    expect(await form.getByLabel('Monday closes').getAttribute('aria-invalid')).toBe('false');
    // The cursor is on the input the server named, and the message is in its row.
    await expect.poll(() => stop.evaluate((input) => input.matches(':focus'))).toBe(true);
    expect(await form.getByRole('row', { name: /Tuesday/ }).getByText(message).count()).toBe(1);
    await shoot(page, 'topic-hours-refused-light');
    expect(await topic()).toEqual(before);

    // The summary's link leads to it too; a new time takes the message away, and then it saves.
    await form.getByRole('alert').getByRole('button', { name: 'Tuesday closes' }).click();
    await expect.poll(() => stop.evaluate((input) => input.matches(':focus'))).toBe(true);
    await stop.fill('18:00');
    expect(await stop.getAttribute('aria-invalid')).toBe('false');
    expect(await form.getByText(message).count()).toBe(0);
    await save(form);
    expect((await topic()).OpeningHours).toMatchObject({ TueStart: '17:00:00', TueStop: '18:00:00' });
  });
});

describe('when nobody can answer, the queue and after the chat', () => {
  it('round-trip: the offline form, the offer from the queue, the queue’s own text, the post-chat form, rating and transcript', async () => {
    const page = await kariPage();
    let form = await openSettings(page);
    await form.getByLabel('Offline heading').fill('We are closed');
    await form.getByLabel('Offline message').fill('Leave a message and we will write back tomorrow.');
    const offline = form.getByRole('group', { name: 'The offline form requires' });
    expect(await offline.getByLabel('Email').isChecked()).toBe(true);
    await offline.getByLabel('Email').uncheck();
    await offline.getByLabel('Name').check();
    await offline.getByLabel('Phone').check();
    await form.getByLabel('Ask for consent on the offline form').uncheck();

    // The offer from the queue is on by default, with 0 saying never.
    expect(await form.getByLabel('Offer to leave a message from the queue').isChecked()).toBe(true);
    await form.getByText('0: never, however long the wait.').waitFor();
    await form.getByText('0: never, however many wait.').waitFor();
    const minutes = form.getByLabel('After this many minutes in the queue');
    await minutes.fill('-1');
    await form.getByLabel('When more than this many visitors are waiting').fill('4');

    await form.getByLabel('Use our own text while the visitor waits').check();
    const hint = await description(form.getByLabel('Text in the queue'));
    expect(hint.join(' ')).toContain('{cque} becomes the visitor’s place in the queue and {cavw} the average wait');
    await form.getByLabel('Text in the queue').fill('You are number {cque}; the wait is about {cavw}.');
    await form.getByText('Third in a queue with a four-minute wait, a visitor reads: “You are number 3; the wait is about 00:04.”').waitFor();

    expect(await form.getByLabel('Show a form when the chat ends').isChecked()).toBe(true);
    await form.getByLabel('Heading of the form').fill('Thank you');
    await form.getByLabel('Message on the form').fill('We hope it helped.');
    await form.getByLabel('Rating question').fill('How did we do?');
    await form.getByLabel('Offer the visitor a transcript of the chat').uncheck();

    // A count below 0 is refused before anything is sent.
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Write a whole number: 0 or more.', { exact: true }).waitFor();
    expect(await minutes.getAttribute('aria-invalid')).toBe('true');
    expect((await topic()).OfflineFormTimeLimit).toBe(original.OfflineFormTimeLimit);
    await minutes.fill('10');
    await save(form);
    await shoot(page, 'topic-offline-saved-light');

    const stored = await topic();
    expect(stored).toMatchObject({
      OfflineCollectConsent: false,
      UseQueueOfflineForm: true,
      OfflineFormTimeLimit: 10,
      OfflineFormQueueLength: 4,
      CustomQueueTextEnabled: true,
      CustomQueueText: 'You are number {cque}; the wait is about {cavw}.',
      WidgetEnableRating: true,
      WidgetRatingText: 'How did we do?',
      Widget: {
        OfflineHeader: 'We are closed',
        OfflineMessage: 'Leave a message and we will write back tomorrow.',
        OfflineFields: 'Name, Phone',
        PostFormEnabled: true,
        PostFormHeader: 'Thank you',
        PostFormMessage: 'We hope it helped.',
        PostTranscriptEnabled: false,
      },
    });
    // What the widget reads is what was saved.
    const widget = (await (await fetch(`${server.url}/api/v1/ChatTopic/1/widget`)).json()) as Topic;
    expect(widget).toMatchObject({ OfflineFormTimeLimit: 10, CustomQueueText: stored.CustomQueueText, Widget: { OfflineFields: 'Name, Phone' } });

    await page.reload();
    form = await openSettings(page);
    expect(await form.getByLabel('Offline heading').inputValue()).toBe('We are closed');
    expect(await form.getByLabel('Offline message').inputValue()).toBe('Leave a message and we will write back tomorrow.');
    const fields = form.getByRole('group', { name: 'The offline form requires' });
    expect(await Promise.all(['Email', 'Name', 'Company', 'Phone'].map((name) => fields.getByLabel(name).isChecked()))).toEqual([false, true, false, true]);
    expect(await form.getByLabel('Ask for consent on the offline form').isChecked()).toBe(false);
    expect(await form.getByLabel('After this many minutes in the queue').inputValue()).toBe('10');
    expect(await form.getByLabel('When more than this many visitors are waiting').inputValue()).toBe('4');
    expect(await form.getByLabel('Text in the queue').inputValue()).toBe('You are number {cque}; the wait is about {cavw}.');
    expect(await form.getByLabel('Heading of the form').inputValue()).toBe('Thank you');
    expect(await form.getByLabel('Rating question').inputValue()).toBe('How did we do?');
    expect(await form.getByLabel('Offer the visitor a transcript of the chat').isChecked()).toBe(false);

    // Turned off, what they turn on is out of the way, and kept.
    await form.getByLabel('Offer to leave a message from the queue').uncheck();
    await form.getByLabel('Ask the visitor to rate the chat').uncheck();
    expect(await form.getByLabel('After this many minutes in the queue').count()).toBe(0);
    expect(await form.getByLabel('Rating question').count()).toBe(0);
    await save(form);
    expect(await topic()).toMatchObject({ UseQueueOfflineForm: false, OfflineFormTimeLimit: 10, WidgetEnableRating: false, WidgetRatingText: 'How did we do?' });
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('accessibility', () => {
  it('has nothing axe finds in the settings with every part open and a refusal shown, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await kariPage({ scheme });
      const form = await openSettings(page);
      await form.getByLabel('Use opening hours').check();
      await form.getByLabel('Close for lunch on every open day').check();
      await form.getByLabel('Use our own text while the visitor waits').check();
      await form.getByLabel('Text in the queue').fill('Number {cque}, about {cavw}.');
      expect(await axeViolations(page), `settings, ${scheme}`).toEqual([]);
      await setDay(form, 'Wednesday', true, ['15:00', '11:00']);
      await form.getByLabel('Lunch ends').fill('');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByText('Give the time the lunch break ends.', { exact: true }).waitFor();
      await form.getByLabel('Lunch ends').fill('13:00');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByText('The closing time must be after the opening time.', { exact: true }).waitFor();
      expect(await axeViolations(page), `settings refused, ${scheme}`).toEqual([]);
      await shoot(page, `topic-settings-refused-${scheme}`);
    }
  });

  it('sets the hours by keyboard alone: hours on, a zone, Monday’s times, Sunday opened, save', async () => {
    const page = await kariPage();
    const press = (key: string) => page.keyboard.press(key);
    await tabTo(page, 'Manage');
    await press('Enter');
    const form = page.locator('console-topic-settings');
    await form.getByLabel('Use opening hours').waitFor();
    await tabTo(page, 'Use opening hours');
    await press('Space');
    await press('Tab');
    expect(await focusedName(page)).toBe('Time zone');
    // A closed select takes the letters typed as a search.
    await page.keyboard.type('Europe/Oslo');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/Oslo');
    await press('Tab');
    expect(await focusedName(page)).toBe('Open on Monday');
    await press('Tab');
    expect(await focusedName(page)).toBe('Monday opens');
    // Chromium's time input has an AM/PM part in some languages and not in others. Typed hours
    // up to 11 keep a morning time's AM, and an arrow moves 16:00 to 17:00 in both.
    await page.keyboard.type('0730');
    await leaveTime(page);
    expect(await focusedName(page)).toBe('Monday closes');
    await press('ArrowUp');
    await press('Tab');
    await page.keyboard.type('45');
    await leaveTime(page);
    await tabTo(page, 'Open on Sunday');
    expect(await form.getByLabel('Open on Sunday').isChecked()).toBe(false);
    await press('Space');
    await press('Tab');
    expect(await focusedName(page)).toBe('Sunday opens');
    await page.keyboard.type('0900');
    await leaveTime(page);
    await press('ArrowUp');
    await press('ArrowUp');
    await tabTo(page, 'Save settings');
    await press('Enter');
    await form.getByRole('status').getByText(/^Saved at/).waitFor();
    expect((await topic()).OpeningHours).toMatchObject({
      TzLocation: { TZLocationCode: 'Europe/Oslo' },
      MonStart: '07:30:00',
      MonStop: '17:45:00',
      SunEnabled: true,
      SunStart: '09:00:00',
      SunStop: '18:00:00',
    });
    expect((await topic()).OpeningHoursEnabled).toBe(true);
  });
});
