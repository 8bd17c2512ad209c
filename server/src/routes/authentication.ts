import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  checkPassword,
  newSecret,
  SESSION_COOKIE,
  sha256,
  XSRF_COOKIE,
} from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { readEntityBody } from '../body.ts';
import { toAssociate } from '../entity.ts';
import { badRequest, unauthorized } from '../errors.ts';
import { sendJson } from '../respond.ts';
import type { AssociateRow, ChatStore } from '../store.ts';

const TICKET_LIFETIME_MS = 6 * 60 * 60 * 1000;
const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

export type AuthenticationDeps = { store: ChatStore; now: () => number };

/** `{"UserName": "…", "Password": "…"}` in any case, or the agent the request already names. */
async function credentialsFromBody(c: Context<ApiEnv>, store: ChatStore): Promise<AssociateRow> {
  const caller = c.get('caller');
  const hasBody = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
  if (caller.kind === 'agent' && !hasBody) return caller.associate;
  const body = await readEntityBody(c, () => ({}));
  const get = (name: string) => Object.entries(body).find(([key]) => key.toLowerCase() === name)?.[1];
  const userName = get('username');
  const password = get('password');
  if (typeof userName !== 'string' || typeof password !== 'string' || userName === '') {
    throw badRequest('loginBody');
  }
  return checkPassword(store, userName, password);
}

/** `/api/v1/Authentication`: tickets for SOTicket, and cookie sessions for browser agents. */
export function authenticationRoutes({ store, now }: AuthenticationDeps) {
  return new Hono<ApiEnv>()
    .post('/Ticket', async (c) => {
      const associate = await credentialsFromBody(c, store);
      const ticket = newSecret();
      const created = now();
      const expires = created + TICKET_LIFETIME_MS;
      store.addCredential({
        secret_hash: sha256(ticket),
        kind: 'ticket',
        associate_id: associate.id,
        xsrf_hash: null,
        created_at: created,
        expires_at: expires,
      });
      return sendJson(c, { Ticket: ticket, Expires: new Date(expires).toISOString().replace('Z', '+00:00') });
    })
    .post('/Login', async (c) => {
      const associate = await credentialsFromBody(c, store);
      const session = newSecret();
      const xsrf = newSecret();
      const created = now();
      store.addCredential({
        secret_hash: sha256(session),
        kind: 'session',
        associate_id: associate.id,
        xsrf_hash: sha256(xsrf),
        created_at: created,
        expires_at: created + SESSION_LIFETIME_MS,
      });
      const secure = new URL(c.req.url).protocol === 'https:';
      const maxAge = SESSION_LIFETIME_MS / 1000;
      setCookie(c, SESSION_COOKIE, session, { path: '/', httpOnly: true, sameSite: 'Strict', secure, maxAge });
      // Readable by the agent's page, which echoes it in X-XSRF-TOKEN; a page of another site cannot.
      setCookie(c, XSRF_COOKIE, xsrf, { path: '/', httpOnly: false, sameSite: 'Strict', secure, maxAge });
      return sendJson(c, toAssociate(associate));
    })
    .post('/Logout', (c) => {
      if (c.get('caller').kind !== 'agent') throw unauthorized('notSignedIn');
      const session = getCookie(c, SESSION_COOKIE);
      if (session) store.deleteCredential(sha256(session));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, XSRF_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
}
