/**
 * The store contract of replays, run by every store implementation through store-contract.ts: a
 * replay leaves delivered events alone unless forced, sends stopped deliveries again without their
 * delivered siblings, leaves what a person skipped, changes nothing in a dry run, and the dead
 * letters of what it sends close once they are delivered. And what an issue is about: its source
 * payload and its target request, read and edited apart.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IncomingEvent, NewDelivery, Store } from "../../src/runtime/store/store.ts";
import type { OpenedStore } from "./store-contract.ts";

const event = (key: string): IncomingEvent => ({ route: "time-to-revenue", key, payload: { key }, source: "psa.timeApproved", traceId: `trace-${key}` });

const delivery = (step: string, system = "erp"): NewDelivery => ({ step, system, operation: "postCostJournal", idempotencyKey: `k-${step}`, body: { step } });

const RANGE = { route: "time-to-revenue", from: 0, to: 10_000, who: "ops", why: "erp restored" };

/** Routes one event into two deliveries: `cost` is delivered, `bill` dead-lettered. */
async function routedHalfDead(store: Store, key: string, now: number): Promise<{ eventId: number; cost: number; bill: number }> {
  await store.accept([event(key)], now);
  const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now, leaseMs: 1000 });
  await store.settleEvents([{ eventId: leased!.id, attempt: leased!.attempt, worker: "w1", now, outcome: "routed", deliveries: [delivery("cost"), delivery("bill", "billing")] }]);
  const claimed = await store.claimDeliveries({ worker: "w1", limit: 10, now: now + 1, leaseMs: 1000 });
  const cost = claimed.find((d) => d.step === "cost")!;
  const bill = claimed.find((d) => d.step === "bill")!;
  await store.settleDeliveries([
    { deliveryId: cost.id, attempt: cost.attempt, worker: "w1", now: now + 2, outcome: "delivered", status: 201, targetId: "J-1" },
    { deliveryId: bill.id, attempt: bill.attempt, worker: "w1", now: now + 2, outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "billing failed 10 times" } },
  ]);
  return { eventId: leased!.id, cost: cost.id, bill: bill.id };
}

