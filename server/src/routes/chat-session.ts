import { Hono, type Context } from 'hono';
import { chatMessage, chatSession, hasBadCharacters, member, parseStatus } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import type { SessionRecord } from '../store/types.ts';
import { sessionAnswers } from '../http/answers.ts';
import { applyPatch, readEntityBody, readObjectBody, readPatch } from '../http/body.ts';
import { clientAddress } from '../http/client-address.ts';
import type { ApiEnv } from '../http/context.ts';
import { idempotencyKey, updateCondition, validators } from '../http/conditions.ts';
import { formatDateTime, toChatMessage, toOfflineRequest, toRatingSummary, toSessionRow } from '../http/entities.ts';
import { agentFrame, sendEvents, sessionFrame } from '../http/events.ts';
import { transcriptHtml, transcriptLanguage, transcriptText, validTimeZone } from '../http/transcript.ts';
import { badRequest } from '../http/errors.ts';
import { sendEntities, sendEntity, sendJson, sendPage } from '../http/respond.ts';
import { responseFormat } from '../middleware/output.ts';
import { clientKey, rateLimit, type RateLimiter, type RateLimiters } from '../middleware/rate-limit.ts';

/** A visitor may post this many messages in a session per window, which no one typing reaches. */
const MESSAGES_PER_WINDOW = 20;
const MESSAGE_WINDOW_MS = 10_000;

export type SessionRouteDeps = {
  chat: Chat;
  /** Base URL for `_Links`; the request's own origin when null. */
  publicUrl: string | null;
  /** How many proxies in front of the server to trust for the visitor's address. */
  trustProxy: number;
  /** Limits visitors' creates per client. */
  limiter: RateLimiter;
  /** Where the other limits count (this process's memory, or the store's shared buckets). */
  limiters: RateLimiters;
  now: () => number;
};

const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

/** A whole number from `$top` or `$skip`, or a 400 naming it. */
function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) throw badRequest('queryCount', name);
  return Number(value);
}

/**
 * `$filter` as the archive reads it: `TopicId eq 1`, `Status eq 'InQueue'` (by name or number,
 * quoted or not) and `WhenEnded ne null`, joined by `and`; names in any case, as OData's.
 */
function parseFilter(text: string | undefined): { topicId?: number; status?: number; ended?: boolean } {
  const filter: { topicId?: number; status?: number; ended?: boolean } = {};
  if (text === undefined || text.trim() === '') return filter;
  if (text.length > 256) throw badRequest('filterUnknown', text.slice(0, 80));
  for (const term of text.trim().split(/\s+and\s+/i)) {
    const match = /^(\w+)\s+eq\s+'?([\w-]+)'?$/i.exec(term.trim());
    const field = match?.[1]?.toLowerCase();
    const value = match?.[2] ?? '';
    if (field === 'topicid' && /^\d{1,9}$/.test(value)) filter.topicId = Number(value);
    else if (field === 'status' && parseStatus(/^\d+$/.test(value) ? Number(value) : value) !== undefined) {
      filter.status = parseStatus(/^\d+$/.test(value) ? Number(value) : value);
    } else if (/^whenended\s+ne\s+null$/i.test(term.trim())) filter.ended = true;
    else throw badRequest('filterUnknown', term.trim().slice(0, 80));
  }
  return filter;
}

/** `$orderby`: by ChatSessionId, `asc` (the default) or `desc`. */
function parseOrder(text: string | undefined): { descending?: boolean } {
  if (text === undefined || text.trim() === '') return {};
  const match = /^chatsessionid(?:\s+(asc|desc))?$/i.exec(text.trim());
  if (!match) throw badRequest('orderByUnknown', text.trim().slice(0, 80));
  return match[1]?.toLowerCase() === 'desc' ? { descending: true } : {};
}

/** The most characters `$search` looks for. */
const MAX_SEARCH = 100;

/** `$search`: a text to look for, 1 to 100 characters once trimmed, no control characters. */
function parseSearch(text: string | undefined): { text?: string } {
  if (text === undefined) return {};
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_SEARCH || hasBadCharacters(trimmed) || /[\r\n\t]/.test(trimmed)) throw badRequest('searchText', MAX_SEARCH);
  return { text: trimmed };
}

