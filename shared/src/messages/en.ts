import type { FieldKind } from '../fields.ts';

/** How the form names the fields a topic may require. */
const labels: Record<string, string> = {
  CustomerName: 'Your name',
  CustomerEmail: 'Your email',
  CustomerPhone: 'Your phone number',
  CustomerCompanyName: 'Your company',
};
const labelOf = (field: string) => labels[field] ?? field;

/** What the field rules say, in English. A language is one such file with the same keys. */
export const en = {
  kinds: {
    int32: 'a whole number',
    string: 'text',
    bool: 'true or false',
    datetime: 'a date and time in ISO 8601, like 2026-11-26T09:30:00+01:00',
    status: 'a ChatSessionStatus name, like InQueue',
    flags: 'names separated by commas, from',
    associate: 'an object',
    reference: 'an object',
    origins: 'a list of origins like https://shop.example',
    object: 'an object',
    enum: 'one of these names:',
    duration: 'a time of day like 08:30:00 (or an ISO 8601 duration like PT8H30M), at most 24:00:00',
    timezone: 'a time zone like Europe/Oslo, or a TimeZoneData with one as its TZLocationCode',
  } satisfies Record<FieldKind, string>,
  type: (field: string, kind: string) => `${field} must be ${kind}.`,
  too_long: (max: number) => `Use at most ${max} characters.`,
  too_short: (min: number) => `Use at least ${min} characters.`,
  characters: () => 'Remove the control characters or broken characters from this text.',
  email: () => 'Enter an email address like name@example.com.',
  phone: () => 'Enter a phone number using digits, spaces and + ( ) - . only.',
  required: (field: string) => `${labelOf(field)} is required.`,
  consent: () => 'Please agree so that we can store your details for this chat.',
  unknown_topic: () => 'This chat topic does not exist.',
  unknown_associate: (field: string) => `${field} must name an existing agent by its AssociateId.`,
  ambiguous: (field: string) => `${field} is given more than once.`,
  not_allowed: (field: string) => `${field} can only be set by an agent.`,
  user_name: () => 'Use 1 to 64 letters, digits or . _ @ + - (no spaces).',
  stop_before_start: () => 'The closing time must be after the opening time.',
  negative: () => 'Use 0 or more.',
  range: () => 'Choose 1 to 5 stars.',
  already_rated: () => 'This chat has been rated already.',
  not_ended: () => 'A chat can be rated once it has ended.',
};

export type FieldMessages = typeof en;
