/**
 * Targets whose answers are sometimes slower than the delivery lease, against several workers on
 * one real store: a lease is kept while its call is out, so nothing is taken over, sent twice,
 * dead-lettered or left behind.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { createFakeTarget, type FakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import type { Transport } from "../../src/runtime/delivery/transport.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { fixtureDefinitions, project, time } from "./harness.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const LEASE_MS = 1500;
const SLOW_MS = 3000;
const PROJECTS = 40;

/** Every tenth answer of a target comes 3 s after its effect was applied: twice the lease. */
const everyTenthSlow = ({ n }: { n: number }) => (n % 10 === 0 ? SLOW_MS : undefined);

interface Run {
  erp: FakeTarget;
  billing: FakeTarget;
  /** Requests each idempotency key or external id was sent with, over every worker. */
  sent: Map<string, number>;
  runtimes: Runtime[];
  /** What the workers logged. */
  log: { level: string; message: string; fields: LogFields }[];
}

/** Runtimes named w0, w1... over `stores` (one each), sharing two slow fake targets. */
function workers(stores: readonly Store[]): Run {
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, slow: everyTenthSlow });
  const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference", slow: everyTenthSlow });
  const targets = fakeTransport([erp, billing]);
  const sent = new Map<string, number>();
  const transport: Transport = (request) => {
    const key = request.headers["Idempotency-Key"] ?? `${request.system}:${(JSON.parse(request.body ?? "{}") as { reference?: string }).reference}`;
    sent.set(key, (sent.get(key) ?? 0) + 1);
    return targets(request);
  };
  const log: Run["log"] = [];
  const logger: Logger = {
    info: (message, fields = {}) => log.push({ level: "info", message, fields }),
    warn: (message, fields = {}) => log.push({ level: "warn", message, fields }),
    error: (message, fields = {}) => log.push({ level: "error", message, fields }),
  };
  const runtimes = stores.map((store, i) =>
    createRuntime({ compiled: fixtureDefinitions(), store, transport, env: {}, worker: `w${i}`, leaseMs: LEASE_MS, idleMs: 10, batchSize: 16, intakeWaitMs: 0, logger }),
  );
  return { erp, billing, sent, runtimes, log };
}

/**
 * Approved time for every project first (it waits for the project to exist in the ERP), then the
 * projects, spread over the workers; runs until everything settled or 40 s passed.
 */
async function runToEnd(run: Run, store: Store): Promise<void> {
  for (const runtime of run.runtimes) runtime.start();
  const n = run.runtimes.length;
  for (let p = 0; p < PROJECTS; p++) await run.runtimes[p % n]!.offer({ system: "psa", event: "timeApproved" }, [time(`t${p}`, `p${p}`)]);
  for (let p = 0; p < PROJECTS; p++) await run.runtimes[(p + 1) % n]!.offer({ system: "psa", event: "projectActivated" }, [project(`p${p}`)]);
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    const counts = await store.counts();
    if (counts.events["routed"] === 2 * PROJECTS && counts.deliveries["delivered"] === 3 * PROJECTS) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(run.runtimes.map((runtime) => runtime.stop()));
}

/** What must hold at the end, whatever the store. */
async function expectSettledOnce(run: Run, store: Store): Promise<void> {
  expect(await store.listIssues()).toEqual([]);
  expect((await store.counts()).events).toEqual({ routed: 2 * PROJECTS });
  expect((await store.counts()).deliveries).toEqual({ delivered: 3 * PROJECTS });
  // Each key applied once on the targets' ledgers, and sent once: no worker took over a slow call.
  expect(new Set(run.erp.ledger.map((e) => e.key)).size).toBe(2 * PROJECTS);
  expect(run.erp.ledger).toHaveLength(2 * PROJECTS);
  expect(run.billing.ledger).toHaveLength(PROJECTS);
  expect([...run.sent.entries()].filter(([, times]) => times !== 1)).toEqual([]);
  // Every delivery settled by its first attempt: none burnt by a takeover.
  const delivered = (await store.auditTrail({ limit: 100_000 })).filter((row) => row.action === "delivery.delivered");
  expect(delivered).toHaveLength(3 * PROJECTS);
  expect(delivered.filter((row) => (row.detail as { attempt: number }).attempt !== 1)).toEqual([]);
  // The slow calls kept their leases, and the workers said so.
  const leases = run.runtimes.map((runtime) => runtime.leases());
  expect(leases.reduce((n, l) => n + l.renewed, 0)).toBeGreaterThan(0);
  expect(leases.reduce((n, l) => n + l.lost + l.takenOver + l.refused, 0)).toBe(0);
  expect(run.log.filter((entry) => entry.level !== "info")).toEqual([]);
  expect(run.log.some((entry) => entry.fields["event"] === "lease.renewed" && Number(entry.fields["deliveries"]) > 0)).toBe(true);
  expect(await store.verifyAudit()).toMatchObject({ ok: true });
}

