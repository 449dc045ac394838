import { describe, expect, it } from "vitest";
import { createLeaseKeeper } from "../../src/runtime/lease-keeper.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store in memory with one accepted event, and a keeper of worker w's leases (200 ms) logging to `log`. */
async function setUp() {
  const store = await createSqliteStore({ path: ":memory:" });
  await store.accept([{ route: "r", key: "k1", payload: {}, source: "s.e", traceId: "t1" }], Date.now() - 2000);
  const log: { level: string; fields: LogFields }[] = [];
  const logger: Logger = {
    info: (_message, fields = {}) => log.push({ level: "info", fields }),
    warn: (_message, fields = {}) => log.push({ level: "warn", fields }),
    error: (_message, fields = {}) => log.push({ level: "error", fields }),
  };
  const keeper = createLeaseKeeper({ store, worker: "w", leaseMs: 200, now: () => Date.now(), logger });
  return { store, log, keeper };
}

describe("the lease keeper", () => {
  it("renews the lease of work in memory past its length, and stops once the work is released", async () => {
    const { store, log, keeper } = await setUp();
    const [event] = await store.claimEvents({ worker: "w", limit: 1, now: Date.now(), leaseMs: 200 });
    keeper.hold("event", event!, Date.now() + 200);
    await pause(450);
    // Twice the lease later another worker finds nothing to take over.
    expect(await store.claimEvents({ worker: "w2", limit: 1, now: Date.now(), leaseMs: 200 })).toEqual([]);
    expect(keeper.counts()).toMatchObject({ lost: 0 });
    expect(keeper.counts().renewed).toBeGreaterThan(0);
    expect(log[0]).toEqual({ level: "info", fields: { event: "lease.renewed", worker: "w", deliveries: 0, events: 1 } });
    keeper.release([event!]);
    await pause(450);
    expect(await store.claimEvents({ worker: "w2", limit: 1, now: Date.now(), leaseMs: 200 })).toMatchObject([{ id: event!.id, attempt: 2 }]);
    keeper.clear();
    await store.close();
  });

  it("logs and counts a lease that ran out and was taken over before a renewal reached the store", async () => {
    const { store, log, keeper } = await setUp();
    const [event] = await store.claimEvents({ worker: "w", limit: 1, now: Date.now() - 1000, leaseMs: 200 });
    await store.claimEvents({ worker: "w2", limit: 1, now: Date.now(), leaseMs: 60_000 });
    keeper.hold("event", event!, Date.now() - 800);
    await pause(150);
    expect(keeper.counts()).toMatchObject({ renewed: 0, lost: 1 });
    expect(log).toEqual([{ level: "warn", fields: { event: "lease.lost", worker: "w", kind: "event", id: event!.id, attempt: 1 } }]);
    // Lost work is no longer kept: no renewal is tried again.
    expect(keeper.until(event!)).toBe(0);
    keeper.clear();
    await store.close();
  });
});
