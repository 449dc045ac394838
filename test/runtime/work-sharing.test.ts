/**
 * Work sharing across PostgreSQL workers: every event is offered to one worker, which keeps one
 * batch for itself and leaves the rest in the store, where all four lease it, oldest first and one
 * at a time per ordering key.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import type { LogFields } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { createFakeTarget, fakeTransport, type LedgerEntry } from "../../src/testing/fake-target.ts";
import { fixtureDefinitions, project, time } from "./harness.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

const WORKERS = 4;
const PROJECTS = 60;
const EVENTS = 360;

/** Per project, the minutes (the order the events were offered in) as the target received them. */
function orderByProject(ledger: readonly LedgerEntry[], project: (body: Record<string, unknown>) => string): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const entry of ledger) {
    const body = entry.body as Record<string, unknown>;
    const key = project(body);
    seen.set(key, [...(seen.get(key) ?? []), Number(body["minutes"])]);
  }
  return seen;
}

const ascending = (values: readonly number[]) => values.every((v, i) => i === 0 || (values[i - 1] as number) < v);

describe.runIf(available)("four PostgreSQL workers, every event offered to one", () => {
  const schema = uniqueSchema("sharing");
  const stores: Store[] = [];
  const runtimes: Runtime[] = [];
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.stop()));
    for (const store of stores) await store.close();
    await dropPostgresSchema(PG_URL, schema);
  });

  it("spreads the events over every worker and keeps each project's events in the order they came", async () => {
    // Each answer takes a few milliseconds: the worker offered everything accepts faster than it processes.
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, slow: () => 4 });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference", slow: () => 4 });
    const logged: { msg: string; fields: LogFields }[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
      stores.push(store);
      const logger = { info: (msg: string, fields: LogFields = {}) => logged.push({ msg, fields }), warn: () => undefined, error: () => undefined };
      runtimes.push(createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp, billing]), env: {}, worker: `w${i}`, batchSize: 8, idleMs: 10, logger }));
    }
    const [first] = runtimes as [Runtime];
    for (let p = 0; p < PROJECTS; p++) await first.store.putXref("Project", "psa", `p${p}`, "erp", `ERP-${p}`, Date.now());
    for (const runtime of runtimes) runtime.start();

    // One event per offer, as webhooks arrive, a few in flight at once; each offered after the one before it was accepted per project.
    const inFlight = new Set<Promise<unknown>>();
    const accepted: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const offer = first.offer({ system: "psa", event: "timeApproved" }, [time(`t${i}`, `p${i % PROJECTS}`, i + 1)]).then((r) => accepted.push(...r.outcomes.map((o) => o.status)));
      const tracked = offer.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= PROJECTS / 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    expect(accepted.filter((status) => status === "accepted")).toHaveLength(EVENTS);
    const settled = () => runtimes.reduce((n, r) => n + r.work().eventsSettled, 0);
    for (let i = 0; i < 6_000 && (erp.ledger.length < EVENTS || billing.ledger.length < EVENTS || settled() < EVENTS); i++) await new Promise((r) => setTimeout(r, 10));

    expect(erp.ledger).toHaveLength(EVENTS);
    expect(billing.ledger).toHaveLength(EVENTS);
    const work = runtimes.map((r) => r.work());
    // The worker offered everything kept only what it could start soon, and left the rest to the store.
    expect(work[0]).toMatchObject({ accepted: EVENTS, left: EVENTS - work[0]!.kept });
    expect(work[0]!.left).toBeGreaterThan(EVENTS / 2);
    expect(logged.find((e) => e.fields["event"] === "intake.left-in-store")?.fields).toMatchObject({ worker: "w0", events: expect.any(Number) });
    expect(work.reduce((n, w) => n + w.eventsSettled, 0)).toBe(EVENTS);
    for (const [i, w] of work.entries()) expect(w.eventsSettled, `worker w${i} settled ${w.eventsSettled} of ${EVENTS}`).toBeGreaterThanOrEqual(EVENTS * 0.15);
    // Each project's events reached both targets in the order they were offered, whichever worker leased them.
    const erpOrder = orderByProject(erp.ledger, (body) => String(body["projectId"]));
    const billingOrder = orderByProject(billing.ledger, (body) => String(body["projectId"]));
    expect(erpOrder.size).toBe(PROJECTS);
    expect(billingOrder.size).toBe(PROJECTS);
    for (const [project, minutes] of [...erpOrder, ...billingOrder]) expect(ascending(minutes), `${project}: ${minutes.join(", ")}`).toBe(true);
  }, 120_000);
});

describe("a worker sharing its backlog", () => {
  it("still leases the store's oldest work while its own intake keeps its room full", async () => {
    const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-sharing-")), "store.db"), durability: "normal" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    // An event accepted by a stopped worker waits in the store for any worker.
    const stopped = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp]), env: {}, worker: "gone" });
    stopped.start();
    await stopped.stop();
    await stopped.offer({ system: "psa", event: "projectActivated" }, [project("waiting")]);
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp]), env: {}, worker: "w", batchSize: 4, shareWork: true });
    const offered = await runtime.offer({ system: "psa", event: "projectActivated" }, ["a", "b", "c", "d", "e", "f", "g", "h"].map(project));
    expect(offered.outcomes.every((o) => o.status === "accepted" && o.leased === true)).toBe(true);
    expect(runtime.work()).toMatchObject({ accepted: 8, kept: 8, left: 0 });
    // One round: a batch of the handed work, and the event waiting in the store beside it.
    await runtime.step();
    expect(erp.ledger.map((e) => (e.body as { code: string }).code)).toContain("waiting");
    expect(runtime.work().eventsSettled).toBe(5);
    await store.close();
  });
});
