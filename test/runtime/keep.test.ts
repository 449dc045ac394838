/**
 * Records kept from events: a keep step stores the canonical record in the state with its
 * event's settlement, keyed by the entity's identity; a lower or equal version never overwrites
 * it; each change and each ignored version is audited; lookups read it; events waiting for it are
 * released when it arrives; an invalid record is an exception, nothing kept.
 */
import { describe, expect, it } from "vitest";
import { setUp } from "./state-fixture.ts";

describe("a keep step", () => {
  it("keeps the project from its activation, and the expenses waiting for it post once it is kept", async () => {
    const { store, erp, runtime, expense, offer, activate } = await setUp();
    await offer([expense("EX-303", "2026-03-07")]);
    await runtime.drain();
    expect((await store.counts()).events).toEqual({ waiting: 1 });
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(await store.findRecord("Project", "KA-P04")).toEqual({
      found: true,
      value: { projectId: "KA-P04", currency: "EUR", activatedAt: "2026-03-02T08:10:00Z" },
      validFrom: null,
    });
    expect(erp.ledger.map((e) => e.body)).toEqual([{ amount: "181.84", currency: "EUR", rate: "1.1739" }]);
    expect((await store.counts()).events).toEqual({ routed: 2 });
    await store.close();
  });

  it("never lets an earlier activation overwrite a later one, whatever the order they arrive in, and audits both", async () => {
    const { store, runtime, activate } = await setUp();
    await activate("KA-P04", "GBP", "2026-03-05T09:00:00Z");
    await runtime.drain();
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { currency: "GBP" } });
    const trail = (await store.auditTrail()).filter((e) => e.subject === "record:Project:KA-P04");
    expect(trail.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ["record.kept", "project-activation", { version: Date.parse("2026-03-05T09:00:00Z"), previousVersion: null }],
      ["record.ignored", "project-activation", { version: Date.parse("2026-03-02T08:10:00Z"), currentVersion: Date.parse("2026-03-05T09:00:00Z") }],
    ]);
    await store.close();
  });

  it("holds an activation whose record fails its entity as an exception and keeps nothing", async () => {
    const { store, runtime, activate } = await setUp();
    await activate("KA-P09", "euro", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(await store.findRecord("Project", "KA-P09")).toEqual({ found: false });
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.reason])).toEqual([["activation-exceptions", expect.stringMatching(/^step keep-project: the Project to keep is invalid: .*currency/)]]);
    await store.close();
  });
});