/** `/api/v1/ChatSession`: the REST resource. A visitor may create one and read their own; the rest needs an agent. */
export function chatSessionRoutes({ chat, publicUrl, trustProxy, limiter, limiters, now }: SessionRouteDeps) {
  const { sessions, conversation, streams, requests, ratings } = chat;
  const answers = sessionAnswers({ publicUrl });
  const asSession = responseFormat({ entity: chatSession });
  const asMessages = responseFormat({ entity: chatMessage });
  const asEvents = responseFormat({ events: 'only' });
  // A visitor who writes faster than anyone types is held back, per session.
  const messageLimiter = limiters('messages', MESSAGES_PER_WINDOW, { windowMs: MESSAGE_WINDOW_MS });
  // SuperOffice answers null when there was nothing to take, and its client reads exactly that.
  const answerPickUp = async (c: Context<ApiEnv>, taken: { session: SessionRecord } | null) =>
    taken ? sendEntity(c, chatSession, answers.entity(c, await sessions.view(taken.session))) : sendJson(c, null);
  const address = (c: Context) => clientAddress(c, trustProxy);
  const id = (c: Context) => Number(c.req.param('id'));
  return new Hono<ApiEnv>()
    .post('/', asSession, rateLimit({ limiter, address, now }), async (c) => {
      const caller = c.get('caller');
      const body = await readEntityBody(c, chatSession, () => answers.entity(c, sessions.blank(), { links: false }));
      const view = await sessions.create(caller, body, { peer: address(c), origin: c.get('crossOrigin') }, { idempotencyKey: idempotencyKey(c) });
      if (view.replayed) c.header('Idempotent-Replayed', 'true');
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    // The archive the entity's `_Links.Archive` names: a page of sessions, the oldest first.
    .get('/', asSession, async (c) => {
      const query = c.req.query();
      const option = (name: string) => member(query, name) as string | undefined;
      const top = Math.min(count(option('$top'), '$top', DEFAULT_TOP), MAX_TOP);
      const skip = count(option('$skip'), '$skip', 0);
      const filter = { ...parseFilter(option('$filter')), ...parseOrder(option('$orderby')), ...parseSearch(option('$search')) };
      const views = await sessions.archive(c.get('caller'), { ...filter, skip, top: top + 1 });
      const base = answers.baseUrl(c);
      let next: string | null = null;
      if (top > 0 && views.length > top) {
        // `$` stays as it is, as OData writes its options (it needs no escaping in a query).
        const encode = (text: string) => encodeURIComponent(text).replace(/%24/g, '$');
        const options = Object.entries(query).filter(([name]) => !/^\$(top|skip)$/i.test(name));
        options.push(['$top', String(top)], ['$skip', String(skip + top)]);
        next = `${base}/api/v1/ChatSession?${options.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&')}`;
      }
      const rows = views.slice(0, top).map((view) => toSessionRow(view, base));
      return sendPage(c, chatSession, rows, { metadata: `${base}/api/v1/$metadata#ChatSession`, next });
    })
    .get('/default', asSession, (c) => sendEntity(c, chatSession, answers.entity(c, sessions.defaults(c.get('caller')), { links: false })))
    .get('/:id{-?[0-9]+}', asSession, async (c) => {
      // A visitor reads their own session with the key they were given when it was created.
      const view = await sessions.read(c.get('caller'), id(c), { sessionKey: c.req.header('x-chat-session-key') });
      validators(c, view.session);
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    .put('/:id{-?[0-9]+}', asSession, async (c) => {
      const caller = c.get('caller');
      // The version the request is conditional on is the one current when it arrives.
      const pending = await sessions.readForUpdate(caller, id(c), updateCondition(c));
      const body = await readEntityBody(c, chatSession, () => answers.entity(c, sessions.blank(), { links: false }));
      const view = await sessions.update(caller, pending, () => body);
      validators(c, view.session);
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    .patch('/:id{-?[0-9]+}', asSession, async (c) => {
      const caller = c.get('caller');
      const pending = await sessions.readForUpdate(caller, id(c), updateCondition(c));
      const patch = await readPatch(c);
      const view = await sessions.update(caller, pending, (current) => applyPatch(answers.entity(c, current, { links: false }), patch));
      validators(c, view.session);
      return sendEntity(c, chatSession, answers.entity(c, view));
    })
    .delete('/:id{-?[0-9]+}', asSession, async (c) => {
      await sessions.delete(c.get('caller'), id(c));
      return c.body(null, 204);
    })
    // One side is typing, or has stopped; it stops by itself a few seconds after it last said so.
    .post('/:id{-?[0-9]+}/Typing', asSession, async (c) => {
      const body = await readObjectBody(c);
      const typing = member(body, 'Typing');
      if (typeof typing !== 'boolean') throw badRequest('argument', 'Typing');
      await conversation.typing(c.get('caller'), id(c), typing, { sessionKey: c.req.header('x-chat-session-key') });
      return c.body(null, 204);
    })
    // The chats an agent may see at work (ChatSessionsForUser).
    .get('/ForCurrentUser', asSession, async (c) => {
      const records = await conversation.sessionsFor(c.get('caller'));
      return sendEntities(c, chatSession, await Promise.all(records.map(async (record) => answers.entity(c, await sessions.view(record)))));
    })
    .post('/:id{-?[0-9]+}/TransferTo/:to', asSession, async (c) =>
      sendEntity(c, chatSession, answers.entity(c, await sessions.view(await conversation.transfer(c.get('caller'), id(c), c.req.param('to'))))),
    )
    .post('/:id{-?[0-9]+}/AcceptTransfer', asSession, async (c) =>
      sendEntity(c, chatSession, answers.entity(c, await sessions.view(await conversation.acceptTransfer(c.get('caller'), id(c))))),
    )
    .post('/:id{-?[0-9]+}/RejectTransfer', asSession, async (c) =>
      sendEntity(c, chatSession, answers.entity(c, await sessions.view(await conversation.rejectTransfer(c.get('caller'), id(c))))),
    )
    .post('/:id{-?[0-9]+}/Reset', asSession, async (c) =>
      sendEntity(c, chatSession, answers.entity(c, await sessions.view(await conversation.reset(c.get('caller'), id(c))))),
    )
    // A JSON string, text or (?html=true) HTML; for an agent, or the visitor with the session
    // key, in a language (`lang`) and time zone (`tz`) of theirs.
    .post('/:id{-?[0-9]+}/Transcript', asSession, async (c) => {
      const query = c.req.query();
      const html = member(query, 'html');
      if (html !== undefined && !/^(true|false)$/i.test(String(html))) throw badRequest('queryValue', 'html', 'true or false');
      const language = member(query, 'lang') as string | undefined;
      if (language !== undefined && !transcriptLanguage(language)) throw badRequest('queryValue', 'lang', 'en, nb, de or ar');
      const timeZone = member(query, 'tz') as string | undefined;
      if (timeZone !== undefined && (timeZone.length > 64 || !validTimeZone(timeZone))) throw badRequest('queryValue', 'tz', 'a time zone such as Europe/Oslo');
      const { session, messages } = await conversation.transcript(c.get('caller'), id(c), { sessionKey: c.req.header('x-chat-session-key') });
      const options = { language, timeZone };
      return sendJson(c, String(html).toLowerCase() === 'true' ? transcriptHtml(session, messages, options) : transcriptText(session, messages, options));
    })
    // The waiting visitor leaves a message instead of waiting on: `{"Message": …}` and contact details.
    .post('/:id{-?[0-9]+}/LeaveMessage', asSession, async (c) => {
      const body = await readObjectBody(c);
      const session = await requests.leaveMessage(c.get('caller'), id(c), body, { sessionKey: c.req.header('x-chat-session-key') });
      return sendEntity(c, chatSession, answers.entity(c, await sessions.view(session)));
    })
    // The requests visitors left in the agent's topics, `?handled=true` for those handled.
    .get('/OfflineRequests', async (c) => {
      const handled = member(c.req.query(), 'handled');
      if (handled !== undefined && !/^(true|false)$/i.test(String(handled))) throw badRequest('queryValue', 'handled', 'true or false');
      const list = await requests.list(c.get('caller'), { handled: String(handled).toLowerCase() === 'true' });
      return sendJson(c, list.map(toOfflineRequest));
    })
    .put('/:id{-?[0-9]+}/Handled', async (c) => {
      const handled = member(await readObjectBody(c), 'Handled');
      if (typeof handled !== 'boolean') throw badRequest('argument', 'Handled');
      return sendJson(c, toOfflineRequest(await requests.markHandled(c.get('caller'), id(c), handled)));
    })
    // The visitor rates the chat once it has ended: `{"Rating": 1-5, "Comment": …}`.
    .post('/:id{-?[0-9]+}/Rating', asSession, async (c) => {
      const body = await readObjectBody(c);
      const session = await ratings.rate(c.get('caller'), id(c), member(body, 'Rating'), member(body, 'Comment'), { sessionKey: c.req.header('x-chat-session-key') });
      return sendEntity(c, chatSession, answers.entity(c, await sessions.view(session)));
    })
    // The ratings an agent may see: per topic and agent, and the latest with their comments.
    .get('/Ratings', async (c) => sendJson(c, toRatingSummary(await ratings.summary(c.get('caller')))))
    // The visitor has read the agent's messages up to `{"ChatMessageId": N}`.
    .post('/:id{-?[0-9]+}/Read', asSession, async (c) => {
      const caller = c.get('caller');
      const body = caller.kind === 'agent' ? {} : await readObjectBody(c);
      await conversation.read(caller, id(c), member(body, 'ChatMessageId'), { sessionKey: c.req.header('x-chat-session-key') });
      return c.body(null, 204);
    })
    // The visitor (with the session key) or an agent ends the chat.
    .post('/:id{-?[0-9]+}/End', asSession, async (c) => {
      const session = await conversation.end(c.get('caller'), id(c), { sessionKey: c.req.header('x-chat-session-key') });
      return sendEntity(c, chatSession, answers.entity(c, await sessions.view(session)));
    })
    // Pick up the session that has waited longest (null when none waits), or this one: 409 when
    // it no longer waits, saying who took it.
    .post('/Pickup', asSession, async (c) => answerPickUp(c, await conversation.pickUpFirst(c.get('caller'))))
    .post('/:id{-?[0-9]+}/Pickup', asSession, async (c) => answerPickUp(c, await conversation.pickUpOrRefuse(c.get('caller'), id(c))))
    // An agent's live stream of every chat it may follow; from EventSource, with a ticket.
    .post('/Events/Ticket', asSession, async (c) => {
      const { ticket, expiresAt } = await streams.agentTicket(c.get('caller'));
      return sendJson(c, { Ticket: ticket, Expires: formatDateTime(expiresAt) });
    })
    .get('/Events', asEvents, async (c) => {
      const cursor = c.req.header('last-event-id') ?? (member(c.req.query(), 'after') as string | undefined) ?? '0';
      if (!/^\d{1,15}$/.test(cursor)) throw badRequest('queryCount', 'after');
      const ticket = member(c.req.query(), 'ticket') as string | undefined;
      const admitted = await streams.openForAgent(c.get('caller'), { after: Number(cursor), client: clientKey(address(c)), ticket });
      return sendEvents(c, admitted, agentFrame(answers.baseUrl(c)));
    })
    // The live stream of a session: for an agent, or the visitor with the session key or, from
    // EventSource, which sends no headers of its own, a single-use ticket for it.
    .post('/:id{-?[0-9]+}/Events/Ticket', asSession, async (c) => {
      const { ticket, expiresAt } = await streams.ticket(c.get('caller'), id(c), c.req.header('x-chat-session-key'));
      return sendJson(c, { Ticket: ticket, Expires: formatDateTime(expiresAt) });
    })
    .get('/:id{-?[0-9]+}/Events', asEvents, async (c) => {
      const cursor = c.req.header('last-event-id') ?? (member(c.req.query(), 'after') as string | undefined) ?? '0';
      if (!/^\d{1,15}$/.test(cursor)) throw badRequest('queryCount', 'after');
      const ticket = member(c.req.query(), 'ticket') as string | undefined;
      const options = { sessionKey: c.req.header('x-chat-session-key'), ticket, after: Number(cursor), client: clientKey(address(c)) };
      // What would refuse the stream is found before it starts, so it is answered in the error shape.
      return sendEvents(c, await streams.open(c.get('caller'), id(c), options), sessionFrame);
    })
    // A session's messages, for an agent or the visitor with the session key.
    .get('/:id{-?[0-9]+}/Messages', asMessages, async (c) => {
      const after = member(c.req.query(), 'after');
      if (after !== undefined && !/^\d{1,15}$/.test(String(after))) throw badRequest('queryCount', 'after');
      const messages = await conversation.messages(c.get('caller'), id(c), {
        after: after === undefined ? 0 : Number(after),
        sessionKey: c.req.header('x-chat-session-key'),
      });
      return sendEntities(c, chatMessage, messages.map(toChatMessage));
    })
    .post('/:id{-?[0-9]+}/Messages', asMessages, rateLimit({ limiter: messageLimiter, address: (c) => c.req.param('id') ?? null, key: (id) => `session:${id}`, refusal: 'tooManyMessages', now }), async (c) => {
      const body = await readEntityBody(c, chatMessage, () => ({}));
      const posted = await conversation.post(c.get('caller'), id(c), body, {
        sessionKey: c.req.header('x-chat-session-key'),
        idempotencyKey: idempotencyKey(c),
      });
      if (posted.replayed) c.header('Idempotent-Replayed', 'true');
      return sendEntity(c, chatMessage, toChatMessage(posted.message));
    });
}
