/** What the session routes answer with: the entity as the caller sees it, with its links. */
import type { Context } from 'hono';
import type { SessionView } from '../chat/sessions.ts';
import type { ApiEnv } from './context.ts';
import { toSessionEntity } from './entities.ts';

/** What every session route needs to answer: the base of `_Links`, and the entity as the caller sees it. */
export function sessionAnswers({ publicUrl }: { publicUrl: string | null }) {
  const baseUrl = (c: Context) => publicUrl ?? originOf(c.req.url);
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

/** `http://host:port` of a request's URL, without parsing it all: the request's URL is always absolute. */
export function originOf(url: string): string {
  const path = url.indexOf('/', url.indexOf('//') + 2);
  return path < 0 ? url : url.slice(0, path);
}
