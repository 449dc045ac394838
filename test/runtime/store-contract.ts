/**
 * The store contract suite: every store implementation runs these same tests
 * (store-sqlite.test.ts, store-postgres.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IssueStateError } from "../../src/runtime/errors.ts";
import type { IncomingEvent, NewDelivery, NewGapIssue, Store } from "../../src/runtime/store/store.ts";
import { describeCorrectionsContract } from "./store-corrections-contract.ts";
import { describePostingsContract } from "./store-postings-contract.ts";
import { describeReplayContract } from "./store-replay-contract.ts";

/** A fresh store, and a way to run raw SQL against it (to tamper with the audit log). */
export interface OpenedStore {
  store: Store;
  exec(sql: string): Promise<void>;
  /** Another store on the same database, as a second worker process would open it. */
  second?(): Promise<Store>;
  cleanup(): Promise<void>;
}

const event = (key: string, payload: unknown, orderingKey?: string): IncomingEvent => ({
  route: "time-to-revenue",
  key,
  payload,
  source: "psa.timeApproved",
  traceId: `trace-${key}`,
  exceptions: { queue: "time-exceptions", owner: "finance-ops" },
  ...(orderingKey !== undefined ? { orderingKey } : {}),
});

const delivery = (step: string, system = "erp"): NewDelivery => ({
  step,
  system,
  operation: "postCostJournal",
  idempotencyKey: `k-${step}`,
  body: { step },
});

const claim = (store: Store, now: number, worker = "w1", limit = 10) => store.claimEvents({ worker, limit, now, leaseMs: 1000 });

const GAP_KEY = "projectId=P2@2026-04";

const gap = (now: number, key = GAP_KEY): NewGapIssue => ({
  reconciliation: "time-cost-postings",
  key,
  queue: "time-posting-exceptions",
  owner: "finance-ops",
  reason: `time-cost-postings: ${key} differs by 50.00 (approved-time 50.00 vs cost-postings 0.00)`,
  payload: { difference: "50.00", sides: [{ source: "approved-time", total: "50.00" }, { source: "cost-postings", total: "0.00" }] },
  now,
});

