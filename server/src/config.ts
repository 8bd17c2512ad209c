/** The server's settings, read once from the environment (see the README's table). */
import { DEFAULT_IDLE_TIMES, type IdleTimes } from './chat/idle.ts';

export type Config = {
  port: number;
  host: string;
  /** CHAT_DB: a SQLite file, `:memory:`, or a `postgres://` URL. */
  database: string;
  /** Base URL for `_Links`, without a trailing slash; null to use the request's own. */
  publicUrl: string | null;
  /** How many proxies in front of the server to trust for `X-Forwarded-For`; 0 trusts none. */
  trustProxy: number;
  /** Origins, besides the server's own, whose pages may embed the widget. */
  allowedOrigins: string[];
  /** When not empty, requests carrying another `SO-AppToken` are refused. */
  appTokens: string[];
  /** Visitor creates per minute per client address; 0 for no limit. */
  rateLimit: number;
  /** SQLite's synchronous setting: NORMAL, or FULL to survive power loss at every commit. */
  synchronous: 'NORMAL' | 'FULL';
  /** An agent to create at start if missing. */
  admin: { userName: string; password: string } | null;
  /** When a visitor counts as gone, a chat as idle, and how long an ended chat may be reopened. */
  idleTimes: IdleTimes;
};

export class ConfigError extends Error {}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}".`);
  }
  return port;
}

function parseUrl(name: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new ConfigError(`${name} must be an http(s) URL, not "${value}".`);
}

function parseTrustProxy(value: string | undefined): number {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === '0' || text === 'false' || text === 'off' || text === 'no') return 0;
  if (text === 'true' || text === 'on' || text === 'yes') return 1;
  const hops = Number(text);
  if (Number.isInteger(hops) && hops > 0) return hops;
  throw new ConfigError(
    `CHAT_TRUST_PROXY must be off, on, or the number of proxies in front of the server, not "${value}".`,
  );
}

function parseRateLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 10;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ConfigError(`CHAT_RATE_LIMIT must be a whole number of creates per minute (0 for none), not "${value}".`);
  }
  return limit;
}

/** A time in seconds from the environment (0 for never), as milliseconds. */
function parseSeconds(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined || value.trim() === '') return fallbackMs;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 30 * 24 * 3600) {
    throw new ConfigError(`${name} must be a whole number of seconds (0 for never), not "${value}".`);
  }
  return seconds * 1000;
}

function parseSynchronous(value: string | undefined): 'NORMAL' | 'FULL' {
  const text = (value ?? '').trim().toUpperCase();
  if (text === '' || text === 'NORMAL') return 'NORMAL';
  if (text === 'FULL') return 'FULL';
  throw new ConfigError(`CHAT_DB_SYNC must be normal or full, not "${value}".`);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const publicUrl = env.CHAT_PUBLIC_URL ? parseUrl('CHAT_PUBLIC_URL', env.CHAT_PUBLIC_URL) : null;
  const adminUser = env.CHAT_ADMIN_USER?.trim() ?? '';
  const adminPassword = env.CHAT_ADMIN_PASSWORD ?? '';
  if ((adminUser === '') !== (adminPassword === '')) {
    throw new ConfigError('Set both CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD, or neither.');
  }
  return {
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    database: env.CHAT_DB || './data/chat.db',
    publicUrl: publicUrl ? `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}` : null,
    trustProxy: parseTrustProxy(env.CHAT_TRUST_PROXY),
    allowedOrigins: (env.CHAT_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '')
      .map((origin) => parseUrl('CHAT_ALLOWED_ORIGINS', origin).origin),
    appTokens: (env.CHAT_APP_TOKENS ?? '')
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== ''),
    admin: adminUser ? { userName: adminUser, password: adminPassword } : null,
    synchronous: parseSynchronous(env.CHAT_DB_SYNC),
    rateLimit: parseRateLimit(env.CHAT_RATE_LIMIT),
    idleTimes: {
      goneAfterMs: parseSeconds('CHAT_VISITOR_GONE_AFTER', env.CHAT_VISITOR_GONE_AFTER, DEFAULT_IDLE_TIMES.goneAfterMs),
      idleAfterMs: parseSeconds('CHAT_IDLE_AFTER', env.CHAT_IDLE_AFTER, DEFAULT_IDLE_TIMES.idleAfterMs),
      reopenWithinMs: parseSeconds('CHAT_REOPEN_WITHIN', env.CHAT_REOPEN_WITHIN, DEFAULT_IDLE_TIMES.reopenWithinMs),
    },
  };
}
