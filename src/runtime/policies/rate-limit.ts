/**
 * A token bucket per system, filled at the quota's sustained rate and holding `burst` tokens, and
 * a concurrency cap. Both are per process: N workers sharing a quota should be given 1/N of it.
 */

/** Takes tokens from a bucket. */
export interface TokenBucket {
  /** Takes a token when one is there and returns 0, or returns the milliseconds until one is. */
  take(now: number): number;
}

/** A bucket for `requestsPerMinute`, holding at most `burst` tokens (starts full). */
export function createTokenBucket(requestsPerMinute: number, burst?: number): TokenBucket {
  const capacity = Math.max(1, burst ?? Math.ceil(requestsPerMinute / 60));
  const perMs = requestsPerMinute / 60_000;
  let tokens = capacity;
  let last: number | undefined;
  return {
    take(now) {
      if (last !== undefined && now > last) tokens = Math.min(capacity, tokens + (now - last) * perMs);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - tokens) / perMs);
    },
  };
}

/** Limits calls in flight. */
export interface Semaphore {
  acquire(): Promise<void>;
  release(): void;
}

/** A semaphore with `limit` permits. */
export function createSemaphore(limit: number): Semaphore {
  let available = limit;
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (available > 0) {
        available -= 1;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next !== undefined) next();
      else available += 1;
    },
  };
}
