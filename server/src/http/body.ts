/**
 * Reading request bodies: JSON, XML, forms and patches, whatever the content type, to one
 * object of wire names, at most the body limit's bytes of it, refused as bad input whatever
 * goes wrong.
 */
import type { IncomingMessage } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { Context } from 'hono';
import { memberKey, nestedEntity, type EntityDescriptor, type FieldSpec } from '@chatline/shared';
import type { ApiEnv } from './context.ts';
import { ApiError, badRequest, payloadTooLarge, unsupportedMediaType } from './errors.ts';
import { applyJsonPatch, applyMergePatch, FORBIDDEN_KEYS } from './patch.ts';
import { parseXmlEntity } from './xml.ts';

/** The most bytes a body may have unless the body-limit middleware says otherwise. */
export const MAX_BODY_BYTES = 64 * 1024;

type MediaType = { type: string; charset: string | undefined };

/** `application/json; charset=UTF-8` → `{type: 'application/json', charset: 'utf-8'}`. */
export function parseMediaType(header: string): MediaType {
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() === 'charset') {
      charset = value.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** Nearly every body is UTF-8: its decoder is made once (decoding whole bodies keeps no state). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, charset: string | undefined): string {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = !charset || charset === 'utf-8' ? utf8 : new TextDecoder(charset, { fatal: true });
  } catch {
    throw unsupportedMediaType('badCharset', String(charset).slice(0, 40));
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw badRequest('badEncoding', decoder.encoding);
  }
}

/** JSON.parse, whose rule for a key given twice is the one this API follows: the last wins. */
function parseJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest('badJson', (error as Error).message.slice(0, 200));
  }
  checkShape(parsed);
  return parsed;
}

export const MAX_DEPTH = 16;
export const MAX_MEMBERS = 2000;

/**
 * Refuses JSON nested deeper than MAX_DEPTH or with more than MAX_MEMBERS members and items
 * in all: an entity needs neither, and the work to walk or store them grows with both.
 */
function checkShape(value: unknown): void {
  let members = 0;
  // Only objects and arrays go on the stacks, each with its depth: a visitor's flat form is one
  // pass over its values.
  const nodes: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) nodes.push(value), depths.push(1);
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_DEPTH) throw badRequest('jsonTooDeep', MAX_DEPTH);
    const children = Array.isArray(node) ? node : Object.values(node);
    members += children.length;
    if (members > MAX_MEMBERS) throw badRequest('jsonTooLarge', MAX_MEMBERS);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) nodes.push(child), depths.push(depth + 1);
    }
  }
}

function shaped<T>(value: T): T {
  checkShape(value);
  return value;
}

function jsonObject(text: string): Record<string, unknown> {
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('notAnObject');
  }
  return parsed as Record<string, unknown>;
}

/**
 * XML and form bodies carry every value as text. Turn the text of typed fields into their
 * JSON type, so that one set of rules judges every content type; text that does not convert
 * stays text and is refused by those rules.
 */
function typeStrings(fields: Pick<EntityDescriptor, 'field'>, body: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(body)) {
    const spec = fields.field(key);
    if (!spec) continue;
    body[key] = typeString(spec, value);
  }
  return body;
}

function typeString(spec: FieldSpec, value: unknown): unknown {
  if (spec.kind === 'origins') {
    // `<AllowedOrigins><string>…</string></AllowedOrigins>`, or a form's `a b` / `a,b`.
    if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.values(value).flatMap((items) => (Array.isArray(items) ? items : [items]));
    }
    return value;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (spec.kind === 'object') return typeStrings(nestedEntity(spec), object);
    if (spec.kind === 'associate') {
      const idKey = memberKey(object, 'AssociateId');
      if (idKey && typeof object[idKey] === 'string' && /^-?\d+$/.test(object[idKey] as string)) object[idKey] = Number(object[idKey]);
    }
    return value;
  }
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (spec.kind === 'int32' && /^-?\d+$/.test(text)) return Number(text);
  if (spec.kind === 'bool' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (spec.kind === 'status' && /^\d+$/.test(text)) return Number(text);
  if (spec.kind === 'object' && text === '') return {};
  if (spec.kind !== 'string' && spec.kind !== 'flags' && text === '') return null;
  return value;
}

