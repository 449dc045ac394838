/**
 * Lookups at run time: reference data by a composite key as of a date (the record in force then,
 * the last earlier one across a weekend), a date before a key's first record held as an exception
 * that names the key and the date, and a record kept from events waited for until it arrives.
 */
import { describe, expect, it } from "vitest";
import { setUp } from "./state-fixture.ts";

describe("lookups at run time", () => {
  it("prices with the rate of the pair in force on the expense date, the last earlier one across a weekend", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: 1 });
    await offer([expense("EX-303", "2026-03-07"), expense("EX-310", "2026-03-09T10:00:00Z")]);
    await runtime.drain();
    expect(erp.ledger.map((e) => e.body)).toEqual([
      { amount: "181.84", currency: "EUR", rate: "1.1739" },
      { amount: "181.22", currency: "EUR", rate: "1.1699" },
    ]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("holds an expense dated before the pair's first rate as an exception naming the key and the date, and keeps the event", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: 1 });
    await offer([expense("EX-299", "2026-02-27")]);
    await runtime.drain();
    expect(erp.requests).toBe(0);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.reason, i.payload])).toEqual([
      ["cost-exceptions", "step fx: no FxRate GBP|EUR in force on 2026-02-27: its first record is from 2026-03-05", expense("EX-299", "2026-02-27")],
    ]);
    expect((await store.counts()).events).toEqual({ exception: 1 });
    await store.close();
  });

  it("waits for a project kept from events and posts once it arrives", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await offer([expense("EX-303", "2026-03-07")]);
    await runtime.drain();
    expect(erp.requests).toBe(0);
    expect((await store.counts()).events).toEqual({ waiting: 1 });
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: Date.UTC(2026, 2, 9, 9) });
    await runtime.drain();
    expect(erp.ledger.map((e) => e.body)).toEqual([{ amount: "181.84", currency: "EUR", rate: "1.1739" }]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });
});
