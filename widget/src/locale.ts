/**
 * Which language the widget speaks, and its words. English is bundled; every other language is
 * a file in locales/, built to its own small module beside the widget's script
 * (`locales/de.js`), that the widget loads only when a page needs it.
 */
import en from './locales/en.ts';

/** Where the widget's own script lives: its languages lie beside it, whatever the page's origin. */
const here = import.meta.url;

export type Messages = typeof en;

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
      return [lang, (await import(/* @vite-ignore */ new URL(`locales/${lang}.js`, here).href)).default];
    } catch {
      // no such language: the next one asked for
    }
  }
  return ['en', en];
}
