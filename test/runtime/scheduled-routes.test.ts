/**
 * Scheduled routes run on their cron schedules: each instant is one event in the inbox, its record
 * the route and the instant, keyed by the instant, so two workers (or a worker and its restart)
 * offering it run it once; runs of one route never overlap; each is logged and counted. The clock
 * and the timers are the test's.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRuntime } from "../../src/runtime/engine.ts";
import type { Timers } from "../../src/runtime/host.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { createFakeTarget, type Fault, fakeTransport } from "../../src/testing/fake-target.ts";
import { compiledFixture, FIXTURE_FILES } from "./fixture.ts";

const ERP = (FIXTURE_FILES["specs/erp.yaml"] as string).replace(
  "  operations:\n",
  `  operations:
    closeDay:
      method: POST
      path: /days
      effect: create
      entity: TimeEntry
      idempotency: { mechanism: key-header, header: Idempotency-Key }
`,
);

const ROUTE = `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: nightly-close, version: 1.0.0, team: finance-ops }
spec:
  trigger: { schedule: "0 2 * * *" }
  idempotencyKey: [scheduledAt]
  steps:
    - { id: close, deliver: { operation: erp.closeDay } }
  policies:
    retry: { maxAttempts: 5, backoff: fixed, initialDelay: 1m, maxDelay: 1m, jitter: none }
    deadLetter: { queue: close-dlq }
    exceptions: { queue: close-exceptions, owner: finance-ops }
`;

const { compiled } = compiledFixture({ "specs/erp.yaml": ERP, "specs/nightly.yaml": ROUTE });

/** Timers a test fires by hand, by the delay they were armed with. */
function manualTimers() {
  const armed = new Map<number, { ms: number; fn: () => void }>();
  let next = 0;
  const timers: Timers = {
    after(ms, fn) {
      const id = ++next;
      armed.set(id, { ms, fn });
      return () => armed.delete(id);
    },
    every: () => () => undefined,
  };
  return {
    timers,
    armed: () => [...armed.values()].map((t) => t.ms),
    /** Fires the timers armed for `ms`. */
    fire(ms: number) {
      for (const [id, t] of [...armed]) {
        if (t.ms !== ms) continue;
        armed.delete(id);
        t.fn();
      }
    },
  };
}

