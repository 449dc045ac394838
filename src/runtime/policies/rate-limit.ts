/**
 * A token bucket per system, filled at the quota's sustained rate and holding `burst` tokens, and
 * a concurrency cap. Each is either this process's own or a share of one the store keeps for
 * every worker (`createSharedTokenBucket`, `createSharedSemaphore`), so N workers together keep
 * the quota and the cap.
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

/** How long a worker keeps slots of a shared cap for its own next calls before it gives them back. */
const SLOT_KEEP_MS = 1000;

/** How long a worker waits before asking again for slots the other workers hold. */
const SLOT_RETRY_MS = 25;

/** The store's side of a shared concurrency cap. */
export interface SlotSource {
  /** Takes up to `want` slots besides the `holding` this worker holds. */
  take(want: number, holding: number): Promise<number>;
  give(count: number): Promise<void>;
  report(error: unknown): void;
}

/**
 * This process's share of a concurrency cap every worker of the store shares. Slots are taken
 * from the store as calls need them; a slot freed by a call goes to the next call waiting here
 * while this worker has held its slots for under a second, and back to the store otherwise, so
 * that every worker gets its turn. While the other workers hold every slot, calls wait and the
 * store is asked again shortly.
 */
export function createSharedSemaphore(limit: number, source: SlotSource, now: () => number): Semaphore {
  let owned = 0;
  let inUse = 0;
  let since = 0;
  let asking = false;
  let failing = false;
  const waiting: (() => void)[] = [];
  const grant = () => {
    while (waiting.length > 0 && inUse < owned) {
      inUse += 1;
      waiting.shift()?.();
    }
  };
  const ask = () => {
    if (asking || waiting.length === 0) return;
    asking = true;
    const want = Math.min(limit, waiting.length - (owned - inUse));
    source
      .take(Math.max(1, want), owned)
      .then(
        (taken) => {
          failing = false;
          // A new holding starts when nothing was held; slots added to a holding keep its start.
          if (taken > 0 && owned === 0) since = now();
          owned += taken;
          return taken;
        },
        (error: unknown) => {
          if (!failing) source.report(error);
          failing = true;
          return 0;
        },
      )
      .then((taken) => {
        asking = false;
        grant();
        if (waiting.length === 0) return;
        if (taken > 0) ask();
        else setTimeout(ask, SLOT_RETRY_MS).unref();
      });
  };
  const giveBack = (count: number) => {
    owned -= count;
    source.give(count).catch((error: unknown) => source.report(error));
  };
  return {
    acquire() {
      if (inUse < owned) {
        inUse += 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        ask();
      });
    },
    release() {
      inUse -= 1;
      const fresh = now() - since < SLOT_KEEP_MS;
      if (waiting.length > 0 && fresh) {
        grant();
        return;
      }
      // Idle, or held long enough: the free slots go back, and anyone waiting here asks again.
      if (owned > inUse) giveBack(owned - inUse);
      ask();
    },
  };
}
