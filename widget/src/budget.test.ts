/**
 * The widget's weight is a feature. What a visitor's browser fetches before they open the chat,
 * the widget's module with Lit, the form and English included plus at most one language module,
 * must stay within 15 kB gzip. The conversation loads when the chat opens (or a kept chat
 * resumes): with it and its words a chat, in the largest language, stays within 25 kB. That was
 * 22 kB before the chat had what comes around it; the conversation now also carries the queue's
 * offer to leave a message, reopening a chat that ended, the lines of an idle or reopened chat,
 * and its words file holds the words of the forms around a chat (the build makes one words file
 * per language and folder, and they are a few hundred bytes in each language), so 3 kB more.
 * The forms themselves (the offline form, "leave a message", the post-chat form and the
 * transcript) are a module of their own, chat-forms.js, loaded after the chat opens and only when
 * one is wanted: a closed topic, the offer taken, a chat that goes on to its end. With it the
 * whole widget stays within 29 kB.
 * Runs in vitest after `npm run build` (npm test builds first).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BEFORE_OPEN_BYTES = 15_000;
const CHAT_BYTES = 25_000;
const WHOLE_BYTES = 29_000;
/** The build to weigh: npm run build's, or another folder (CHAT_WIDGET_DIST), so as not to build over the one being served. */
const dist = process.env.CHAT_WIDGET_DIST ? pathToFileURL(`${process.env.CHAT_WIDGET_DIST.replace(/\/?$/, '/')}`) : new URL('../../dist/public/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, dist), 'utf8');
const gzipSize = (path: string) => gzipSync(readFileSync(new URL(path, dist)), { level: 9 }).byteLength;

/** Each language with the gzip size of its words before the chat opens, and of the conversation's. */
function languages(): { lang: string; form: number; conversation: number }[] {
  const modules = (folder: string) => readdirSync(new URL(folder, dist)).filter((file) => file.endsWith('.js'));
  expect(modules('locales/').sort()).toEqual(['ar.js', 'de.js', 'nb.js']);
  expect(modules('locales/conversation/').sort()).toEqual(['ar.js', 'de.js', 'nb.js']);
  return modules('locales/').map((file) => ({
    lang: file.slice(0, -3),
    form: gzipSize(`locales/${file}`),
    conversation: gzipSize(`locales/conversation/${file}`),
  }));
}

/** What a module imports: its static `import … from "…"` and its dynamic `import(…)`, as written. */
function importsOf(source: string) {
  return {
    static: [...source.matchAll(/\bimport\s*(?:[\w${},\s*]+?\s*from\s*)?["'`]([^"'`]+)["'`]/g)].map((match) => match[1]),
    dynamic: [...source.matchAll(/\bimport\(([^)]*)\)/g)].map((match) => match[1]),
  };
}

describe('the widget bundle', () => {
  it(`is at most ${BEFORE_OPEN_BYTES / 1000} kB gzip before the chat opens, with its largest language`, () => {
    const entry = gzipSize('chat-widget.js');
    const largest = languages().reduce((a, b) => (b.form > a.form ? b : a));
    expect(entry + largest.form, `chat-widget.js is ${entry} bytes gzip, locales/${largest.lang}.js ${largest.form}`).toBeLessThanOrEqual(
      BEFORE_OPEN_BYTES,
    );
  });

  it(`is at most ${CHAT_BYTES / 1000} kB gzip with the conversation, in its largest language`, () => {
    const entry = gzipSize('chat-widget.js');
    const conversation = gzipSize('chat-conversation.js');
    const largest = languages().reduce((a, b) => (b.form + b.conversation > a.form + a.conversation ? b : a));
    const total = entry + conversation + largest.form + largest.conversation;
    expect(
      total,
      `chat-widget.js ${entry}, chat-conversation.js ${conversation}, locales/${largest.lang}.js ${largest.form}, locales/conversation/${largest.lang}.js ${largest.conversation} bytes gzip`,
    ).toBeLessThanOrEqual(CHAT_BYTES);
  });

  it(`is at most ${WHOLE_BYTES / 1000} kB gzip whole, the forms around a chat included, in its largest language`, () => {
    const modules = ['chat-widget.js', 'chat-conversation.js', 'chat-forms.js'].map((file) => [file, gzipSize(file)] as const);
    const largest = languages().reduce((a, b) => (b.form + b.conversation > a.form + a.conversation ? b : a));
    const total = modules.reduce((sum, [, size]) => sum + size, 0) + largest.form + largest.conversation;
    expect(
      total,
      `${modules.map(([file, size]) => `${file} ${size}`).join(', ')}, locales/${largest.lang}.js ${largest.form}, locales/conversation/${largest.lang}.js ${largest.conversation} bytes gzip`,
    ).toBeLessThanOrEqual(WHOLE_BYTES);
  });

  it('loads nothing before the chat opens but a language; then the conversation, which takes the rest from the widget, and the forms only from it', () => {
    const entry = importsOf(read('chat-widget.js'));
    expect(entry.static).toEqual([]);
    // The conversation's chunk by its stable name (for the chat that opens, and for a kept one), and a language beside the script, by URL.
    expect([...new Set(entry.dynamic)].sort()).toEqual(['`./chat-conversation.js`', expect.stringMatching(/^new URL\(`locales\/\$\{[\w$]+\}\.js`,[\w$]+$/)]);

    const conversation = importsOf(read('chat-conversation.js'));
    expect(conversation.static).toEqual(['./chat-widget.js']);
    expect(conversation.dynamic).toEqual(['`./chat-forms.js`']);

    // The forms take Lit and the helpers from the widget's module, the session's calls from the conversation's: both loaded by then.
    const forms = importsOf(read('chat-forms.js'));
    expect(forms.static.sort()).toEqual(['./chat-conversation.js', './chat-widget.js']);
    expect(forms.dynamic).toEqual([]);

    for (const lang of languages()) {
      for (const file of [`locales/${lang.lang}.js`, `locales/conversation/${lang.lang}.js`]) expect(read(file), file).not.toMatch(/\bimport\b/);
    }
    expect(readdirSync(dist).filter((file) => file.endsWith('.js')).sort()).toEqual(['chat-conversation.js', 'chat-forms.js', 'chat-widget.js']);
  });
});
