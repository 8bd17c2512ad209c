/**
 * Several server processes on one PostgreSQL database behind a real nginx, run with the
 * README's configuration (deploy/nginx.conf): a visitor in the widget and an agent hold a
 * conversation while the process holding the visitor's stream is killed, and PostgreSQL is
 * killed and started again under load. Nothing acknowledged is lost or shown twice. The
 * database server is this test's own, since it is stopped in the middle.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../server/src/testing/postgres.ts';
import { startServer, type ServerProcess } from '../server/src/testing/server-process.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const agentAuth = `Basic ${Buffer.from('ola:ola-secret-1').toString('base64')}`;

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
let postgres: ThrowawayPostgres;
let databaseUrl: string;
let servers: ServerProcess[] = [];
let nginx: ChildProcess;
let base: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-cluster-'));
  postgres = startThrowawayPostgres();
  databaseUrl = await createDatabase(postgres.url, 'chatline');

  const env = { CHAT_DB: databaseUrl, CHAT_RATE_LIMIT: '0', CHAT_TRUST_PROXY: '1', CHAT_ADMIN_USER: 'ola', CHAT_ADMIN_PASSWORD: 'ola-secret-1' };
  // The first makes the schema and the agent; the others find them.
  servers.push(await startServer(env));
  servers.push(...(await Promise.all([startServer(env), startServer(env)])));

  // The README's nginx configuration, with these processes' ports and one of its own.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const site = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8')
    .replace(/^\s*server 127\.0\.0\.1:300\d.*\n/gm, '')
    .replace(/upstream chatline \{\n/, `upstream chatline {\n${servers.map((s) => `  server ${new URL(s.url).host} max_fails=1 fail_timeout=10s;\n`).join('')}`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  expect(site).toContain('proxy_buffering off;');
  writeFileSync(join(dir, 'chatline.conf'), site);
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/chatline.conf;
}
`,
  );
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) throw new Error('The cluster test needs nginx: on Debian, apt-get install nginx (.ci/run installs it).');
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let nginxOutput = '';
  nginx.stderr!.on('data', (chunk) => (nginxOutput += chunk));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/v1/ChatTopic/1/Widget`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`nginx did not start:\n${nginxOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  nginx?.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.stop()));
  postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T = unknown>(method: string, path: string, body?: unknown, url = base): Promise<T> {
  const response = await fetch(`${url}/api/v1/${path}`, {
    method,
    headers: { Authorization: agentAuth, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** The texts the widget's conversation shows, in order. */
const shown = (page: Page) => page.getByRole('log').getByRole('listitem').allInnerTexts();

let page: Page;
let sessionId: number;

