/**
 * The language of an answer: `SO-Language` over `Accept-Language`, English when neither names
 * one we speak. A language is one file in messages/ with the keys of en.ts.
 */
import { en, type Catalog } from './messages/en.ts';
import { fieldMessagesEn, fieldMessagesNb, type FieldMessages } from '@chatline/shared';
import { nb } from './messages/nb.ts';

export const catalogs = { en, nb } satisfies Record<string, Catalog>;
export type Language = keyof typeof catalogs;
export type MessageKey = keyof Catalog;

/** The shared field rules' messages, per language. */
export const fieldCatalogs: Record<Language, FieldMessages> = { en: fieldMessagesEn, nb: fieldMessagesNb };

/** A message not yet put in words: rendered in the caller's language when answered. */
export type Message = { [K in MessageKey]: { key: K; args: Parameters<Catalog[K]> } }[MessageKey];

export function render(message: Message, language: Language = 'en'): string {
  const template = catalogs[language][message.key] as (...args: unknown[]) => string;
  return template(...message.args);
}

/** Norwegian: `nb`, and `no`, which most browsers send for it. */
const aliases: Record<string, Language> = { en: 'en', nb: 'nb', no: 'nb', nn: 'nb' };

function fromList(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { language: aliases[tag.trim().split('-')[0] ?? ''], q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.language && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.language;
}

export function chooseLanguage(soLanguage: string | undefined, acceptLanguage: string | undefined): Language {
  return fromList(soLanguage) ?? fromList(acceptLanguage) ?? 'en';
}
