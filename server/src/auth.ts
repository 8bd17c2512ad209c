/**
 * Who is calling. No credentials: an anonymous visitor. Credentials: an agent, or 401 — a
 * wrong, expired or unknown credential is never taken as anonymous.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.ts';
import { getCookie } from 'hono/cookie';
import { unauthorized } from './errors.ts';
import { verifyPassword } from './passwords.ts';
import type { AssociateRow, ChatStore } from './store.ts';

export type Caller = { kind: 'visitor' } | { kind: 'agent'; associate: AssociateRow };


export const SESSION_COOKIE = 'chatline_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';

export const sha256 = (text: string) => hash('sha256', text, 'hex');

/** A new random secret: 256 bits, URL-safe. */
export const newSecret = () => randomBytes(32).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The longest Authorization header worth reading; longer ones are refused unread. */
const MAX_AUTHORIZATION = 4096;

/** The agent these credentials name, or a 401. Used by Basic and by the login endpoints. */
export async function checkPassword(store: ChatStore, userName: string, password: string): Promise<AssociateRow> {
  const associate = store.findAssociate(userName);
  // Hash even for an unknown user, so the answer's timing does not tell which names exist.
  const ok = await verifyPassword(password, associate?.password_hash ?? DUMMY_HASH);
  if (!associate || !associate.password_hash || !ok || associate.deleted) {
    throw unauthorized('wrongPassword');
  }
  return associate;
}

const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function decodeBasic(value: string): [string, string] {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || colon < 0) {
    throw unauthorized('badBasic');
  }
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function agentFor(store: ChatStore, associateId: number): AssociateRow {
  const associate = store.getAssociate(associateId);
  if (!associate || associate.deleted) throw unauthorized('agentGone');
  return associate;
}

export type AuthOptions = {
  store: ChatStore;
  /** When not empty, an `SO-AppToken` header must be one of these. */
  appTokens?: readonly string[];
  now?: () => number;
};

export function authenticate({ store, appTokens = [], now = Date.now }: AuthOptions): MiddlewareHandler<ApiEnv> {
  return async function authenticate(c, next) {
    const appToken = c.req.header('so-apptoken');
    if (appTokens.length > 0 && appToken !== undefined && !appTokens.some((token) => sameSecret(token, appToken))) {
      throw unauthorized('unknownAppToken');
    }
    // Signing in takes the name and password in its body; a stale session cookie must not stop it.
    if (c.req.path === '/api/v1/Authentication/Login') {
      c.set('caller', { kind: 'visitor' });
      return next();
    }

    const header = c.req.header('authorization');
    let caller: Caller = { kind: 'visitor' };
    if (header !== undefined) {
      if (header.length > MAX_AUTHORIZATION) throw unauthorized('authorizationTooLong');
      const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
      if (!match) throw unauthorized('badAuthorization');
      const [, scheme, value] = match as unknown as [string, string, string];
      switch (scheme.toLowerCase()) {
        case 'basic': {
          const [userName, password] = decodeBasic(value);
          caller = { kind: 'agent', associate: await checkPassword(store, userName, password) };
          break;
        }
        case 'bearer': {
          const token = store.findCredential(sha256(value), 'token', now());
          if (!token) throw unauthorized('unknownToken');
          caller = { kind: 'agent', associate: agentFor(store, token.associate_id) };
          break;
        }
        case 'soticket': {
          const ticket = store.findCredential(sha256(value), 'ticket', now());
          if (!ticket) throw unauthorized('unknownTicket');
          caller = { kind: 'agent', associate: agentFor(store, ticket.associate_id) };
          break;
        }
        default:
          throw unauthorized('unknownScheme', scheme.slice(0, 40));
      }
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie !== undefined) {
        const session = store.findCredential(sha256(cookie), 'session', now());
        if (!session) throw unauthorized('sessionExpired');
        // The XSRF token proves the request comes from a page of ours that could read the cookie.
        const xsrf = c.req.header('x-xsrf-token');
        if (!xsrf || !session.xsrf_hash || !sameSecret(sha256(xsrf), session.xsrf_hash)) {
          throw unauthorized('xsrfMissing');
        }
        caller = { kind: 'agent', associate: agentFor(store, session.associate_id) };
      }
    }
    c.set('caller', caller);
    await next();
  };
}

/** Refuses visitors: the route needs an agent's credentials. */
export function requireAgent(caller: Caller): AssociateRow {
  if (caller.kind !== 'agent') {
    throw unauthorized('agentRequired');
  }
  return caller.associate;
}
