import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type OfferResult } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Claim, SettledEvents, Store } from "../../src/runtime/store/store.ts";
import { createFakeTarget, type FakeTargetOptions, fakeTransport } from "../../src/testing/fake-target.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";
import { compiledFixture, FIXTURE_FILES } from "./fixture.ts";
import { fixtureDefinitions, type Harness, harness, project, time } from "./harness.ts";

describe("the runtime", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("holds approved time until its project exists in the ERP, then posts cost and queues the billable item", async () => {
    h = await harness();
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1")]);
    await h.runtime.drain();
    expect((await h.store.counts()).events).toEqual({ waiting: 1 });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    expect(h.erp.ledger.map((e) => [e.path, e.body])).toEqual([
      ["/projects", { code: "p1", name: "Project p1" }],
      ["/journals", { projectId: "erp-1", minutes: 60 }],
    ]);
    expect(h.billing.ledger.map((e) => e.body)).toEqual([expect.objectContaining({ timeEntryId: "t1", erpProjectId: "erp-1" })]);
    expect((await h.store.counts()).deliveries).toEqual({ delivered: 3 });
  });

  it("posts once when the same event arrives twice and files a changed duplicate as an exception", async () => {
    h = await harness();
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1"), project("p1")]);
    const again = await h.runtime.offer({ system: "psa", event: "projectActivated" }, [{ ...project("p1"), name: "renamed" }]);
    await h.runtime.drain();
    expect(again.outcomes.map((o) => o.status)).toEqual(["conflict"]);
    expect(h.erp.ledger).toHaveLength(1);
    const [conflict] = await h.store.listIssues({ kind: "exception" });
    expect(conflict).toMatchObject({ queue: "project-exceptions", owner: "delivery-ops", payload: { projectId: "p1", name: "renamed" } });
  });

  it("refuses a payload that lacks the route's idempotency key", async () => {
    h = await harness();
    const result = await h.runtime.offer({ system: "psa", event: "projectActivated" }, [{ name: "no id" }]);
    expect(result.refused).toEqual([{ route: "project-activation", reason: "the payload lacks the idempotency key field(s) projectId" }]);
  });

  it("files invalid time in the route's exception queue with the field named", async () => {
    h = await harness();
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t1", projectId: "p1", minutes: "sixty" }]);
    await h.runtime.drain();
    const [issue] = await h.store.listIssues();
    expect(issue).toMatchObject({ kind: "exception", queue: "time-exceptions", owner: "finance-ops", reason: "TimeEntry is invalid: minutes must be integer" });
  });

  it("retries a 503 after the Retry-After the target asked for, then delivers", async () => {
    h = await harness({ erp: { fault: ({ n }) => (n === 1 ? { status: 503, retryAfter: "7" } : undefined) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(0);
    h.clock.advance(6_000);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(0);
    h.clock.advance(1_000);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(1);
  });

  it("posts once when the target applied the effect but the answer was lost", async () => {
    h = await harness({ erp: { fault: ({ n }) => (n === 1 ? "lost" : undefined) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    for (let i = 0; i < 5; i++) {
      await h.runtime.drain();
      h.clock.advance(10_000);
    }
    expect(h.erp.requests).toBe(2);
    expect(h.erp.ledger).toHaveLength(1);
    expect((await h.store.counts()).deliveries).toEqual({ delivered: 1 });
  });

  it("dead-letters a delivery when its attempts run out, with the last error", async () => {
    h = await harness({ erp: { fault: () => ({ status: 500 }) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    for (let i = 0; i < 8; i++) {
      await h.runtime.drain();
      h.clock.advance(10_000);
    }
    const [dead] = await h.store.listIssues({ kind: "dead-letter" });
    expect(dead).toMatchObject({ queue: "projects-dlq", attempts: 5, payload: { code: "p1", name: "Project p1" } });
    expect(dead?.reason).toBe('erp.createProject failed 5 times; last: erp answered 500 {"error":"injected 500"}');
  });

  it("sends a 4xx refusal to the exception queue without retrying", async () => {
    h = await harness({ erp: { fault: () => ({ status: 400, body: { error: "code too long" } }) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(1);
    const [issue] = await h.store.listIssues();
    expect(issue?.reason).toBe('erp.createProject refused the request: 400 {"error":"code too long"}');
  });

  it("opens the ERP breaker after repeated 503s, lets bounded probes through, and drains the backlog after recovery", async () => {
    let down = false;
    h = await harness({ erp: { fault: () => (down ? { status: 503 } : undefined) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, ["p0", "p1", "p2", "p3"].map(project));
    await h.runtime.drain();
    down = true;
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, Array.from({ length: 20 }, (_, i) => time(`t${i}`, `p${i % 4}`, 30, false)));
    const breaker = h.runtime.systems.get("erp")!.breaker;
    for (let i = 0; i < 20 && breaker.opened === 0; i++) {
      await h.runtime.drain();
      h.clock.advance(100);
    }
    expect(breaker.state(h.clock.now())).toBe("open");
    const before = h.erp.requests;
    h.clock.advance(500);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(before);
    for (let i = 0; i < 5; i++) {
      const start = h.erp.requests;
      h.clock.advance(1_000);
      await h.runtime.drain();
      // Half-open lets at most two probes through (halfOpenProbes: 2).
      expect(h.erp.requests - start).toBeLessThanOrEqual(2);
    }
    down = false;
    for (let i = 0; i < 30; i++) {
      h.clock.advance(1_000);
      await h.runtime.drain();
    }
    expect(breaker.state(h.clock.now())).toBe("closed");
    expect(h.erp.ledger.filter((e) => e.path === "/journals")).toHaveLength(20);
    expect((await h.store.counts()).deliveries).toEqual({ delivered: 24 });
  });

  it("traces a source event to every downstream posting in the audit log", async () => {
    h = await harness();
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")], { traceId: "trace-abc" });
    await h.runtime.drain();
    const trail = await h.store.auditTrail({ traceId: "trace-abc" });
    expect(trail.map((e) => e.action)).toEqual(["event.accepted", "event.routed", "delivery.delivered"]);
    expect(trail[2]?.detail).toEqual({ target: "erp.createProject", status: 201, attempt: 1, xref: { entity: "Project", fromSystem: "psa", fromId: "p1", toId: "erp-1" } });
    expect(await h.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe("the runtime's rate limit", () => {
  it("gives a delivery back for later, without counting an attempt, when the system's quota is used up", async () => {
    const h = await harness();
    const erp = h.runtime.systems.get("erp")!;
    // A bucket that will not have a token for five seconds.
    const slow = { ...erp, bucket: { take: () => 5_000 } };
    (h.runtime.systems as Map<string, typeof erp>).set("erp", slow);
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(0);
    const trail = await h.store.auditTrail();
    expect(trail.map((e) => e.action)).toEqual(["event.accepted", "event.routed"]);
    (h.runtime.systems as Map<string, typeof erp>).set("erp", erp);
    h.clock.advance(5_000);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(1);
    expect((await h.store.auditTrail()).at(-1)?.detail).toMatchObject({ attempt: 1 });
    await h.close();
  });

  it("waits for a token once, then gives the delivery back rather than waiting on a clock that does not move", async () => {
    const h = await harness();
    const erp = h.runtime.systems.get("erp")!;
    let takes = 0;
    // A token always 20 ms away: the wait is short, but time in this test only moves by hand.
    const take = () => {
      takes += 1;
      return 20;
    };
    const stuck = { ...erp, bucket: { take } };
    (h.runtime.systems as Map<string, typeof erp>).set("erp", stuck);
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    expect(takes).toBe(2);
    expect(h.erp.requests).toBe(0);
    expect((await h.store.counts()).deliveries).toEqual({ pending: 1 });
    (h.runtime.systems as Map<string, typeof erp>).set("erp", erp);
    h.clock.advance(20);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(1);
    await h.close();
  });
});

describe("work leased as it was written", () => {
  it("is not started once half its lease has passed: it expires, and is leased and done once", async () => {
    const h = await harness();
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    expect((await h.store.counts()).events).toEqual({ processing: 1 });
    // The default lease is 60 s: after 40 s the handed event might outlive its lease if started.
    h.clock.advance(40_000);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(0);
    h.clock.advance(20_001);
    await h.runtime.drain();
    expect(h.erp.ledger).toHaveLength(1);
    expect((await h.store.counts()).events).toEqual({ routed: 1 });
    await h.close();
  });
});

describe("a quota shared by workers", () => {
  it("holds across two runtimes on one store: together they send no more than the quota allows", async () => {
    const fixture = fixtureDefinitions();
    const erpSystem = fixture.systems["erp"]!;
    // Sixty a minute with a burst of five; the clock does not move, so five calls in all may go out.
    const compiled = { ...fixture, systems: { ...fixture.systems, erp: { ...erpSystem, quotas: { requestsPerMinute: 60, burst: 5 } } } };
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-quota-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference" });
    const now = Date.UTC(2026, 0, 5, 9);
    const runtimes = ["a", "b"].map((worker) =>
      createRuntime({ compiled, store, transport: fakeTransport([erp, billing]), env: {}, clock: { now: () => now }, sleep: async () => undefined, worker }),
    );
    for (const [i, runtime] of runtimes.entries()) {
      await runtime.offer({ system: "psa", event: "projectActivated" }, Array.from({ length: 6 }, (_, p) => project(`${i}-${p}`)));
    }
    await Promise.all(runtimes.map((runtime) => runtime.drain()));
    // Each process keeping its own bucket would have sent ten. A token a worker reserved ahead and
    // did not use is not sent by the other: the quota is kept, never exceeded.
    expect(erp.requests).toBeLessThanOrEqual(5);
    expect(erp.requests).toBeGreaterThanOrEqual(3);
    // The rest wait in the store for the quota, their attempts not counted.
    expect((await store.counts()).deliveries).toEqual({ delivered: erp.requests, pending: 12 - erp.requests });
    await store.close();
  });
});

describe("deliveries made as events are routed", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** A harness whose store counts the deliveries settled through the outbox loop. */
  async function counted(faults: Parameters<typeof harness>[0] = {}) {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-direct-")), "store.db"), durability: "normal" });
    const seen = { loopSettled: 0 };
    const spied = {
      ...store,
      settleDeliveries: (settlements: Parameters<typeof store.settleDeliveries>[0]) => {
        seen.loopSettled += settlements.length;
        return store.settleDeliveries(settlements);
      },
    } as typeof store;
    h = await harness(faults, spied);
    return seen;
  }

  it("makes a free event's deliveries as it routes it and records them with it, without the outbox loop", async () => {
    const seen = await counted();
    const [accepted] = (await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")])).outcomes;
    // One round is enough, and the outbox loop settles nothing: the delivery went out as the event was routed.
    await h.runtime.step();
    expect(h.erp.ledger.map((e) => e.path)).toEqual(["/projects"]);
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1")]);
    await h.runtime.step();
    expect(h.erp.ledger.map((e) => e.path)).toEqual(["/projects", "/journals"]);
    expect(h.billing.ledger).toHaveLength(1);
    expect(seen.loopSettled).toBe(0);
    expect((await h.store.counts()).deliveries).toEqual({ delivered: 3 });
    // The creation's target id is recorded as the cross-reference the time entry was enriched with.
    expect(await h.store.findXref("Project", "erp", "p1")).toBe("erp-1");
    const trace = await h.store.eventTrace(accepted!.eventId);
    const trail = await h.store.auditTrail({ traceId: trace! });
    expect(trail.map((r) => r.action)).toEqual(["event.accepted", "event.routed", "delivery.delivered"]);
    expect(trail[2]?.detail).toMatchObject({ target: "erp.createProject", status: 201, attempt: 1, xref: { toId: "erp-1" } });
    expect(await h.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("leaves an event's deliveries to the outbox while an earlier one under its key is open, and keeps their order", async () => {
    // The ERP fails the first journal once (its second request).
    const seen = await counted({ erp: { fault: ({ n }) => (n === 2 ? { status: 503, retryAfter: "5" } : undefined) } });
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1", 10)]);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(2);
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time("t2", "p1", 20)]);
    await h.runtime.drain();
    // t2's journal waits behind t1's retry; made as t2 was routed, it would have gone first.
    expect(h.erp.requests).toBe(2);
    expect(h.billing.ledger.map((e) => (e.body as { minutes: number }).minutes)).toEqual([10, 20]);
    h.clock.advance(10_000);
    await h.runtime.drain();
    expect(h.erp.ledger.map((e) => (e.body as { minutes?: number }).minutes)).toEqual([undefined, 10, 20]);
    expect(seen.loopSettled).toBeGreaterThanOrEqual(2);
    expect((await h.store.counts()).deliveries).toEqual({ delivered: 5 });
  });

  it("makes one event's deliveries to one system in step order, and after one fails leaves the rest behind it", async () => {
    const routes = (FIXTURE_FILES["specs/routes.yaml"] ?? "").replace(
      `    - id: bill
      when: "billable = true"
      deliver: { operation: billing.queueItem }`,
      "    - { id: cost-again, deliver: { operation: erp.postCostJournal } }",
    );
    const { compiled } = compiledFixture({ "specs/routes.yaml": routes });
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-direct-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, fault: ({ n }) => (n === 2 ? { status: 503, retryAfter: "5" } : undefined) });
    let now = Date.UTC(2026, 0, 5, 9);
    const runtime = createRuntime({ compiled, store, transport: fakeTransport([erp]), env: {}, clock: { now: () => now }, sleep: async () => undefined, worker: "w" });
    const advance = (ms: number) => {
      now += ms;
    };
    h = { runtime, store, clock: { now: () => now, advance }, erp, billing: erp, close: () => store.close() };
    await runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await runtime.drain();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1", 10)]);
    await runtime.step();
    // The cost journal failed: the second call to the ERP under the same key was not made after it.
    expect(erp.requests).toBe(2);
    advance(10_000);
    await runtime.drain();
    // The journal (mapped), then the record itself (no mapping): in step order.
    expect(erp.ledger.map((e) => Object.keys(e.body as object).sort().join(","))).toEqual(["code,name", "minutes,projectId", "billable,erpProjectId,minutes,projectId,timeEntryId"]);
  });
});

describe("deliveries made as events are routed, and when they are not", () => {
  /** A runtime over `compiled` with an ERP and a billing fake, a hand-moved clock and its own store. */
  async function runtimeOver(compiled: CompiledSpecSet, faults: { erp?: FakeTargetOptions["fault"]; billing?: FakeTargetOptions["fault"] } = {}, leaseMs?: number) {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-direct-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, ...(faults.erp ? { fault: faults.erp } : {}) });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference", ...(faults.billing ? { fault: faults.billing } : {}) });
    let now = Date.UTC(2026, 0, 5, 9);
    const counted = { loopSettled: 0 };
    const spied = {
      ...store,
      settleDeliveries: (settlements: Parameters<typeof store.settleDeliveries>[0]) => {
        counted.loopSettled += settlements.length;
        return store.settleDeliveries(settlements);
      },
    } as typeof store;
    const runtime = createRuntime({ compiled, store: spied, transport: fakeTransport([erp, billing]), env: {}, clock: { now: () => now }, sleep: async () => undefined, worker: "w", ...(leaseMs ? { leaseMs } : {}) });
    const advance = (ms: number) => {
      now += ms;
    };
    return { store, runtime, erp, billing, advance, counted };
  }

  it("routes an event again through the outbox while one of its own deliveries is still open", async () => {
    // Time entries without an ordering key: only the event's own open row can hold it back.
    const routes = (FIXTURE_FILES["specs/routes.yaml"] ?? "").replace("idempotencyKey: [timeEntryId]\n  orderingKey: [projectId]\n", "idempotencyKey: [timeEntryId]\n");
    const { compiled } = compiledFixture({ "specs/routes.yaml": routes });
    let billingDown = true;
    const { store, runtime, billing, advance } = await runtimeOver(compiled, {
      erp: ({ path }) => (path === "/journals" ? { status: 400, body: { error: "the period is closed" } } : undefined),
      billing: () => (billingDown ? { status: 503, retryAfter: "60" } : undefined),
    });
    await runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await runtime.drain();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1", 10)]);
    await runtime.drain();
    const [refused] = await store.listIssues({ kind: "exception" });
    expect(refused?.reason).toContain("refused the request");
    // The journal is corrected and replayed while billing's item still waits to be retried.
    await store.resolveIssue({ issueId: refused!.id, who: "ana", why: "reopened the period", now: Date.UTC(2026, 0, 5, 9), action: "edit", payload: time("t1", "p1", 11) });
    billingDown = false;
    advance(120_000);
    await runtime.drain();
    // The billing item is posted once: by its waiting row, not again as the edited event was routed.
    expect(billing.ledger).toHaveLength(1);
    const audited = (await store.auditTrail({ traceId: (await store.eventTrace(refused!.eventId!))! })).filter((r) => r.action === "delivery.delivered");
    expect(audited).toHaveLength(1);
    await store.close();
  });

  it("leaves to the outbox a delivery that might outlast the event's lease", async () => {
    // A 20 s lease: the ERP answers within 5 s, billing is allowed the default 30 s.
    const { store, runtime, erp, billing, counted } = await runtimeOver(fixtureDefinitions(), {}, 20_000);
    await runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await runtime.drain();
    expect(counted.loopSettled).toBe(0);
    await runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1")]);
    await runtime.drain();
    expect(erp.ledger).toHaveLength(2);
    expect(billing.ledger).toHaveLength(1);
    // The journal went as the event was routed; the billing item was leased from the outbox.
    expect(counted.loopSettled).toBe(1);
    await store.close();
  });
});

describe("intake paced by processing", () => {
  /** A started runtime whose event settlements are held until released, over a fresh store. */
  async function held(options: { intakeWaitMs?: number } = {}) {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-paced-")), "store.db"), durability: "normal" });
    const waiting: (() => void)[] = [];
    const slow = {
      ...store,
      settleEvents: (...args: Parameters<typeof store.settleEvents>) => new Promise<SettledEvents>((resolve) => waiting.push(() => resolve(store.settleEvents(...args)))),
    } as typeof store;
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store: slow, transport: fakeTransport([erp]), env: {}, worker: "w", batchSize: 2, idleMs: 1, sleep: async () => undefined, ...options });
    runtime.start();
    const release = async () => {
      while (waiting.length > 0) {
        waiting.shift()?.();
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    return { store, runtime, erp, waiting, release };
  }

  /** Whether `promise` settles within `ms`. */
  const within = (promise: Promise<unknown>, ms: number) => Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it("holds an offer while the events waiting in memory fill their room, and lets it in as the loop takes them", async () => {
    // A long wait: an offer still out after half a second is held, not slow.
    const { store, runtime, erp, waiting, release } = await held({ intakeWaitMs: 60_000 });
    const offers: Promise<OfferResult>[] = [];
    let blocked: Promise<OfferResult> | undefined;
    for (let i = 0; i < 20 && blocked === undefined; i++) {
      const offer = runtime.offer({ system: "psa", event: "projectActivated" }, [project(`a${i}`), project(`b${i}`)]);
      offers.push(offer);
      if (!(await within(offer, 500))) blocked = offer;
    }
    // Four settlements are held, a fifth batch waits to settle, and two batches wait in memory.
    expect(blocked).toBeDefined();
    expect(waiting).toHaveLength(4);
    expect(offers).toHaveLength(8);
    const released = release();
    // Let in by the room the loop made, long before its wait would have ended.
    expect(await within(blocked!, 10_000)).toBe(true);
    await released;
    // Every event was handed to the loop as it was accepted: none had to be leased back from the store.
    const outcomes = (await Promise.all(offers)).flatMap((r) => r.outcomes);
    expect(outcomes.every((o) => o.status === "accepted" && o.leased === true)).toBe(true);
    for (let i = 0; i < 1_500 && erp.ledger.length < 16; i++) {
      await release();
      await new Promise((r) => setTimeout(r, 10));
    }
    // Stopping waits for the settlements in flight: they are let go until it has.
    const stopped = runtime.stop();
    for (let i = 0; i < 200 && !(await within(stopped, 10)); i++) await release();
    await stopped;
    expect(erp.ledger).toHaveLength(16);
    await store.close();
  });

  it("accepts at once when told not to wait", async () => {
    const { store, runtime, release } = await held({ intakeWaitMs: 0 });
    for (let i = 0; i < 7; i++) await runtime.offer({ system: "psa", event: "projectActivated" }, [project(`a${i}`), project(`b${i}`)]);
    const late = await runtime.offer({ system: "psa", event: "projectActivated" }, [project("late")]);
    expect(late.outcomes).toEqual([{ status: "accepted", eventId: expect.any(Number) }]);
    // Stopping waits for the settlements in flight: they are let go until it has.
    const stopped = runtime.stop();
    for (let i = 0; i < 200 && !(await within(stopped, 10)); i++) await release();
    await stopped;
    await store.close();
  });

  it("keeps waiting offers in the order they came: a smaller one does not go ahead of a larger one", async () => {
    const { store, runtime, release } = await held({ intakeWaitMs: 60_000 });
    for (let i = 0; i < 7; i++) await runtime.offer({ system: "psa", event: "projectActivated" }, [project(`a${i}`), project(`b${i}`)]);
    const first = runtime.offer({ system: "psa", event: "projectActivated" }, [project("c1"), project("c2"), project("c3")]);
    const second = runtime.offer({ system: "psa", event: "projectActivated" }, [project("d1")]);
    expect(await within(Promise.race([first, second]), 300)).toBe(false);
    const stopped = (async () => {
      const [a, b] = await Promise.all([first, second]);
      return [...a.outcomes, ...b.outcomes].map((o) => o.eventId);
    })();
    for (let i = 0; i < 200 && !(await within(stopped, 10)); i++) await release();
    const ids = await stopped;
    // Accepted in the order offered: the larger, earlier offer's events have the lower ids.
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const halted = runtime.stop();
    for (let i = 0; i < 200 && !(await within(halted, 10)); i++) await release();
    await halted;
    await store.close();
  });

  it("accepts a held offer into the store after a bounded wait, never refusing it", async () => {
    const { store, runtime, erp, release } = await held({ intakeWaitMs: 300 });
    for (let i = 0; i < 7; i++) await runtime.offer({ system: "psa", event: "projectActivated" }, [project(`a${i}`), project(`b${i}`)]);
    const started = performance.now();
    const late = await runtime.offer({ system: "psa", event: "projectActivated" }, [project("late")]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    // No room came free: the event waits in the store, not in memory, until the loop leases it.
    expect(late.outcomes).toEqual([{ status: "accepted", eventId: expect.any(Number) }]);
    for (let i = 0; i < 1_500 && erp.ledger.length < 15; i++) {
      await release();
      await new Promise((r) => setTimeout(r, 10));
    }
    // Stopping waits for the settlements in flight: they are let go until it has.
    const stopped = runtime.stop();
    for (let i = 0; i < 200 && !(await within(stopped, 10)); i++) await release();
    await stopped;
    expect(erp.ledger).toHaveLength(15);
    await store.close();
  });
});

describe("settlements in flight", () => {
  /**
   * Six project activations worked one per batch over a store that `slowDown` makes hold some
   * settlements until released (a slow commit, as under heavy intake): four wait at once, a fifth
   * delivery goes out meanwhile and waits to be settled, and the sixth goes only once one commits.
   */
  async function fourAtOnce(slowDown: (store: Store, hold: <T>(commit: () => Promise<T>) => Promise<T>) => Store): Promise<void> {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-inflight-")), "store.db"), durability: "normal" });
    const held: (() => void)[] = [];
    const hold = <T>(commit: () => Promise<T>) => new Promise<T>((resolve) => held.push(() => resolve(commit())));
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store: slowDown(store, hold), transport: fakeTransport([erp]), env: {}, worker: "w", batchSize: 1, idleMs: 1, sleep: async () => undefined });
    await runtime.offer({ system: "psa", event: "projectActivated" }, ["p1", "p2", "p3", "p4", "p5", "p6"].map(project));
    runtime.start();
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    // Four batches of one are settling and none has committed; a fifth is sent meanwhile and
    // waits to be settled; the sixth is not taken up.
    await until(() => erp.requests >= 5 && held.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(erp.requests).toBe(5);
    expect(held).toHaveLength(4);
    // One commit frees one place: the fifth settles, and the sixth goes out.
    held.shift()?.();
    await until(() => erp.requests >= 6 && held.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(erp.requests).toBe(6);
    expect(held).toHaveLength(4);
    while (held.length > 0) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    // Stopping waits for the settlements in flight, and one may have been held since: let them go until it has.
    const stopped = runtime.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    while (!done) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    await stopped;
    expect(erp.ledger).toHaveLength(6);
    expect((await store.counts()).deliveries).toEqual({ delivered: 6 });
    await store.close();
  }

  it("keeps delivering while earlier settlements commit, with at most four waiting at once", () =>
    // The events are free (nothing earlier is open under their keys): each one's delivery is made
    // as it is routed and settled with it, so the events' settlements are the ones held.
    fourAtOnce((store, hold) => ({ ...store, settleEvents: (...args: Parameters<Store["settleEvents"]>) => hold(() => store.settleEvents(...args)) }) as Store));

  it("keeps sending leased deliveries from the outbox while earlier settlements commit, with at most four waiting at once", () =>
    // No event is said to be free, so every delivery goes through the outbox and the delivery loop.
    fourAtOnce(
      (store, hold) =>
        ({
          ...store,
          accept: async (...args: Parameters<Store["accept"]>) =>
            (await store.accept(...args)).map((o) => (o.status === "accepted" && o.leased === true ? { status: o.status, eventId: o.eventId, leased: o.leased } : o)),
          claimEvents: async (claim: Claim) => (await store.claimEvents(claim)).map((e) => ({ ...e, free: false })),
          settleDeliveries: (settlements: Parameters<Store["settleDeliveries"]>[0]) => hold(() => store.settleDeliveries(settlements)),
        }) as Store,
    ));
});

describe("a runtime's options and its stop", () => {
  it("refuses a wait for room that is not a number of milliseconds", async () => {
    const store = await createSqliteStore({ path: ":memory:" });
    for (const intakeWaitMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => createRuntime({ compiled: fixtureDefinitions(), store, env: {}, intakeWaitMs })).toThrow(`intakeWaitMs must be a number of milliseconds, 0 or more, not ${intakeWaitMs}`);
    }
    await store.close();
  });

  it("hands itself no work once stopped: what is offered then waits in the store for any worker", async () => {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-stopped-")), "store.db"), durability: "normal" });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([]), env: {}, worker: "w", idleMs: 1 });
    runtime.start();
    await runtime.stop();
    const { outcomes } = await runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    expect(outcomes).toEqual([{ status: "accepted", eventId: expect.any(Number) }]);
    expect(await store.claimEvents({ worker: "other", limit: 10, now: Date.now(), leaseMs: 1000 })).toHaveLength(1);
    await store.close();
  });
});

describe("a concurrency cap shared by workers", () => {
  it("holds across two runtimes on one store: together they never have more calls in flight than the cap", async () => {
    const fixture = fixtureDefinitions();
    const erpSystem = fixture.systems["erp"]!;
    const compiled = { ...fixture, systems: { ...fixture.systems, erp: { ...erpSystem, quotas: { requestsPerMinute: 600_000, burst: 1000, concurrency: 2 } } } };
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-slots-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const targets = fakeTransport([erp]);
    let inFlight = 0;
    let most = 0;
    // A target that takes 15 ms to answer: calls from both workers overlap unless the cap holds them.
    const transport: typeof targets = async (request) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight -= 1;
      return targets(request);
    };
    const runtimes = ["a", "b"].map((worker) => createRuntime({ compiled, store, transport, env: {}, worker, idleMs: 2 }));
    for (const [i, runtime] of runtimes.entries()) {
      await runtime.offer({ system: "psa", event: "projectActivated" }, Array.from({ length: 8 }, (_, p) => project(`${i}-${p}`)));
    }
    for (const runtime of runtimes) runtime.start();
    for (let i = 0; i < 400 && erp.ledger.length < 16; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    expect(erp.ledger).toHaveLength(16);
    expect(most).toBe(2);
    // Every slot was given back: none is held once the workers are idle.
    expect(await store.takeSlots({ system: "erp", holder: "check", want: 2, holding: 0, limit: 2, now: Date.now(), holdMs: 1000 })).toBe(2);
    await store.close();
  });
});

describe("work handed off by concurrent calls", () => {
  it("never leaves more than two batches waiting in memory, however many offers are in flight", async () => {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-room-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp]), env: {}, worker: "w", batchSize: 2 });
    // Four offers at once: each would see room for two batches if the others' were not counted.
    await Promise.all([0, 1, 2, 3].map((o) => runtime.offer({ system: "psa", event: "projectActivated" }, [project(`p${o}a`), project(`p${o}b`)])));
    expect((await store.counts()).events).toEqual({ processing: 4, pending: 4 });
    await runtime.drain();
    expect(erp.ledger).toHaveLength(8);
    await store.close();
  });
});
