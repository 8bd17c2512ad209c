/** How the console words names, times and waits. */
import type { ChatSessionEntity } from '@chatline/shared';

/** The name an agent knows a visitor by: the alias they gave, else their name, else the chat's number. */
export const visitorName = (session: ChatSessionEntity): string =>
  session.CustomerAlias?.trim() || session.CustomerName?.trim() || `Visitor ${session.ChatSessionId}`;

/** A wait or an age: "12 s", "4 min", "2 h 5 min". */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** How long the visitor has waited, from WhenRequested. */
export const waited = (session: ChatSessionEntity, now = Date.now()): string =>
  session.WhenRequested ? duration(now - Date.parse(session.WhenRequested)) : '';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const timeOf = (iso: string | null): string => (iso ? clock.format(new Date(iso)) : '');
export const dateTimeOf = (iso: string | null): string => (iso ? dateTime.format(new Date(iso)) : '');
