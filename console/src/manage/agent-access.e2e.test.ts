/**
 * Manage → Access in headless Chromium against the real server: a manager sees an agent's
 * sign-ins and Bearer tokens, revokes the tokens, sets a new password and removes the agent,
 * and what that does to the agent's own console and credentials.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../../server/src/testing/server-process.ts';
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
});

/** An agent of the console: the two of the harness, or one a test adds. */
type Someone = { readonly userName: string; readonly fullName: string; readonly password: string };
type Made = Someone & { id: number };

/** The harness's helpers take its two agents; the others are the same shape. */
const signInAs = (page: Page, someone: Someone) => signIn(page, someone as unknown as Agent);

/** A new agent of the console, added by Kari as a manager does; in no topic. */
async function newAgent(userName: string, fullName: string): Promise<Made> {
  const agent = { userName, fullName, password: `${userName}-secret-1` };
  const made = await server.asAgent<{ AssociateId: number }>(AGENTS.kari, 'POST', 'Associate', { UserName: userName, FullName: fullName, Password: agent.password });
  return { ...agent, id: made.AssociateId };
}

/** A Bearer token for the agent, made as an operator does (`npm run admin -- create-token`). */
function createToken(agent: Someone): string {
  const made = runAdmin(['create-token', agent.userName], { CHAT_DB: server.db });
  if (made.status !== 0) throw new Error(made.stderr);
  return made.stdout.trim().split('\n').at(-1)!.trim();
}

