import type { Context } from 'hono';
import { badRequest, unsupportedMediaType } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPES = new Set(['application/json', 'text/json']);

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

function decode(bytes: ArrayBuffer, charset: string | undefined): string {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset || 'utf-8', { fatal: true });
  } catch {
    throw unsupportedMediaType(`The charset "${charset}" is not supported; send UTF-8.`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw badRequest(`The request body is not valid ${decoder.encoding}.`);
  }
}

/**
 * The request body as a JSON object. Refuses other content types (415), bodies that are not
 * JSON (400), and JSON that is not an object (400). The size limit is enforced while reading,
 * by the body-limit middleware in front of the API.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const header = c.req.header('content-type');
  const bytes = await c.req.arrayBuffer();
  if (header === undefined) {
    if (bytes.byteLength === 0) throw badRequest('The request has no body. Send the entity as JSON.');
    throw unsupportedMediaType('The request has no Content-Type. Send application/json.');
  }
  const { type, charset } = parseMediaType(header);
  if (!JSON_TYPES.has(type)) {
    throw unsupportedMediaType(`Content-Type ${type || header} is not supported. Send application/json.`);
  }
  const text = decode(bytes, charset);
  if (text.trim() === '') throw badRequest('The request body is empty. Send the entity as JSON.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
