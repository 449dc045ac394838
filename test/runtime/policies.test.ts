import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/runtime/errors.ts";
import { createCircuitBreaker } from "../../src/runtime/policies/circuit-breaker.ts";
import { createSharedSemaphore, createSharedTokenBucket, createTokenBucket } from "../../src/runtime/policies/rate-limit.ts";
import { parseRetryAfter, retryDelay, retryPolicy } from "../../src/runtime/policies/retry.ts";

describe("the retry policy", () => {
  it("names the field of each invalid setting", () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(new ConfigurationError("retry.maxAttempts must be a positive integer"));
    expect(() => retryPolicy({ maxAttempts: 2.5, initialDelayMs: 500, maxDelayMs: 100 })).toThrow(
      "retry.maxAttempts must be a positive integer; retry.maxDelayMs must not be less than retry.initialDelayMs",
    );
    expect(() => retryPolicy({ jitter: "some" as "full" })).toThrow("retry.jitter must be 'full' or 'none'");
  });

  it("doubles the delay up to the maximum and draws full jitter from the injected random source", () => {
    const policy = retryPolicy({ maxAttempts: 10, backoff: "exponential", initialDelayMs: 100, maxDelayMs: 1000, jitter: "none" });
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(policy, attempt, () => 0.5))).toEqual([100, 200, 400, 800, 1000]);
    const jittered = { ...policy, jitter: "full" as const };
    expect(retryDelay(jittered, 3, () => 0.25)).toBe(100);
    expect(retryDelay(jittered, 3, () => 0)).toBe(0);
  });

  it("waits at least as long as Retry-After asks, in seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 0, 5, 9, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Mon, 05 Jan 2026 09:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    const policy = retryPolicy({ initialDelayMs: 100, maxDelayMs: 100, jitter: "none" });
    expect(retryDelay(policy, 1, () => 0, 5_000)).toBe(5_000);
  });
});

describe("the circuit breaker", () => {
  it("opens after the threshold, lets a bounded number of probes through when half-open, and closes on success", () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3, resetAfterMs: 1000, halfOpenProbes: 2 });
    for (const t of [0, 1, 2]) breaker.failure(t);
    expect(breaker.state(10)).toBe("open");
    expect(breaker.allow(500)).toBe(false);
    expect([breaker.allow(1002), breaker.allow(1002), breaker.allow(1002)]).toEqual([true, true, false]);
    breaker.failure(1003);
    expect(breaker.state(1004)).toBe("open");
    expect(breaker.allow(2003)).toBe(true);
    breaker.success();
    expect(breaker.state(2004)).toBe("closed");
    expect(breaker.probes).toBe(3);
  });
});

describe("the token bucket", () => {
  it("allows the burst, then one request per refill interval", () => {
    const bucket = createTokenBucket(60, 2);
    expect([bucket.take(0), bucket.take(0)]).toEqual([0, 0]);
    expect(bucket.take(0)).toBe(1000);
    expect(bucket.take(1000)).toBe(0);
  });

  it("as a share of a bucket kept elsewhere, reserves a quarter second's worth ahead and waits while a reservation is out", async () => {
    const asked: number[] = [];
    let pool = 300;
    const reserve = async (want: number) => {
      asked.push(want);
      const taken = Math.min(want, pool);
      pool -= taken;
      return taken;
    };
    // 60,000 a minute is 1,000 a second: reservations of 250, at most the burst of 400.
    const bucket = createSharedTokenBucket(reserve, 60_000, 400, (error) => {
      throw error;
    });
    expect(bucket.take(0)).toBe(1);
    await bucket.refilled?.();
    const takes = Array.from({ length: 300 }, () => bucket.take(0));
    await bucket.refilled?.();
    // 250 from the first reservation; the second, asked when half were used, got the last 50.
    expect(takes.filter((wait) => wait === 0)).toHaveLength(250);
    expect(asked).toEqual([250, 250]);
    expect(Array.from({ length: 60 }, () => bucket.take(0)).filter((wait) => wait === 0)).toHaveLength(50);
  });

  it("gives up reserved tokens it did not use within a second, and reports a failing store once", async () => {
    let granted = 0;
    const failures: unknown[] = [];
    let failing = false;
    const reserve = async (want: number) => {
      if (failing) throw new Error("the store is closed");
      granted += want;
      return want;
    };
    const bucket = createSharedTokenBucket(reserve, 60_000, 400, (error) => failures.push(error));
    bucket.take(0);
    await bucket.refilled?.();
    expect(bucket.take(10)).toBe(0);
    // Idle for two seconds: the 249 tokens left are not spent on top of the other workers' burst.
    failing = true;
    expect(bucket.take(2_010)).toBeGreaterThan(0);
    await bucket.refilled?.();
    expect(bucket.take(2_020)).toBeGreaterThan(0);
    await bucket.refilled?.();
    expect(granted).toBe(250);
    expect(failures).toHaveLength(1);
  });
});