describe('several server processes behind nginx', () => {
  it('numbers a new topic’s queue 1..900 exactly when the three processes take 300 creates each at once', async () => {
    const topic = await api<{ ChatTopicId: number }>('POST', 'ChatTopic', { Name: 'Cargo bikes' });
    const create = (server: ServerProcess, i: number) =>
      fetch(`${server.url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Forwarded-For': `198.51.100.${i % 200}` },
        body: JSON.stringify({ TopicId: topic.ChatTopicId, CustomerAlias: `rush ${i}`, CustomerConsented: true }),
      });
    const answers = await Promise.all(servers.flatMap((server, n) => Array.from({ length: 300 }, (_, i) => create(server, n * 300 + i))));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
    const positions = (await Promise.all(answers.map((answer) => answer.json() as Promise<{ InitialQueuePos: number }>))).map((entity) => entity.InitialQueuePos);
    expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
  }, 60_000);

  it('keeps a conversation going when the process holding the visitor’s stream is killed, nothing lost or shown twice', async () => {
    page = await browser.newPage();
    await page.goto(base);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Display name').fill('Per');
    await page.getByLabel('Your question').fill('Is the Havn Cargo in stock?');
    await page.getByLabel(/I agree/).check();
    await page.getByRole('button', { name: 'Start chat' }).click();
    const log = page.getByRole('log');
    await log.getByText('Is the Havn Cargo in stock?').waitFor({ timeout: 10_000 });

    const waiting = await api<{ value: { ChatSessionId: number; CustomerAlias: string }[] }>('GET', "ChatSession?$filter=TopicId eq 1 and Status eq 'InQueue'");
    sessionId = waiting.value.find((session) => session.CustomerAlias === 'Per')!.ChatSessionId;
    await api('POST', `ChatSession/${sessionId}/Pickup`);
    await page.getByRole('status').filter({ hasText: /chatting with ola/ }).waitFor();
    await api('POST', `ChatSession/${sessionId}/Messages`, { Message: 'Yes, two in blue.' });
    await log.getByText('Yes, two in blue.').waitFor();

    // The process whose log says it opened the visitor's stream last is killed outright.
    const streamPath = `/api/v1/ChatSession/${sessionId}/Events`;
    const opened = (server: ServerProcess) =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes(`"path":"${streamPath}"`) && line.includes('"status":200'))
        .map((line) => Date.parse(JSON.parse(line).time as string))
        .at(-1) ?? 0;
    const holder = servers.reduce((found, server) => (opened(server) > opened(found) ? server : found));
    expect(opened(holder), 'a process that opened the stream').toBeGreaterThan(0);
    holder!.child.kill('SIGKILL');
    await new Promise((resolve) => holder!.child.once('exit', resolve));

    // The agent goes on through the balancer; the widget reconnects to another process.
    await api('POST', `ChatSession/${sessionId}/Messages`, { Message: 'Shall I keep one for you?' });
    await log.getByText('Shall I keep one for you?').waitFor({ timeout: 15_000 });
    const composer = page.getByLabel('Your message');
    await composer.fill('Yes please, I will come by tomorrow.');
    await composer.press('Enter');
    await expect
      .poll(async () => (await api<{ Message: string }[]>('GET', `ChatSession/${sessionId}/Messages`)).map((m) => m.Message), { timeout: 15_000 })
      .toContain('Yes please, I will come by tomorrow.');
    await api('POST', `ChatSession/${sessionId}/Messages`, { Message: 'Done, see you then.' });
    await log.getByText('Done, see you then.').waitFor({ timeout: 15_000 });

    const stored = (await api<{ Message: string }[]>('GET', `ChatSession/${sessionId}/Messages`)).map((m) => m.Message);
    const said = ['Yes, two in blue.', 'Shall I keep one for you?', 'Yes please, I will come by tomorrow.', 'Done, see you then.'];
    for (const text of said) expect(stored.filter((message) => message === text), text).toHaveLength(1);
    // The widget shows the question (the session's first message) and each message, once.
    const items = await shown(page);
    for (const text of ['Is the Havn Cargo in stock?', ...said]) expect(items.filter((item) => item.includes(text)), text).toHaveLength(1);
  }, 90_000);

  it('loses no acknowledged session or message when PostgreSQL is killed under load, and recovers without a restart', async () => {
    const alive = servers.filter((server) => server.child.exitCode === null && server.child.signalCode === null);
    expect(alive.length).toBeGreaterThanOrEqual(2);
    const acknowledged = new Map<number, Set<string>>();
    let refused = 0;
    let stop = false;

    /** Sends until it is answered 200, with the same Idempotency-Key every time, as the widget does. */
    async function untilAnswered(path: string, body: unknown, key: string, headers: Record<string, string> = {}) {
      for (;;) {
        const response = await fetch(`${base}/api/v1/${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key, ...headers },
          body: JSON.stringify(body),
        }).catch(() => null);
        if (response?.ok) return response.json();
        // The database is away: 503 with Retry-After, in the error shape; never a 500, nor a
        // 502 from nginx for a process that went down with it.
        if (response) {
          const text = await response.text();
          expect(response.status, text).toBe(503);
          expect(response.headers.get('retry-after')).toBe('1');
          expect(JSON.parse(text)).toMatchObject({ Error: true, ErrorType: 'SoServiceUnavailableException' });
        }
        refused++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    async function visitor(n: number) {
      for (let i = 0; !stop; i++) {
        const session = await untilAnswered('ChatSession', { TopicId: 1, CustomerAlias: `load ${n}.${i}`, CustomerConsented: true }, `create-${n}-${i}`);
        const texts = new Set<string>();
        acknowledged.set(session.ChatSessionId, texts);
        for (let m = 0; m < 3; m++) {
          const text = `message ${n}.${i}.${m}`;
          await untilAnswered(`ChatSession/${session.ChatSessionId}/Messages`, { Message: text }, `message-${n}-${i}-${m}`, { 'X-Chat-Session-Key': session.SessionKey });
          texts.add(text);
        }
      }
    }

    const load = Promise.all(Array.from({ length: 8 }, (_, n) => visitor(n)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A crash of the database: no shutdown, recovery from its log at the next start.
    postgres.crash();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    postgres.restart();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stop = true;
    await load;

    expect(refused, 'requests refused while the database was down').toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(8);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const sessions = await client.query<{ id: number }>('SELECT id FROM chat_session WHERE id = ANY($1::integer[])', [[...acknowledged.keys()]]);
      expect(sessions.rows).toHaveLength(acknowledged.size);
      const messages = await client.query<{ session_id: number; message: string }>('SELECT session_id, message FROM chat_message WHERE session_id = ANY($1::integer[])', [[...acknowledged.keys()]]);
      const stored = new Map<number, string[]>();
      for (const row of messages.rows) stored.set(row.session_id, [...(stored.get(row.session_id) ?? []), row.message]);
      for (const [id, texts] of acknowledged) {
        const kept = (stored.get(id) ?? []).filter((text) => text.startsWith('message '));
        // Every acknowledged message is there, and none twice (a send retried after a lost answer is stored once).
        for (const text of texts) expect(kept.filter((message) => message === text), `${text} in ${id}`).toHaveLength(1);
        expect(new Set(kept).size).toBe(kept.length);
      }
    } finally {
      await client.end();
    }

    // Every process answers again, and the visitor's widget still hears the agent.
    for (const server of alive) expect((await fetch(`${server.url}/api/v1/ChatSession`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ TopicId: 1, CustomerAlias: 'after', CustomerConsented: true }) })).status).toBe(200);
    await api('POST', `ChatSession/${sessionId}/Messages`, { Message: 'Still here after the database came back.' });
    await page.getByRole('log').getByText('Still here after the database came back.').waitFor({ timeout: 15_000 });
    expect((await shown(page)).filter((item) => item.includes('Yes, two in blue.'))).toHaveLength(1);
  }, 90_000);
});
