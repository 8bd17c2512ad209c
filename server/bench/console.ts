/**
 * The console's figures: its weight, how soon an agent has a queue of 1,000 waiting visitors in
 * front of them, and how soon a visitor who asks for a chat shows in that queue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../demo/chromium.ts';
import { createVisitors } from './conversation.ts';

/**
 * The console's JavaScript, gzip: what its page loads to start (the entry and what it imports),
 * and all of it (History and Manage load when first opened).
 */
export function consoleWeight(publicDir: string): { start: number; all: number; files: number } {
  const dir = join(publicDir, 'console');
  const gzipOf = (file: string) => gzipSync(readFileSync(join(dir, 'assets', file)), { level: 9 }).byteLength;
  const files = readdirSync(join(dir, 'assets')).filter((file) => file.endsWith('.js'));
  const entry = /src="\/console\/assets\/([\w-]+\.js)"/.exec(readFileSync(join(dir, 'index.html'), 'utf8'))![1]!;
  // The entry's static imports (`from"./x.js"`), not its dynamic ones (`import("./x.js")`).
  const imports = [...readFileSync(join(dir, 'assets', entry), 'utf8').matchAll(/from\s*"\.\/([\w-]+\.js)"/g)].map((match) => match[1]!);
  return {
    start: [entry, ...new Set(imports)].reduce((sum, file) => sum + gzipOf(file), 0),
    all: files.reduce((sum, file) => sum + gzipOf(file), 0),
    files: files.length,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

/** The queue's rows, through the console's shadow roots; a string, so that tsx adds no helper the page lacks. */
const ROWS = `(document.querySelector('chat-console')?.shadowRoot?.querySelector('console-queue')?.shadowRoot?.querySelectorAll('li.waiting').length ?? 0)`;

async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  // Polled through the DevTools protocol: the console's policy forbids the eval waitForFunction needs.
  while (!(await page.evaluate(expression))) {
    if (Date.now() - start > timeoutMs) {
      const seen = await page.evaluate(`document.querySelector('chat-console')?.shadowRoot?.textContent?.slice(0, 300)`);
      throw new Error(`not true in time: ${expression}\nthe page shows: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * With `waiting` visitors in the queue: the time from navigation to a queue the agent can use
 * (every row shown, "Take next" enabled), median of `loads`; then `samples` visitors ask for a
 * chat one after another, each timed from its POST to its row in the open console.
 */
export async function consoleQueue(url: string, { waiting, loads, samples }: { waiting: number; loads: number; samples: number }) {
  await createVisitors(url, waiting);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Signed in once, as an agent starts the day; each load after is the page opened with the cookie.
    const first = await context.newPage();
    await first.goto(`${url}/console/`);
    await first.getByLabel('User name').fill('bench');
    await first.getByLabel('Password').fill('bench-password');
    await first.getByRole('button', { name: 'Sign in' }).click();
    await first.getByText('Signed in as').waitFor();
    await first.close();
    const interactive: number[] = [];
    let page: Page | null = null;
    for (let i = 0; i < loads; i++) {
      await page?.close();
      page = await context.newPage();
      await page.goto(`${url}/console/`);
      await until(
        page,
        `${ROWS} >= ${waiting} && !(document.querySelector('chat-console').shadowRoot.querySelector('console-queue').shadowRoot.querySelector('.heading button')?.disabled ?? true)`,
      );
      interactive.push((await page.evaluate('performance.now()')) as number);
    }

    // The open console watches its queue: each row that comes is stamped with the wall-clock time it came.
    await page!.evaluate(`(() => {
      const root = document.querySelector('chat-console').shadowRoot.querySelector('console-queue').shadowRoot;
      window.rowsAt = new Map();
      const look = () => {
        for (const row of root.querySelectorAll('li.waiting .name')) {
          const name = row.textContent;
          if (name.startsWith('latency') && !window.rowsAt.has(name)) window.rowsAt.set(name, performance.timeOrigin + performance.now());
        }
      };
      new MutationObserver(look).observe(root, { childList: true, subtree: true, characterData: true });
    })()`);
    if (process.env.CONSOLE_TRACE) await browser.startTracing(page!, { path: process.env.CONSOLE_TRACE, categories: ['devtools.timeline', 'toplevel', 'v8.execute', 'disabled-by-default-devtools.timeline'] });
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const alias = `latency${i}`;
      const sent = performance.timeOrigin + performance.now();
      const response = await fetch(`${url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ TopicId: 1, CustomerAlias: alias, CustomerConsented: true, FirstMessage: 'How soon am I seen?' }),
      });
      if (response.status !== 200) throw new Error(`create answered ${response.status}`);
      await until(page!, `window.rowsAt.has(${JSON.stringify(alias)})`, 10_000);
      latencies.push(((await page!.evaluate(`window.rowsAt.get(${JSON.stringify(alias)})`)) as number) - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (process.env.CONSOLE_TRACE) await browser.stopTracing();
    return { interactiveMs: median(interactive), p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length };
  } finally {
    await browser.close();
  }
}
