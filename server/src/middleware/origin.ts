import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { forbidden } from '../errors.ts';

export type OriginOptions = {
  /** Whether pages of this (normalized) origin may call the API at all; topics narrow it. */
  isAllowed?: (origin: string) => boolean;
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
export function originGuard({ isAllowed = () => false, publicUrl = null }: OriginOptions = {}): MiddlewareHandler<{
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
    if (origin === null || !isAllowed(origin)) {
      throw forbidden(undefined, 'originRefused', header.slice(0, 200));
    }
    // A page of another site acts as a visitor only: an agent's credentials sent from it
    // would let that site act as the agent.
    if (c.req.header('authorization') !== undefined || /(?:^|;\s*)chatline_session=/.test(c.req.header('cookie') ?? '')) {
      throw forbidden(undefined, 'credentialsCrossOrigin');
    }
    c.set('crossOrigin', origin);
    return corsHeaders(c, next);
  };
}
