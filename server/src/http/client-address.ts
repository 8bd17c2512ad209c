import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** `::ffff:203.0.113.7` is how Node reports an IPv4 peer on a dual-stack socket. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The TCP peer's address; none when the request did not come over a socket (a test's `app.request`). */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: unknown; server?: { incoming?: unknown } } | undefined;
  if (!env?.incoming && !env?.server?.incoming) return undefined;
  return getConnInfo(c).remote.address;
}

/**
 * The visitor's address: the TCP peer, or with `trustProxy` hops the address the nearest
 * trusted proxy saw. Each proxy appends its peer to `X-Forwarded-For`, so the n-th entry from
 * the right is the one the n-th proxy vouches for; entries further left are the client's own
 * claims and never used.
 */
export function clientAddress(c: Context, trustProxy: number): string | null {
  if (trustProxy > 0) {
    const forwarded = c.req.header('x-forwarded-for');
    if (forwarded) {
      const hops = forwarded.split(',').map((entry) => entry.trim());
      const candidate = hops[Math.max(0, hops.length - trustProxy)];
      if (candidate && isIP(candidate)) return normalize(candidate);
    }
  }
  const peer = peerAddress(c);
  return peer ? normalize(peer) : null;
}

/**
 * Whether the visitor's browser reached the server over TLS: the public URL is https, the
 * request itself came over TLS, or, with `trustProxy` hops, the nearest trusted proxy says so
 * in `X-Forwarded-Proto` (read as `X-Forwarded-For` is: the n-th entry from the right).
 */
export function overTls(c: Context, { publicUrl, trustProxy }: { publicUrl: string | null; trustProxy: number }): boolean {
  if (publicUrl?.startsWith('https:')) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (trustProxy > 0) {
    const forwarded = c.req.header('x-forwarded-proto');
    if (forwarded) {
      const hops = forwarded.split(',').map((entry) => entry.trim().toLowerCase());
      return hops[Math.max(0, hops.length - trustProxy)] === 'https';
    }
  }
  return false;
}
