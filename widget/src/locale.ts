/**
 * Which language the widget speaks, and its words. English is bundled; every other language is
 * a file in locales/, built to its own small module beside the widget's script
 * (`locales/de.js`), that the widget loads only when a page needs it. The conversation's words
 * are apart (`locales/conversation/de.js`), loaded with the conversation when the chat opens.
 */
import en from './locales/en.ts';

/** Where the widget's own script lives: its languages lie beside it, whatever the page's origin. */
const here = import.meta.url;

export type Messages = typeof en;
export type ConversationMessages = typeof import('./locales/conversation/en.ts').default;

/** The words of a language module beside the widget's script: `de` → locales/de.js, `conversation/de` → locales/conversation/de.js. */
export const importWords = async <T = Messages>(path: string): Promise<T> =>
  (await import(/* @vite-ignore */ new URL(`locales/${path}.js`, here).href)).default;

/** Norwegian with no written standard named is read as Bokmål, as Norwegian browsers mean it. */
const aliases: Record<string, string> = { no: 'nb', nn: 'nb' };

/** The primary language of a tag (`nb-NO` → `nb`), or '' when the tag names none. */
export function primaryLanguage(tag: string | null | undefined): string {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0]!;
  return /^[a-z]{2,3}$/.test(base) ? (aliases[base] ?? base) : '';
}

/** The first language of `tags` the widget has words for, and those words; English otherwise. */
export async function loadMessages(tags: readonly (string | null | undefined)[]): Promise<[string, Messages]> {
  for (const tag of tags) {
    const lang = primaryLanguage(tag);
    if (lang === 'en') break;
    if (!lang) continue;
    try {
      return [lang, await importWords(lang)];
    } catch {
      // no such language: the next one asked for
    }
  }
  return ['en', en];
}
