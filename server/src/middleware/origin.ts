import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import type { OriginPolicy } from '../chat/origins.ts';
import { SESSION_COOKIE } from './auth.ts';

export type OriginOptions = {
  /** Which pages may use the chat (chat/origins.ts); topics narrow it for each request. */
  policy: OriginPolicy;
  /** The server's public URL, when it is not the one the request came to. */
  publicUrl?: string | null;
};

function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/**
 * Puts browser requests to the origin policy, and answers those from other sites' pages with
 * CORS headers, preflight included. Requests without an `Origin` header come from servers and
 * tools, not from a page: browsers always send it on cross-origin calls.
 */
export function originGuard({ policy, publicUrl = null }: OriginOptions): MiddlewareHandler<{
  Variables: { crossOrigin: string | null };
}> {
  const publicOrigin = publicUrl ? normalizeOrigin(publicUrl) : null;
  const corsHeaders = cors({
    origin: (origin) => origin,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // No Authorization, no cookies: a page of another origin acts as a visitor only.
    allowHeaders: [
      'Content-Type',
      'Accept',
      'Accept-Language',
      'SO-Language',
      'SO-Culture',
      'SO-TimeZone',
      'If-Unmodified-Since',
      'X-Chat-Session-Key',
      'Idempotency-Key',
    ],
    // What a page's script may read of an answer, beyond the safelisted headers.
    exposeHeaders: ['Retry-After', 'Idempotent-Replayed'],
    maxAge: 600,
  });

  return async function originGuard(c, next) {
    c.set('crossOrigin', null);
    const header = c.req.header('origin');
    if (header === undefined) return next();
    const origin = normalizeOrigin(header);
    const own = [new URL(c.req.url).origin, ...(publicOrigin ? [publicOrigin] : [])];
    const credentials = c.req.header('authorization') !== undefined || getCookie(c, SESSION_COOKIE) !== undefined;
    if ((await policy.admit({ origin, header, own, credentials })) === 'own') return next();
    c.set('crossOrigin', origin);
    return corsHeaders(c, next);
  };
}
