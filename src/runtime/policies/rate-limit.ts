/**
 * A token bucket per system, filled at the quota's sustained rate and holding `burst` tokens, and
 * a concurrency cap. Each is either this process's own or a share of one the store keeps for
 * every worker (`createSharedTokenBucket`, `createSharedSemaphore`), so N workers together keep
 * the quota and the cap.
 */
import { type Cancel, systemTimers, type Timers } from "../host.ts";

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
  /** Resolves true once a call may go, or false when none could within `waitMs` (then it must not go). */
  acquire(waitMs: number): Promise<boolean>;
  release(): void;
}

/** Callers waiting for a permit, each given up after its wait. */
function waitQueue(timers: Timers) {
  const waiting: ((granted: boolean) => void)[] = [];
  return {
    get length() {
      return waiting.length;
    },
    wait(waitMs: number): Promise<boolean> {
      return new Promise<boolean>((resolve) => {
        const cancel = timers.after(waitMs, () => {
          const i = waiting.indexOf(wake);
          if (i >= 0) waiting.splice(i, 1);
          resolve(false);
        });
        const wake = (granted: boolean) => {
          cancel();
          resolve(granted);
        };
        waiting.push(wake);
      });
    },
    /** Lets the longest waiting caller go; false when none waits. */
    wakeOne(): boolean {
      const next = waiting.shift();
      next?.(true);
      return next !== undefined;
    },
  };
}

/** A semaphore with `limit` permits. */
export function createSemaphore(limit: number, timers: Timers = systemTimers): Semaphore {
  let available = limit;
  const waiting = waitQueue(timers);
  return {
    acquire(waitMs) {
      if (available > 0) {
        available -= 1;
        return Promise.resolve(true);
      }
      return waiting.wait(waitMs);
    },
    release() {
      if (!waiting.wakeOne()) available += 1;
    },
  };
}

/** How long a worker keeps slots of a shared cap for its own next calls before it gives them back. */
const SLOT_KEEP_MS = 1000;

/** How long a worker waits before asking again for slots, when the others hold them or it just gave its own back. */
const SLOT_RETRY_MS = 25;

/** The store's side of a shared concurrency cap. */
export interface SlotSource {
  /** The cap: slots held by every worker together. */
  limit: number;
  /** Takes up to `want` slots besides the `holding` this worker holds. */
  take(want: number, holding: number): Promise<number>;
  give(count: number): Promise<void>;
  report(error: unknown): void;
}

/**
 * This process's share of a concurrency cap every worker of the store shares. Slots are taken
 * from the store as calls need them. A slot freed by a call goes to the next call waiting here
 * while this worker's slots are under a second old; after that it goes back to the store and the
 * calls waiting here ask again a little later, so that the other workers get their turn. Slots
 * that arrive when no call waits any more go back at once.
 */
export function createSharedSemaphore(source: SlotSource, now: () => number, timers: Timers = systemTimers): Semaphore {
  let owned = 0;
  let inUse = 0;
  let since = 0;
  let asking = false;
  let failing = false;
  const waiting = waitQueue(timers);
  const grant = () => {
    while (inUse < owned && waiting.length > 0) {
      inUse += 1;
      waiting.wakeOne();
    }
  };
  const giveBack = () => {
    const count = owned - inUse;
    if (count <= 0) return;
    owned -= count;
    source.give(count).catch((error: unknown) => source.report(error));
  };
  // One timer at most: asking later replaces the time asked for before.
  let later: Cancel | undefined;
  const askLater = (ms = SLOT_RETRY_MS) => {
    later?.();
    later = timers.after(
      ms,
      () => {
        later = undefined;
        ask();
      },
      { weak: true },
    );
  };
  function ask(): void {
    if (asking || later !== undefined || waiting.length === 0) return;
    asking = true;
    source
      .take(Math.max(1, Math.min(source.limit, waiting.length)), owned)
      .then(
        (taken) => {
          failing = false;
          if (taken > 0) since = now();
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
        if (waiting.length === 0) giveBack();
        else if (taken > 0) ask();
        else askLater();
      });
  }
  return {
    acquire(waitMs) {
      if (inUse < owned) {
        inUse += 1;
        return Promise.resolve(true);
      }
      const granted = waiting.wait(waitMs);
      ask();
      return granted;
    },
    release() {
      inUse -= 1;
      if (waiting.length > 0 && now() - since < SLOT_KEEP_MS) {
        grant();
        return;
      }
      giveBack();
      // Asking again only after every other waiting worker has asked once: one of them gets the slot.
      if (waiting.length > 0) askLater(2 * SLOT_RETRY_MS);
    },
  };
}
