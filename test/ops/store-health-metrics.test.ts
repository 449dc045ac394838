import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerStoreHealthMetrics, registerWorkMetrics } from "../../src/ops/metrics.ts";
import type { WorkCounts } from "../../src/runtime/engine.ts";
import type { StoreHealth } from "../../src/runtime/store/store.ts";

describe("store health metrics", () => {
  it("exposes the store's readiness and its connection losses, retries and reconnects as they are at each scrape", async () => {
    const registry = new Registry();
    let health: StoreHealth = { ready: true, connectionLosses: 0, retries: 0, reconnects: 0 };
    registerStoreHealthMetrics(registry, () => health);
    expect(await registry.metrics()).toMatch(/^syncspec_store_ready 1$/m);
    health = { ready: false, reason: "Connection terminated unexpectedly", connectionLosses: 3, retries: 7, reconnects: 1 };
    const text = await registry.metrics();
    expect(text).toMatch(/^syncspec_store_ready 0$/m);
    expect(text).toMatch(/^# TYPE syncspec_store_retries_total counter$/m);
    expect(text).toMatch(/^syncspec_store_connection_losses_total 3$/m);
    expect(text).toMatch(/^syncspec_store_retries_total 7$/m);
    expect(text).toMatch(/^syncspec_store_reconnects_total 1$/m);
  });

  it("exposes what the worker accepted, kept, left in the store, settled and was woken for, as it is at each scrape", async () => {
    const registry = new Registry();
    let work: WorkCounts = { accepted: 0, kept: 0, left: 0, eventsSettled: 0, deliveriesSettled: 0, wokenUp: 0 };
    registerWorkMetrics(registry, () => work);
    expect(await registry.metrics()).toMatch(/^syncspec_worker_events_left_total 0$/m);
    work = { accepted: 10, kept: 4, left: 6, eventsSettled: 3, deliveriesSettled: 5, wokenUp: 2 };
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE syncspec_worker_events_left_total counter$/m);
    expect(text).toMatch(/^syncspec_worker_events_accepted_total 10$/m);
    expect(text).toMatch(/^syncspec_worker_events_kept_total 4$/m);
    expect(text).toMatch(/^syncspec_worker_events_left_total 6$/m);
    expect(text).toMatch(/^syncspec_worker_events_settled_total 3$/m);
    expect(text).toMatch(/^syncspec_worker_deliveries_settled_total 5$/m);
    expect(text).toMatch(/^syncspec_worker_woken_total 2$/m);
  });
});
