/**
 * The transcript of a chat that ended, for the visitor to keep: downloaded as a text file or as
 * a whole web page, or printed. The server writes it (words in the widget's language, times in
 * the visitor's zone) and escapes what people typed; the widget only wraps and hands it over.
 */
import type { SessionAccess } from '../conversation/api.ts';
import { readTranscript } from './api.ts';

export type TranscriptOf = {
  chat: SessionAccess;
  language: string;
  dir: 'ltr' | 'rtl';
  title: string;
};

/** The visitor's own time zone, as the browser has it. */
const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const escapeText = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The server's HTML fragment as a page of its own: a title, the language and direction, and for
 * a file a readable style. The printed page has none: a frame of srcdoc takes the page's Content
 * Security Policy, which may refuse inline styles.
 */
async function transcriptPage({ chat, language, dir, title }: TranscriptOf, styled: boolean): Promise<string> {
  const fragment = await readTranscript(chat, true, language, timeZone());
  const style = styled ? '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#1b1f24}</style>' : '';
  return `<!doctype html><html lang="${language}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeText(title)}</title>${style}</head><body><h1>${escapeText(title)}</h1>${fragment}</body></html>`;
}

/** Saves a file the browser downloads, from memory. */
function save(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has its own copy once it started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads the transcript: `chat-<id>.txt`, or `chat-<id>.html` as a whole page. */
export async function downloadTranscript(of: TranscriptOf, html: boolean): Promise<void> {
  const { chat, language } = of;
  if (html) save(`chat-${chat.id}.html`, 'text/html;charset=utf-8', await transcriptPage(of, true));
  else save(`chat-${chat.id}.txt`, 'text/plain;charset=utf-8', await readTranscript(chat, false, language, timeZone()));
}

/**
 * Prints the transcript from a hidden frame beside the widget, so that the page itself is not
 * what prints. The frame runs no script (sandbox without allow-scripts) and stays until the next
 * print: print() may return before the browser has read the frame.
 */
export async function printTranscript(of: TranscriptOf, beside: ParentNode & Node): Promise<void> {
  const page = await transcriptPage(of, false);
  beside.querySelector('iframe.print')?.remove();
  const frame = document.createElement('iframe');
  frame.className = 'print';
  frame.title = of.title;
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals');
  frame.srcdoc = page;
  await new Promise<void>((resolve) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    beside.appendChild(frame);
  });
  frame.contentWindow?.print();
}
