/**
 * The response format of a resource, read before the route does any work, so a request that
 * would get a 406 or a 400 for its wishes changes nothing: the format by `Accept` (JSON, XML
 * where the resource has an XML form, Server-Sent Events where a stream lives), `$select` by the
 * resource's field table, `SO-TimeZone`, and the language of the answer's words.
 */
import type { MiddlewareHandler } from 'hono';
import { memberKey, type EntityDescriptor } from '@chatline/shared';
import type { ApiEnv, Format } from '../http/context.ts';
import { badRequest, notAcceptable } from '../http/errors.ts';
import { chooseLanguage } from '../http/i18n.ts';
import { chooseMediaType } from '../http/negotiate.ts';
import { parseSelect } from '../http/select.ts';

type Offer = { type: string; format: Format; contentType: string };

const json: Offer[] = [
  { type: 'application/json', format: 'json', contentType: 'application/json; charset=utf-8' },
  { type: 'text/json', format: 'json', contentType: 'text/json; charset=utf-8' },
];
const xml: Offer[] = [
  { type: 'application/xml', format: 'xml', contentType: 'application/xml; charset=utf-8' },
  { type: 'text/xml', format: 'xml', contentType: 'text/xml; charset=utf-8' },
];
// Patch media types are request formats; asking for them gets the entity as JSON.
const patches: Offer[] = [
  { type: 'application/json-patch+json', format: 'json', contentType: 'application/json; charset=utf-8' },
  { type: 'application/merge-patch+json', format: 'json', contentType: 'application/json; charset=utf-8' },
];
const stream: Offer[] = [{ type: 'text/event-stream', format: 'event-stream', contentType: 'text/event-stream; charset=utf-8' }];

const MAX_ACCEPT = 2048;

/** `Europe/Oslo`, `UTC`, or either with `,includeTZOffset`; null when the header is absent. */
function parseTimeZone(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const [zone = '', ...flags] = header.split(',').map((part) => part.trim());
  if (zone.length > 64 || flags.some((flag) => flag.toLowerCase() !== 'includetzoffset')) {
    throw badRequest('badTimeZoneHeader', header.slice(0, 80));
  }
  if (zone === '' && flags.length > 0) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    // Echo the zone as the client named it: ICU would rename some (Asia/Kolkata → Asia/Calcutta).
    return zone.toUpperCase() === 'UTC' ? 'UTC' : zone;
  } catch {
    throw badRequest('unknownTimeZone', zone);
  }
}

export type FormatOptions = {
  /** The resource's entity: `$select` names its fields, and it has an XML form. */
  entity?: EntityDescriptor | null;
  /** Whether a Server-Sent Events stream is one of the answers; `only` where it is the answer. */
  events?: boolean | 'only';
};

export function responseFormat({ entity = null, events = false }: FormatOptions = {}): MiddlewareHandler<ApiEnv> {
  const offers = events === 'only' ? stream : [...json, ...(entity ? xml : []), ...patches, ...(events ? stream : [])];
  const names = offers.map((offer) => offer.type).join(', ');
  return async function responseFormat(c, next) {
    const accept = c.req.header('accept');
    if (accept !== undefined && accept.length > MAX_ACCEPT) throw badRequest('acceptTooLong');
    const offer = chooseMediaType(accept, offers);
    if (!offer) throw notAcceptable('notAcceptable', names);
    const query = c.req.query();
    const selectKey = memberKey(query, '$select');
    c.set('output', {
      language: chooseLanguage(c.req.header('so-language'), c.req.header('accept-language')),
      format: offer.format,
      contentType: offer.contentType,
      entity,
      timeZone: parseTimeZone(c.req.header('so-timezone')),
      select: entity && selectKey !== undefined ? parseSelect(entity, query[selectKey]) : null,
    });
    await next();
  };
}
