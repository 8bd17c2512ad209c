/** Builds the HTTP app from its parts. No I/O here: the entry file opens the store and starts listening. */
import { Hono, type Context } from 'hono';
import { requestId } from 'hono/request-id';
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import { getPath } from 'hono/utils/url';
import type { Chat } from './chat/index.ts';
import type { Config } from './config.ts';
import type { ApiEnv } from './http/context.ts';
import { overTls } from './http/client-address.ts';
import { answerFor, internalErrorBody, notFoundPath } from './http/errors.ts';
import { chooseLanguage } from './http/i18n.ts';
import { sendJson } from './http/respond.ts';
import { serveAssets, type Asset } from './middleware/assets.ts';
import { authenticate } from './middleware/auth.ts';
import { bodyLimit } from './middleware/body-limit.ts';
import { jsonLogger, requestLog, securityHeaders, type Logger } from './middleware/observe.ts';
import { originGuard } from './middleware/origin.ts';
import { memoryLimiters, type RateLimiters } from './middleware/rate-limit.ts';
import { agentsChatRoutes } from './routes/agents-chat.ts';
import { associateRoutes } from './routes/associate.ts';
import { authenticationRoutes } from './routes/authentication.ts';
import { chatSessionRoutes } from './routes/chat-session.ts';
import { chatTopicRoutes } from './routes/chat-topic.ts';

export type AppDeps = {
  /** The rules, over the store and the event bus (`createChat`). */
  chat: Chat;
  config?: Partial<Pick<Config, 'publicUrl' | 'trustProxy' | 'appTokens' | 'rateLimit'>>;
  /** The built widget and demo, by URL path; none when the widget has not been built. */
  assets?: Map<string, Asset>;
  /** The clock of the rate limit, in epoch milliseconds. */
  now?: () => number;
  /** Where unexpected errors are reported. */
  logError?: (error: unknown) => void;
  /** Where the one line per request goes; stdout as JSON by default. */
  log?: Logger;
  /**
   * Where the rate limits count: this process's memory by default; the store's shared buckets
   * when several processes serve one database (`sharedLimiters`).
   */
  limiters?: RateLimiters;
};

/** The longest path whose routes are kept; longer ones are matched each time. */
const MAX_REMEMBERED_PATH = 512;

/**
 * Hono's own router (the trie, as the regular-expression router refuses this API's routes),
 * its answers for the paths seen last kept: the routes are fixed once the app is made, so a
 * path's handlers and parameters are the same each time it comes. The trie's search of a
 * session's path (`ChatSession/123/Messages`) tries each `:id{-?[0-9]+}` route, one pattern
 * for every word that can follow it, and costs more than the rest of the routing together.
 * A route added later forgets them all.
 */
function rememberingRouter<T>(router: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] })): Router<T> {
  const answers = new Map<string, Result<T>>();
  return {
    get name() {
      return router.name;
    },
    add(method, path, handler) {
      answers.clear();
      router.add(method, path, handler);
    },
    match(method, path) {
      if (path.length > MAX_REMEMBERED_PATH) return router.match(method, path);
      const key = `${method} ${path}`;
      let result = answers.get(key);
      if (result === undefined) {
        result = router.match(method, path);
        if (answers.size >= 1024) answers.clear();
        answers.set(key, result);
      }
      return result;
    },
  };
}

export function createApp({
  chat,
  config = {},
  assets = new Map(),
  now = Date.now,
  logError = (error) => console.error(error),
  log = jsonLogger,
  limiters = memoryLimiters,
}: AppDeps) {
  const { publicUrl = null, trustProxy = 0, appTokens = [], rateLimit = 10 } = config;

  // SuperOffice's server matches paths in any case (`/api/v1/chatsession/1`): the API's paths
  // are routed in the spelling the routes use. Assets keep their exact names.
  const spelling = new Map<string, string>();
  // The spelling of the paths seen last, so the hot ones (a visitor's create) are one lookup.
  const spelled = new Map<string, string>();
  const app = new Hono<ApiEnv>({
    router: rememberingRouter(),
    getPath(request) {
      const path = getPath(request);
      let routed = spelled.get(path);
      if (routed === undefined) {
        routed = /^\/api\//i.test(path)
          ? path
              .split('/')
              .map((segment) => spelling.get(segment.toLowerCase()) ?? segment)
              .join('/')
          : path;
        if (spelled.size >= 1024) spelled.clear();
        spelled.set(path, routed);
      }
      return routed;
    },
  });

  /** The language of an error's words, also said in Content-Language so clients can tell. */
  const languageOf = (c: Context) => {
    const language = chooseLanguage(c.req.header('so-language'), c.req.header('accept-language'));
    c.header('Content-Language', language);
    return language;
  };

  app.onError((error, c) => {
    try {
      const answered = answerFor(error, c.req.path, languageOf(c), c.get('requestId'));
      if (!answered) {
        logError(error);
        return sendJson(c, internalErrorBody(c.req.path, languageOf(c), c.get('requestId')), 500);
      }
      if (answered.retryAfter !== undefined) c.header('Retry-After', String(answered.retryAfter));
      return sendJson(c, answered.body, answered.status);
    } catch (failure) {
      // Answering the error failed too: still one error shape, in English.
      logError(failure);
      return sendJson(c, internalErrorBody(c.req.path, 'en', c.get('requestId')), 500);
    }
  });

  app.notFound((c) => {
    const answered = answerFor(notFoundPath('notFoundPath', c.req.method, c.req.path.slice(0, 256)), c.req.path, languageOf(c), c.get('requestId'));
    return sendJson(c, answered!.body, 404);
  });

  const tls = (c: Context) => overTls(c, { publicUrl, trustProxy });
  app.use(requestId(), requestLog({ log }), securityHeaders({ tls }));
  app.use('/api/*', originGuard({ policy: chat.origins, publicUrl }), bodyLimit(), authenticate({ agents: chat.agents, appTokens, trustProxy }));

  app.route('/api/v1/ChatSession', chatSessionRoutes({ chat, publicUrl, trustProxy, limiter: limiters('creates', rateLimit), limiters, now }));
  app.route('/api/v1/Agents/Chat', agentsChatRoutes({ chat, publicUrl, trustProxy }));
  app.route('/api/v1/Authentication', authenticationRoutes({ chat, tls }));
  app.route('/api/v1/Associate', associateRoutes({ chat }));
  app.route('/api/v1/ChatTopic', chatTopicRoutes({ chat, publicUrl }));

  for (const route of app.routes) {
    for (const segment of route.path.split('/')) {
      if (/^[A-Za-z][\w-]*$/.test(segment)) spelling.set(segment.toLowerCase(), segment);
    }
  }

  // The console lives at /console/, where its page's relative paths resolve.
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.use('*', serveAssets(assets));

  return app;
}

export type App = ReturnType<typeof createApp>;