/** `a=1&User.AssociateId=5` (or `User/AssociateId`) → `{a: '1', User: {AssociateId: '5'}}`. */
function parseForm(text: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name.toLowerCase())) throw badRequest('formTwice', name.slice(0, 80));
    seen.add(name.toLowerCase());
    const path = name.split(/[./]/);
    if (path.some((segment) => FORBIDDEN_KEYS.has(segment))) throw badRequest('forbiddenMember', name.slice(0, 80));
    let target = body;
    for (const segment of path.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (typeof next === 'object' && next !== null) target = next as Record<string, unknown>;
      else {
        const child: Record<string, unknown> = {};
        Object.defineProperty(target, segment, { value: child, enumerable: true, writable: true });
        target = child;
      }
    }
    Object.defineProperty(target, path.at(-1)!, { value, enumerable: true, writable: true });
  }
  return body;
}

/** What the body's chunks add up to; too many bytes stop the reading with a 413. */
class Collected {
  chunks: Uint8Array[] = [];
  size = 0;
  constructor(readonly limit: number) {}
  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.limit) throw payloadTooLarge(this.limit);
    this.chunks.push(chunk);
  }
  bytes(): Uint8Array {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }
}

/**
 * The body from Node's own stream, by its events: an async iterator, or a web Request and
 * ReadableStream around it, cost more than the rest of reading a visitor's form.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const collected = new Collected(limit);
    const done = (error?: unknown) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve(collected.bytes());
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      try {
        collected.add(chunk);
      } catch (error) {
        done(error);
      }
    };
    const onEnd = () => done();
    // The client went away mid-body.
    const onError = () => done(badRequest('bodyIncomplete'));
    const onClose = () => {
      if (!incoming.complete) onError();
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** The request's bytes, at most the body limit's of them. */
async function readBytes(c: Context<ApiEnv>): Promise<Uint8Array> {
  const limit = c.get('bodyLimit') ?? MAX_BODY_BYTES;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && typeof incoming.read === 'function' && !incoming.readableDidRead) return readIncoming(incoming, limit);
  const source = c.req.raw.body;
  if (!source) return new Uint8Array(0);
  const collected = new Collected(limit);
  try {
    for await (const chunk of source) collected.add(chunk);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw badRequest('bodyIncomplete'); // the client went away mid-body
  }
  return collected.bytes();
}

async function readText(c: Context<ApiEnv>): Promise<{ type: string; text: string }> {
  const header = c.req.header('content-type');
  const bytes = await readBytes(c);
  if (header === undefined) {
    if (bytes.byteLength === 0) throw badRequest('noBody');
    throw unsupportedMediaType('noContentType');
  }
  const { type, charset } = parseMediaType(header);
  if (!SUPPORTED.has(type)) {
    throw unsupportedMediaType('unsupportedType', (type || header).slice(0, 80), [...SUPPORTED].join(', '));
  }
  const text = decode(bytes, charset);
  if (text.trim() === '') throw badRequest('emptyBody');
  return { type, text };
}

const SUPPORTED = new Set([
  'application/json',
  'text/json',
  'application/xml',
  'text/xml',
  'application/x-www-form-urlencoded',
  'application/json-patch+json',
  'application/merge-patch+json',
]);

/**
 * The members a patch changed on the default entity. What it left alone takes its default
 * anyway, and is not counted as set: a visitor's patch that leaves Status alone did not set it.
 */
