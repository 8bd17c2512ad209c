/**
 * Writing answers as the request asked (the response-format middleware read its wishes before
 * any work was done): JSON or XML, `$select` applied, date-times in the `SO-TimeZone` asked for.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { parseDateTime, type EntityDescriptor } from '@chatline/shared';
import type { ApiEnv, Output } from './context.ts';
import { applySelect } from './select.ts';
import { toXml, toXmlList } from './xml.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** JSON with the charset spelled out, as the WebAPI answers (`application/json; charset=utf-8`). */
export function sendJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': JSON_TYPE });
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

const dateTimeFields = new WeakMap<EntityDescriptor, string[]>();

function inZone(entity: EntityDescriptor, body: Record<string, unknown>, zone: string): Record<string, unknown> {
  let names = dateTimeFields.get(entity);
  if (!names) dateTimeFields.set(entity, (names = entity.fields.filter((spec) => spec.kind === 'datetime').map((spec) => spec.name)));
  if (names.length === 0) return body;
  const zoned = { ...body };
  for (const name of names) {
    const value = zoned[name];
    const millis = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (millis !== undefined) zoned[name] = formatInZone(millis, zone);
  }
  return zoned;
}

const serialized = new WeakMap<object, string>();
const PLACEHOLDER = '\u0000FieldProperties\u0000';
const PROPERTIES_KEY = '"FieldProperties":';
const PLACEHOLDER_JSON = `${PROPERTIES_KEY}${JSON.stringify(PLACEHOLDER)}`;

/**
 * JSON of an entity. Its FieldProperties, the larger half of every answer, is one of the few
 * shared objects entities.ts builds: that part is serialized once and spliced into the JSON of
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
  // The entity is this answer's own: its FieldProperties is swapped for the placeholder while it
  // is written, rather than the whole entity copied.
  body.FieldProperties = PLACEHOLDER;
  let text: string;
  try {
    text = JSON.stringify(body);
  } finally {
    body.FieldProperties = properties;
  }
  // The last occurrence is ours: only _Links, which the server writes, comes after it.
  const at = text.lastIndexOf(PLACEHOLDER_JSON);
  return text.slice(0, at + PROPERTIES_KEY.length) + propertiesJson + text.slice(at + PLACEHOLDER_JSON.length);
}

/** The entity as the request wants it: in its time zone, with only what it selected. */
function shaped(output: Output, entity: EntityDescriptor, body: Record<string, unknown>): Record<string, unknown> {
  let result = body;
  if (output.timeZone) result = inZone(entity, result, output.timeZone);
  if (output.select) result = applySelect(entity, result, output.select);
  return result;
}

/** Writes an entity as the request asked: format, zone and selection. */
export function sendEntity(c: Context<ApiEnv>, entity: EntityDescriptor, body: object, status: ContentfulStatusCode = 200): Response {
  const output = c.get('output');
  if (output.timeZone) c.header('SO-TimeZone', output.timeZone);
  const answer = shaped(output, entity, body as Record<string, unknown>);
  const text = output.format === 'xml' ? toXml(entity.xmlRoot, answer) : entityJson(answer);
  return c.body(text, status, { 'Content-Type': output.contentType });
}

/**
 * Writes a page of an archive: `{"odata.metadata", "odata.nextLink", "value"}` as the WebAPI's
 * archives answer, or `<ArrayOfChatSessionEntity>`; the next page also in a `Link` header.
 */
export function sendPage(
  c: Context<ApiEnv>,
  entity: EntityDescriptor,
  rows: readonly object[],
  { metadata, next }: { metadata: string; next: string | null },
): Response {
  const output = c.get('output');
  if (output.timeZone) c.header('SO-TimeZone', output.timeZone);
  if (next !== null) c.header('Link', `<${next}>; rel="next"`);
  const answers = rows.map((row) => shaped(output, entity, row as Record<string, unknown>));
  if (output.format === 'xml') return c.body(toXmlList(entity.xmlRoot, answers), 200, { 'Content-Type': output.contentType });
  const page = { 'odata.metadata': metadata, ...(next === null ? {} : { 'odata.nextLink': next }), value: answers };
  return c.body(JSON.stringify(page), 200, { 'Content-Type': output.contentType });
}

/** Writes a list of entities: a JSON array, or `<ArrayOfChatTopicEntity>`. */
export function sendEntities(c: Context<ApiEnv>, entity: EntityDescriptor, bodies: readonly object[]): Response {
  const output = c.get('output');
  if (output.timeZone) c.header('SO-TimeZone', output.timeZone);
  const answers = bodies.map((body) => shaped(output, entity, body as Record<string, unknown>));
  const text = output.format === 'xml' ? toXmlList(entity.xmlRoot, answers) : JSON.stringify(answers);
  return c.body(text, 200, { 'Content-Type': output.contentType });
}
