/**
 * A chat's transcript, as text or as HTML (GetChatTranscript): each message with its time and
 * who wrote it, in the reader's language and time zone (UTC and English unless asked). HTML
 * escapes everything that was typed: a transcript shown in a page or a mail can run nothing.
 */
import { ChatMessageSpecialType, ChatMessageType } from '@chatline/shared';
import type { MessageRecord, SessionRecord } from '../store/types.ts';
import { formatDateTime } from './entities.ts';

/** The words a transcript says itself; what people wrote stays as they wrote it. */
type TranscriptWords = {
  title: (id: number) => string;
  visitor: string;
  /** The notices the server posts, by their SpecialType. */
  notices: Partial<Record<number, string>>;
};

const S = ChatMessageSpecialType;

export const TRANSCRIPT_WORDS: Record<string, TranscriptWords> = {
  en: {
    title: (id) => `ChatSession ${id}`,
    visitor: 'Visitor',
    notices: {
      [S.ClosedByUser]: 'The agent ended the chat.',
      [S.ClosedByCustomer]: 'The visitor ended the chat.',
      [S.ClosedByIdle]: 'The chat ended after a time without messages.',
      [S.ReopenedByCustomer]: 'The visitor reopened the chat.',
    },
  },
  nb: {
    title: (id) => `Chat ${id}`,
    visitor: 'Besøkende',
    notices: {
      [S.ClosedByUser]: 'Kundebehandleren avsluttet chatten.',
      [S.ClosedByCustomer]: 'Den besøkende avsluttet chatten.',
      [S.ClosedByIdle]: 'Chatten ble avsluttet etter en stund uten meldinger.',
      [S.ReopenedByCustomer]: 'Den besøkende åpnet chatten igjen.',
    },
  },
  de: {
    title: (id) => `Chat ${id}`,
    visitor: 'Besucher',
    notices: {
      [S.ClosedByUser]: 'Der Mitarbeiter hat den Chat beendet.',
      [S.ClosedByCustomer]: 'Der Besucher hat den Chat beendet.',
      [S.ClosedByIdle]: 'Der Chat wurde nach einer Weile ohne Nachrichten beendet.',
      [S.ReopenedByCustomer]: 'Der Besucher hat den Chat wieder geöffnet.',
    },
  },
  ar: {
    title: (id) => `محادثة ${id}`,
    visitor: 'زائر',
    notices: {
      [S.ClosedByUser]: 'أنهى الموظف المحادثة.',
      [S.ClosedByCustomer]: 'أنهى الزائر المحادثة.',
      [S.ClosedByIdle]: 'انتهت المحادثة بعد فترة دون رسائل.',
      [S.ReopenedByCustomer]: 'أعاد الزائر فتح المحادثة.',
    },
  },
};

export type TranscriptOptions = { language?: string; timeZone?: string };

/** Whether a transcript can be written in this language and zone. */
export const transcriptLanguage = (language: string) => Object.hasOwn(TRANSCRIPT_WORDS, language);
export function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `2026-11-26 09:30` on the zone's wall clock, as a transcript reads. */
function clock(timeZone: string | undefined): (millis: number) => string {
  if (!timeZone || timeZone === 'UTC') return (millis) => formatDateTime(millis)!.slice(0, 16).replace('T', ' ');
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (millis) => {
    const part = Object.fromEntries(format.formatToParts(millis).map(({ type, value }) => [type, value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
  };
}

/** Each line of the transcript: when, who, what, and which side. */
function lines(session: SessionRecord, messages: readonly MessageRecord[], { language = 'en', timeZone }: TranscriptOptions) {
  const words = TRANSCRIPT_WORDS[language] ?? TRANSCRIPT_WORDS.en!;
  const time = clock(timeZone);
  const visitor = session.customerAlias ?? session.customerName ?? words.visitor;
  const rows: { when: number; time: string; who: string; text: string; kind: 'to-user' | 'to-customer' | 'special' }[] = [];
  if (session.firstMessage) rows.push({ when: session.whenRequested ?? 0, time: time(session.whenRequested ?? 0), who: visitor, text: session.firstMessage, kind: 'to-user' });
  for (const message of messages) {
    const kind = message.type === ChatMessageType.ToCustomer ? 'to-customer' : message.type === ChatMessageType.ToUser ? 'to-user' : 'special';
    const text = kind === 'special' ? (words.notices[message.specialType] ?? message.message) : message.message;
    rows.push({ when: message.whenPosted, time: time(message.whenPosted), who: message.author, text, kind });
  }
  return { title: words.title(session.id), rows };
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export function transcriptText(session: SessionRecord, messages: readonly MessageRecord[], options: TranscriptOptions = {}): string {
  const { title, rows } = lines(session, messages, options);
  const body = rows.map((row) => `${row.time} ${row.kind === 'special' ? `(${row.who})` : `${row.who}:`} ${row.text}`);
  return `${[title, ...body].join('\n')}\n`;
}

export function transcriptHtml(session: SessionRecord, messages: readonly MessageRecord[], options: TranscriptOptions = {}): string {
  const { rows } = lines(session, messages, options);
  const body = rows.map(
    (row) =>
      `<p class="${row.kind}"><time datetime="${formatDateTime(row.when)}">${row.time}</time> <b>${escapeHtml(row.who)}</b> ${escapeHtml(row.text).replace(/\n/g, '<br>')}</p>`,
  );
  return `<div class="chat-transcript" data-chat-session="${session.id}">${body.join('')}</div>`;
}
