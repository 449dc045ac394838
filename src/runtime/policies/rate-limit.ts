/**
 * A token bucket per system, filled at the quota's sustained rate and holding `burst` tokens, and
 * a concurrency cap per process. The bucket is either this process's own or a share of one the
 * store keeps for every worker (`createSharedTokenBucket`), so N workers together keep the quota.
 */

/** Takes tokens from a bucket. */
export interface TokenBucket {
  /** Takes a token when one is there and returns 0, or returns the milliseconds until one is. */
  take(now: number): number;
  /** For a shared bucket: resolves once the tokens being asked for have arrived (or were refused). */
  refilled?(): Promise<void>;
}

/** The burst a quota allows when it declares none: a second's worth, at least one. */
export function quotaBurst(requestsPerMinute: number, burst?: number): number {
  return Math.max(1, burst ?? Math.ceil(requestsPerMinute / 60));
}

/** How long tokens reserved from a shared bucket stay usable. */
const RESERVATION_MS = 1000;

/**
 * This process's share of a bucket every worker takes from: tokens are reserved from the shared
 * bucket (`reserve`, one store transaction) a quarter of a second's worth at a time, at most the
 * burst, and asked for again when half are used. Reserved tokens not used within a second are
 * given up, so a worker that was idle does not add them to another's burst. A reservation that
 * fails is reported once, and retried on the next take; until tokens arrive, takes answer with a wait.
 */
export function createSharedTokenBucket(
  reserve: (want: number, now: number) => Promise<number>,
  requestsPerMinute: number,
  burst: number | undefined,
  report: (error: unknown) => void,
): TokenBucket {
  const capacity = quotaBurst(requestsPerMinute, burst);
  const perMs = requestsPerMinute / 60_000;
  const chunk = Math.max(1, Math.min(capacity, Math.ceil(perMs * 250)));
  let local = 0;
  let reservedAt = Number.NEGATIVE_INFINITY;
  let asking: Promise<void> | undefined;
  let failing = false;
  const ask = (now: number) => {
    asking ??= reserve(chunk, now)
      .then(
        (taken) => {
          local += taken;
          reservedAt = now;
          failing = false;
        },
        (error: unknown) => {
          if (!failing) report(error);
          failing = true;
        },
      )
      .finally(() => {
        asking = undefined;
      });
  };
  return {
    take(now) {
      if (now - reservedAt > RESERVATION_MS) local = 0;
      if (local < chunk / 2) ask(now);
      if (local >= 1) {
        local -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(1 / perMs));
    },
    async refilled() {
      await asking;
    },
  };
}

/** A bucket for `requestsPerMinute`, holding at most `burst` tokens (starts full). */
export function createTokenBucket(requestsPerMinute: number, burst?: number): TokenBucket {
  const capacity = quotaBurst(requestsPerMinute, burst);
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
