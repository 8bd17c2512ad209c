/**
 * End to end: the server started as `npm start` starts it, the demo page in headless Chromium,
 * a visitor who requests a chat, and the row in the SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

async function waitForOutput(text: string, timeout = 15_000): Promise<void> {
  const start = Date.now();
  while (!output.includes(text)) {
    if (Date.now() - start > timeout) throw new Error(`"${text}" did not appear in the server's output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

let dir: string;
let dbPath: string;
let baseUrl: string;
let server: ChildProcess;
let exited: Promise<void>;
let output = '';
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-e2e-'));
  dbPath = join(dir, 'chat.db');
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: '', PORT: String(port), CHAT_DB: dbPath, CHAT_ADMIN_USER: 'ola', CHAT_ADMIN_PASSWORD: 'ola-secret-1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  exited = new Promise((resolve) => server.once('exit', () => resolve()));
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 50_000);
    server.stdout!.on('data', () => {
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo site', () => {
  it('lets a visitor request a chat and see their place in the queue', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(baseUrl);
    await expect(page.title()).resolves.toContain('Nordhavn Cycles');

    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect(page.getByRole('dialog', { name: 'Chat with us' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Display name').fill('Kari');
    await page.getByLabel('Full name').fill('Kari Nordmann');
    await page.getByLabel('Email').fill('kari@example.com');
    await page.getByLabel('Phone').fill('+47 22 33 44 55');
    await page.getByLabel('Your question').fill('Can you fit a child seat to a Havn Cargo?');
    await page.getByLabel(/I agree/).check();
    await page.getByRole('button', { name: 'Start chat' }).click();

    await page.getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor({ timeout: 10_000 });
    expect(failed).toEqual([]);

    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT * FROM chat_session').all() as Record<string, unknown>[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      topic_id: 1,
      customer_alias: 'Kari',
      customer_name: 'Kari Nordmann',
      customer_email: 'kari@example.com',
      customer_phone: '+47 22 33 44 55',
      customer_consented: 1,
      first_message: 'Can you fit a child seat to a Havn Cargo?',
      customer_host: '127.0.0.1',
      initial_queue_pos: 1,
      status: 4,
    });
    await page.close();
  });

  it('lets the visitor and an agent using the API hold a live conversation, to its end', async () => {
    const agent = { Authorization: `Basic ${Buffer.from('ola:ola-secret-1').toString('base64')}`, 'Content-Type': 'application/json' };
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}/api/v1/${path}`, { method, headers: agent, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(response.status, `${method} ${path}`).toBeLessThan(300);
      return response.status === 204 ? null : response.json();
    };
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Display name').fill('Per');
    await page.getByLabel('Your question').fill('Is the Havn Cargo in stock?');
    await page.getByLabel(/I agree/).check();
    await page.getByRole('button', { name: 'Start chat' }).click();
    const log = page.getByRole('log');
    await log.getByText('Is the Havn Cargo in stock?').waitFor({ timeout: 10_000 });

    // The agent takes the chat that has waited longest: the visitor sees who answers.
    const waiting = (await api('GET', 'ChatSession?$filter=Status eq \'InQueue\'')) as { value: { ChatSessionId: number; CustomerAlias: string }[] };
    const id = waiting.value.find((session) => session.CustomerAlias === 'Per')!.ChatSessionId;
    await api('POST', `ChatSession/${id}/Pickup`);
    await page.getByRole('status').filter({ hasText: /chatting with ola/ }).waitFor();
    await api('POST', `ChatSession/${id}/Typing`, { Typing: true });
    await page.getByText(/is typing/).waitFor();
    await api('POST', `ChatSession/${id}/Messages`, { Message: 'Yes, two in blue. Want one kept for you?' });
    await log.getByText('Yes, two in blue. Want one kept for you?').waitFor();

    // The visitor answers from the keyboard; the agent reads it.
    const composer = page.getByLabel('Your message');
    await composer.fill('Yes please, I will come by tomorrow.');
    await composer.press('Enter');
    await log.getByText('Yes please, I will come by tomorrow.').waitFor();
    await expect
      .poll(async () => ((await api('GET', `ChatSession/${id}/Messages`)) as { Message: string; Type: string }[]).map((m) => `${m.Type}: ${m.Message}`))
      .toContain('ToUser: Yes please, I will come by tomorrow.');

    // The agent ends it: the visitor sees that it ended, and the transcript has it all, once.
    await api('POST', `ChatSession/${id}/End`);
    await page.getByRole('status').filter({ hasText: 'This chat has ended.' }).waitFor();
    // The visitor may still reopen it by writing again, for a while, and is told so.
    await page.getByText('Write again to reopen this chat.').waitFor();
    await expect(composer.isDisabled()).resolves.toBe(false);
    const transcript = (await api('POST', `ChatSession/${id}/Transcript`)) as string;
    for (const text of ['Is the Havn Cargo in stock?', 'Yes, two in blue.', 'Yes please, I will come by tomorrow.']) {
      expect(transcript.split(text)).toHaveLength(2);
    }
    expect(await log.getByText('Yes please, I will come by tomorrow.').count()).toBe(1);
    await page.close();
  });

  it('lets the visitor on the demo page and the agent in the console hold a conversation, both sides seeing it all once', async () => {
    const visitorContext = await browser.newContext();
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitor = await visitorContext.newPage();
    const agent = await agentContext.newPage();

    // The agent made by CHAT_ADMIN_USER signs in at /console/, as the README says.
    await agent.goto(`${baseUrl}/console`);
    expect(new URL(agent.url()).pathname).toBe('/console/');
    await agent.getByLabel('User name').fill('ola');
    await agent.getByLabel('Password').fill('ola-secret-1');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByText('Signed in as ola').waitFor();

    await visitor.goto(baseUrl);
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await visitor.getByLabel('Display name').fill('Ingrid');
    await visitor.getByLabel('Email').fill('ingrid@example.com');
    await visitor.getByLabel('Your question').fill('Do you rent out cargo bikes?');
    await visitor.getByLabel(/I agree/).check();
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    const visitorLog = visitor.getByRole('log');
    await visitorLog.getByText('Do you rent out cargo bikes?').waitFor({ timeout: 10_000 });

    // The chat shows in the console's queue, and the agent takes it.
    const row = agent.getByRole('list', { name: 'Waiting visitors' }).getByRole('listitem').filter({ hasText: 'Ingrid' });
    await row.getByText('Do you rent out cargo bikes?').waitFor();
    await row.getByRole('button', { name: 'Take the chat with Ingrid' }).click();
    await visitor.getByRole('status').filter({ hasText: /chatting with ola/ }).waitFor();
    expect(await agent.getByRole('complementary', { name: 'Visitor' }).textContent()).toContain('ingrid@example.com');

    const agentLog = agent.getByRole('log');
    const composer = agent.getByRole('textbox', { name: 'Message to Ingrid' });
    await composer.pressSequentially('Hi Ingrid! Yes, by the day or the week.');
    await visitor.getByText(/is typing/).waitFor();
    await composer.press('Enter');
    await visitorLog.getByText('Hi Ingrid! Yes, by the day or the week.').waitFor();

    const visitorComposer = visitor.getByLabel('Your message');
    await visitorComposer.pressSequentially('A week, from Monday, please.');
    await agent.getByText('Ingrid is typing…').waitFor();
    await visitorComposer.press('Enter');
    await agentLog.getByText('A week, from Monday, please.').waitFor();
    // The visitor has the agent's message in view: the agent sees it read.
    await agentLog.getByText('Read', { exact: true }).first().waitFor();

    await agent.getByRole('button', { name: 'End chat' }).click();
    await agent.getByRole('button', { name: 'End it' }).click();
    await visitor.getByRole('status').filter({ hasText: 'This chat has ended.' }).waitFor();
    await agent.getByText('This chat has ended.').waitFor();
    for (const [log, text] of [
      [agentLog, 'Hi Ingrid! Yes, by the day or the week.'],
      [agentLog, 'A week, from Monday, please.'],
      [visitorLog, 'Hi Ingrid! Yes, by the day or the week.'],
      [visitorLog, 'A week, from Monday, please.'],
    ] as const) {
      expect(await log.getByText(text, { exact: true }).count(), text).toBe(1);
    }
    await visitorContext.close();
    await agentContext.close();
  });

  it('serves the widget as JavaScript', async () => {
    const response = await fetch(`${baseUrl}/chat-widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('stops cleanly on SIGTERM and closes the database', async () => {
    // The whole process group, as a terminal's Ctrl+C or a service manager would.
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    // npm returns at once; the server it started finishes its shutdown on its own.
    await waitForOutput('chatline: stopped');
    // Closing the last connection checkpoints the WAL into the database file and removes it.
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });
});
