/** The contract of the state role (reference data versions and kept records) that every store passes. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STATE_SYSTEM, type StateRow } from "../../src/runtime/store/roles/state.ts";
import type { Store } from "../../src/runtime/store/store.ts";

/** A store opened for one test, and how to dispose of it. */
export interface OpenedStateStore {
  store: Store;
  cleanup(): Promise<void>;
}

const row = (key: string, validFrom: string | null, value: Record<string, unknown>): StateRow => ({ key, validFrom, validTo: null, value: { ...value, ...(validFrom === null ? {} : { validFrom }) } });

const FX = [
  row("GBP|EUR", "2026-03-05", { rate: "1.1732" }),
  row("GBP|EUR", "2026-03-06", { rate: "1.1739" }),
  row("GBP|EUR", "2026-03-09", { rate: "1.1699" }),
  row("EUR|GBP", "2026-03-06", { rate: "0.8519" }),
];

/** Checks one engine's state role. */
export function describeStateStoreContract(engine: string, open: () => Promise<OpenedStateStore>): void {
  describe(`the ${engine} store's state`, () => {
    let opened: OpenedStateStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it("loads an entity's rows as numbered versions and keeps the earlier ones to show", async () => {
      const first = await store.loadReferenceData({ entity: "Person", source: "people.json", rows: [row("P-01", null, { role: "partner" })], now: 1000, actor: "ana" });
      expect(first).toEqual({ entity: "Person", version: 1, source: "people.json", rows: 1, loadedAt: 1000, loadedBy: "ana" });
      const rows = [row("P-01", null, { role: "manager" }), row("P-02", null, { role: "analyst" })];
      expect((await store.loadReferenceData({ entity: "Person", source: "people-2.json", rows, now: 2000, actor: "ana" })).version).toBe(2);
      expect((await store.dataVersions("Person")).map((v) => [v.version, v.rows, v.source])).toEqual([
        [1, 1, "people.json"],
        [2, 2, "people-2.json"],
      ]);
      expect(await store.findRecord("Person", "P-01")).toEqual({ found: true, value: { role: "manager" }, validFrom: null });
      expect((await store.dataRows("Person", 1)).map((r) => r.value)).toEqual([{ role: "partner" }]);
      expect((await store.dataRows("Person")).map((r) => r.key)).toEqual(["P-01", "P-02"]);
      const trail = await store.auditTrail();
      expect(trail.filter((e) => e.action === "data.loaded").map((e) => [e.actor, e.subject, e.detail])).toEqual([
        ["ana", "data:Person", { version: 1, source: "people.json", rows: 1 }],
        ["ana", "data:Person", { version: 2, source: "people-2.json", rows: 2 }],
      ]);
    });

    it("finds the record in force on a date, the last earlier one across a weekend, and says when a date is before every record", async () => {
      await store.loadReferenceData({ entity: "FxRate", source: "fx.json", rows: FX, now: 1000, actor: "treasury" });
      expect(await store.findRecord("FxRate", "GBP|EUR", "2026-03-06")).toMatchObject({ found: true, value: { rate: "1.1739" }, validFrom: "2026-03-06" });
      expect(await store.findRecord("FxRate", "GBP|EUR", "2026-03-07")).toMatchObject({ found: true, value: { rate: "1.1739" } });
      expect(await store.findRecord("FxRate", "GBP|EUR", "2026-03-09")).toMatchObject({ found: true, value: { rate: "1.1699" } });
      expect(await store.findRecord("FxRate", "GBP|EUR")).toMatchObject({ found: true, value: { rate: "1.1699" } });
      expect(await store.findRecord("FxRate", "GBP|EUR", "2026-03-01")).toEqual({ found: false, earliest: "2026-03-05" });
      expect(await store.findRecord("FxRate", "USD|EUR", "2026-03-06")).toEqual({ found: false });
    });

    it("keeps a record from an event, never lets a stale or repeated version overwrite it, and audits each change", async () => {
      expect(await store.keepRecord({ entity: "Project", key: "KA-P01", version: 1, value: { entity: "KA-UK" }, source: "project-activation", traceId: "t1", now: 1000 })).toEqual({
        kept: true,
        previousVersion: null,
      });
      expect(await store.keepRecord({ entity: "Project", key: "KA-P01", version: 3, value: { entity: "KA-NL" }, source: "project-activation", traceId: "t2", now: 1001 })).toEqual({
        kept: true,
        previousVersion: 1,
      });
      expect(await store.keepRecord({ entity: "Project", key: "KA-P01", version: 2, value: { entity: "KA-UK" }, source: "project-activation", traceId: "t3", now: 1002 })).toEqual({
        kept: false,
        currentVersion: 3,
      });
      expect(await store.keepRecord({ entity: "Project", key: "KA-P01", version: 3, value: { entity: "KA-UK" }, source: "project-activation", traceId: "t4", now: 1003 })).toEqual({
        kept: false,
        currentVersion: 3,
      });
      expect(await store.findRecord("Project", "KA-P01")).toEqual({ found: true, value: { entity: "KA-NL" }, validFrom: null });
      await store.keepRecord({ entity: "Project", key: "KA-P00", version: 1, value: { entity: "KA-DE" }, source: "project-activation", traceId: "t5", now: 1004 });
      await store.keepRecord({ entity: "Client", key: "C1", version: 1, value: { name: "Acme" }, source: "client-master-data", traceId: "t6", now: 1005 });
      // The records kept of one entity, each at its kept version, by key: what a reconciliation of the runtime's state reads.
      expect(await store.keptRecords("Project")).toEqual([
        { key: "KA-P00", version: 1, value: { entity: "KA-DE" } },
        { key: "KA-P01", version: 3, value: { entity: "KA-NL" } },
      ]);
      expect(await store.keptRecords("Nothing")).toEqual([]);
      const kept = (await store.auditTrail()).filter((e) => e.action === "record.kept");
      expect(kept.map((e) => [e.subject, e.traceId, (e.detail as { version: number }).version]).slice(0, 2)).toEqual([
        ["record:Project:KA-P01", "t1", 1],
        ["record:Project:KA-P01", "t2", 3],
      ]);
    });

    it("keeps the records a routed event's settlement carries, with its deliveries, in one transaction", async () => {
      await store.accept([{ route: "project-activation", key: "evt-5", payload: { projectId: "KA-P01" }, source: "psa.projectActivated", traceId: "tr-5" }], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 10_000 });
      const records = [{ entity: "Project", key: "KA-P01", version: 5, value: { projectId: "KA-P01", entity: "KA-UK" } }];
      const settled = await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [], records }]);
      expect(settled.settled).toEqual([true]);
      expect(await store.findRecord("Project", "KA-P01")).toEqual({ found: true, value: { projectId: "KA-P01", entity: "KA-UK" }, validFrom: null });
      const kept = (await store.auditTrail()).find((e) => e.action === "record.kept");
      expect(kept).toMatchObject({ actor: "project-activation", subject: "record:Project:KA-P01", traceId: "tr-5", detail: { version: 5, previousVersion: null } });
    });

    it("wakes the events waiting for a record when it is kept", async () => {
      await store.accept([{ route: "time", key: "TE-1", payload: { projectId: "KA-P02" }, source: "psa.timeApproved", traceId: "tr" }], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 10_000 });
      const dependency = { entity: "Project", system: STATE_SYSTEM, key: "KA-P02" };
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "waiting", dependency, until: 100_000 }]);
      expect(await store.claimEvents({ worker: "w1", limit: 1, now: 1002, leaseMs: 10_000 })).toEqual([]);
      await store.keepRecord({ entity: "Project", key: "KA-P02", version: 1, value: { projectId: "KA-P02" }, source: "project-activation", traceId: "t", now: 1003 });
      const [resumed] = await store.claimEvents({ worker: "w1", limit: 1, now: 1004, leaseMs: 10_000 });
      expect(resumed).toMatchObject({ key: "TE-1", attempt: 2 });
    });

    it("finds the kept records of an entity whose fields match, by key, with the fields written back, and none as an empty list", async () => {
      const keep = (key: string, value: Record<string, unknown>, now: number) => store.keepRecord({ entity: "TimeEntry", key, version: 1, value, source: "time-posting", traceId: null, now });
      await keep("TE-2", { timeEntryId: "TE-2", projectId: "KA-P01", hours: 1.5, billable: true }, 1000);
      await keep("TE-1", { timeEntryId: "TE-1", projectId: "KA-P01", hours: 2, billable: false }, 1001);
      await keep("TE-3", { timeEntryId: "TE-3", projectId: "KA-P02", hours: 1.5, billable: true }, 1002);
      await store.keepRecord({ entity: "Expense", key: "TE-4", version: 1, value: { projectId: "KA-P01" }, source: "expenses", traceId: null, now: 1003 });
      expect((await store.findRecords("TimeEntry", { projectId: "KA-P01" })).map((r) => r.key)).toEqual(["TE-1", "TE-2"]);
      expect(await store.findRecords("TimeEntry", { projectId: "KA-P01", billable: "true" })).toEqual([{ key: "TE-2", value: { timeEntryId: "TE-2", projectId: "KA-P01", hours: 1.5, billable: true } }]);
      expect((await store.findRecords("TimeEntry", { hours: "1.5" })).map((r) => r.key)).toEqual(["TE-2", "TE-3"]);
      expect(await store.findRecords("TimeEntry", { projectId: "KA-P09" })).toEqual([]);
      expect(await store.findRecords("TimeEntry", { "projectId') OR 1=1 --": "x" })).toEqual([]);
    });
  });
}
