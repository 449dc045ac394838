/**
 * The store contract of a delivery that waits behind another delivery of its event (the reversal
 * of what an earlier version of a record posted), run by every store implementation through
 * store-contract.ts: it is neither leased nor handed off until that delivery is delivered, and a
 * reversal that went dead holds it until a person's retry delivers the reversal.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IncomingEvent, NewDelivery, Store } from "../../src/runtime/store/store.ts";
import type { OpenedStore } from "./store-contract.ts";

const ROUTE = "time-to-revenue";
const REVERSE = "post-cost:reverse";

// No ordering key: the wait behind the reversal is all that keeps the two deliveries in order.
const edited: IncomingEvent = { route: ROUTE, key: "T001@2", payload: { timeEntryId: "T001", version: 2 }, source: "psa.timeApproved", traceId: "trace-T001@2" };

const reversal: NewDelivery = { step: REVERSE, system: "erp", operation: "reverseJournal", idempotencyKey: "k-reverse-2", body: { journalId: "J-1" }, params: { journalId: "J-1" } };
const repost: NewDelivery = {
  step: "post-cost",
  system: "erp",
  operation: "postJournal",
  idempotencyKey: "k-cost-2",
  body: { hours: 6 },
  posting: { identity: "T001", version: 2 },
  after: REVERSE,
};

const lease = (store: Store, now: number) => store.claimDeliveries({ worker: "w1", limit: 10, now, leaseMs: 1000 });

/** Accepts and routes the edited record, its reversal and its new posting; returns what was handed off. */
async function route(store: Store, handoff?: { worker: string; leaseMs: number; limit: number }) {
  await store.accept([edited], 1000);
  const [event] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
  return store.settleEvents([{ eventId: event!.id, attempt: event!.attempt, worker: "w1", now: 1001, outcome: "routed", deliveries: [reversal, repost] }], handoff);
}

