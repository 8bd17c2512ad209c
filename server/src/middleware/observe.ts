import type { Context, MiddlewareHandler } from 'hono';

export type LogLine = {
  time: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  request_id: string;
};

export type Logger = (line: LogLine) => void;

let pending = '';
function flushLog() {
  if (pending) process.stdout.write(pending);
  pending = '';
}
process.on('exit', flushLog);

/**
 * Writes the lines of one turn of the event loop together: under load that is one write to
 * standard output for many requests instead of one each (a pipe's writes block on Linux).
 */
export const jsonLogger: Logger = (line) => {
  if (pending === '') setImmediate(flushLog);
  pending += `${JSON.stringify(line)}\n`;
};

/**
 * One structured line per request once it is answered. It names the path but never the query,
 * the body or the caller: no personal data and no keys end up in logs.
 */
export function requestLog({ log = jsonLogger }: { log?: Logger } = {}): MiddlewareHandler<{
  Variables: { requestId: string };
}> {
  return async function requestLog(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      log({
        time: new Date().toISOString(),
        method: c.req.method,
        path: c.req.path.slice(0, 256),
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        request_id: c.get('requestId'),
      });
    }
  };
}

/** The demo's pages load only their own scripts, styles and API, and frame in nothing. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** What the API's answers (and anything else that is not a page or a script) may do: nothing. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers for everything a browser might render or run. The widget's script stays loadable by
 * pages of any origin (Cross-Origin-Resource-Policy), since embedding it is its purpose.
 */
/** A year: browsers that reached the server over TLS once come back only over TLS. */
const HSTS = 'max-age=31536000';

export function securityHeaders({ tls = () => false }: { /** Whether the browser reached the server over TLS. */ tls?: (c: Context) => boolean } = {}): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    // Over TLS, the browser is told to come back over TLS only, to the pages and the API alike.
    if (tls(c)) c.header('Strict-Transport-Security', HSTS);
    if (c.req.path.startsWith('/api/')) {
      // API answers are data, never a document: nothing in them may run or load. Known before
      // the answer is made, they go with it rather than be set on it afterwards.
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
      c.header('Content-Security-Policy', API_POLICY);
      // Answers carry visitors' details and conversations: no browser or proxy keeps them,
      // unless a route says otherwise (the topic's public widget part).
      c.header('Cache-Control', 'no-store');
      return next();
    }
    await next();
    const headers = c.res.headers;
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    const type = headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) {
      headers.set('Content-Security-Policy', PAGE_POLICY);
      headers.set('X-Frame-Options', 'DENY');
    } else if (type.startsWith('text/javascript')) {
      headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    } else {
      headers.set('Content-Security-Policy', API_POLICY);
    }
  };
}
