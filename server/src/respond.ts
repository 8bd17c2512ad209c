/**
 * How answers are written: JSON or XML by `Accept`, `$select` applied, date-times in the
 * `SO-TimeZone` asked for. The request's wishes are read before any work is done, so a request
 * that would get a 406 or a 400 for them changes nothing.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { chatSessionFields, parseDateTime } from '@chatline/shared';
import { badRequest, notAcceptable } from './errors.ts';
import { chooseLanguage, type Language } from './i18n.ts';
import { toXml } from './xml.ts';

/** JSON with the charset spelled out, as the WebAPI answers (`application/json; charset=utf-8`). */
export function sendJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/json; charset=utf-8' });
}

type Format = 'json' | 'xml';

/** What we can answer, in order of preference, and the content type each is written as. */
const offers: readonly { type: string; format: Format; contentType: string }[] = [
  { type: 'application/json', format: 'json', contentType: 'application/json; charset=utf-8' },
  { type: 'text/json', format: 'json', contentType: 'text/json; charset=utf-8' },
  { type: 'application/xml', format: 'xml', contentType: 'application/xml; charset=utf-8' },
  { type: 'text/xml', format: 'xml', contentType: 'text/xml; charset=utf-8' },
  // Patch media types are request formats; asking for them gets the entity as JSON.
  { type: 'application/json-patch+json', format: 'json', contentType: 'application/json; charset=utf-8' },
  { type: 'application/merge-patch+json', format: 'json', contentType: 'application/json; charset=utf-8' },
];

const MAX_ACCEPT = 2048;

