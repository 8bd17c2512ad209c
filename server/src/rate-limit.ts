/**
 * Visitor creates per client address: a token bucket per address that holds `perMinute`
 * tokens and refills at that rate. Kept in this process's memory, so with several server
 * processes each counts on its own.
 */
export type RateLimiter = {
  /** Takes one token; returns 0 when allowed, else the seconds until the next one. */
  take(address: string, now: number): number;
};

const MAX_TRACKED = 50_000;

export function rateLimiter(perMinute: number): RateLimiter {
  if (perMinute <= 0) return { take: () => 0 };
  const msPerToken = 60_000 / perMinute;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(address, now) {
      let bucket = buckets.get(address);
      if (!bucket) {
        if (buckets.size >= MAX_TRACKED) {
          // Forget the buckets that have filled up again: they behave as new ones would.
          for (const [key, value] of buckets) {
            if (value.tokens + (now - value.at) / msPerToken >= perMinute) buckets.delete(key);
          }
        }
        bucket = { tokens: perMinute, at: now };
        buckets.set(address, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) / msPerToken);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000));
    },
  };
}
