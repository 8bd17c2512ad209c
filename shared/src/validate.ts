/**
 * The validation rules the widget runs before it sends and the server runs on every request.
 * Both call the same functions, built from the field table, so they cannot drift apart.
 */
import { parseEnum, parseFlagNames, parseStatus } from './enums.ts';
import { nestedEntity, type EntityDescriptor, type FieldSpec, type TextSpec } from './fields.ts';
import { en, type FieldMessages } from './messages/en.ts';
import type { ChatSessionFieldName, FieldError, FieldErrorCode, FieldProblem } from './types.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The practical email rule: dot-separated words, `@`, a domain with a top-level part of two
 * letters or more. (The one valibot and most form libraries use; quoted local parts and IP
 * literals are refused, as people do not type them into a chat form.)
 */
const EMAIL_REGEX = /^[\w+-]+(?:\.[\w+-]+)*@[\da-zA-Z]+(?:[.-][\da-zA-Z]+)*\.[a-zA-Z]{2,}$/u;

/**
 * Digits with the separators people write in phone numbers, an optional leading `+`, and an
 * optional extension (`x561`, `ext. 561`), as in `+47 22 33 44 55` or `455.144.8002 x561`.
 */
const PHONE_REGEX = /^\+?[\d\s().\-/]*\d[\d\s().\-/]*(?:\s*(?:x|ext\.?)\s*\d+)?$/i;
const MIN_PHONE_DIGITS = 3;

/** ISO 8601 date and time; without an offset the time is taken as UTC. */
const DATETIME_REGEX =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i;

/** The instants that have a four-digit year in UTC, 0001 to 9999, as every date written back must. */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** Epoch milliseconds for an ISO 8601 date-time, or undefined when it is not one. */
export function parseDateTime(input: string): number | undefined {
  const match = DATETIME_REGEX.exec(input.trim());
  if (!match) return undefined;
  const [, date, time, fraction = '', offset = 'Z'] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const parsed = Date.parse(`${date}T${time}.${millis}${offset.toUpperCase()}`);
  return Number.isNaN(parsed) || parsed < FIRST_INSTANT || parsed > LAST_INSTANT ? undefined : parsed;
}

/**
 * The one rule for text: control characters other than tab, line feed and carriage return
 * (C0, DEL, C1) and lone UTF-16 surrogates are refused, never silently removed, so what is
 * stored is exactly what the visitor sees they typed.
 */
const BAD_CHARACTERS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a trimmed string, or undefined when it passes. */
export function textProblem(spec: TextSpec, value: string): FieldErrorCode | undefined {
  if (BAD_CHARACTERS.test(value)) return 'characters';
  if (spec.maxLength !== undefined && value.length > spec.maxLength) return 'too_long';
  if (spec.format === 'email' && !EMAIL_REGEX.test(value)) return 'email';
  if (spec.format === 'phone') {
    if (!PHONE_REGEX.test(value) || value.replace(/\D/g, '').length < MIN_PHONE_DIGITS) return 'phone';
  }
  return undefined;
}

/**
 * What is wrong with the text of a topic's setting, or undefined when it passes. Apart from
 * textProblem, so the widget, which checks only what visitors type, does not carry these.
 */
function settingProblem(spec: FieldSpec, value: string): FieldErrorCode | undefined {
  if (value === '') return undefined;
  if (spec.format === 'language' && !LANGUAGE_REGEX.test(value)) return 'type';
  if (spec.format === 'color' && !COLOR_REGEX.test(value)) return 'type';
  if (spec.format === 'url' && !isHttpUrl(value)) return 'type';
  return undefined;
}

