/**
 * A chat's transcript, as text or as HTML (GetChatTranscript): each message with its time and
 * who wrote it. HTML escapes everything that was typed: a transcript shown in a page or a mail
 * can run nothing.
 */
import { ChatMessageType } from '@chatline/shared';
import type { MessageRecord, SessionRecord } from '../store/types.ts';
import { formatDateTime } from './entities.ts';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** `2026-11-26 09:30` in UTC, as a transcript reads. */
const time = (millis: number) => formatDateTime(millis)!.slice(0, 16).replace('T', ' ');

export function transcriptText(session: SessionRecord, messages: readonly MessageRecord[]): string {
  const lines = [`ChatSession ${session.id}`];
  if (session.firstMessage) lines.push(`${time(session.whenRequested ?? 0)} ${session.customerAlias ?? session.customerName ?? 'Visitor'}: ${session.firstMessage}`);
  for (const message of messages) {
    const who = message.type === ChatMessageType.Special ? `(${message.author})` : `${message.author}:`;
    lines.push(`${time(message.whenPosted)} ${who} ${message.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export function transcriptHtml(session: SessionRecord, messages: readonly MessageRecord[]): string {
  const line = (when: number, who: string, text: string, kind: string) =>
    `<p class="${kind}"><time datetime="${formatDateTime(when)}">${time(when)}</time> <b>${escapeHtml(who)}</b> ${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
  const lines = [];
  if (session.firstMessage) {
    lines.push(line(session.whenRequested ?? 0, session.customerAlias ?? session.customerName ?? 'Visitor', session.firstMessage, 'to-user'));
  }
  for (const message of messages) {
    const kind = message.type === ChatMessageType.ToCustomer ? 'to-customer' : message.type === ChatMessageType.ToUser ? 'to-user' : 'special';
    lines.push(line(message.whenPosted, message.author, message.message, kind));
  }
  return `<div class="chat-transcript" data-chat-session="${session.id}">${lines.join('')}</div>`;
}