/** Declares the contract tests of deliveries that wait behind a reversal, for one engine. */
export function describeCorrectionsContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`deliveries waiting behind a reversal on the ${engine} store`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it("leases the new posting only once its reversal is delivered, a retried reversal included", async () => {
      await route(store);
      const [first, ...others] = await lease(store, 1002);
      expect([first?.step, others]).toEqual([REVERSE, []]);
      await store.settleDeliveries([{ deliveryId: first!.id, attempt: first!.attempt, worker: "w1", now: 1003, outcome: "retry", availableAt: 1004, error: "erp answered 503" }]);
      const again = await lease(store, 1005);
      expect(again.map((d) => d.step)).toEqual([REVERSE]);
      await store.settleDeliveries([{ deliveryId: again[0]!.id, attempt: again[0]!.attempt, worker: "w1", now: 1006, outcome: "delivered", status: 200 }]);
      const posted = await lease(store, 1007);
      expect(posted.map((d) => d.step)).toEqual(["post-cost"]);
      await store.settleDeliveries([{ deliveryId: posted[0]!.id, attempt: posted[0]!.attempt, worker: "w1", now: 1008, outcome: "delivered", status: 201, targetId: "J-2" }]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 2, body: { hours: 6 }, targetId: "J-2" });
    });

    it("holds the new posting behind a reversal that went dead, until a person's retry delivers it", async () => {
      await route(store);
      const [reverse] = await lease(store, 1002);
      await store.settleDeliveries([{ deliveryId: reverse!.id, attempt: reverse!.attempt, worker: "w1", now: 1003, outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "erp refused the reversal" } }]);
      expect(await lease(store, 5000)).toEqual([]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toBeUndefined();
      const [dead] = await store.listIssues({ kind: "dead-letter" });
      await store.resolveIssue({ issueId: dead!.id, action: "retry", who: "ana", why: "journal unlocked", now: 6000 });
      const retried = await lease(store, 6001);
      expect(retried.map((d) => d.step)).toEqual([REVERSE]);
      await store.settleDeliveries([{ deliveryId: retried[0]!.id, attempt: retried[0]!.attempt, worker: "w1", now: 6002, outcome: "delivered", status: 200 }]);
      expect((await lease(store, 6003)).map((d) => d.step)).toEqual(["post-cost"]);
    });

    it("keeps a delivered reversal as nothing standing posted, then the new posting, and tells where a record's postings stand in the outbox", async () => {
      const reversing: NewDelivery = { ...reversal, posting: { identity: "T001", version: 2, withdrawn: "reversed", correction: "reverse" } };
      await store.accept([edited], 1000);
      const [event] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      expect(await store.postingDelivery(ROUTE, "T001", "erp")).toBeUndefined();
      await store.settleEvents([{ eventId: event!.id, attempt: event!.attempt, worker: "w1", now: 1001, outcome: "routed", deliveries: [reversing, repost] }]);
      expect(await store.postingDelivery(ROUTE, "T001", "erp")).toBe("open");
      const [reverse] = await lease(store, 1002);
      await store.settleDeliveries([{ deliveryId: reverse!.id, attempt: reverse!.attempt, worker: "w1", now: 1003, outcome: "delivered", status: 201, targetId: "J-R" }]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 2, withdrawn: "reversed", body: null, targetId: null });
      const [posting] = await lease(store, 1004);
      await store.settleDeliveries([{ deliveryId: posting!.id, attempt: posting!.attempt, worker: "w1", now: 1005, outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "erp refused" } }]);
      expect(await store.postingDelivery(ROUTE, "T001", "erp")).toBe("failed");
      const [dead] = await store.listIssues({ kind: "dead-letter" });
      await store.resolveIssue({ issueId: dead!.id, action: "retry", who: "ana", why: "period reopened", now: 2000 });
      const [again] = await lease(store, 2001);
      await store.settleDeliveries([{ deliveryId: again!.id, attempt: again!.attempt, worker: "w1", now: 2002, outcome: "delivered", status: 201, targetId: "J-2" }]);
      const kept = await store.findPosting(ROUTE, "T001", "erp");
      expect(kept).toMatchObject({ version: 2, body: { hours: 6 }, targetId: "J-2" });
      expect(kept?.withdrawn).toBeUndefined();
      expect(await store.postingDelivery(ROUTE, "T001", "erp")).toBe("delivered");
      const actions = (await store.auditTrail()).filter((r) => r.action.startsWith("posting.")).map((r) => [r.action, (r.detail as { correction?: string }).correction]);
      expect(actions).toEqual([
        ["posting.reversed", "reverse"],
        ["posting.recorded", undefined],
      ]);
    });

    it("keeps what an adjustment stands for rather than its body, marked as the correction it is", async () => {
      const adjusting: NewDelivery = { ...repost, step: "post-cost:adjust", body: { hours: -2 }, posting: { identity: "T001", version: 2, body: { hours: 6 }, correction: "adjust" } };
      delete (adjusting as { after?: string }).after;
      await store.accept([edited], 1000);
      const [event] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      await store.settleEvents([{ eventId: event!.id, attempt: event!.attempt, worker: "w1", now: 1001, outcome: "routed", deliveries: [adjusting] }]);
      const [adjust] = await lease(store, 1002);
      await store.settleDeliveries([{ deliveryId: adjust!.id, attempt: adjust!.attempt, worker: "w1", now: 1003, outcome: "delivered", status: 201, targetId: "J-A" }]);
      expect(await store.findPosting(ROUTE, "T001", "erp")).toMatchObject({ version: 2, body: { hours: 6 }, targetId: "J-A" });
      const [audited] = (await store.auditTrail()).filter((r) => r.action.startsWith("posting."));
      expect(audited).toMatchObject({ action: "posting.corrected", detail: { correction: "adjust", version: 2 } });
    });

    it("hands off the reversal as the event is routed, never the posting behind it", async () => {
      const routed = await route(store, { worker: "w1", leaseMs: 1000, limit: 10 });
      expect(routed.leased.map((l) => l.step)).toEqual([REVERSE]);
      expect(await lease(store, 1002)).toEqual([]);
    });
  });
}
