/**
 * The store contract of postings, run by every store implementation through store-contract.ts: a
 * delivered delivery of a versioned record leaves what it posted (body, target id, version), a
 * newer version replaces it, a stale one never does, and each is audited.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IncomingEvent, NewDelivery, Store } from "../../src/runtime/store/store.ts";
import type { OpenedStore } from "./store-contract.ts";

const ROUTE = "time-to-revenue";

const event = (key: string, version: number): IncomingEvent => ({ route: ROUTE, key, payload: { timeEntryId: "T001", version }, source: "psa.timeApproved", traceId: `trace-${key}` });

const posting = (version: number, attempted?: NewDelivery["attempted"]): NewDelivery => ({
  step: "cost",
  system: "erp",
  operation: "postCostJournal",
  idempotencyKey: `k-cost-${version}`,
  body: { hours: 10 - version },
  posting: { identity: "T001", version },
  ...(attempted === undefined ? {} : { attempted }),
});

/** Routes version `version` of T001 and delivers it through the outbox, the ERP answering `targetId`. */
async function deliverVersion(store: Store, version: number, now: number, targetId: string): Promise<void> {
  await store.accept([event(`T001@${version}`, version)], now);
  const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now, leaseMs: 1000 });
  await store.settleEvents([{ eventId: leased!.id, attempt: leased!.attempt, worker: "w1", now, outcome: "routed", deliveries: [posting(version)] }]);
  const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: now + 1, leaseMs: 1000 });
  await store.settleDeliveries([{ deliveryId: d!.id, attempt: d!.attempt, worker: "w1", now: now + 2, outcome: "delivered", status: 201, targetId }]);
}

/** Declares the postings contract tests for one engine. */
export function describePostingsContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`postings on the ${engine} store`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it("keeps what a delivered delivery of a versioned record posted: body, target id and version", async () => {
      expect(await store.findPosting(ROUTE, "T001", "erp")).toBeUndefined();
      await deliverVersion(store, 1, 1000, "J-1");
      expect(await store.findPosting(ROUTE, "T001", "erp")).toEqual({ route: ROUTE, identity: "T001", system: "erp", version: 1, body: { hours: 9 }, targetId: "J-1", postedAt: 1002 });
      expect(await store.findPosting(ROUTE, "T001", "billing")).toBeUndefined();
      const trail = await store.auditTrail({ traceId: "trace-T001@1" });
      expect(trail.map((r) => r.action)).toContain("posting.recorded");
    });

    it("replaces a posting with a newer version's, and keeps it when a stale version is recorded", async () => {
      await deliverVersion(store, 1, 1000, "J-1");
      await deliverVersion(store, 3, 2000, "J-3");
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 3, body: { hours: 7 }, targetId: "J-3" });
      const stale = await store.recordPosting({ route: ROUTE, identity: "T001", system: "erp", version: 2, body: { hours: 8 }, targetId: "J-2", postedAt: 3000 });
      expect(stale).toBe("stale");
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 3, targetId: "J-3" });
      const same = await store.recordPosting({ route: ROUTE, identity: "T001", system: "erp", version: 3, body: { hours: 7 }, targetId: null, postedAt: 3001 });
      expect(same).toBe("duplicate");
      // A posting recorded without the target's id keeps the one it had.
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 3, targetId: "J-3" });
      const actions = (await store.auditTrail()).map((r) => r.action);
      expect(actions).toContain("posting.stale");
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });

    it("orders timestamp versions by instant", async () => {
      const at = (version: string) => ({ route: ROUTE, identity: "T002", system: "erp", version, body: {}, targetId: null, postedAt: 1 });
      expect(await store.recordPosting(at("2026-04-02T09:00:00Z"))).toBe("first");
      expect(await store.recordPosting(at("2026-04-02T10:00:00+02:00"))).toBe("stale");
      expect(await store.recordPosting(at("2026-04-03T00:00:00Z"))).toBe("newer");
    });

    it("keeps the posting of a delivery made as its event was routed", async () => {
      await store.accept([event("T001@1", 1)], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      const made = posting(1, { outcome: "delivered", status: 201, targetId: "J-9", now: 1001 });
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1002, outcome: "routed", deliveries: [made] }]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 1, body: { hours: 9 }, targetId: "J-9" });
    });

    it("keeps no posting for a delivery that was not delivered", async () => {
      await store.accept([event("T001@1", 1)], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [posting(1)] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      await store.settleDeliveries([{ deliveryId: d!.id, attempt: d!.attempt, worker: "w1", now: 1003, outcome: "dead", issue: { queue: "q", owner: "o", reason: "refused" } }]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toBeUndefined();
    });
  });
}
