/**
 * Who is calling. No credentials: an anonymous visitor. Credentials: an agent, or 401 — a
 * wrong, expired or unknown credential is never taken as anonymous. The headers are read
 * here; the rules that judge them are chat/'s.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AgentService, Credentials } from '../chat/agents.ts';
import { requireAgent, VISITOR } from '../chat/rights.ts';
import { sameSecret } from '../chat/secrets.ts';
import { clientAddress } from '../http/client-address.ts';
import type { ApiEnv } from '../http/context.ts';
import { unauthorizedRequest } from '../http/errors.ts';

export const SESSION_COOKIE = 'chatline_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';

/** The longest Authorization header worth reading; longer ones are refused unread. */
const MAX_AUTHORIZATION = 4096;

function decodeBasic(value: string): [string, string] {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || colon < 0) throw unauthorizedRequest('badBasic');
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

/** The credentials in an Authorization header. */
function fromAuthorization(header: string): Credentials {
  if (header.length > MAX_AUTHORIZATION) throw unauthorizedRequest('authorizationTooLong');
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) throw unauthorizedRequest('badAuthorization');
  const [, scheme, value] = match as unknown as [string, string, string];
  switch (scheme.toLowerCase()) {
    case 'basic': {
      const [userName, password] = decodeBasic(value);
      return { scheme: 'basic', userName, password };
    }
    case 'bearer':
      return { scheme: 'bearer', token: value };
    case 'soticket':
      return { scheme: 'ticket', ticket: value };
    default:
      throw unauthorizedRequest('unknownScheme', scheme.slice(0, 40));
  }
}

export type AuthOptions = {
  agents: AgentService;
  /** When not empty, an `SO-AppToken` header must be one of these. */
  appTokens?: readonly string[];
  /** How many proxies in front are trusted to say the client's address (`CHAT_TRUST_PROXY`). */
  trustProxy?: number;
};

export function authenticate({ agents, appTokens = [], trustProxy = 0 }: AuthOptions): MiddlewareHandler<ApiEnv> {
  return async function authenticate(c, next) {
    const origin = { address: clientAddress(c, trustProxy), requestId: c.get('requestId') ?? null };
    c.set('origin', origin);
    const appToken = c.req.header('so-apptoken');
    if (appTokens.length > 0 && appToken !== undefined && !appTokens.some((token) => sameSecret(token, appToken))) {
      throw unauthorizedRequest('unknownAppToken');
    }
    // Signing in takes the name and password in its body; a stale session cookie must not stop it.
    if (c.req.path === '/api/v1/Authentication/Login') {
      c.set('caller', VISITOR);
      return next();
    }
    const header = c.req.header('authorization');
    // An EventSource of the same origin sends the cookie without the XSRF token it cannot set:
    // a request with a stream ticket is the ticket's, whoever's cookie comes with it. (Only a
    // request with the cookie has its query read for that.)
    const cookie = header === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
    const session = cookie !== undefined && c.req.query('ticket') === undefined ? cookie : undefined;
    const credentials: Credentials | undefined =
      header !== undefined
        ? fromAuthorization(header)
        : session !== undefined
          ? { scheme: 'cookie', session, xsrf: c.req.header('x-xsrf-token') }
          : undefined;
    c.set('caller', credentials ? await agents.identify(credentials, origin) : VISITOR);
    await next();
  };
}

/** For a group of routes that are all for agents. */
export function agentsOnly(): MiddlewareHandler<ApiEnv> {
  return async function agentsOnly(c, next) {
    requireAgent(c.get('caller'));
    await next();
  };
}
