import { Hono, type Context } from 'hono';
import { chatSession, parseStatus } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import type { SessionView } from '../chat/sessions.ts';
import { applyPatch, readEntityBody, readPatch } from '../http/body.ts';
import { clientAddress } from '../http/client-address.ts';
import type { ApiEnv } from '../http/context.ts';
import { toSessionEntity, toSessionRow } from '../http/entities.ts';
import { badRequest } from '../http/errors.ts';
import { sendEntity, sendJson } from '../http/respond.ts';
import { toXmlList } from '../http/xml.ts';
import { responseFormat } from '../middleware/output.ts';
import { rateLimit, type RateLimiter } from '../middleware/rate-limit.ts';

export type SessionRouteDeps = {
  chat: Chat;
  /** Base URL for `_Links`; the request's own origin when null. */
  publicUrl: string | null;
  /** How many proxies in front of the server to trust for the visitor's address. */
  trustProxy: number;
  /** Limits visitors' creates per client. */
  limiter: RateLimiter;
  now: () => number;
};

/** What every session route needs to answer: the base of `_Links`, and the entity as the caller sees it. */
export function sessionAnswers({ publicUrl }: { publicUrl: string | null }) {
  const baseUrl = (c: Context) => publicUrl ?? new URL(c.req.url).origin;
  return {
    baseUrl,
    entity: (c: Context<ApiEnv>, view: SessionView, { links = true } = {}) =>
      toSessionEntity(view, {
        caller: c.get('caller').kind,
        language: c.get('output').language,
        baseUrl: links ? baseUrl(c) : undefined,
      }),
  };
}

/** `If-Unmodified-Since` as a time; undefined when absent or unparsable (RFC 9110 §13.1.4 ignores those). */
export function unmodifiedSince(c: Context): number | undefined {
  const header = c.req.header('if-unmodified-since');
  const since = header === undefined ? NaN : Date.parse(header);
  return Number.isNaN(since) ? undefined : since;
}

const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

/** A whole number from `$top` or `$skip`, or a 400 naming it. */
function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) throw badRequest('queryCount', name);
  return Number(value);
}

/**
 * `$filter` as the list reads it: `TopicId eq 1 and Status eq 'InQueue'` (OData, names in any
 * case, the status by name or number, quoted or not).
 */
function parseFilter(text: string | undefined): { topicId?: number; status?: number } {
  const filter: { topicId?: number; status?: number } = {};
  if (text === undefined || text.trim() === '') return filter;
  if (text.length > 256) throw badRequest('filterUnknown', text.slice(0, 80));
  for (const term of text.trim().split(/\s+and\s+/i)) {
    const match = /^(\w+)\s+eq\s+'?([\w-]+)'?$/i.exec(term.trim());
    const field = match?.[1]?.toLowerCase();
    const value = match?.[2] ?? '';
    if (field === 'topicid' && /^\d{1,9}$/.test(value)) filter.topicId = Number(value);
    else if (field === 'status' && parseStatus(/^\d+$/.test(value) ? Number(value) : value) !== undefined) {
      filter.status = parseStatus(/^\d+$/.test(value) ? Number(value) : value);
    } else throw badRequest('filterUnknown', term.trim().slice(0, 80));
  }
  return filter;
}

/** `/api/v1/ChatSession`: the REST resource. A visitor may create one and read their own; the rest needs an agent. */
export function chatSessionRoutes({ chat, publicUrl, trustProxy, limiter, now }: SessionRouteDeps) {
  const { sessions } = chat;
  const answers = sessionAnswers({ publicUrl });
  const address = (c: Context) => clientAddress(c, trustProxy);
  const id = (c: Context) => Number(c.req.param('id'));
  return new Hono<ApiEnv>()
    .use(responseFormat({ entity: chatSession }))
    .post('/', rateLimit({ limiter, address, now }), async (c) => {
      const caller = c.get('caller');
      const body = await readEntityBody(c, chatSession, () => answers.entity(c, sessions.blank(), { links: false }));
      const view = await sessions.create(caller, body, { peer: address(c), origin: c.get('crossOrigin') });
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    // The archive the entity's `_Links.Archive` names: a page of sessions, the oldest first.
    .get('/', async (c) => {
      const query = c.req.query();
      const top = Math.min(count(query.$top, '$top', DEFAULT_TOP), MAX_TOP);
      const skip = count(query.$skip, '$skip', 0);
      const filter = parseFilter(query.$filter);
      const views = await sessions.list(c.get('caller'), { ...filter, skip, top: top + 1 });
      const base = answers.baseUrl(c);
      const rows = views.slice(0, top).map((view) => toSessionRow(view, base));
      if (c.get('output').format === 'xml') {
        return c.body(toXmlList(chatSession.xmlRoot, rows), 200, { 'Content-Type': c.get('output').contentType });
      }
      const next = new URL(`${base}/api/v1/ChatSession`);
      for (const [name, value] of Object.entries(query)) next.searchParams.set(name, value);
      next.searchParams.set('$skip', String(skip + top));
      next.searchParams.set('$top', String(top));
      return sendJson(c, {
        'odata.metadata': `${base}/api/v1/$metadata#ChatSession`,
        ...(views.length > top ? { 'odata.nextLink': next.href } : {}),
        value: rows,
      });
    })
    .get('/default', (c) => sendEntity(c, chatSession, answers.entity(c, sessions.defaults(c.get('caller')), { links: false })))
    .get('/:id{-?[0-9]+}', async (c) => {
      // A visitor reads their own session with the key they were given when it was created.
      const view = await sessions.read(c.get('caller'), id(c), { sessionKey: c.req.header('x-chat-session-key') });
      c.header('Last-Modified', new Date(view.session.updatedAt).toUTCString());
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    .put('/:id{-?[0-9]+}', async (c) => {
      const caller = c.get('caller');
      // The version the request is conditional on is the one current when it arrives.
      const pending = await sessions.readForUpdate(caller, id(c), { ifUnmodifiedSince: unmodifiedSince(c) });
      const body = await readEntityBody(c, chatSession, () => answers.entity(c, sessions.blank(), { links: false }));
      return sendEntity(c, chatSession, answers.entity(c, await sessions.update(caller, pending, () => body)));
    })
    .patch('/:id{-?[0-9]+}', async (c) => {
      const caller = c.get('caller');
      const pending = await sessions.readForUpdate(caller, id(c), { ifUnmodifiedSince: unmodifiedSince(c) });
      const patch = await readPatch(c);
      const view = await sessions.update(caller, pending, (current) => applyPatch(answers.entity(c, current, { links: false }), patch));
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    .delete('/:id{-?[0-9]+}', async (c) => {
      await sessions.delete(c.get('caller'), id(c));
      return c.body(null, 204);
    });
}