describe("a concurrency cap shared by workers", () => {
  /** A store's slots for one system, shared by the semaphores made over it. */
  function slotStore(limit: number) {
    const held = new Map<string, number>();
    let calls = 0;
    const source = (holder: string) => ({
      limit,
      async take(want: number, holding: number) {
        calls += 1;
        const others = [...held].filter(([h]) => h !== holder).reduce((sum, [, n]) => sum + n, 0);
        const taken = Math.max(0, Math.min(want, limit - others - holding));
        held.set(holder, holding + taken);
        return taken;
      },
      async give(count: number) {
        calls += 1;
        held.set(holder, (held.get(holder) ?? 0) - count);
      },
      report: (error: unknown) => {
        throw error;
      },
    });
    return { source, held, calls: () => calls };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("lets no more calls in flight than the cap across workers, and gives every slot back once idle", async () => {
    const slots = slotStore(2);
    const a = createSharedSemaphore(slots.source("a"), () => 0);
    const b = createSharedSemaphore(slots.source("b"), () => 0);
    let inFlight = 0;
    let most = 0;
    const call = async (s: typeof a) => {
      expect(await s.acquire(5_000)).toBe(true);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await pause(20);
      inFlight -= 1;
      s.release();
    };
    await Promise.all([call(a), call(a), call(b), call(b), call(a), call(b)]);
    expect(most).toBe(2);
    await pause(50);
    expect([...slots.held.values()].every((n) => n === 0)).toBe(true);
  });

  it("gives a worker's slots back after a second even while it has calls waiting, so another worker gets a turn", async () => {
    const slots = slotStore(1);
    let time = 0;
    const a = createSharedSemaphore(slots.source("a"), () => time);
    const b = createSharedSemaphore(slots.source("b"), () => time);
    expect(await a.acquire(1_000)).toBe(true);
    const aQueue = [a.acquire(5_000), a.acquire(5_000)];
    const bFirst = b.acquire(5_000);
    await pause(10);
    // Within the second, a's freed slot goes to a's next call, without asking the store.
    const before = slots.calls();
    a.release();
    expect(await aQueue[0]).toBe(true);
    expect(slots.calls()).toBe(before);
    // Past it, the slot goes back, and b, which has been asking all along, takes it before a asks again.
    time = 1_500;
    a.release();
    expect(await bFirst).toBe(true);
    expect(slots.held.get("b")).toBe(1);
    b.release();
    // Then a's last call gets its turn.
    expect(await aQueue[1]).toBe(true);
    a.release();
    await pause(50);
    expect([...slots.held.values()].every((n) => n === 0)).toBe(true);
  });

  it("gives up a call that waited its time for a slot held elsewhere, and takes no slot for it", async () => {
    const slots = slotStore(1);
    const a = createSharedSemaphore(slots.source("a"), () => 0);
    const b = createSharedSemaphore(slots.source("b"), () => 0);
    expect(await a.acquire(1_000)).toBe(true);
    expect(await b.acquire(60)).toBe(false);
    a.release();
    await pause(50);
    // The slot came back to the store, and no call is left waiting for it in b.
    expect(slots.held.get("a")).toBe(0);
    expect(slots.held.get("b") ?? 0).toBe(0);
  });
});
