import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import type { OriginPolicy } from '../chat/origins.ts';
import { forbiddenRequest } from '../http/errors.ts';
import { SESSION_COOKIE } from './auth.ts';

export type OriginOptions = {
  /** Which pages may use the chat; topics narrow it for each request. */
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
 * Refuses browser requests from pages of origins the server does not serve, and answers the
 * allowed ones with CORS headers, preflight included. Requests without an `Origin` header come
 * from servers and tools, not from a page: browsers always send it on cross-origin calls.
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
    ],
    maxAge: 600,
  });

  return async function originGuard(c, next) {
    c.set('crossOrigin', null);
    const header = c.req.header('origin');
    if (header === undefined) return next();
    const origin = normalizeOrigin(header);
    const own = origin !== null && (origin === publicOrigin || origin === new URL(c.req.url).origin);
    if (own) return next();
    if (origin === null || !(await policy.mayUseServer(origin))) {
      throw forbiddenRequest('originRefused', header.slice(0, 200));
    }
    // A page of another site acts as a visitor only: an agent's credentials sent from it
    // would let that site act as the agent.
    if (c.req.header('authorization') !== undefined || getCookie(c, SESSION_COOKIE) !== undefined) {
      throw forbiddenRequest('credentialsCrossOrigin');
    }
    c.set('crossOrigin', origin);
    return corsHeaders(c, next);
  };
}