/** A raw call to the API, for the status and the error body. */
async function raw(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${server.url}/api/v1/${path}`, {
    method,
    headers: { Accept: 'application/json', ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as { ErrorMessage?: string } | null };
}

const basic = (agent: Someone, password = agent.password) => ({ Authorization: `Basic ${Buffer.from(`${agent.userName}:${password}`).toString('base64')}` });

async function agentPage(agent: Someone, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { context, page } = await openConsole(browser, server, colorScheme);
  contexts.push(context);
  await signInAs(page, agent);
  return page;
}

/** Manage → Access. */
async function openAccess(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Manage' }).click();
  await page.getByRole('button', { name: 'Access', exact: true }).click();
  await page.getByRole('heading', { name: 'Access', exact: true }).waitFor();
}

const section = (page: Page) => page.locator('console-agent-access');
const agentList = (page: Page) => section(page).getByRole('region', { name: 'Agents' });
const agentButton = (page: Page, name: string) => agentList(page).getByRole('button', { name: new RegExp(`^${name}`) });
const part = (page: Page, name: string) => section(page).getByRole('region', { name });

async function choose(page: Page, name: string): Promise<void> {
  await agentButton(page, name).click();
  await section(page).getByRole('heading', { name: new RegExp(`^${name}`), level: 4 }).waitFor();
}

/** The rows of the sign-ins table: [when, what, how, from, how many in a row ('' for one)]. */
async function signInRows(page: Page): Promise<string[][]> {
  const rows = part(page, 'Recent sign-ins').locator('tbody tr');
  const all: string[][] = [];
  for (const row of await rows.all()) {
    const [when, , how, from] = (await row.locator('td').allTextContents()).map((text) => text.trim());
    const count = row.locator('.count');
    all.push([when!, (await row.locator('.kind').textContent())!.trim(), how!, from!, (await count.count()) > 0 ? (await count.textContent())!.trim() : '']);
  }
  return all;
}

/** The console has gone back to its sign-in page. */
async function signedOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
}

/** The name of what has the focus: its aria-label, its label, or its text. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const labels = (element as HTMLInputElement | null)?.labels;
    return (element?.getAttribute('aria-label') || labels?.[0]?.textContent || element?.textContent || '').trim().replace(/\s+/g, ' ');
  });

/** Tab (Shift+Tab with `back`) until the focus is on the control whose name starts so. */
async function tabTo(page: Page, name: string, back = false): Promise<void> {
  for (let step = 0; step < 80; step++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if ((await focusedName(page)).startsWith(name)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('sign-ins', () => {
  it('lists an agent’s failed try and sign-in, the newest first, in the browser’s language and time zone', async () => {
    const signer = await newAgent('signer', 'Sam Signer');
    // A wrong password on the sign-in page's call, then the right one in a console.
    const wrong = await raw('POST', 'Authentication/Login', {}, { UserName: signer.userName, Password: 'not the password' });
    expect(wrong.status).toBe(401);
    await agentPage(signer);

    const { context, page: kari } = await openConsole(browser, server, 'light', { locale: 'de-DE', timezoneId: 'Asia/Tokyo' });
    contexts.push(context);
    await signIn(kari, AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Sam Signer');
    await expect.poll(async () => (await signInRows(kari)).map((row) => row[1])).toEqual(['Signed in', 'Sign-in failed: wrong password', 'Added as an agent']);
    const [latest, failed] = await signInRows(kari);
    expect(latest!.slice(2)).toEqual(['Sign-in page', '127.0.0.1', '']);
    expect(failed!.slice(2)).toEqual(['Sign-in page', '127.0.0.1', '']);

    // The time as the server said it, shown in German, in Tokyo's time.
    const stamp = part(kari, 'Recent sign-ins').locator('tbody tr').first().locator('time');
    const iso = (await stamp.getAttribute('datetime'))!;
    const german = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
    expect((await stamp.textContent())!.trim()).toBe(german);
    expect(Math.abs(Date.now() - Date.parse(iso))).toBeLessThan(60_000);

    // A new sign-in comes in on Refresh: the same as the last, so counted on its row.
    await agentPage(signer);
    await part(kari, 'Recent sign-ins').getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => (await signInRows(kari))[0]?.[4], { timeout: 5000 }).toBe('×2');
    expect((await signInRows(kari)).map((row) => row[1])).toEqual(['Signed in', 'Sign-in failed: wrong password', 'Added as an agent']);
    expect(await part(kari, 'Recent sign-ins').locator('tbody tr').first().textContent()).toContain('2 times in a row');
  });
});

describe('Bearer tokens', () => {
  it('lists a token as never used, then used, never shows its text, and revokes all of them after asking, so that it is refused', async () => {
    const integrator = await newAgent('integrator', 'Ida Integrator');
    const token = createToken(integrator);
    const kari = await agentPage(AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Ida Integrator');
    const tokens = part(kari, 'Bearer tokens');
    const row = tokens.getByRole('row', { name: /Token 1/ });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).map((text) => text.trim())[1]).toBe('never');

    expect((await raw('GET', 'Associate/Me', { Authorization: `Bearer ${token}` })).status).toBe(200);
    await expect
      .poll(async () => {
        await part(kari, 'Recent sign-ins').getByRole('button', { name: 'Refresh' }).click();
        await kari.waitForTimeout(200);
        return (await row.locator('td').allTextContents()).map((text) => text.trim())[1];
      }, { timeout: 8000 })
      .not.toBe('never');
    expect(await row.locator('td time').count()).toBe(2);
    // The token's text is nowhere on the page, nor in what the page was given.
    expect(await kari.content()).not.toContain(token);
    expect(await section(kari).evaluate((element) => element.shadowRoot!.innerHTML)).not.toContain(token);

    // Asked first; keeping them changes nothing.
    await tokens.getByRole('button', { name: 'Revoke all tokens' }).click();
    const keep = tokens.getByRole('button', { name: 'Keep them' });
    await expect.poll(() => keep.evaluate((button) => button.matches(':focus'))).toBe(true);
    await keep.click();
    expect((await raw('GET', 'Associate/Me', { Authorization: `Bearer ${token}` })).status).toBe(200);

    await tokens.getByRole('button', { name: 'Revoke all tokens' }).click();
    await tokens.getByRole('group').getByText('Revoke all 1 token of Ida Integrator?').waitFor();
    await tokens.getByRole('button', { name: 'Revoke all', exact: true }).click();
    await tokens.getByRole('status').getByText('Revoked 1 token').waitFor();
    await tokens.getByText('Ida Integrator has no Bearer tokens.').waitFor();
    expect((await raw('GET', 'Associate/Me', { Authorization: `Bearer ${token}` })).status).toBe(401);
    await expect.poll(async () => (await signInRows(kari)).map((row) => row[1])).toContain('Bearer tokens revoked');
    expect(await kari.getByText(/Bearer token of Ida Integrator revoked/).count()).toBeGreaterThan(0);
    expect(pageErrors(kari)).toEqual([]);
  });
});

describe('a new password', () => {
  it('is checked as a new agent’s is, then signs the agent out everywhere, and only the new one works', async () => {
    const forgetful = await newAgent('forgetful', 'Frida Forgetful');
    const token = createToken(forgetful);
    const theirs = await agentPage(forgetful);
    const kari = await agentPage(AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Frida Forgetful');
    const form = part(kari, 'Set a new password');
    const password = form.getByLabel('New password', { exact: true });
    const again = form.getByLabel('New password again');

    // Too short, then not the same twice: said at the field, and nothing is sent.
    await password.fill('short');
    await again.fill('short');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByText('Use at least 8 characters: this has 5.').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => password.evaluate((input) => input.matches(':focus'))).toBe(true);
    await password.fill('brand-new-secret');
    await again.fill('brand-new-secreT');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByText('The two passwords are not the same').waitFor();
    expect((await raw('GET', 'Associate/Me', basic(forgetful))).status).toBe(200);

    await again.fill('brand-new-secret');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByRole('status').getByText('Frida Forgetful’s password is changed. Their sign-ins, tickets and Bearer tokens have all ended').waitFor();
    expect(await password.inputValue()).toBe('');

    // Their open console is signed out; the old password and the token are refused, the new one works.
    await signedOut(theirs);
    expect((await raw('GET', 'Associate/Me', basic(forgetful))).status).toBe(401);
    expect((await raw('GET', 'Associate/Me', { Authorization: `Bearer ${token}` })).status).toBe(401);
    await signInAs(theirs, { ...forgetful, password: 'brand-new-secret' });
    await part(kari, 'Recent sign-ins').getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => (await signInRows(kari))[0]?.slice(1, 3), { timeout: 5000 }).toEqual(['Signed in', 'Sign-in page']);
    expect((await signInRows(kari)).find((row) => row[1] === 'Password changed')?.[2]).toBe('A manager, in the console');
    expect(pageErrors(kari)).toEqual([]);
  });

  it('of the manager’s own ends their own sign-in too, and says so first', async () => {
    const manager = await newAgent('selfchanger', 'Selma Selfchanger');
    await server.asAgent(AGENTS.kari, 'POST', 'ChatTopic/1/UserAgent', { User: { AssociateId: manager.id }, CanListen: true, CanRespond: true, CanManage: true, CanNotify: false });
    const page = await agentPage(manager);
    await openAccess(page);
    await choose(page, 'Selma Selfchanger');
    const form = part(page, 'Set a new password');
    await form.getByText('This is your own password').waitFor();
    await form.getByLabel('New password', { exact: true }).fill('my-own-new-secret');
    await form.getByLabel('New password again').fill('my-own-new-secret');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByRole('status').getByText('Your password is changed. Every sign-in of yours has ended, this one too: sign in again with the new password.').waitFor();
    // The console hears its sign-in has ended, and goes to the sign-in page by itself.
    await signedOut(page);
    expect((await raw('GET', 'Associate/Me', basic(manager))).status).toBe(401);
    await signInAs(page, { ...manager, password: 'my-own-new-secret' });
  });
});

describe('removing an agent', () => {
  it('asks first, then the agent leaves the list and is signed out, and the console says so', async () => {
    const leaver = await newAgent('leaver', 'Leo Leaver');
    const theirs = await agentPage(leaver);
    const kari = await agentPage(AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Leo Leaver');
    const remove = part(kari, 'Remove agent');
    await remove.getByRole('button', { name: 'Remove Leo Leaver…' }).click();
    await remove.getByRole('button', { name: 'Keep Leo Leaver' }).click();
    expect((await raw('GET', 'Associate/Me', basic(leaver))).status).toBe(200);

    await remove.getByRole('button', { name: 'Remove Leo Leaver…' }).click();
    await remove.getByRole('button', { name: 'Remove Leo Leaver', exact: true }).click();
    await section(kari).getByRole('status').getByText('Leo Leaver was removed from the console').first().waitFor();
    await expect.poll(() => agentButton(kari, 'Leo Leaver').count()).toBe(0);
    // The console's own status line says it too.
    await kari.locator('chat-console p.status').getByText('Leo Leaver was removed from the console').waitFor();
    const listed = await server.asAgent<{ UserName: string }[]>(AGENTS.kari, 'GET', 'Associate');
    expect(listed.map((agent) => agent.UserName)).not.toContain('leaver');

    await signedOut(theirs);
    expect((await raw('GET', 'Associate/Me', basic(leaver))).status).toBe(401);
    expect(pageErrors(kari)).toEqual([]);
  });

  it('is not offered for the manager themselves, whom the server refuses too', async () => {
    const kari = await agentPage(AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Kari Nordmann');
    const remove = part(kari, 'Remove agent');
    const button = remove.getByRole('button', { name: 'Remove Kari Nordmann…' });
    expect(await button.isDisabled()).toBe(true);
    await remove.getByText('You cannot remove yourself: another manager can.').waitFor();
    const me = await server.asAgent<{ AssociateId: number }>(AGENTS.kari, 'GET', 'Associate/Me');
    expect((await raw('DELETE', `Associate/${me.AssociateId}`, basic(AGENTS.kari))).status).toBe(403);
  });

  it('shows the server’s words when it refuses, next to what was tried, and takes an agent someone else removed as gone', async () => {
    const ghost = await newAgent('ghost', 'Gus Ghost');
    const kari = await agentPage(AGENTS.kari);
    await openAccess(kari);
    await choose(kari, 'Gus Ghost');
    // Ola removes Gus meanwhile: what Kari tries next is refused, in the server's words.
    await server.asAgent(AGENTS.ola, 'DELETE', `Associate/${ghost.id}`);
    const refused = await raw('PUT', `Associate/${ghost.id}/Password`, basic(AGENTS.ola), { Password: 'whatever-it-is' });
    expect(refused.status).toBe(404);
    const form = part(kari, 'Set a new password');
    await form.getByLabel('New password', { exact: true }).fill('whatever-it-is');
    await form.getByLabel('New password again').fill('whatever-it-is');
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByRole('alert').getByText(`The password was not changed: ${refused.body!.ErrorMessage}`).waitFor();

    const remove = part(kari, 'Remove agent');
    await remove.getByRole('button', { name: 'Remove Gus Ghost…' }).click();
    await remove.getByRole('button', { name: 'Remove Gus Ghost', exact: true }).click();
    await section(kari).getByText('Gus Ghost was removed already.').first().waitFor();
    await expect.poll(() => agentButton(kari, 'Gus Ghost').count()).toBe(0);
  });
});

describe('accessibility', () => {
  it('has nothing axe finds in Access, with sign-ins, tokens, a question and a field’s error shown, light and dark', async () => {
    const shown = await newAgent('axe', 'Axel Axe');
    createToken(shown);
    await raw('POST', 'Authentication/Login', {}, { UserName: shown.userName, Password: 'wrong' });
    await raw('GET', 'Associate/Me', basic(shown));
    for (const scheme of ['light', 'dark'] as const) {
      const page = await agentPage(AGENTS.kari, scheme);
      await openAccess(page);
      await choose(page, 'Axel Axe');
      await part(page, 'Recent sign-ins').locator('tbody tr').first().waitFor();
      await part(page, 'Bearer tokens').getByRole('row', { name: /Token 1/ }).waitFor();
      expect(await axeViolations(page), `access, ${scheme}`).toEqual([]);
      await part(page, 'Bearer tokens').getByRole('button', { name: 'Revoke all tokens' }).click();
      await part(page, 'Remove agent').getByRole('button', { name: 'Remove Axel Axe…' }).click();
      const form = part(page, 'Set a new password');
      await form.getByLabel('New password', { exact: true }).fill('short');
      await form.getByRole('button', { name: 'Set password' }).click();
      await form.getByText('Use at least 8 characters').waitFor();
      expect(await axeViolations(page), `access with questions and an error, ${scheme}`).toEqual([]);
      await choose(page, 'Kari Nordmann');
      expect(await axeViolations(page), `access of oneself, ${scheme}`).toEqual([]);
    }
  });

  it('works by keyboard alone: choose an agent, set their password, remove them', async () => {
    const keyed = await newAgent('keyed', 'Kim Keyed');
    const page = await agentPage(AGENTS.kari);
    const press = (key: string) => page.keyboard.press(key);
    await tabTo(page, 'Manage');
    await press('Enter');
    await tabTo(page, 'Access');
    await press('Enter');
    await page.getByRole('heading', { name: 'Access', exact: true }).waitFor();
    // Into the list of agents, then down it with the arrow keys to Kim.
    await tabTo(page, 'Kari Nordmann (you)');
    for (let step = 0; step < 20 && !(await focusedName(page)).startsWith('Kim Keyed'); step++) await press('ArrowDown');
    expect(await focusedName(page)).toMatch(/^Kim Keyed/);
    await press('Enter');
    await section(page).getByRole('heading', { name: 'Kim Keyed', level: 4 }).waitFor();

    await tabTo(page, 'New password');
    await page.keyboard.type('keyboard-secret');
    await press('Tab');
    await page.keyboard.type('keyboard-secret');
    await press('Enter');
    await part(page, 'Set a new password').getByRole('status').getByText('Kim Keyed’s password is changed').waitFor();
    expect((await raw('GET', 'Associate/Me', basic(keyed, 'keyboard-secret'))).status).toBe(200);

    await tabTo(page, 'Remove Kim Keyed…');
    await press('Enter');
    // The question starts on its safe answer; Esc answers it and goes back.
    await expect.poll(() => focusedName(page)).toBe('Keep Kim Keyed');
    await press('Escape');
    await expect.poll(() => focusedName(page)).toBe('Remove Kim Keyed…');
    await press('Enter');
    await press('Tab');
    expect(await focusedName(page)).toBe('Remove Kim Keyed');
    await press('Enter');
    await section(page).getByRole('status').getByText('Kim Keyed was removed from the console').first().waitFor();
    // The cursor is on the agent now shown, in the list.
    await expect.poll(() => focusedName(page)).toMatch(/^(Kari Nordmann|Ola Hansen)/);
    expect((await raw('GET', 'Associate/Me', basic(keyed, 'keyboard-secret'))).status).toBe(401);
  });
});
