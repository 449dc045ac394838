/**
 * Model-based properties of the runtime, in-process with a hand-moved clock. The model is the
 * simplest correct system: each unique event processed once, in order per key. Commands offer
 * events (with duplicates, in any order), run the runtime, move the clock, make targets fail
 * (503, or "effect applied, response lost") and crash workers at any point: a crashed worker has
 * leased work, perhaps called the targets (as a delivery, or as it routed an event), and never settles. At the end the targets' ledgers must
 * equal the model's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Fault } from "../../src/testing/fake-target.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { fakeTransport } from "../../src/testing/fake-target.ts";
import { fixtureDefinitions, harness, project, time } from "./harness.ts";

type Command =
  | { kind: "time"; entry: number }
  | { kind: "project"; project: number }
  | { kind: "run" }
  | { kind: "advance"; ms: number }
  | { kind: "fail"; fault: "503" | "lost"; count: number }
  | { kind: "crash-processing" }
  | { kind: "crash-routing" }
  | { kind: "crash-delivery"; applied: boolean };

const PROJECTS = 3;
const ENTRIES = 12;
const projectOf = (entry: number) => `p${entry % PROJECTS}`;

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: ENTRIES - 1 }).map((entry) => ({ kind: "time" as const, entry })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: PROJECTS - 1 }).map((p) => ({ kind: "project" as const, project: p })) },
  { weight: 3, arbitrary: fc.constant({ kind: "run" as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((ms) => ({ kind: "advance" as const, ms })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fail" as const), fault: fc.constantFrom("503" as const, "lost" as const), count: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "crash-processing" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "crash-routing" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash-delivery" as const), applied: fc.boolean() }) },
);

async function check(commands: readonly Command[]): Promise<void> {
  const store = await createSqliteStore({ path: ":memory:" });
  let failures: Fault[] = [];
  const fault = () => failures.shift();
  const h = await harness({ erp: { fault }, billing: { fault } }, store);
  // A second worker that routes events and makes their deliveries, and dies before its settlement commits.
  const dying = createRuntime({
    compiled: fixtureDefinitions(),
    store: { ...store, settleEvents: () => Promise.reject(new Error("the worker died")) } as Store,
    transport: fakeTransport([h.erp, h.billing]),
    env: {},
    clock: h.clock,
    sleep: async () => undefined,
    worker: "crashed",
  });
  const offeredEntries: number[] = [];
  const offeredProjects = new Set<number>();
  let crashes = 0;
  try {
    for (const c of commands) {
      switch (c.kind) {
        case "time":
          await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time(`t${c.entry}`, projectOf(c.entry), 10 + c.entry, c.entry % 2 === 0)]);
          if (!offeredEntries.includes(c.entry)) offeredEntries.push(c.entry);
          break;
        case "project":
          await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project(`p${c.project}`)]);
          offeredProjects.add(c.project);
          break;
        case "run":
          await h.runtime.step();
          break;
        case "advance":
          h.clock.advance(c.ms);
          break;
        case "fail":
          failures = Array.from({ length: c.count }, () => (c.fault === "lost" ? "lost" : { status: 503, retryAfter: "1" }));
          break;
        case "crash-processing":
          // A worker leases events and dies before settling them.
          if (crashes++ < 2) await store.claimEvents({ worker: "crashed", limit: 4, now: h.clock.now(), leaseMs: 30_000 });
          break;
        case "crash-routing":
          // Its deliveries reached the targets; the event's lease expires and another worker routes it again.
          if (crashes++ < 2) await dying.step().catch(() => undefined);
          break;
        case "crash-delivery": {
          if (crashes++ >= 2) break;
          // A worker leases deliveries, perhaps applies them at the target, and dies before settling.
          const leased = await store.claimDeliveries({ worker: "crashed", limit: 2, now: h.clock.now(), leaseMs: 30_000 });
          if (c.applied) {
            for (const d of leased) {
              const target = d.system === "erp" ? h.erp : h.billing;
              const headers = d.system === "erp" ? { authorization: "Bearer erp-token", "idempotency-key": d.idempotencyKey } : { "x-api-key": "billing-key" };
              const body = d.system === "billing" ? { ...(d.body as object), reference: d.idempotencyKey } : d.body;
              const path = d.operation === "createProject" ? "/projects" : d.operation === "postCostJournal" ? "/journals" : "/items";
              await target
                .handle({ system: d.system, operation: d.operation, method: d.system === "billing" ? "PUT" : "POST", url: `http://fake${path}`, headers, body: JSON.stringify(body), timeoutMs: 1000 })
                .catch(() => undefined);
            }
          }
          break;
        }
      }
    }
    // Every project eventually activates; failures stop; time passes until all work is done.
    for (let p = 0; p < PROJECTS; p++) await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project(`p${p}`)]);
    failures = [];
    for (let round = 0; round < 30; round++) {
      h.clock.advance(31_000);
      await h.runtime.drain();
    }
    const counts = await store.counts();
    // Nothing lost: every accepted event was routed and every delivery made.
    expect(Object.keys(counts.events)).toEqual(["routed"]);
    expect(Object.keys(counts.deliveries)).toEqual(["delivered"]);
    const projects = h.erp.ledger.filter((e) => e.path === "/projects").map((e) => (e.body as { code: string }).code);
    expect(projects.sort()).toEqual(Array.from({ length: PROJECTS }, (_, p) => `p${p}`));
    const journals = h.erp.ledger.filter((e) => e.path === "/journals").map((e) => (e.body as { minutes: number }).minutes - 10);
    expect([...journals].sort((a, b) => a - b)).toEqual([...offeredEntries].sort((a, b) => a - b));
    const billed = h.billing.ledger.map((e) => (e.body as { timeEntryId: string }).timeEntryId);
    expect(billed.sort()).toEqual(offeredEntries.filter((e) => e % 2 === 0).map((e) => `t${e}`).sort());
    // Per-key order: each project's journals post in the order its time first arrived.
    for (let p = 0; p < PROJECTS; p++) {
      const expected = offeredEntries.filter((e) => e % PROJECTS === p);
      expect(journals.filter((e) => e % PROJECTS === p)).toEqual(expected);
    }
  } finally {
    await h.close();
  }
}

describe("the runtime's laws", () => {
  it("posts each unique event exactly once, in order per key, and loses nothing, whatever duplicates, reordering, failures and crashes happen", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), (commands) => check(commands)),
      // The seed is the suite's (test/setup/properties.ts).
      { numRuns: 25 },
    );
  }, 120_000);
});