/** Declares the contract tests for one engine. */
export function describeStoreContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`the ${engine} store`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it("accepts an event once and treats the same key with the same payload as a duplicate", async () => {
      const [first] = await store.accept([event("t1", { minutes: 60 })], 1000);
      const [again] = await store.accept([event("t1", { minutes: 60 })], 1001);
      expect(first?.status).toBe("accepted");
      expect(again).toEqual({ status: "duplicate", eventId: first?.status === "accepted" ? first.eventId : -1 });
      expect((await store.counts()).events).toEqual({ pending: 1 });
      const duplicate = (await store.auditTrail()).filter((r) => r.action === "event.duplicate");
      expect(duplicate).toMatchObject([{ at: 1001, subject: `event:${again?.eventId}`, detail: { route: "time-to-revenue", key: "t1" } }]);
    });

    it("files the same key with a different payload as an exception, never dropping it", async () => {
      await store.accept([event("t1", { minutes: 60 })], 1000);
      const [conflict] = await store.accept([event("t1", { minutes: 90 })], 1001);
      expect(conflict?.status).toBe("conflict");
      const issues = await store.listIssues({ kind: "exception" });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ queue: "time-exceptions", owner: "finance-ops", payload: { minutes: 90 }, status: "open" });
      expect(issues[0]?.reason).toBe("the idempotency key t1 arrived again with a different payload");
    });

    it("commits concurrent accepts together and answers each caller", async () => {
      const outcomes = await Promise.all([1, 2, 3, 4].map((n) => store.accept([event(`t${n}`, { n })], 1000)));
      expect(outcomes.map((o) => o[0]?.status)).toEqual(["accepted", "accepted", "accepted", "accepted"]);
    });

    it("leases an event once and refuses a settlement with a stale fencing token", async () => {
      await store.accept([event("t1", { minutes: 60 })], 1000);
      const [leased] = await claim(store, 1000);
      expect(leased?.attempt).toBe(1);
      expect(await claim(store, 1001, "w2")).toEqual([]);
      // The lease expires; another worker takes the event with attempt 2.
      const [retaken] = await claim(store, 3000, "w2");
      expect(retaken?.attempt).toBe(2);
      const stale = await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 3001, outcome: "routed", deliveries: [delivery("cost")] }]);
      expect(stale.settled).toEqual([false]);
      const fresh = await store.settleEvents([{ eventId: retaken!.id, attempt: 2, worker: "w2", now: 3002, outcome: "routed", deliveries: [delivery("cost")] }]);
      expect(fresh.settled).toEqual([true]);
      expect((await store.counts()).deliveries).toEqual({ pending: 1 });
    });

    it("leases events that share an ordering key one at a time, in order", async () => {
      await store.accept([event("a1", { n: 1 }, "p1"), event("a2", { n: 2 }, "p1"), event("b1", { n: 3 }, "p2")], 1000);
      const first = await claim(store, 1000);
      expect(first.map((e) => e.key)).toEqual(["a1", "b1"]);
      await store.settleEvents(first.map((e) => ({ eventId: e.id, attempt: e.attempt, worker: "w1", now: 1001, outcome: "skipped" as const, reason: "test" })));
      expect((await claim(store, 1002)).map((e) => e.key)).toEqual(["a2"]);
    });

    it("keeps one delivery per target operation and leases deliveries of one key and system in order", async () => {
      await store.accept([event("a1", {}, "p1"), event("a2", {}, "p1")], 1000);
      for (const now of [1001, 1003]) {
        const [leased] = await claim(store, now);
        await store.settleEvents([{ eventId: leased!.id, attempt: leased!.attempt, worker: "w1", now, outcome: "routed", deliveries: [delivery("cost"), delivery("bill", "billing")] }]);
      }
      const leased = await store.claimDeliveries({ worker: "w1", limit: 10, now: 1004, leaseMs: 1000 });
      expect(leased.map((d) => [d.eventId, d.system])).toEqual([
        [leased[0]!.eventId, "erp"],
        [leased[0]!.eventId, "billing"],
      ]);
      await store.settleDeliveries(leased.map((d) => ({ deliveryId: d.id, attempt: d.attempt, worker: "w1", now: 1005, outcome: "delivered" as const, status: 201 })));
      const next = await store.claimDeliveries({ worker: "w1", limit: 10, now: 1006, leaseMs: 1000 });
      expect(next).toHaveLength(2);
      expect(next.every((d) => d.eventId !== leased[0]!.eventId)).toBe(true);
    });

    it("lets an event wait for a dependency and resumes it when the cross-reference lands", async () => {
      await store.accept([event("t1", { projectId: "p1" })], 1000);
      const [leased] = await claim(store, 1000);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "waiting", dependency: { entity: "Project", system: "erp", key: "p1" }, until: 100_000 }]);
      expect(await claim(store, 1002)).toEqual([]);
      await store.putXref("Project", "psa", "p1", "erp", "ERP-9", 1003);
      expect(await store.findXref("Project", "erp", "p1")).toBe("ERP-9");
      expect(await store.findXref("Project", "erp", "p1", "psa")).toBe("ERP-9");
      const [resumed] = await claim(store, 1004);
      expect(resumed).toMatchObject({ key: "t1", attempt: 2, waitUntil: 100_000 });
    });

    it("sends an event back to work when the record it would wait for was recorded while it was being worked", async () => {
      await store.accept([event("t1", { minutes: 1 })], 1000);
      const [leased] = await claim(store, 1000);
      await store.putXref("Project", "psa", "p1", "erp", "ERP-9", 1001);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1002, outcome: "waiting", dependency: { entity: "Project", system: "erp", key: "p1" }, until: 86_400_000 }]);
      expect((await claim(store, 1003)).map((e) => e.key)).toEqual(["t1"]);
    });

    it("records the target's id as a cross-reference when a delivery that creates a record succeeds", async () => {
      await store.accept([event("p1", { projectId: "p1" })], 1000);
      const [leased] = await claim(store, 1000);
      const withXref = { ...delivery("create"), xref: { entity: "Project", fromSystem: "psa", fromId: "p1" } };
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [withXref] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      await store.settleDeliveries([{ deliveryId: d!.id, attempt: d!.attempt, worker: "w1", now: 1003, outcome: "delivered", status: 201, targetId: "ERP-1" }]);
      expect(await store.findXref("Project", "erp", "p1")).toBe("ERP-1");
    });

    it("holds fields written back onto a record not kept yet as pending, unseen by lookups, until the record's first keep takes them in", async () => {
      await store.accept([event("t1", { timeEntryId: "TE-1" })], 1000);
      const [leased] = await claim(store, 1000);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("post")] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      const writeBack = { entity: "TimeEntry", key: "TE-1", fields: { costPostingId: "KJ-0001" } };
      await store.settleDeliveries([{ deliveryId: d!.id, attempt: d!.attempt, worker: "w1", now: 1003, outcome: "delivered", status: 201, writeBack }]);
      expect(await store.findRecord("TimeEntry", "TE-1")).toEqual({ found: false });
      expect(await store.keptRecords("TimeEntry")).toEqual([]);
      await store.keepRecord({ entity: "TimeEntry", key: "TE-1", version: 0, value: { timeEntryId: "TE-1", hours: "7.50" }, source: "time-posting", traceId: "t2", now: 1004 });
      expect(await store.findRecord("TimeEntry", "TE-1")).toEqual({ found: true, value: { timeEntryId: "TE-1", hours: "7.50", costPostingId: "KJ-0001" }, validFrom: null });
      const trail = (await store.auditTrail()).filter((e) => e.subject === "record:TimeEntry:TE-1");
      expect(trail.map((e) => [e.action, e.detail])).toEqual([
        ["record.written-back", { fields: { costPostingId: "KJ-0001" }, pending: true }],
        ["record.kept", { version: 0, previousVersion: null }],
      ]);
    });

    it("accepts the events a delivery's write-back announces with its settlement", async () => {
      await store.accept([event("t1", { timeEntryId: "TE-1" })], 1000);
      const [leased] = await claim(store, 1000);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("post")] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      const announced: IncomingEvent = { route: "journal-to-psa", key: "TE-1|KJ-0001", payload: { timeEntryId: "TE-1", costPostingId: "KJ-0001" }, source: "canonical:TimeCostPosted", traceId: "trace-t1" };
      const writeBack = { entity: "TimeEntry", key: "TE-1", fields: { costPostingId: "KJ-0001" } };
      await store.settleDeliveries([{ deliveryId: d!.id, attempt: d!.attempt, worker: "w1", now: 1003, outcome: "delivered", status: 201, writeBack, emits: [announced] }]);
      const next = await claim(store, 1004);
      expect(next.map((e) => [e.route, e.key, e.payload])).toEqual([["journal-to-psa", "TE-1|KJ-0001", { timeEntryId: "TE-1", costPostingId: "KJ-0001" }]]);
    });

    it("answers a cross-reference the other way when the asking system is named: the ERP's option id gives the PSA project", async () => {
      await store.putXref("Project", "psa", "p1", "erp", "OPT-1", 1000);
      expect(await store.findXref("Project", "psa", "OPT-1", "erp")).toBe("p1");
      expect(await store.findXref("Project", "psa", "OPT-1")).toBeUndefined();
      expect(await store.findXref("Project", "psa", "OPT-2", "erp")).toBeUndefined();
      expect(await store.findXref("Resource", "psa", "OPT-1", "erp")).toBeUndefined();
    });

    it("hands accepted events to the worker that accepted them, within its limit and never out of key order", async () => {
      const handoff = { worker: "w1", leaseMs: 1000, limit: 2 };
      await store.accept([event("a0", { n: 0 }, "p1")], 900);
      const outcomes = await store.accept([event("a1", { n: 1 }, "p1"), event("b1", { n: 2 }, "p2"), event("b2", { n: 3 }, "p2"), event("c1", { n: 4 }), event("d1", { n: 5 })], 1000, handoff);
      // a1 waits behind a0 (open under p1), b2 behind b1; after b1 and c1 the limit of two is reached.
      expect(outcomes.map((o) => (o.status === "accepted" && o.leased === true ? "leased" : o.status))).toEqual(["accepted", "leased", "accepted", "leased", "accepted"]);
      // Leased work is not leased again until its lease expires; what was not handed off is leased in order.
      expect((await claim(store, 1001, "w2")).map((e) => e.key)).toEqual(["a0", "d1"]);
      // Once the leases expire, everything leased is leased again, handed-off work included.
      const retaken = await claim(store, 2500, "w2");
      expect(retaken.map((e) => [e.key, e.attempt])).toEqual([
        ["a0", 2],
        ["b1", 2],
        ["c1", 2],
        ["d1", 2],
      ]);
      // The handed-off lease is attempt 1: once it expired and was retaken, its settlement no longer holds.
      const leasedId = outcomes[1]!.eventId;
      const late = await store.settleEvents([{ eventId: leasedId, attempt: 1, worker: "w1", now: 2501, outcome: "skipped", reason: "late" }]);
      expect(late.settled).toEqual([false]);
    });

    it("hands routed deliveries to the worker that routed them, one per key and system at a time", async () => {
      await store.accept([event("a1", {}, "p1"), event("a2", {}, "p1"), event("b1", {}, "p2")], 1000);
      const handoff = { worker: "w1", leaseMs: 1000, limit: 10 };
      const [a1, b1] = await claim(store, 1000);
      const routed = await store.settleEvents(
        [a1!, b1!].map((e) => ({ eventId: e.id, attempt: e.attempt, worker: "w1", now: 1001, outcome: "routed" as const, deliveries: [delivery("cost"), delivery("bill", "billing")] })),
        handoff,
      );
      expect(routed.settled).toEqual([true, true]);
      expect(routed.leased.map((l) => [l.eventId, l.step])).toEqual([
        [a1!.id, "cost"],
        [a1!.id, "bill"],
        [b1!.id, "cost"],
        [b1!.id, "bill"],
      ]);
      expect(await store.claimDeliveries({ worker: "w2", limit: 10, now: 1002, leaseMs: 1000 })).toEqual([]);
      // a2's deliveries queue behind a1's under the same key and system: routed, but not handed off.
      const [a2] = await claim(store, 1002);
      const second = await store.settleEvents([{ eventId: a2!.id, attempt: a2!.attempt, worker: "w1", now: 1003, outcome: "routed", deliveries: [delivery("cost")] }], handoff);
      expect(second.leased).toEqual([]);
      const first = routed.leased[0]!;
      await store.settleDeliveries([{ deliveryId: first.deliveryId, attempt: 1, worker: "w1", now: 1004, outcome: "delivered", status: 201 }]);
      expect((await store.claimDeliveries({ worker: "w2", limit: 10, now: 1005, leaseMs: 1000 })).map((d) => [d.eventId, d.step])).toEqual([[a2!.id, "cost"]]);
    });

    it("keeps one quota bucket per system for every worker: full at first, refilled at the quota's rate", async () => {
      const ask = (s: Store, want: number, now: number) => s.takeQuota({ system: "erp", want, now, requestsPerMinute: 60, burst: 5 });
      expect(await ask(store, 3, 1000)).toBe(3);
      const other = opened.second === undefined ? store : await opened.second();
      expect(await ask(other, 3, 1000)).toBe(2);
      expect(await ask(store, 3, 1000)).toBe(0);
      // One token a second; a clock that reads earlier than the bucket's last change adds nothing.
      expect(await ask(other, 3, 2500)).toBe(1);
      expect(await ask(store, 3, 2000)).toBe(0);
      expect(await ask(store, 10, 60_000)).toBe(5);
      expect(await store.takeQuota({ system: "billing", want: 2, now: 60_000, requestsPerMinute: 60, burst: 5 })).toBe(2);
      if (other !== store) await other.close();
    });

    it("shares a system's concurrency cap among workers: slots count until given back or their hold expires", async () => {
      const take = (s: Store, holder: string, want: number, holding: number, now: number) => s.takeSlots({ system: "erp", holder, want, holding, limit: 3, now, holdMs: 1000 });
      expect(await take(store, "w1", 2, 0, 0)).toBe(2);
      // One slot is left for w2, then none.
      expect(await take(store, "w2", 2, 0, 10)).toBe(1);
      expect(await take(store, "w2", 1, 1, 20)).toBe(0);
      await store.returnSlots({ system: "erp", holder: "w1", count: 1, now: 30 });
      expect(await take(store, "w2", 1, 1, 40)).toBe(1);
      // Another system has a cap of its own.
      expect(await store.takeSlots({ system: "billing", holder: "w1", want: 5, holding: 0, limit: 5, now: 40, holdMs: 1000 })).toBe(5);
      // w1 stopped asking: its hold ends at 1000 and its slot is free again.
      expect(await take(store, "w2", 2, 2, 1001)).toBe(1);
      // A worker counts what it holds: started again under the same name, it holds nothing.
      expect(await take(store, "w2", 3, 0, 1002)).toBe(3);
      // Workers asking at once never take more than the cap between them.
      await store.returnSlots({ system: "erp", holder: "w2", count: 3, now: 1003 });
      const other = opened.second === undefined ? store : await opened.second();
      const asks = Array.from({ length: 8 }, (_, i) => take(i % 2 === 0 ? store : other, `w${i + 10}`, 1, 0, 1004));
      expect((await Promise.all(asks)).reduce((sum, n) => sum + n, 0)).toBe(3);
      if (other !== store) await other.close();
    });

    it("keeps a delivery's path parameters with it from routing to the worker that sends it", async () => {
      await store.accept([event("t1", { minutes: 1 })], 1000);
      const [leased] = await claim(store, 1000);
      const withParams = { ...delivery("charge", "billing"), params: { "subscription-id": "sub_42" } };
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [withParams, delivery("cost")] }]);
      const claimed = await store.claimDeliveries({ worker: "w1", limit: 2, now: 1002, leaseMs: 1000 });
      expect(claimed.map((d) => [d.step, d.params])).toEqual([
        ["charge", { "subscription-id": "sub_42" }],
        ["cost", null],
      ]);
    });

    it("says which leased events are free: no earlier delivery open under their ordering key at their route's targets", async () => {
      const targets = { "time-to-revenue": ["erp", "billing"] };
      await store.accept([event("a1", {}, "p1"), event("a2", {}, "p1"), event("b1", {}, "p2"), event("c1", {})], 1000);
      const first = await store.claimEvents({ worker: "w1", limit: 10, now: 1000, leaseMs: 1000, targets });
      expect(first.map((e) => [e.key, e.free])).toEqual([
        ["a1", true],
        ["b1", true],
        ["c1", true],
      ]);
      // a1's delivery to the ERP stays open (routed, not yet delivered): a2, next under p1, is not free.
      const [a1] = first;
      await store.settleEvents([{ eventId: a1!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("cost")] }]);
      const [a2] = await store.claimEvents({ worker: "w1", limit: 10, now: 1002, leaseMs: 1000, targets });
      expect([a2?.key, a2?.free]).toEqual(["a2", false]);
      // Without the targets named, nothing is said.
      await store.settleEvents([{ eventId: a2!.id, attempt: 1, worker: "w1", now: 1003, outcome: "release", availableAt: 1003 }]);
      expect((await claim(store, 1004))[0]?.free).toBeUndefined();
      // Handed off at intake: the same answer. p1 still has a1's delivery open, p3 has nothing.
      const handoff = { worker: "w1", leaseMs: 1000, limit: 10, targets };
      await store.settleEvents(
        (await store.claimEvents({ worker: "w1", limit: 10, now: 3000, leaseMs: 1000 })).map((e) => ({ eventId: e.id, attempt: e.attempt, worker: "w1", now: 3000, outcome: "skipped" as const, reason: "test" })),
      );
      const outcomes = await store.accept([event("a3", {}, "p1"), event("d1", {}, "p3")], 3001, handoff);
      expect(outcomes.map((o) => (o.status === "accepted" ? [o.leased, o.free] : o.status))).toEqual([
        [true, undefined],
        [true, true],
      ]);
    });

    it("says an event routed again is not free while one of its own deliveries is still open", async () => {
      const targets = { "time-to-revenue": ["erp", "billing"] };
      await store.accept([event("t1", { minutes: 1 })], 1000);
      const [first] = await store.claimEvents({ worker: "w1", limit: 10, now: 1000, leaseMs: 1000, targets });
      expect(first?.free).toBe(true);
      await store.settleEvents([{ eventId: first!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("cost"), delivery("bill", "billing")] }]);
      await store.replay({ route: "time-to-revenue", from: 0, to: 5000, now: 1002, who: "ana", why: "test", force: true });
      const [again] = await store.claimEvents({ worker: "w1", limit: 10, now: 1003, leaseMs: 1000, targets });
      expect([again?.id, again?.free]).toEqual([first!.id, false]);
    });

    it("writes deliveries made as their event was routed settled, each with its audit row, cross-reference or issue", async () => {
      await store.accept([event("t1", { minutes: 1 }, "p1")], 1000);
      const [leased] = await claim(store, 1000);
      const made = (step: string, system: string, attempted: NonNullable<NewDelivery["attempted"]>, xref?: NewDelivery["xref"]): NewDelivery => ({
        ...delivery(step, system),
        attempted,
        ...(xref === undefined ? {} : { xref }),
      });
      const settled = await store.settleEvents(
        [
          {
            eventId: leased!.id,
            attempt: 1,
            worker: "w1",
            now: 1002,
            outcome: "routed",
            deliveries: [
              made("create", "erp", { outcome: "delivered", status: 201, targetId: "ERP-7", now: 1001 }, { entity: "Project", fromSystem: "psa", fromId: "p1" }),
              made("bill", "billing", { outcome: "retry", availableAt: 5000, error: "billing answered 503", now: 1001 }),
              made("tax", "tax", { outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "tax refused for good" }, now: 1001 }),
              made("fee", "fees", { outcome: "retry", availableAt: 1500, error: "the circuit to fees is open", refund: true, now: 1001 }),
            ],
          },
        ],
        { worker: "w1", leaseMs: 1000, limit: 10 },
      );
      // Nothing made is handed off again.
      expect(settled).toEqual({ settled: [true], leased: [] });
      expect((await store.counts()).deliveries).toEqual({ delivered: 1, pending: 2, dead: 1 });
      expect(await store.findXref("Project", "erp", "p1")).toBe("ERP-7");
      const [dead] = await store.listIssues({ kind: "dead-letter" });
      expect(dead).toMatchObject({ queue: "time-dlq", reason: "tax refused for good", attempts: 1, payload: { step: "tax" } });
      const trail = await store.auditTrail({ traceId: "trace-t1" });
      expect(trail.map((r) => r.action)).toEqual(["event.accepted", "event.routed", "delivery.delivered", "delivery.retry", "delivery.dead", "dead-letter.opened"]);
      expect(trail[2]).toMatchObject({ actor: "w1", detail: { target: "erp.postCostJournal", status: 201, attempt: 1, xref: { toId: "ERP-7" } } });
      // The retry waits its backoff as attempt 1; the call the open circuit refused is not counted.
      expect(await store.claimDeliveries({ worker: "w2", limit: 10, now: 1600, leaseMs: 100_000 })).toMatchObject([{ step: "fee", attempt: 1 }]);
      expect(await store.claimDeliveries({ worker: "w2", limit: 10, now: 5000, leaseMs: 1000 })).toMatchObject([{ step: "bill", attempt: 2 }]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });

    it("dead-letters a delivery with its reason and retries it on request, auditing who and why", async () => {
      await store.accept([event("t1", { minutes: 1 })], 1000);
      const [leased] = await claim(store, 1000);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("cost")] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      await store.settleDeliveries([{ deliveryId: d!.id, attempt: 1, worker: "w1", now: 1003, outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "erp answered 503 four times" } }]);
      const [dead] = await store.listIssues({ kind: "dead-letter" });
      expect(dead).toMatchObject({ queue: "time-dlq", reason: "erp answered 503 four times", attempts: 1, payload: { step: "cost" }, status: "open" });
      const retried = await store.resolveIssue({ issueId: dead!.id, who: "ana", why: "erp is back", now: 2000, action: "retry" });
      expect(retried).toMatchObject({ status: "retried", resolvedBy: "ana", resolution: "erp is back" });
      expect((await store.claimDeliveries({ worker: "w1", limit: 1, now: 2001, leaseMs: 1000 }))[0]?.id).toBe(d!.id);
      const trail = await store.auditTrail();
      expect(trail.at(-1)).toMatchObject({ actor: "ana", action: "issue.retried", detail: { why: "erp is back" } });
      await expect(store.resolveIssue({ issueId: dead!.id, who: "ana", why: "again", now: 2002, action: "skip" })).rejects.toThrow(`issue ${dead!.id} is already retried`);
      await expect(store.resolveIssue({ issueId: dead!.id, who: "ana", why: "again", now: 2002, action: "skip" })).rejects.toBeInstanceOf(IssueStateError);
    });

    it("reads the newest rows of the audit log in order, and an event's trace by its id", async () => {
      const outcomes = await store.accept([event("t1", {}), event("t2", {}), event("t3", {})], 1000);
      const [leased] = await claim(store, 1000, "w1", 1);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "skipped", reason: "test" }]);
      const all = await store.auditTrail();
      expect(all.map((r) => r.action)).toEqual(["event.accepted", "event.accepted", "event.accepted", "event.skipped"]);
      const newest = await store.auditTrail({ limit: 2, newest: true });
      expect(newest.map((r) => r.seq)).toEqual(all.slice(-2).map((r) => r.seq));
      expect((await store.auditTrail({ traceId: "trace-t1", limit: 1, newest: true })).map((r) => r.action)).toEqual(["event.skipped"]);
      expect(await store.eventTrace(outcomes[1]!.eventId)).toBe("trace-t2");
      expect(await store.eventTrace(999_999)).toBeUndefined();
    });

    it("finds events by idempotency key, in one route or across routes", async () => {
      const [first, , third] = await store.accept([event("k1", {}), event("k2", {}), { ...event("k1", {}), route: "project-activation", traceId: "trace-k1-project" }], 1000);
      expect(await store.eventsByKey("k1", "time-to-revenue")).toEqual([{ eventId: first!.eventId, route: "time-to-revenue", traceId: "trace-k1" }]);
      expect(await store.eventsByKey("k1")).toEqual([
        { eventId: third!.eventId, route: "project-activation", traceId: "trace-k1-project" },
        { eventId: first!.eventId, route: "time-to-revenue", traceId: "trace-k1" },
      ]);
      expect(await store.eventsByKey("k9")).toEqual([]);
      expect(await store.eventsByKey("k2", "invoice-release")).toEqual([]);
    });

    it("names the routes that have events, once each and sorted", async () => {
      expect(await store.routes()).toEqual([]);
      await store.accept([event("r1", {}), { ...event("r2", {}), route: "project-activation" }, event("r3", {}), { ...event("r4", {}), route: "invoice-release" }], 1000);
      expect(await store.routes()).toEqual(["invoice-release", "project-activation", "time-to-revenue"]);
    });

    it("replays an edited event with a new revision and skips an exception with a reason", async () => {
      await store.accept([event("t1", { minutes: -5 }), event("t2", { minutes: -1 })], 1000);
      const leased = await claim(store, 1000);
      await store.settleEvents(leased.map((e) => ({ eventId: e.id, attempt: e.attempt, worker: "w1", now: 1001, outcome: "exception" as const, issue: { queue: "time-exceptions", owner: "finance-ops", reason: "minutes must be >= 0" } })));
      const [first, second] = await store.listIssues({ kind: "exception", status: "open" });
      await store.resolveIssue({ issueId: first!.id, who: "ana", why: "typo in the sheet", now: 2000, action: "edit", payload: { minutes: 5 } });
      await store.resolveIssue({ issueId: second!.id, who: "bo", why: "entered twice", now: 2000, action: "skip" });
      const [replayed] = await claim(store, 2001);
      expect(replayed).toMatchObject({ key: "t1", payload: { minutes: 5 }, revision: 1 });
      expect((await store.listIssues({ status: "skipped" }))[0]).toMatchObject({ resolvedBy: "bo", resolution: "entered twice" });
    });

    it("replays a route's stored events in a time range", async () => {
      await store.accept([event("t1", {})], 1000);
      await store.accept([event("t2", {})], 5000);
      const leased = await claim(store, 6000);
      await store.settleEvents(leased.map((e) => ({ eventId: e.id, attempt: e.attempt, worker: "w1", now: 6001, outcome: "routed" as const, deliveries: [] })));
      expect((await store.replay({ route: "time-to-revenue", from: 0, to: 2000, who: "ops", why: "erp restore", now: 7000, force: true })).replayed).toBe(1);
      expect((await claim(store, 7001)).map((e) => e.key)).toEqual(["t1"]);
    });

    it("gives back a worker's leases on shutdown", async () => {
      await store.accept([event("t1", {})], 1000);
      await claim(store, 1000);
      expect(await store.releaseLeases("w1", 1001)).toBe(1);
      expect((await claim(store, 1002, "w2")).map((e) => e.key)).toEqual(["t1"]);
    });

    /** One routed delivery, leased by w1 at 1002 for 1 s. */
    const leasedDelivery = async () => {
      await store.accept([event("t1", { minutes: 1 })], 1000);
      const [leased] = await claim(store, 1000);
      await store.settleEvents([{ eventId: leased!.id, attempt: 1, worker: "w1", now: 1001, outcome: "routed", deliveries: [delivery("cost")] }]);
      const [d] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1002, leaseMs: 1000 });
      return d!;
    };

    it("renews the leases a worker still holds under their fencing tokens, so no other worker takes the work over", async () => {
      const d = await leasedDelivery();
      await store.accept([event("t2", {})], 1003);
      const [e] = await claim(store, 1003);
      const renewal = { worker: "w1", now: 1900, leaseMs: 1000, events: [{ id: e!.id, attempt: e!.attempt }], deliveries: [{ id: d.id, attempt: d.attempt }] };
      expect(await store.renewLeases(renewal)).toEqual({ events: [e!.id], deliveries: [d.id] });
      // Past the first leases' end, within the renewed ones: nothing to take over.
      expect(await store.claimDeliveries({ worker: "w2", limit: 10, now: 2500, leaseMs: 1000 })).toEqual([]);
      expect(await claim(store, 2500, "w2")).toEqual([]);
      // Another worker's name, or a stale token, renews nothing.
      expect(await store.renewLeases({ ...renewal, worker: "w2" })).toEqual({ events: [], deliveries: [] });
      expect(await store.renewLeases({ ...renewal, deliveries: [{ id: d.id, attempt: d.attempt + 1 }], events: [] })).toEqual({ events: [], deliveries: [] });
      const settled = await store.settleDeliveries([{ deliveryId: d.id, attempt: d.attempt, worker: "w1", now: 2600, outcome: "delivered", status: 201 }]);
      expect(settled).toEqual([true]);
    });

    it("holds the settlement of an attempt whose lease ran out while no other worker leased the delivery since", async () => {
      const d = await leasedDelivery();
      // The lease ran out and a sweep set the delivery back to pending, but no worker leased it yet.
      expect(await claim(store, 5000, "w2")).toEqual([]);
      const settled = await store.settleDeliveries([{ deliveryId: d.id, attempt: d.attempt, worker: "w1", now: 5001, outcome: "delivered", status: 201, targetId: "ERP-1" }]);
      expect(settled).toEqual([true]);
      expect((await store.counts()).deliveries).toEqual({ delivered: 1 });
      expect(await store.claimDeliveries({ worker: "w2", limit: 10, now: 9000, leaseMs: 1000 })).toEqual([]);
      expect((await store.auditTrail()).at(-1)).toMatchObject({ action: "delivery.delivered", detail: { attempt: 1 } });
    });

    it("does not count a lease that ran out as an attempt, names the worker it was taken from, and refuses that attempt's settlement", async () => {
      const d = await leasedDelivery();
      expect(d).toMatchObject({ attempt: 1, tries: 1 });
      expect(d.takenOverFrom).toBeUndefined();
      const [taken] = await store.claimDeliveries({ worker: "w2", limit: 1, now: 5000, leaseMs: 1000 });
      expect(taken).toMatchObject({ id: d.id, attempt: 2, tries: 1, takenOverFrom: "w1" });
      const late = await store.settleDeliveries([{ deliveryId: d.id, attempt: 1, worker: "w1", now: 5001, outcome: "delivered", status: 201 }]);
      expect(late).toEqual([false]);
      await store.settleDeliveries([{ deliveryId: d.id, attempt: 2, worker: "w2", now: 5002, outcome: "retry", availableAt: 5002, error: "erp answered 503" }]);
      expect((await store.auditTrail()).at(-1)).toMatchObject({ action: "delivery.retry", detail: { attempt: 1 } });
      const [again] = await store.claimDeliveries({ worker: "w2", limit: 1, now: 5003, leaseMs: 1000 });
      expect(again).toMatchObject({ attempt: 3, tries: 2 });
      expect(again!.takenOverFrom).toBeUndefined();
      await store.settleDeliveries([{ deliveryId: d.id, attempt: 3, worker: "w2", now: 5004, outcome: "dead", issue: { queue: "time-dlq", owner: "finance-ops", reason: "erp answered 503 twice" } }]);
      expect(await store.listIssues({ kind: "dead-letter" })).toMatchObject([{ attempts: 2 }]);
    });

    it("does not count a delivery's lease given back on shutdown as an attempt", async () => {
      const d = await leasedDelivery();
      expect(await store.releaseLeases("w1", 1003)).toBe(1);
      const [again] = await store.claimDeliveries({ worker: "w2", limit: 1, now: 1004, leaseMs: 1000 });
      expect(again).toMatchObject({ id: d.id, attempt: 2, tries: 1 });
      expect(again!.takenOverFrom).toBeUndefined();
    });

    it("keeps polling cursors and reference data", async () => {
      await store.setCursor("psa.timeApproved", "2026-01-01T00:00:00Z");
      await store.setCursor("psa.timeApproved", "2026-01-02T00:00:00Z");
      await store.putReferenceData("RateCard", "senior", { rate: "150.00" });
      expect(await store.cursor("psa.timeApproved")).toBe("2026-01-02T00:00:00Z");
      expect(await store.cursor("nothing")).toBeUndefined();
      expect(await store.referenceData("RateCard", "senior")).toEqual({ rate: "150.00" });
    });

    it("keeps every reconciliation run, completed or failed, newest first, with what it compared and found", async () => {
      const gap = { key: "projectId=P1@2026-03", difference: "15.00", sides: [{ source: "time", total: "60.00", records: [{ timeEntryId: "t1" }] }] };
      const first = await store.recordReconciliationRun({
        reconciliation: "time-journals",
        period: "2026-03",
        ranAt: 1_000,
        durationMs: 42,
        outcome: "completed",
        groups: 3,
        records: { time: 5, journals: 4 },
        gaps: [gap],
        problems: [{ source: "journals", message: "mapping failed", record: { reference: "t9" } }],
      });
      const failed = await store.recordReconciliationRun({ reconciliation: "time-journals", ranAt: 2_000, durationMs: 7, outcome: "failed", groups: 0, records: {}, gaps: [], problems: [], error: "erp.listJournals answered 503 on page 2" });
      await store.recordReconciliationRun({ reconciliation: "invoices", ranAt: 3_000, durationMs: 1, outcome: "completed", groups: 0, records: {}, gaps: [], problems: [] });
      expect(failed).toBeGreaterThan(first);
      const runs = await store.reconciliationRuns({ reconciliation: "time-journals" });
      expect(runs).toEqual([
        { id: failed, reconciliation: "time-journals", ranAt: 2_000, durationMs: 7, outcome: "failed", groups: 0, records: {}, gaps: [], problems: [], error: "erp.listJournals answered 503 on page 2" },
        {
          id: first,
          reconciliation: "time-journals",
          period: "2026-03",
          ranAt: 1_000,
          durationMs: 42,
          outcome: "completed",
          groups: 3,
          records: { time: 5, journals: 4 },
          gaps: [gap],
          problems: [{ source: "journals", message: "mapping failed", record: { reference: "t9" } }],
        },
      ]);
      expect((await store.reconciliationRuns({ limit: 1 })).map((r) => r.reconciliation)).toEqual(["invoices"]);
    });

    it("keeps the first payload hash of each message id intake took, per scope", async () => {
      await store.recordMessages("psa.projectActivated", [{ id: '["/psa","e1"]', hash: "h1" }, { id: '["/psa","e2"]', hash: "h2" }], 1000);
      await store.recordMessages("psa.projectActivated", [{ id: '["/psa","e1"]', hash: "other" }], 1001);
      expect(await store.messageHashes("psa.projectActivated", ['["/psa","e1"]', '["/psa","e2"]', '["/psa","e3"]'])).toEqual([
        { id: '["/psa","e1"]', hash: "h1" },
        { id: '["/psa","e2"]', hash: "h2" },
      ]);
      expect(await store.messageHashes("psa.timeApproved", ['["/psa","e1"]'])).toEqual([]);
    });

    it("chains the audit log so that an edited row is detected", async () => {
      await store.accept([event("t1", {}), event("t2", {})], 1000);
      expect(await store.verifyAudit()).toEqual({ ok: true, rows: 2 });
      await opened.exec("UPDATE audit SET actor = 'mallory' WHERE seq = 1");
      expect(await store.verifyAudit()).toEqual({ ok: false, rows: 0, seq: 1, problem: "row 1 was changed after it was written" });
    });

    it("detects a deleted audit row in the middle and at the end of the log", async () => {
      await store.accept([event("t1", {}), event("t2", {}), event("t3", {})], 1000);
      await opened.exec("DELETE FROM audit WHERE seq = 3");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: "the log ends at row 2 but 3 rows were written" });
      await opened.exec("DELETE FROM audit WHERE seq = 1");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: 1, problem: "row 1 is missing (next is 2)" });
    });

    it("opens an exception for a reconciliation gap tied to no event, with its reconciliation, key, values and an audit row", async () => {
      const { issue, opened } = await store.openGap(gap(5000));
      expect(opened).toBe(true);
      expect(issue).toEqual({
        id: issue.id,
        kind: "exception",
        queue: "time-posting-exceptions",
        owner: "finance-ops",
        route: "reconciliation:time-cost-postings",
        eventId: null,
        deliveryId: null,
        subject: `reconciliation:time-cost-postings:${GAP_KEY}`,
        gap: { reconciliation: "time-cost-postings", key: GAP_KEY, closedAt: null },
        reason: `time-cost-postings: ${GAP_KEY} differs by 50.00 (approved-time 50.00 vs cost-postings 0.00)`,
        attempts: 0,
        payload: { difference: "50.00", sides: [{ source: "approved-time", total: "50.00" }, { source: "cost-postings", total: "0.00" }] },
        reasonCode: null,
        createdAt: 5000,
        status: "open",
        resolvedBy: null,
        resolution: null,
      });
      expect(await store.listIssues({ kind: "exception", status: "open" })).toEqual([issue]);
      expect(await store.issue(issue.id)).toEqual(issue);
      const [row] = await store.auditTrail();
      expect(row).toMatchObject({
        at: 5000,
        actor: "reconciler",
        action: "exception.opened",
        subject: `issue:${issue.id}`,
        traceId: null,
        detail: { queue: "time-posting-exceptions", reason: issue.reason, reconciliation: "time-cost-postings", key: GAP_KEY },
      });
      expect(await store.verifyAudit()).toEqual({ ok: true, rows: 1 });
    });

    it("keeps one exception per gap until the gap closes by itself, and opens a new one when the gap comes back", async () => {
      const first = await store.openGap(gap(5000));
      expect(await store.openGap(gap(6000))).toEqual({ issue: first.issue, opened: false });
      expect(await store.currentGaps("time-cost-postings")).toEqual([first.issue]);
      expect(await store.currentGaps("payments-invoices")).toEqual([]);
      const closed = await store.closeGap({ reconciliation: "time-cost-postings", key: GAP_KEY, now: 7000 });
      expect(closed).toEqual({
        ...first.issue,
        status: "closed",
        resolvedBy: "reconciler",
        resolution: "the systems agree again",
        gap: { reconciliation: "time-cost-postings", key: GAP_KEY, closedAt: 7000 },
      });
      expect(await store.closeGap({ reconciliation: "time-cost-postings", key: GAP_KEY, now: 7001 })).toBeUndefined();
      expect(await store.currentGaps()).toEqual([]);
      const back = await store.openGap(gap(8000));
      expect(back.opened).toBe(true);
      expect(back.issue.id).not.toBe(first.issue.id);
      expect((await store.counts()).issues).toEqual({ closed: 1, open: 1 });
      const trail = await store.auditTrail();
      expect(trail.map((r) => [r.action, r.subject, r.actor])).toEqual([
        ["exception.opened", `issue:${first.issue.id}`, "reconciler"],
        ["issue.closed", `issue:${first.issue.id}`, "reconciler"],
        ["exception.opened", `issue:${back.issue.id}`, "reconciler"],
      ]);
      expect(trail[1]?.detail).toEqual({ reconciliation: "time-cost-postings", key: GAP_KEY, status: "closed" });
      expect(await store.verifyAudit()).toEqual({ ok: true, rows: 3 });
    });

    it("skips a gap's exception with a reason, keeps it while the gap persists, and refuses to retry or edit it", async () => {
      const { issue } = await store.openGap(gap(5000));
      const action = { issueId: issue.id, who: "ana", why: "the ERP is corrected tomorrow", now: 6000 };
      const refusal = `issue ${issue.id} is a reconciliation gap (time-cost-postings ${GAP_KEY}), not an event: there is nothing to`;
      const advice = "Correct the records in the systems and it closes by itself at the next reconciliation, or skip it with a reason";
      await expect(store.resolveIssue({ ...action, action: "retry" })).rejects.toThrow(`${refusal} retry. ${advice}`);
      await expect(store.resolveIssue({ ...action, action: "edit", payload: {} })).rejects.toThrow(`${refusal} edit and replay. ${advice}`);
      await expect(store.resolveIssue({ ...action, action: "retry" })).rejects.toBeInstanceOf(IssueStateError);
      const skipped = await store.resolveIssue({ ...action, action: "skip" });
      expect(skipped).toMatchObject({ id: issue.id, status: "skipped", resolvedBy: "ana", resolution: "the ERP is corrected tomorrow", eventId: null });
      expect(await store.openGap(gap(7000))).toEqual({ issue: skipped, opened: false });
      expect(await store.currentGaps()).toEqual([skipped]);
      const gone = await store.closeGap({ reconciliation: "time-cost-postings", key: GAP_KEY, now: 8000 });
      expect(gone).toMatchObject({ status: "skipped", resolvedBy: "ana", gap: { closedAt: 8000 } });
      const trail = await store.auditTrail();
      expect(trail.map((r) => [r.action, r.actor, r.detail])).toEqual([
        ["exception.opened", "reconciler", { queue: "time-posting-exceptions", reason: issue.reason, reconciliation: "time-cost-postings", key: GAP_KEY }],
        ["issue.skipped", "ana", { why: "the ERP is corrected tomorrow", reconciliation: "time-cost-postings", key: GAP_KEY }],
        ["issue.closed", "reconciler", { reconciliation: "time-cost-postings", key: GAP_KEY, status: "skipped" }],
      ]);
      expect(await store.verifyAudit()).toEqual({ ok: true, rows: 3 });
    });

    it("keeps one exception when two workers open the same gap at once", async () => {
      if (opened.second === undefined) return;
      const other = await opened.second();
      try {
        const [a, b] = await Promise.all([store.openGap(gap(5000)), other.openGap(gap(5000))]);
        expect(a?.issue.id).toBe(b?.issue.id);
        expect([a?.opened, b?.opened].sort()).toEqual([false, true]);
        expect(await store.listIssues()).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it("lets two workers on one database split the work without leasing an event twice", async () => {
      if (opened.second === undefined) return;
      const other = await opened.second();
      try {
        await store.accept(Array.from({ length: 40 }, (_, i) => event(`t${i}`, { i })), 1000);
        const [a, b] = await Promise.all([claim(store, 1000, "w1", 25), claim(other, 1000, "w2", 25)]);
        const keys = [...a!, ...b!].map((e) => e.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.length).toBe(40);
      } finally {
        await other.close();
      }
    });
  });
  describeReplayContract(engine, open);
  describePostingsContract(engine, open);
  describeCorrectionsContract(engine, open);
}
