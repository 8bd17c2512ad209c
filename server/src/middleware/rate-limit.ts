/**
 * Rate limits: a token bucket per key (a visitor's address for creates, a session for its
 * messages) that holds `perWindow` tokens and refills them over the window. One server process
 * keeps them in its memory; several on one database keep them there (`sharedRateLimiter`), so
 * a visitor cannot multiply a limit by the number of processes. An IPv6 client is counted per
 * /64, the block one customer line gets, since it can pick any address in it.
 */
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { LRUCache } from 'lru-cache';
import type { ApiEnv } from '../http/context.ts';
import { tooManyRequests } from '../http/errors.ts';

export type RateLimiter = {
  /** Takes one token; returns 0 when allowed, else the seconds until the next one. */
  take(key: string, now: number): number | Promise<number>;
  /** How many clients it keeps a bucket for. */
  readonly size: number;
  /** False when there is no limit. */
  readonly limits: boolean;
};

/** The most buckets kept: beyond it the least recently seen client is forgotten. */
export const MAX_TRACKED = 100_000;

type Bucket = { tokens: number; at: number };

/**
 * The buckets live in an LRU cache (lru-cache: a Map over a linked list kept in typed arrays,
 * O(1) per take). A plain Map used as a queue degrades: every eviction leaves a hole at its
 * front that the next scan walks over, 1.2 s per 50,000 new clients once full. A bucket that
 * has refilled behaves as a new one would, so it is forgotten: every bucket takes the same
 * time to refill and the least recently used come first, so each take looks at the two
 * oldest and drops those that have refilled, by the limiter's own clock, in constant time.
 * The cache's bound keeps a flood of addresses from taking the memory.
 */
export function rateLimiter(perWindow: number, { windowMs = 60_000, maxTracked = MAX_TRACKED } = {}): Omit<RateLimiter, 'take'> & { take(key: string, now: number): number } {
  if (perWindow <= 0) return { take: () => 0, size: 0, limits: false };
  const msPerToken = windowMs / perWindow;
  const refillMs = windowMs;
  const buckets = new LRUCache<string, Bucket>({ max: maxTracked });
  return {
    limits: true,
    take(key, now) {
      for (let i = 0; i < 2; i++) {
        const oldest = buckets.rkeys().next().value;
        if (oldest === undefined || now - buckets.peek(oldest)!.at < refillMs) break;
        buckets.delete(oldest);
      }
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { tokens: perWindow, at: now }));
      bucket.tokens = Math.min(perWindow, bucket.tokens + (now - bucket.at) / msPerToken);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000));
    },
    get size() {
      return buckets.size;
    },
  };
}

/** Takes a token from a bucket kept where every process sees it (`ChatStore.takeRateToken`). */
export type SharedBuckets = (key: string, limit: { perWindow: number; windowMs: number }, now: number) => Promise<number>;

/** Makes a limit's rate limiter: in this process's memory, or in the shared buckets when there are. */
export type RateLimiters = (name: string, perWindow: number, options?: { windowMs?: number }) => RateLimiter;

/** The limiters of one process: each limit in its own memory. */
export const memoryLimiters: RateLimiters = (_, perWindow, options) => rateLimiter(perWindow, options);

/** The limiters of processes that share their buckets: each limit's keys under its name. */
export function sharedLimiters(take: SharedBuckets): RateLimiters {
  return (name, perWindow, { windowMs = 60_000 } = {}) => {
    if (perWindow <= 0) return rateLimiter(0);
    const limit = { perWindow, windowMs };
    return { limits: true, size: 0, take: (key, now) => take(`${name}:${key}`, limit, now) };
  };
}

/** The key a client is counted by: an IPv4 address as it is, an IPv6 address by its /64. */
export function clientKey(address: string | null): string {
  if (address === null) return 'unknown';
  if (isIP(address) !== 6) return address;
  // Expand `::` to the zero groups it stands for, then keep the first four groups.
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export type RateLimitOptions = {
  limiter: RateLimiter;
  /** What the request is counted by: the client's address, as the server takes it (CHAT_TRUST_PROXY), by default. */
  address: (c: Parameters<MiddlewareHandler<ApiEnv>>[0]) => string | null;
  /** The bucket's key for it; an address is keyed by clientKey. */
  key?: (counted: string | null) => string;
  /** What the refusal says. */
  refusal?: 'rateLimited' | 'tooManyMessages';
  now?: () => number;
};

/** Refuses a visitor's request past the limit with 429 and Retry-After; agents are not limited. */
export function rateLimit({ limiter, address, key = clientKey, refusal = 'rateLimited', now = Date.now }: RateLimitOptions): MiddlewareHandler<ApiEnv> {
  // Without a limit there is nothing to count: the request goes straight on.
  if (!limiter.limits) return function noRateLimit(_, next) { return next(); };
  return async function rateLimit(c, next) {
    if (c.get('caller').kind === 'visitor') {
      const retryAfter = await limiter.take(key(address(c)), now());
      if (retryAfter > 0) {
        c.header('Retry-After', String(retryAfter));
        throw tooManyRequests(refusal, retryAfter);
      }
    }
    await next();
  };
}