describe("a target whose answers are sometimes slower than the delivery lease", () => {
  it("leaves nothing dead-lettered or stuck with four PostgreSQL workers, each key sent and applied once", async (context) => {
    if (!shouldRun("PostgreSQL", await postgresAvailability(PG_URL))) return context.skip();
    const schema = uniqueSchema("slow");
    const stores: Store[] = [];
    try {
      for (let i = 0; i < 4; i++) stores.push(await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 }));
      const run = workers(stores);
      await runToEnd(run, stores[0]!);
      await expectSettledOnce(run, stores[0]!);
    } finally {
      for (const store of stores) await store.close();
      await dropPostgresSchema(PG_URL, schema);
    }
  }, 90_000);

  it("leaves nothing dead-lettered or stuck with two workers on one SQLite file, each key sent and applied once", async () => {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-slow-")), "store.db"), durability: "normal" });
    try {
      const run = workers([store, store]);
      await runToEnd(run, store);
      await expectSettledOnce(run, store);
    } finally {
      await store.close();
    }
  }, 90_000);
});

describe("a worker whose lease runs out while its call is out", () => {
  it("has the delivery taken over without an attempt counted, its own settlement refused, and both workers log and count it", async () => {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-takeover-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const log: { worker: string; event: unknown }[] = [];
    const loggerOf = (worker: string): Logger => ({
      info: (_message, fields = {}) => log.push({ worker, event: fields["event"] }),
      warn: (_message, fields = {}) => log.push({ worker, event: fields["event"] }),
      error: (_message, fields = {}) => log.push({ worker, event: fields["event"] }),
    });
    // Worker a's answer comes a second after the ERP applied the call, and its renewals reach the
    // store only after its 400 ms lease ran out (a stalled connection): worker b takes the delivery over.
    const slowAnswer: Transport = async (request) => {
      const answer = await erp.handle(request);
      await pause(1000);
      return answer;
    };
    const renewLate = async (...args: Parameters<Store["renewLeases"]>) => {
      await pause(600);
      return store.renewLeases(...args);
    };
    const late = { ...store, renewLeases: renewLate } as Store;
    const options = { compiled: fixtureDefinitions(), env: {}, leaseMs: 400, idleMs: 10, intakeWaitMs: 0 };
    const a = createRuntime({ ...options, store: late, transport: slowAnswer, worker: "a", logger: loggerOf("a") });
    const b = createRuntime({ ...options, store, transport: fakeTransport([erp]), worker: "b", logger: loggerOf("b") });
    try {
      await a.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
      a.start();
      b.start();
      for (let i = 0; i < 300 && a.leases().refused === 0; i++) await pause(10);
      await Promise.all([a.stop(), b.stop()]);
      // Applied once; the second call carried the same key and had the first answer back.
      expect(erp.requests).toBe(2);
      expect(erp.ledger).toHaveLength(1);
      expect((await store.counts()).deliveries).toEqual({ delivered: 1 });
      expect(await store.listIssues()).toEqual([]);
      // Taken over under a new fencing token, still its first attempt by the retry policy.
      const delivered = (await store.auditTrail()).filter((row) => row.action === "delivery.delivered");
      expect(delivered).toMatchObject([{ actor: "b", detail: { attempt: 1 } }]);
      expect(a.leases()).toMatchObject({ lost: 1, refused: 1, takenOver: 0 });
      expect(b.leases()).toMatchObject({ lost: 0, refused: 0, takenOver: 1 });
      expect(log.filter((entry) => entry.event !== "lease.renewed")).toEqual([
        { worker: "b", event: "lease.taken-over" },
        { worker: "a", event: "lease.lost" },
        { worker: "a", event: "settlement.refused" },
      ]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