function recordingLogger() {
  const entries: { level: string; msg: string; fields: LogFields }[] = [];
  const logger: Logger = {
    info: (msg, fields = {}) => entries.push({ level: "info", msg, fields }),
    warn: (msg, fields = {}) => entries.push({ level: "warn", msg, fields }),
    error: (msg, fields = {}) => entries.push({ level: "error", msg, fields }),
  };
  return { entries, logger };
}

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe("scheduled routes", () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  async function workers(names: readonly string[], fault?: (request: { n: number }) => Fault | undefined) {
    const path = join(mkdtempSync(join(tmpdir(), "syncspec-schedule-")), "store.db");
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, ...(fault === undefined ? {} : { fault }) });
    const clock = { now: at("2026-03-10T01:59:00Z") };
    const made = [];
    for (const worker of names) {
      const store = await createSqliteStore({ path, durability: "normal" });
      stores.push(store);
      const manual = manualTimers();
      const { entries, logger } = recordingLogger();
      const metrics = new Registry();
      const runtime = createRuntime({ compiled, store, transport: fakeTransport([erp]), env: {}, clock: { now: () => clock.now }, timers: manual.timers, sleep: async () => undefined, worker, logger, metrics });
      made.push({ runtime, manual, entries, metrics, store });
    }
    return { erp, clock, workers: made };
  }

  it("runs the route at its instant once, however many workers offer it, with the instant in its record, logged and counted", async () => {
    const { erp, clock, workers: [a, b] } = await workers(["a", "b"]);
    if (a === undefined || b === undefined) throw new Error("two workers");
    a.runtime.schedules.start();
    b.runtime.schedules.start();
    // 01:59 to 02:00: a minute's wait, armed on both workers.
    expect(a.manual.armed()).toEqual([60_000]);
    expect(a.runtime.schedules.armed()).toEqual({ "nightly-close": at("2026-03-10T02:00:00Z") });
    clock.now = at("2026-03-10T02:00:00Z");
    const ran = (w: typeof a) => w.entries.some((e) => e.fields["event"] === "schedule.run");
    a.manual.fire(60_000);
    await vi.waitFor(() => expect(ran(a)).toBe(true));
    b.manual.fire(60_000);
    await vi.waitFor(() => expect(ran(b)).toBe(true));
    // Each re-arms for the next night once its offer is settled.
    await vi.waitFor(() => expect(b.runtime.schedules.armed()).toEqual({ "nightly-close": at("2026-03-11T02:00:00Z") }));
    await a.runtime.drain();
    await b.runtime.drain();
    expect(erp.ledger.map((e) => [e.operation, e.body])).toEqual([["closeDay", { route: "nightly-close", scheduledAt: "2026-03-10T02:00:00Z" }]]);
    // Each re-armed for the next night; a wait over six hours is armed in six-hour steps.
    expect(a.runtime.schedules.armed()).toEqual({ "nightly-close": at("2026-03-11T02:00:00Z") });
    expect(a.manual.armed()).toContain(6 * 3_600_000);
    const runs = (w: typeof a) => w.entries.filter((e) => e.fields["event"] === "schedule.run").map((e) => [e.fields["scheduledAt"], e.fields["outcome"]]);
    expect([...runs(a), ...runs(b)]).toEqual([
      ["2026-03-10T02:00:00Z", "accepted"],
      ["2026-03-10T02:00:00Z", "duplicate"],
    ]);
    expect(await a.metrics.getSingleMetricAsString("syncspec_scheduled_runs_total")).toContain('syncspec_scheduled_runs_total{route="nightly-close",outcome="accepted"} 1');
    expect(await b.metrics.getSingleMetricAsString("syncspec_scheduled_runs_total")).toContain('syncspec_scheduled_runs_total{route="nightly-close",outcome="duplicate"} 1');
    a.runtime.schedules.stop();
    b.runtime.schedules.stop();
    expect(a.manual.armed()).not.toContain(6 * 3_600_000);
  });

  it("does not run an instant twice when a restarted worker offers it again", async () => {
    const { erp, clock, workers: [first, restarted] } = await workers(["w1", "w1-restarted"]);
    if (first === undefined || restarted === undefined) throw new Error("two workers");
    clock.now = at("2026-03-10T02:00:00Z");
    expect(await first.runtime.schedules.fire("nightly-close", clock.now)).toBe("accepted");
    await first.runtime.drain();
    expect(await restarted.runtime.schedules.fire("nightly-close", clock.now)).toBe("duplicate");
    await restarted.runtime.drain();
    expect(erp.ledger).toHaveLength(1);
    // The next night is another run.
    clock.now += DAY;
    expect(await restarted.runtime.schedules.fire("nightly-close", clock.now)).toBe("accepted");
    await restarted.runtime.drain();
    expect(erp.ledger.map((e) => (e.body as { scheduledAt: string }).scheduledAt)).toEqual(["2026-03-10T02:00:00Z", "2026-03-11T02:00:00Z"]);
  });

  it("never runs two instants of a route at once: a run that outlasts its interval holds the next back", async () => {
    // The first night's close fails once and is retried a minute later; the second night's waits behind it.
    const { erp, clock, workers: [w] } = await workers(["w"], ({ n }) => (n === 1 ? { status: 503 } : undefined));
    if (w === undefined) throw new Error("a worker");
    clock.now = at("2026-03-10T02:00:00Z");
    await w.runtime.schedules.fire("nightly-close", clock.now);
    await w.runtime.drain();
    expect(erp.ledger).toEqual([]);
    clock.now += 30_000;
    await w.runtime.schedules.fire("nightly-close", at("2026-03-11T02:00:00Z"));
    await w.runtime.drain();
    expect(erp.ledger).toEqual([]);
    clock.now += 60_000;
    await w.runtime.drain();
    expect(erp.ledger.map((e) => (e.body as { scheduledAt: string }).scheduledAt)).toEqual(["2026-03-10T02:00:00Z", "2026-03-11T02:00:00Z"]);
  });

  it("arms the schedules when the runtime starts and disarms them when it stops", async () => {
    const { workers: [w] } = await workers(["w"]);
    if (w === undefined) throw new Error("a worker");
    w.runtime.start();
    expect(w.runtime.schedules.armed()).toEqual({ "nightly-close": at("2026-03-10T02:00:00Z") });
    expect(w.entries.some((e) => e.fields["event"] === "schedule.armed" && e.fields["route"] === "nightly-close")).toBe(true);
    await w.runtime.stop();
    expect(w.runtime.schedules.armed()).toEqual({});
  });
});
