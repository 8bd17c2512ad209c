/** How the console words names, times and waits. */
import type { ChatSessionEntity } from '@chatline/shared';

/** Whether a name shows anything: not only spaces, or marks that take no room (zero-width spaces, bidi controls). */
const visible = (name: string | null | undefined): string => (name && /[^\s\p{Cf}]/u.test(name) ? name.trim() : '');

/** The name an agent knows a visitor by: the alias they gave, else their name, else the chat's number. */
export const visitorName = (session: ChatSessionEntity): string =>
  visible(session.CustomerAlias) || visible(session.CustomerName) || `Visitor ${session.ChatSessionId}`;

/** An agent's name as the console shows it: the full name, else the user name. */
export const agentName = (agent: { FullName?: string; Name?: string } | null | undefined): string => agent?.FullName || agent?.Name || '';

/** A wait or an age: "12 s", "4 min", "2 h 5 min". */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const timeOf = (iso: string | null): string => (iso ? clock.format(new Date(iso)) : '');
export const dateTimeOf = (iso: string | null): string => (iso ? dateTime.format(new Date(iso)) : '');

/** The name an agent knows the visitor of a request by: as `visitorName`, from the request's fields. */
export const requesterName = (request: { ChatSessionId: number; CustomerAlias: string | null; CustomerName: string | null }): string =>
  visible(request.CustomerAlias) || visible(request.CustomerName) || `Visitor ${request.ChatSessionId}`;

/** A rating as stars to look at, "★★★★☆" (shown beside its words, never alone: `ratingInWords`). */
export const stars = (rating: number): string => {
  const full = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(full) + '☆'.repeat(5 - full);
};

/**
 * The visitor's rating of a chat, 1 to 5, or 0 when it was not rated. The server sends
 * `Rating` with every session; shared's ChatSessionFields type does not name it (yet).
 */
export const ratingOf = (session: ChatSessionEntity): number => {
  const rating = (session as ChatSessionEntity & { Rating?: unknown }).Rating;
  return typeof rating === 'number' && rating > 0 ? rating : 0;
};

/** "4 of 5 stars". */
export const ratingInWords = (rating: number): string => `${rating} of 5 stars`;

/** An average of ratings as the console shows it: "4.25", "4", or "–" for none yet. */
export const averageOf = (average: number | null): string =>
  average === null ? '–' : new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(average);