/** A language tag: `nb`, `en-GB`, `zh-Hant-TW`. */
const LANGUAGE_REGEX = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;
/** A colour as the widget takes it: `#rrggbb`. */
const COLOR_REGEX = /^#[0-9a-f]{6}$/i;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `https://shop.example` from exactly that (a trailing slash allowed), else undefined: no path, no query. */
export function parseOrigin(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const url = new URL(text);
    const http = url.protocol === 'https:' || url.protocol === 'http:';
    return http && url.origin === text.replace(/\/$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The value in its stored form, or `undefined` when it is not of the field's type. */
function convert(spec: FieldSpec, input: unknown): unknown {
  switch (spec.kind) {
    case 'int32':
      return Number.isInteger(input) && (input as number) >= INT32_MIN && (input as number) <= INT32_MAX
        ? input
        : undefined;
    case 'bool':
      return typeof input === 'boolean' ? input : undefined;
    case 'datetime':
      return typeof input === 'string' ? parseDateTime(input) : undefined;
    case 'status':
      return parseStatus(input);
    case 'flags':
      return parseFlagNames(spec.flags ?? {}, input);
    case 'enum':
      return parseEnum(spec.flags ?? {}, input);
    case 'associate':
    case 'reference':
    case 'object':
      return typeof input === 'object' && input !== null && !Array.isArray(input) ? input : undefined;
    case 'origins': {
      if (!Array.isArray(input) || input.length > (spec.maxItems ?? Infinity)) return undefined;
      const origins = input.map(parseOrigin);
      return origins.every((origin) => origin !== undefined) ? [...new Set(origins)] : undefined;
    }
    case 'string':
      if (typeof input === 'string') return input;
      // SuperOffice's client holds a topic's Language as a CustomerLanguage list item, and sends it back so.
      if (spec.format === 'language' && typeof input === 'object' && input !== null && !Array.isArray(input)) {
        const value = Object.entries(input).find(([key]) => key.toLowerCase() === 'value')?.[1];
        return typeof value === 'string' ? value : value === undefined || value === null ? '' : undefined;
      }
      return undefined;
    case 'duration':
      return parseTimeOfDay(input);
    case 'timezone':
      return parseTimeZone(input);
  }
}

/** `HH:MM:SS`, `HH:MM` (with an optional fraction) or an ISO 8601 duration (`PT8H30M`). */
const CLOCK_REGEX = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?$/;
const ISO_DURATION_REGEX = /^PT(?=\d)(?:(\d{1,2})H)?(?:(\d{1,4})M)?(?:(\d{1,5})(?:\.\d+)?S)?$/i;
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Seconds since midnight for a time of day as .NET's TimeSpan and ISO 8601 write it, from
 * 00:00:00 to 24:00:00 (the end of a day); undefined for anything else (25:00, 10:75, a date).
 */
export function parseTimeOfDay(input: unknown): number | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  const clock = CLOCK_REGEX.exec(text);
  let seconds: number | undefined;
  if (clock) {
    const [h, m, s = 0] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (m < 60 && s < 60) seconds = h * 3600 + m * 60 + s;
  } else {
    const iso = ISO_DURATION_REGEX.exec(text);
    if (iso) seconds = Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  }
  return seconds !== undefined && seconds <= DAY_SECONDS ? seconds : undefined;
}

/** `08:30:00` for 30,600 seconds. */
export function formatTimeOfDay(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Whether the runtime knows the IANA time zone. */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA time zone's name, from its name or from SuperOffice's TimeZoneData (its
 * TZLocationCode or Name, in any case); '' (the server's UTC) for an empty one.
 */
export function parseTimeZone(input: unknown): string | undefined {
  let name: unknown = input;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const members = Object.entries(input as Record<string, unknown>);
    const member = (wanted: string) => members.find(([key]) => key.toLowerCase() === wanted)?.[1];
    name = member('tzlocationcode') || member('name') || '';
  }
  if (typeof name !== 'string') return undefined;
  const zone = name.trim();
  if (zone === '') return '';
  if (zone.length > 64 || !/^[A-Za-z][\w+/-]*$/.test(zone) || !knownZone(zone)) return undefined;
  // The runtime's own spelling (`europe/oslo` is `Europe/Oslo`).
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

/** The message for a field error, in the language of `messages` (English by default). */
export function fieldErrorMessage(spec: FieldSpec, code: FieldErrorCode, messages: FieldMessages = en): string {
  switch (code) {
    case 'type':
      return messages.type(
        spec.name,
        spec.flags ? `${messages.kinds[spec.kind === 'enum' ? 'enum' : 'flags']} ${Object.keys(spec.flags).join(', ')}` : messages.kinds[spec.kind],
      );
    case 'too_long':
      return messages.too_long(spec.maxLength ?? 0);
    case 'too_short':
      return messages.too_short(spec.minLength ?? 0);
    case 'required':
    case 'unknown_associate':
    case 'ambiguous':
    case 'not_allowed':
      return messages[code](spec.name);
    default:
      return messages[code]();
  }
}

/** A field error worded in English; `problem` leaves the wording to the caller. */
export function fieldError(spec: FieldSpec, code: FieldErrorCode): FieldError {
  return { Field: spec.name, Code: code, Message: fieldErrorMessage(spec, code) };
}

const problem = (spec: TextSpec, code: FieldErrorCode, prefix = ''): FieldProblem => ({
  Field: prefix + spec.name,
  Code: code,
});

export type FieldResult = { ok: true; value: unknown } | { ok: false; error: FieldProblem };

/**
 * Checks one wire value against its field and returns the value in its stored form: strings
 * trimmed (blank becomes null), dates as epoch milliseconds, Status as its number, Flags as a
 * bit mask. Null stays null for nullable fields.
 */
export function validateField(spec: FieldSpec, input: unknown): FieldResult {
  if (input === null) {
    return spec.nullable ? { ok: true, value: null } : { ok: false, error: problem(spec, 'type') };
  }
  const value = convert(spec, input);
  if (value === undefined) return { ok: false, error: problem(spec, 'type') };
  if (spec.kind !== 'string') return { ok: true, value };
  const result = validateText(spec, value as string);
  // What visitors type has no setting's format: most strings are done here.
  if (spec.format === undefined || spec.format === 'email' || spec.format === 'phone') return result;
  if (!result.ok || typeof result.value !== 'string') return result;
  const code = settingProblem(spec, result.value);
  if (code) return { ok: false, error: problem(spec, code) };
  return { ok: true, value: spec.format === 'color' ? result.value.toLowerCase() : result.value };
}

/** Checks text for a string field: trimmed (blank becomes null where allowed), then the text rule. */
export function validateText(spec: TextSpec, input: string): FieldResult {
  const text = input.trim();
  if (text === '' && spec.nullable) return { ok: true, value: null };
  const code = textProblem(spec, text);
  return code ? { ok: false, error: problem(spec, code) } : { ok: true, value: text };
}

export type FieldValues = Record<string, unknown>;

export type ReadResult = {
  /** The valid values by canonical field name, in their stored form; a nested object's as an object. */
  values: FieldValues;
  /** Fields that were present with a non-null value (before validation). */
  present: Set<string>;
  errors: FieldProblem[];
};

/**
 * Reads the known fields of a request object, matching names in any case, and validates each.
 * Unknown properties are ignored, as the WebAPI ignores them (clients send back `TableRight`,
 * `_Links` and newer fields). Server-computed fields are skipped: their values never count.
 * A nested object's problems are named by path: `Widget/Color`.
 */
export function readFields(
  entity: Pick<EntityDescriptor, 'fields' | 'field'>,
  body: Record<string, unknown>,
  prefix = '',
): ReadResult {
  const values: FieldValues = {};
  const present = new Set<string>();
  const errors: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const key of Object.keys(body)) {
    const spec = entity.field(key);
    if (!spec || spec.writer === 'server') continue;
    if (seen.has(spec.name)) {
      errors.push(problem(spec, 'ambiguous', prefix));
      continue;
    }
    seen.add(spec.name);
    const input = body[key];
    // Null for a field that cannot be null means "not given": the default applies.
    if (input === undefined || (input === null && !spec.nullable)) continue;
    if (input !== null) present.add(spec.name);
    const result = validateField(spec, input);
    if (!result.ok) errors.push({ Field: prefix + result.error.Field, Code: result.error.Code });
    else if (spec.fields && result.value !== null) {
      const nested = readFields(nestedEntity(spec), result.value as Record<string, unknown>, `${prefix}${spec.name}/`);
      values[spec.name] = nested.values;
      errors.push(...nested.errors);
    } else values[spec.name] = result.value;
  }
  return { values, present, errors };
}

export type VisitorRules = {
  /** The topic asks for the visitor's consent before a chat starts. */
  collectConsent: boolean;
  /** Customer fields the topic requires (see requiredCustomerFields). */
  requiredFields?: readonly ChatSessionFieldName[];
};

/** Whether text has what the one text rule refuses: control characters or lone surrogates. */
export function hasBadCharacters(text: string): boolean {
  return BAD_CHARACTERS.test(text);
}

/** The rules that depend on the topic rather than on one field. */
export function checkVisitorRules(values: FieldValues, rules: VisitorRules): FieldProblem[] {
  const errors: FieldProblem[] = [];
  for (const name of rules.requiredFields ?? []) {
    const value = values[name as string];
    if (value === undefined || value === null) errors.push({ Field: name, Code: 'required' });
  }
  if (rules.collectConsent && values.CustomerConsented !== true) {
    errors.push({ Field: 'CustomerConsented', Code: 'consent' });
  }
  return errors;
}
