/**
 * Takes the README's screenshots of the demo in headless Chromium:
 * `npm start` in one terminal, then `npm run screenshots` (CHAT_URL to point elsewhere).
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const url = process.env.CHAT_URL ?? 'http://127.0.0.1:3000/';
const out = new URL('./screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(url);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByLabel('Display name').fill('Kari');
  await page.getByLabel('Email').fill('kari@example');
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.screenshot({ path: new URL('widget-errors.png', out).pathname });
  await page.getByLabel('Email').fill('kari@example.com');
  await page.getByLabel(/I agree/).check();
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByText(/in the queue/).waitFor();
  await page.screenshot({ path: new URL('widget-queued.png', out).pathname });
  await page.reload();
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.screenshot({ path: new URL('widget-open.png', out).pathname });
} finally {
  await browser.close();
}
