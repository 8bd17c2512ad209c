/**
 * The app under Node's HTTP server. A live stream writes to the connection itself (see
 * events.ts); Hono still hands back a Response for it, which the server must then not write.
 */
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

type Bindings = HttpBindings | Http2Bindings;
type FetchApp = { fetch(request: Request, env: Bindings): Response | Promise<Response> };

/** The `fetch` for `serve()`: the app's answer, or word that it is already being written. */
export function nodeFetch(app: FetchApp) {
  return async (request: Request, env: Bindings): Promise<Response> => {
    const answer = await app.fetch(request, env);
    return env.outgoing.headersSent ? RESPONSE_ALREADY_SENT : answer;
  };
}
