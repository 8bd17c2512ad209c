import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { serveAssets, type Asset } from './assets.ts';
import { limitBody } from './body.ts';
import type { Config } from './config.ts';
import { errorBody, internalErrorBody, notFound } from './errors.ts';
import { chooseLanguage } from './i18n.ts';
import { jsonLogger, requestLog, securityHeaders, type Logger } from './middleware/observe.ts';
import { originGuard } from './middleware/origin.ts';
import { authenticate } from './auth.ts';
import type { ApiEnv } from './env.ts';
import { readOutputWishes, sendJson } from './respond.ts';
import { agentsChatRoutes } from './routes/agents-chat.ts';
import { associateRoutes } from './routes/associate.ts';
import { authenticationRoutes } from './routes/authentication.ts';
import { chatSessionRoutes } from './routes/chat-session.ts';
import { chatTopicRoutes } from './routes/chat-topic.ts';
import { rateLimiter } from './rate-limit.ts';
import type { ChatStore } from './store.ts';

export type AppDeps = {
  store: ChatStore;
  config?: Partial<Pick<Config, 'publicUrl' | 'trustProxy' | 'allowedOrigins' | 'appTokens' | 'rateLimit'>>;
  /** The built widget and demo, by URL path; none when the widget has not been built. */
  assets?: Map<string, Asset>;
  /** The server clock, in epoch milliseconds. */
  now?: () => number;
  /** Where unexpected errors are reported. */
  logError?: (error: unknown) => void;
  /** Where the one line per request goes; stdout as JSON by default. */
  log?: Logger;
};

/** Builds the HTTP app. No I/O here: the entry file opens the store and starts listening. */
export function createApp({
  store,
  config = {},
  assets = new Map(),
  now = Date.now,
  logError = (error) => console.error(error),
  log = jsonLogger,
}: AppDeps) {
  const { publicUrl = null, trustProxy = 0, allowedOrigins = [], appTokens = [], rateLimit = 10 } = config;
  const app = new Hono<ApiEnv>();
  const defaultTopicOrigins = new Set(allowedOrigins);
  const sessions = { store, trustProxy, publicUrl, now, limiter: rateLimiter(rateLimit), defaultTopicOrigins };

  /** The language of an error's words, also said in Content-Language so clients can tell. */
  const languageOf = (c: Context) => {
    const language = chooseLanguage(c.req.header('so-language'), c.req.header('accept-language'));
    c.header('Content-Language', language);
    return language;
  };

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return sendJson(c, errorBody(error, c.req.path, languageOf(c), c.get('requestId')), error.status);
    }
    logError(error);
    return sendJson(c, internalErrorBody(c.req.path, languageOf(c), c.get('requestId')), 500);
  });

  app.notFound((c) => {
    const error = notFound('notFoundPath', c.req.method, c.req.path.slice(0, 256));
    return sendJson(c, errorBody(error, c.req.path, languageOf(c), c.get('requestId')), 404);
  });

  app.use(requestId(), requestLog({ log }), securityHeaders());

  app.use(
    '/api/*',
    originGuard({ isAllowed: (origin) => defaultTopicOrigins.has(origin) || store.anyTopicAllows(origin), publicUrl }),
    limitBody(),
    readOutputWishes(),
    authenticate({ store, appTokens, now }),
  );

  app.route('/api/v1/ChatSession', chatSessionRoutes(sessions));
  app.route('/api/v1/Agents/Chat', agentsChatRoutes(sessions));
  app.route('/api/v1/Authentication', authenticationRoutes({ store, now }));
  app.route('/api/v1/Associate', associateRoutes({ store }));
  app.route('/api/v1/ChatTopic', chatTopicRoutes({ store }));

  app.use('*', serveAssets(assets));

  return app;
}

export type App = ReturnType<typeof createApp>;
