/**
 * The language of an answer: `SO-Language` over `Accept-Language`, English when neither names
 * one we speak. A language is one file in messages/ with the keys of en.ts.
 */
import { fieldMessagesEn, fieldMessagesNb, type FieldMessages } from '@chatline/shared';
import type { ChatText } from '../chat/errors.ts';
import { en, type Catalog } from './messages/en.ts';
import { nb } from './messages/nb.ts';
import { rankedValues } from './negotiate.ts';

export const catalogs = { en, nb } satisfies Record<string, Catalog>;
export type Language = keyof typeof catalogs;
export type MessageKey = keyof Catalog;

/** The shared field rules' messages, per language. */
export const fieldCatalogs: Record<Language, FieldMessages> = { en: fieldMessagesEn, nb: fieldMessagesNb };

/** A message not yet put in words: rendered in the caller's language when answered. */
export type Message = { [K in MessageKey]: { key: K; args: Parameters<Catalog[K]> } }[MessageKey] | ChatText;

export function render(message: Message, language: Language = 'en'): string {
  const template = catalogs[language][message.key] as (...args: readonly unknown[]) => string;
  return template(...message.args);
}

/** Norwegian: `nb`, and `no`, which most browsers send for it. A Map: a tag is the client's text. */
const aliases = new Map<string, Language>([
  ['en', 'en'],
  ['nb', 'nb'],
  ['no', 'nb'],
  ['nn', 'nb'],
]);

function fromList(header: string | undefined): Language | undefined {
  for (const tag of rankedValues(header)) {
    const language = aliases.get(tag.split('-')[0] ?? '');
    if (language) return language;
  }
  return undefined;
}

export function chooseLanguage(soLanguage: string | undefined, acceptLanguage: string | undefined): Language {
  return fromList(soLanguage) ?? fromList(acceptLanguage) ?? 'en';
}