/** Declares the replay contract tests for one engine. */
export function describeReplayContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`replays on the ${engine} store`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it("leaves an event whose deliveries were all delivered, and routes it again only when forced", async () => {
      await store.accept([event("t1")], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [] }]);

      const plain = await store.replay({ ...RANGE, now: 2000 });
      expect(plain).toEqual({ replayed: 0, items: [expect.objectContaining({ eventId: leased!.id, key: "t1", action: "leave", reason: "already delivered; --force sends it again" })] });
      expect(await store.claimEvents({ worker: "w1", limit: 1, now: 2001, leaseMs: 1000 })).toEqual([]);

      const forced = await store.replay({ ...RANGE, now: 3000, force: true });
      expect(forced.items.map((i) => i.action)).toEqual(["route-again"]);
      expect((await store.claimEvents({ worker: "w1", limit: 1, now: 3001, leaseMs: 1000 })).map((e) => e.key)).toEqual(["t1"]);
    });

    it("sends a dead-lettered delivery again without its delivered sibling, and closes the dead letter once it is delivered", async () => {
      const { cost, bill } = await routedHalfDead(store, "t1", 1000);
      const [deadLetter] = await store.listIssues({ kind: "dead-letter", status: "open" });

      const outcome = await store.replay({ ...RANGE, now: 2000 });
      expect(outcome.items).toEqual([
        expect.objectContaining({ action: "resend", reason: "1 of its deliveries stopped", deliveries: [{ id: bill, system: "billing", operation: "postCostJournal", status: "dead" }] }),
      ]);
      expect(await store.claimEvents({ worker: "w1", limit: 1, now: 2001, leaseMs: 1000 })).toEqual([]);
      const again = await store.claimDeliveries({ worker: "w1", limit: 10, now: 2001, leaseMs: 1000 });
      expect(again.map((d) => [d.id, d.step, d.idempotencyKey])).toEqual([[bill, "bill", "k-bill"]]);
      expect(again.map((d) => d.id)).not.toContain(cost);
      // Still open while the delivery is out: the queue shows what is still wrong.
      expect((await store.issue(deadLetter!.id))?.status).toBe("open");

      await store.settleDeliveries([{ deliveryId: bill, attempt: again[0]!.attempt, worker: "w1", now: 2002, outcome: "delivered", status: 201 }]);
      expect(await store.issue(deadLetter!.id)).toMatchObject({ status: "closed", resolvedBy: "w1", resolution: "its delivery was delivered" });
      const trail = await store.auditTrail({ traceId: "trace-t1" });
      expect(trail.filter((e) => e.action === "issue.closed").map((e) => [e.subject, e.detail])).toEqual([
        [`issue:${deadLetter!.id}`, { kind: "dead-letter", delivery: bill, why: "its delivery was delivered" }],
      ]);
      const requested = (await store.auditTrail()).find((e) => e.action === "replay.requested");
      expect(requested?.detail).toMatchObject({ events: 1, resent: 1, routedAgain: 0, left: 0, force: false, why: "erp restored" });
    });

    it("leaves a dead letter a person skipped, unless forced", async () => {
      await routedHalfDead(store, "t1", 1000);
      const [deadLetter] = await store.listIssues({ kind: "dead-letter", status: "open" });
      await store.resolveIssue({ issueId: deadLetter!.id, who: "ana", why: "posted by hand", now: 1500, action: "skip" });

      const outcome = await store.replay({ ...RANGE, now: 2000 });
      expect(outcome.items.map((i) => [i.action, i.reason])).toEqual([["leave", `a person skipped it (issue ${deadLetter!.id}); --force replays it`]]);
      expect(await store.claimDeliveries({ worker: "w1", limit: 10, now: 2001, leaseMs: 1000 })).toEqual([]);
    });

    it("reads an issue's source payload and target request apart, and edits the request of a stopped delivery only", async () => {
      const { eventId, bill } = await routedHalfDead(store, "t1", 1000);
      const [deadLetter] = await store.listIssues({ kind: "dead-letter", status: "open" });
      expect(await store.issueSubject(deadLetter!.id)).toEqual({
        source: { eventId, route: "time-to-revenue", payload: { key: "t1" } },
        request: { deliveryId: bill, system: "billing", operation: "postCostJournal", params: null, body: { step: "bill" } },
      });
      expect(await store.issueSubject(9999)).toBeUndefined();
      await store.resolveIssue({ issueId: deadLetter!.id, who: "ana", why: "amount fixed", now: 1500, action: "edit", target: "request", payload: { step: "bill", fixed: true } });
      const [again] = await store.claimDeliveries({ worker: "w1", limit: 10, now: 1501, leaseMs: 1000 });
      expect([again?.id, again?.body, again?.idempotencyKey]).toEqual([bill, { step: "bill", fixed: true }, "k-bill"]);
      expect(await store.claimEvents({ worker: "w1", limit: 1, now: 1501, leaseMs: 1000 })).toEqual([]);
    });

    it("files a declared rejection with its reason code, audited as rejected, and routes it again on replay", async () => {
      await store.accept([event("EX-4")], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      const issue = { queue: "expense-review", owner: "finance-ops", reason: "invalid-amount: EX-4 claims -42.00", code: "invalid-amount", step: "invalid-amount" };
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "rejected", issue }]);
      expect(await store.listIssues()).toEqual([expect.objectContaining({ kind: "exception", queue: "expense-review", owner: "finance-ops", reasonCode: "invalid-amount", status: "open" })]);
      expect((await store.counts()).events).toEqual({ rejected: 1 });
      expect((await store.auditTrail()).find((e) => e.action === "event.rejected")?.detail).toEqual({ code: "invalid-amount", step: "invalid-amount", queue: "expense-review", reason: issue.reason });

      const outcome = await store.replay({ ...RANGE, now: 2000 });
      expect(outcome.items.map((i) => [i.action, i.reason])).toEqual([["route-again", "it was rejected; it is checked again"]]);
      expect((await store.claimEvents({ worker: "w1", limit: 1, now: 2001, leaseMs: 1000 })).map((e) => e.key)).toEqual(["EX-4"]);
    });

    it("routes an event that stopped before sending again, and changes nothing in a dry run", async () => {
      await store.accept([event("t1")], 1000);
      const [leased] = await store.claimEvents({ worker: "w1", limit: 1, now: 1000, leaseMs: 1000 });
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "exception", issue: { queue: "time-exceptions", owner: "finance-ops", reason: "no rate" } }]);
      const auditBefore = (await store.auditTrail()).length;

      const dry = await store.replay({ ...RANGE, now: 2000, dryRun: true });
      expect(dry).toEqual({ replayed: 1, items: [expect.objectContaining({ action: "route-again", reason: "it stopped before a request was sent" })] });
      expect(await store.claimEvents({ worker: "w1", limit: 1, now: 2001, leaseMs: 1000 })).toEqual([]);
      expect((await store.auditTrail()).length).toBe(auditBefore);

      await store.replay({ ...RANGE, now: 3000 });
      expect((await store.claimEvents({ worker: "w1", limit: 1, now: 3001, leaseMs: 1000 })).map((e) => e.key)).toEqual(["t1"]);
    });
  });
}
