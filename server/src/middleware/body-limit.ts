import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../http/context.ts';
import { MAX_BODY_BYTES } from '../http/body.ts';
import { payloadTooLarge } from '../http/errors.ts';

/**
 * The one body limit: a declared length over it is refused before anything reads the body,
 * and the body reader counts a chunked one (no declared length) against the same limit as it
 * reads. Hono's own body-limit wraps Node's stream in a web Request to count it, which cost
 * more than reading a visitor's whole form.
 */
export function bodyLimit({ maxBytes = MAX_BODY_BYTES }: { maxBytes?: number } = {}): MiddlewareHandler<ApiEnv> {
  return async function bodyLimit(c, next) {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    c.set('bodyLimit', maxBytes);
    await next();
  };
}
