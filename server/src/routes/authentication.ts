import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { member } from '@chatline/shared';
import { BROWSER_SESSION_LIFETIME_MS } from '../chat/agents.ts';
import type { Chat } from '../chat/index.ts';
import type { AgentRecord } from '../store/types.ts';
import { readObjectBody } from '../http/body.ts';
import type { ApiEnv } from '../http/context.ts';
import { formatDateTime, toAssociate } from '../http/entities.ts';
import { badRequest } from '../http/errors.ts';
import { sendJson } from '../http/respond.ts';
import { SESSION_COOKIE, XSRF_COOKIE } from '../middleware/auth.ts';
import { responseFormat } from '../middleware/output.ts';

/** `/api/v1/Authentication`: tickets for SOTicket, and cookie sessions for browser agents. */
export function authenticationRoutes({ chat, tls = () => false }: { chat: Chat; /** Whether the browser reached the server over TLS: its cookies are then Secure. */ tls?: (c: Context<ApiEnv>) => boolean }) {
  const { agents } = chat;

  /** `{"UserName": "…", "Password": "…"}` in any case, or the agent the request already names. */
  async function signingIn(c: Context<ApiEnv>, method: 'login' | 'ticket'): Promise<AgentRecord> {
    const caller = c.get('caller');
    const hasBody = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
    if (caller.kind === 'agent' && !hasBody) return caller.agent;
    const body = await readObjectBody(c);
    const userName = member(body, 'UserName');
    const password = member(body, 'Password');
    if (typeof userName !== 'string' || typeof password !== 'string' || userName === '') throw badRequest('loginBody');
    return agents.checkPassword(userName, password, c.get('origin'), method);
  }

  return new Hono<ApiEnv>()
    .use(responseFormat())
    .post('/Ticket', async (c) => {
      const { ticket, expiresAt } = await agents.issueTicket(await signingIn(c, 'ticket'));
      return sendJson(c, { Ticket: ticket, Expires: formatDateTime(expiresAt) });
    })
    .post('/Login', async (c) => {
      const agent = await signingIn(c, 'login');
      const { session, xsrf } = await agents.startBrowserSession(agent);
      // Behind a proxy that ends TLS the request reaches the server as http: the public URL or
      // the trusted proxy's X-Forwarded-Proto says how the browser came.
      const secure = tls(c);
      const maxAge = BROWSER_SESSION_LIFETIME_MS / 1000;
      setCookie(c, SESSION_COOKIE, session, { path: '/', httpOnly: true, sameSite: 'Strict', secure, maxAge });
      // Readable by the agent's page, which echoes it in X-XSRF-TOKEN; a page of another site cannot.
      setCookie(c, XSRF_COOKIE, xsrf, { path: '/', httpOnly: false, sameSite: 'Strict', secure, maxAge });
      return sendJson(c, toAssociate(agent));
    })
    .post('/Logout', async (c) => {
      await agents.endBrowserSession(c.get('caller'), getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, XSRF_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
}
