/**
 * Whether a topic is open: by its opening hours, in its own time zone. The hours are times on
 * the topic's wall clock, so the day a clock goes forward or back the topic still opens at
 * 08:00 there; the zone's rules come from the runtime's time zone database (ICU), as every
 * conversion between an instant and a wall clock here does.
 */
import { WEEKDAYS, type Weekday } from '@chatline/shared';
import type { Millis, TopicRecord } from '../store/types.ts';

export type OpeningHours = Pick<
  TopicRecord,
  | 'openingHoursEnabled'
  | 'openingHoursTimeZone'
  | 'openingHoursUseLunchHours'
  | 'openingHoursLunchStart'
  | 'openingHoursLunchStop'
  | `openingHours${Weekday}${'Enabled' | 'Start' | 'Stop'}`
>;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** A formatter of the zone's wall clock: weekday, hour, minute and second. */
function clockOf(zone: string): Intl.DateTimeFormat {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', { timeZone: zone || 'UTC', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    clocks.set(zone, clock);
  }
  return clock;
}

/** The weekday and the seconds since midnight that the zone's clocks show at an instant. */
export function wallClock(zone: string, at: Millis): { day: Weekday; seconds: number } {
  const parts = clockOf(zone).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday') as Weekday;
  return { day: WEEKDAYS.includes(day) ? day : 'Mon', seconds: Number(part('hour')) * 3600 + Number(part('minute')) * 60 + Number(part('second')) };
}

/**
 * Whether the topic takes chats at this instant: always when it uses no opening hours, else
 * on an open weekday from its Start (included) to its Stop (excluded), outside the lunch break.
 */
export function isOpen(hours: OpeningHours, at: Millis): boolean {
  if (!hours.openingHoursEnabled) return true;
  const { day, seconds } = wallClock(hours.openingHoursTimeZone, at);
  if (!hours[`openingHours${day}Enabled`]) return false;
  if (seconds < hours[`openingHours${day}Start`] || seconds >= hours[`openingHours${day}Stop`]) return false;
  const lunch = hours.openingHoursUseLunchHours && seconds >= hours.openingHoursLunchStart && seconds < hours.openingHoursLunchStop;
  return !lunch;
}