function changedMembers(
  defaults: object,
  apply: (base: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  const base = structuredClone(defaults) as Record<string, unknown>;
  const patched = apply(structuredClone(base));
  return Object.fromEntries(Object.entries(patched).filter(([key, value]) => !isDeepStrictEqual(value, base[key])));
}

/**
 * The entity in the request body, as an object of wire names, whatever the content type. A
 * patch document is applied to the default entity, which is the consistent reading of a patch
 * sent to create something. The size limit is enforced while reading.
 */
export async function readEntityBody(
  c: Context<ApiEnv>,
  entity: EntityDescriptor,
  defaults: () => object,
): Promise<Record<string, unknown>> {
  const { type, text } = await readText(c);
  switch (type) {
    case 'application/xml':
    case 'text/xml':
      return typeStrings(entity, shaped(parseXmlEntity(text, entity.xmlRoot)));
    case 'application/x-www-form-urlencoded':
      return typeStrings(entity, shaped(parseForm(text)));
    case 'application/json-patch+json':
      return changedMembers(defaults(), (base) => applyJsonPatch(base, parseJson(text)));
    case 'application/merge-patch+json':
      return changedMembers(defaults(), (base) => applyMergePatch(base, parseJson(text)));
    default:
      return jsonObject(text);
  }
}

/** A PATCH body: JSON Patch (a list) or merge patch (an object), to apply to the entity. */
export type PatchDocument = { kind: 'json-patch' | 'merge-patch'; document: unknown };

export async function readPatch(c: Context<ApiEnv>): Promise<PatchDocument> {
  const { type, text } = await readText(c);
  if (type === 'application/json-patch+json') return { kind: 'json-patch', document: parseJson(text) };
  if (type === 'application/merge-patch+json') return { kind: 'merge-patch', document: parseJson(text) };
  if (type === 'application/json' || type === 'text/json') {
    const document = parseJson(text);
    return { kind: Array.isArray(document) ? 'json-patch' : 'merge-patch', document };
  }
  throw unsupportedMediaType('patchTypes');
}

/** The entity with the patch applied; a failed JSON Patch `test` is a 409 and changes nothing. */
export function applyPatch(entity: object, patch: PatchDocument): Record<string, unknown> {
  const document = entity as Record<string, unknown>;
  return patch.kind === 'json-patch' ? applyJsonPatch(document, patch.document) : applyMergePatch(document, patch.document);
}

/** A body that is not an entity (a sign-in's name and password): a JSON object, or a form. */
export async function readObjectBody(c: Context<ApiEnv>): Promise<Record<string, unknown>> {
  const { type, text } = await readText(c);
  if (type === 'application/x-www-form-urlencoded') return shaped(parseForm(text));
  if (type === 'application/json' || type === 'text/json') return jsonObject(text);
  throw unsupportedMediaType('unsupportedType', type, 'application/json, application/x-www-form-urlencoded');
}

/**
 * The parameters of an Agents method: a JSON object of camelCase members. SuperOffice's client
 * sends an empty body to methods without parameters and the literal `null` to some: both are
 * no parameters.
 */
export async function readArguments(c: Context<ApiEnv>): Promise<Record<string, unknown>> {
  const bytes = await readBytes(c);
  const header = c.req.header('content-type');
  const { type, charset } = parseMediaType(header ?? 'application/json');
  if (!SUPPORTED.has(type)) throw unsupportedMediaType('unsupportedType', (type || String(header)).slice(0, 80), 'application/json');
  const text = decode(bytes, charset).trim();
  if (text === '' || text === 'null') return {};
  if (type === 'application/x-www-form-urlencoded') return shaped(parseForm(text));
  return jsonObject(text);
}

/** A body that is a JSON array (a list of members to set). */
export async function readJsonArray(c: Context<ApiEnv>): Promise<unknown[]> {
  const { type, text } = await readText(c);
  if (type !== 'application/json' && type !== 'text/json') throw unsupportedMediaType('unsupportedType', type, 'application/json');
  const parsed = parseJson(text);
  if (!Array.isArray(parsed)) throw badRequest('argument', 'a list');
  return parsed;
}
