/**
 * What the console's browser tests stand on: the real server as a child process on a database
 * file of its own, agents made by the admin command, visitors who talk to the API as the
 * widget does, and headless Chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../demo/chromium.ts';
import { freshDatabase, type TestDatabase } from '../../../server/src/testing/postgres.ts';
import { runAdmin, startServer, type ServerProcess } from '../../../server/src/testing/server-process.ts';
import { testStoreKind } from '../../../server/src/testing/test-app.ts';

export const AGENTS = {
  kari: { userName: 'kari', fullName: 'Kari Nordmann', password: 'kari-secret-1' },
  ola: { userName: 'ola', fullName: 'Ola Hansen', password: 'ola-secret-12' },
} as const;

export type Agent = (typeof AGENTS)[keyof typeof AGENTS];

/**
 * A server on a fresh database with the two agents, both with every right in the default
 * topic: a SQLite file, or with CHAT_TEST_STORE=postgres a PostgreSQL database.
 */
export class ConsoleServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'chatline-console-'));
  db = join(this.dir, 'chat.db');
  private database: TestDatabase | null = null;
  server!: ServerProcess;
  port = 0;

  async start(): Promise<void> {
    if (testStoreKind === 'postgres') {
      this.database = await freshDatabase();
      this.db = this.database.url;
    }
    for (const agent of Object.values(AGENTS)) {
      const made = runAdmin(['add-agent', agent.userName, '--full-name', agent.fullName], { CHAT_DB: this.db, CHAT_PASSWORD: agent.password });
      if (made.status !== 0) throw new Error(made.stderr);
    }
    await this.restart();
  }

  /** Starts the server (again) on the same database and, after the first start, the same port. */
  async restart(): Promise<void> {
    this.server = await startServer({ CHAT_DB: this.db, PORT: String(this.port), CHAT_RATE_LIMIT: '0' });
    this.port = Number(new URL(this.server.url).port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.database?.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Calls the API as an agent, with Basic credentials. */
  async asAgent<T>(agent: Agent, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${agent.userName}:${agent.password}`).toString('base64')}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  /** A visitor asks for a chat, as the widget does. */
  async visitor(fields: Record<string, unknown>): Promise<Visitor> {
    const response = await fetch(`${this.url}/api/v1/ChatSession`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ TopicId: 1, CustomerConsented: true, ...fields }),
    });
    if (!response.ok) throw new Error(`create: ${response.status} ${await response.text()}`);
    const created = (await response.json()) as { ChatSessionId: number; SessionKey: string };
    return new Visitor(this, created.ChatSessionId, created.SessionKey);
  }
}

/** A visitor's side of a chat, through the API with the session key. */
export class Visitor {
  constructor(
    private readonly server: ConsoleServer,
    readonly id: number,
    readonly key: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.server.url}/api/v1/ChatSession/${this.id}${path}`, {
      method,
      headers: { 'X-Chat-Session-Key': this.key, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  say(text: string) {
    return this.call<{ ChatMessageId: number }>('POST', '/Messages', { Message: text });
  }

  typing(typing = true) {
    return this.call('POST', '/Typing', { Typing: typing });
  }

  messages() {
    return this.call<{ ChatMessageId: number; Type: string; Message: string; Author: string; SpecialType: string }[]>('GET', '/Messages');
  }

  /** The visitor has seen the agent's messages up to this one. */
  read(messageId: number) {
    return this.call('POST', '/Read', { ChatMessageId: messageId });
  }

  session() {
    return this.call<{ Status: string; User: { FullName: string } | null; TransferTo: unknown }>('GET', '');
  }

  /** The visitor leaves a message instead of waiting on in the queue. */
  leaveMessage(fields: Record<string, unknown>) {
    return this.call<{ Status: string }>('POST', '/LeaveMessage', fields);
  }

  /** The visitor rates the chat once it has ended, 1 to 5, with a comment or none. */
  rate(rating: number, comment?: string) {
    return this.call<{ Rating: number }>('POST', '/Rating', { Rating: rating, ...(comment === undefined ? {} : { Comment: comment }) });
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** A page of the console in a context of its own (its own cookies), light or dark, in the browser's language and time zone of the test's choosing. */
export async function openConsole(
  browser: Browser,
  server: ConsoleServer,
  colorScheme: 'light' | 'dark' = 'light',
  { locale, timezoneId }: { locale?: string; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme, locale, timezoneId });
  // A step that fails says which, well before the test's own time is up.
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) errors.push(message.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${server.url}/console/`);
  return { context, page };
}

export async function signIn(page: Page, agent: Agent): Promise<void> {
  await page.getByLabel('User name').fill(agent.userName);
  await page.getByLabel('Password').fill(agent.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${agent.fullName}`).waitFor();
}

/** What the page reported as errors: uncaught exceptions and CSP refusals. */
export const pageErrors = (page: Page): string[] => (page as Page & { errors: string[] }).errors;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Run by the DevTools protocol, which the page's CSP does not cover: a script tag would be refused.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context?: unknown, options?: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations.map((violation) => `${violation.id}: ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
}
