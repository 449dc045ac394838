/**
 * Idle PostgreSQL workers woken by the store (LISTEN/NOTIFY): work one worker leaves in the store
 * is taken by an idle worker at once, not at its next poll, on the real server.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import type { LogFields } from "../../src/runtime/logger.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { fixtureDefinitions, project } from "./harness.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

/** Far longer than the test waits: a worker that finds the work in time was woken, not polling. */
const LONG_POLL_MS = 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done` holds, at most `ms`; says whether it did. */
async function within(ms: number, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (done()) return true;
    await pause(20);
  }
  return done();
}

describe.runIf(available)("an idle PostgreSQL worker woken by the store", () => {
  const schemas: string[] = [];
  const stores: Store[] = [];
  const runtimes: Runtime[] = [];
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.stop()));
    for (const store of stores) await store.close();
    for (const schema of schemas) await dropPostgresSchema(PG_URL, schema);
  });

  /** Two workers on a schema of their own: one offered the events, one idle. */
  async function workers(options: { pollMs?: number; idleMs?: number; blind?: boolean }) {
    const schema = uniqueSchema("wake");
    schemas.push(schema);
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference" });
    const logged: { msg: string; fields: LogFields }[] = [];
    const logger = { info: (msg: string, fields: LogFields = {}) => logged.push({ msg, fields }), warn: () => undefined, error: () => undefined };
    const made: Runtime[] = [];
    for (const worker of ["offered", "idle"]) {
      const opened = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
      stores.push(opened);
      // A store that does not announce work: its worker finds work only by polling.
      const store: Store = options.blind === true ? Object.assign(Object.create(opened) as Store, { watchWork: undefined }) : opened;
      // The worker offered the events keeps two for itself (two batches of one) and leaves the rest in the store.
      const room = worker === "offered" ? { batchSize: 1 } : {};
      const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp, billing]), env: {}, worker: `${worker}-${stores.length}`, logger, ...options, ...room });
      runtimes.push(runtime);
      made.push(runtime);
    }
    return { offered: made[0] as Runtime, idle: made[1] as Runtime, erp, logged };
  }

  it("takes the events another worker left in the store at once, though its poll is a minute long", async () => {
    const { offered, idle, erp, logged } = await workers({ pollMs: LONG_POLL_MS, idleMs: 10 });
    // The idle worker looks once as it starts, finds nothing, and waits for its long poll.
    idle.start();
    await pause(500);
    // The worker offered the events does not run: the events it leaves wait in the store for any worker.
    const offeredAt = Date.now();
    await offered.offer({ system: "psa", event: "projectActivated" }, ["p1", "p2", "p3", "p4", "p5"].map(project));
    expect(offered.work()).toMatchObject({ accepted: 5, kept: 2, left: 3 });
    // Delivered as they were routed, then settled: both well inside the poll.
    expect(await within(10_000, () => erp.ledger.length === 3 && idle.work().eventsSettled === 3)).toBe(true);
    expect(Date.now() - offeredAt).toBeLessThan(10_000);
    expect(idle.work().wokenUp).toBeGreaterThan(0);
    expect(logged.some((entry) => entry.fields["event"] === "runtime.woken" && entry.fields["worker"] === idle.worker)).toBe(true);
    await idle.stop();
  }, 30_000);

  it("tries a delivery that failed again when its retry falls due, though its poll is a minute long", async () => {
    const schema = uniqueSchema("wake");
    schemas.push(schema);
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    stores.push(store);
    // The ERP's first answer is a 503: the delivery is retried after its backoff (100 ms, with jitter).
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, fault: ({ n }) => (n === 1 ? { status: 503 } : undefined) });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference" });
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp, billing]), env: {}, worker: "retrying", pollMs: LONG_POLL_MS, idleMs: 10, logger });
    runtimes.push(runtime);
    runtime.start();
    await runtime.offer({ system: "psa", event: "projectActivated" }, [project("p9")]);
    expect(await within(10_000, () => erp.ledger.length === 1)).toBe(true);
    expect(erp.requests).toBe(2);
    await runtime.stop();
  }, 30_000);

  it("leaves them waiting until its poll when the store does not announce work", async () => {
    const { offered, idle, erp } = await workers({ idleMs: LONG_POLL_MS, blind: true });
    idle.start();
    await pause(500);
    await offered.offer({ system: "psa", event: "projectActivated" }, ["p6", "p7", "p8"].map(project));
    expect(offered.work()).toMatchObject({ accepted: 3, kept: 2, left: 1 });
    expect(await within(2_000, () => erp.ledger.length > 0)).toBe(false);
    expect(idle.work()).toMatchObject({ eventsSettled: 0, wokenUp: 0 });
    await idle.stop();
  }, 30_000);
});