/** The offer the client prefers (RFC 9110 §12.5.1), or undefined when none is acceptable. */
export function negotiate(accept: string | undefined): (typeof offers)[number] | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0];
  if (accept.length > MAX_ACCEPT) throw badRequest('acceptTooLong');
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { range: range.trim(), q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0 };
  });
  let best: (typeof offers)[number] | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const [type] = offer.type.split('/');
    // The most specific range that matches decides the offer's quality.
    let specificity = -1;
    let q = 0;
    for (const { range, q: rangeQ } of ranges) {
      const s = range === offer.type ? 2 : range === `${type}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = rangeQ;
      }
    }
    if (specificity >= 0 && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

/** `Europe/Oslo`, `UTC`, or either with `,includeTZOffset`; null when the header is absent. */
function parseTimeZone(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const [zone = '', ...flags] = header.split(',').map((part) => part.trim());
  if (zone.length > 64 || flags.some((flag) => flag.toLowerCase() !== 'includetzoffset')) {
    throw badRequest('badTimeZoneHeader', header.slice(0, 80));
  }
  if (zone === '' && flags.length > 0) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    // Echo the zone as the client named it: ICU would rename some (Asia/Kolkata → Asia/Calcutta).
    return zone.toUpperCase() === 'UTC' ? 'UTC' : zone;
  } catch {
    throw badRequest('unknownTimeZone', zone);
  }
}

type Selection = Map<string, Set<string> | true>;

/** `$select=customerName,user/associateId` → {customername: true, user: {associateid}}. */
function parseSelect(value: string | undefined): Selection | null {
  if (value === undefined || value.trim() === '') return null;
  if (value.length > 2048) throw badRequest('selectTooLong');
  const selection: Selection = new Map();
  for (const item of value.split(',')) {
    const [name = '', ...rest] = item.trim().toLowerCase().split('/');
    if (name === '') continue;
    if (!chatSessionFields.some((spec) => spec.name.toLowerCase() === name)) {
      throw badRequest('selectUnknown', item.trim().slice(0, 80));
    }
    const current = selection.get(name);
    if (rest.length === 0 || current === true) selection.set(name, true);
    else (current ?? selection.set(name, new Set()).get(name) as Set<string>).add(rest.join('/'));
  }
  return selection;
}

export type Output = {
  language: Language;
  contentType: string;
  format: Format;
  timeZone: string | null;
  select: Selection | null;
};


/** Reads Accept, SO-TimeZone and $select once, before the route does anything. */
export function readOutputWishes(): MiddlewareHandler<ApiEnv> {
  return async function readOutputWishes(c, next) {
    const offer = negotiate(c.req.header('accept'));
    if (!offer) {
      throw notAcceptable('notAcceptable', offers.map((o) => o.type).join(', '));
    }
    const selectKey = Object.keys(c.req.query()).find((key) => key.toLowerCase() === '$select');
    c.set('output', {
      language: chooseLanguage(c.req.header('so-language'), c.req.header('accept-language')),
      contentType: offer.contentType,
      format: offer.format,
      timeZone: parseTimeZone(c.req.header('so-timezone')),
      select: parseSelect(selectKey === undefined ? undefined : c.req.query(selectKey)),
    });
    await next();
  };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** A date-time as ISO 8601 in the zone, with that zone's offset at that moment. */
export function formatInZone(millis: number, zone: string): string {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  const name = format.formatToParts(millis).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const sign = match?.[1] === '-' ? -1 : 1;
  const minutes = match ? sign * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(millis + minutes * 60_000).toISOString().slice(0, -1);
  const offset = match ? `${match[1]}${match[2]}:${match[3]}` : '+00:00';
  return `${local}${offset}`;
}

const dateTimeFields = chatSessionFields.filter((spec) => spec.kind === 'datetime').map((spec) => spec.name);

function applySelect(entity: Record<string, unknown>, select: Selection): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    const wanted = select.get(key.toLowerCase());
    const isField = chatSessionFields.some((spec) => spec.name === key);
    if (!isField || wanted === true) result[key] = value;
    else if (wanted && value !== null && typeof value === 'object') {
      result[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, inner]) => [
          name,
          wanted.has(name.toLowerCase()) ? inner : null,
        ]),
      );
    } else result[key] = null;
  }
  return result;
}

const serialized = new WeakMap<object, string>();
const PLACEHOLDER = '\u0000FieldProperties\u0000';
const PROPERTIES_KEY = '"FieldProperties":';
const PLACEHOLDER_JSON = `${PROPERTIES_KEY}${JSON.stringify(PLACEHOLDER)}`;

/**
 * JSON of an entity. Its FieldProperties, the larger half of every answer, is one of the few
 * shared objects entity.ts builds: that part is serialized once and spliced into the JSON of
 * the rest. The answer stays a string: Node copies a string straight into the socket's write,
 * while a fresh 5 kB buffer per answer is one more ArrayBuffer for the garbage collector, and
 * measured slower.
 */
function entityJson(body: Record<string, unknown>): string {
  const properties = body.FieldProperties;
  if (typeof properties !== 'object' || properties === null) return JSON.stringify(body);
  let propertiesJson = serialized.get(properties);
  if (propertiesJson === undefined) {
    propertiesJson = JSON.stringify(properties);
    serialized.set(properties, propertiesJson);
  }
  const text = JSON.stringify({ ...body, FieldProperties: PLACEHOLDER });
  // The last occurrence is ours: only _Links, which the server writes, comes after it.
  const at = text.lastIndexOf(PLACEHOLDER_JSON);
  return text.slice(0, at + PROPERTIES_KEY.length) + propertiesJson + text.slice(at + PLACEHOLDER_JSON.length);
}

/** Writes an entity as the request asked: format, zone and selection. */
export function sendEntity(c: Context<ApiEnv>, entity: object, status: ContentfulStatusCode = 200): Response {
  const output = c.get('output');
  let body = entity as Record<string, unknown>;
  if (output.timeZone) {
    body = { ...body };
    for (const name of dateTimeFields) {
      const value = body[name];
      const millis = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (millis !== undefined) body[name] = formatInZone(millis, output.timeZone);
    }
    c.header('SO-TimeZone', output.timeZone);
  }
  if (output.select) body = applySelect(body, output.select);
  const answer = output.format === 'xml' ? toXml('ChatSessionEntity', body) : entityJson(body);
  return c.body(answer, status, { 'Content-Type': output.contentType });
}
