/**
 * The crash laws with real processes: workers killed with SIGKILL at random moments and restarted,
 * targets that fail with 503s and lose answers after applying effects. At the end every accepted
 * event has posted exactly once, counted on the fake targets' ledgers.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { openStore } from "../../src/runtime/run-config.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { createFakeTarget, type FakeTarget } from "../../src/testing/fake-target.ts";
import { writeFixture } from "./fixture.ts";
import { project, time } from "./harness.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";
import { deliverUntilAccepted, signedHeaders, startWorker, timeHeaders, type WorkerProcess } from "./workers.ts";

const PROJECTS = 6;
const ENTRIES = 120;

/** A random source with a seed, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

interface CrashRun {
  erp: FakeTarget;
  billing: FakeTarget;
  kills: number;
  billable: number;
}

/** How many deliveries the store has not yet settled as delivered (read beside the running workers). */
type Unsettled = () => Promise<number>;

function sqliteUnsettled(path: string): Unsettled {
  return async () => {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'delivered'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
}

function postgresUnsettled(schema: string): Unsettled {
  return async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const result = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${schema}.outbox WHERE status <> 'delivered'`);
      return Number(result.rows[0]?.n);
    } finally {
      await client.end();
    }
  };
}

async function crashRun(store: string, workerCount: number, maxKills: number, seed: number, unsettled: Unsettled): Promise<CrashRun> {
  const random = seeded(seed);
  const flaky = () => {
    const r = random();
    return r < 0.05 ? "lost" : r < 0.1 ? { status: 503, retryAfter: "0" } : undefined;
  };
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, fault: flaky });
  const billing = createFakeTarget({ name: "billing", auth: { header: "x-api-key", value: "billing-key" }, externalIdField: "reference", fault: flaky });
  const env = { ERP_BASE_URL: await erp.listen(), BILLING_BASE_URL: await billing.listen() };
  const root = writeFixture({ "syncspec.run.yaml": `store: "${store}"\nworker: { leaseMs: 1500, batchSize: 16 }\n` });
  const workers: (WorkerProcess | undefined)[] = [];
  const start = async (i: number) => {
    workers[i] = await startWorker(root, ["--worker", `w${i}`], env);
  };
  await Promise.all(Array.from({ length: workerCount }, (_, i) => start(i)));
  const alive = () => workers.filter((w): w is WorkerProcess => w !== undefined);

  // Each worker is killed a while after it (re)starts, at a random moment mid-stream, up to `maxKills` times.
  let sending = true;
  let kills = 0;
  let firstKill: () => void = () => undefined;
  const killedOnce = new Promise<void>((resolve) => {
    firstKill = resolve;
  });
  const killer = (async () => {
    while (sending && kills < maxKills) {
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1200));
      const i = Math.floor(random() * workerCount);
      const victim = workers[i];
      if (victim === undefined || !sending) continue;
      workers[i] = undefined;
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills += 1;
      await start(i);
      firstKill();
    }
  })();

  const entries = Array.from({ length: ENTRIES }, (_, i) => time(`t${i}`, `p${i % PROJECTS}`, 15 + i, i % 3 !== 0));
  const billable = entries.filter((e) => e.billable).length;
  // Time before its project, duplicates, and out-of-order arrival, all sent concurrently.
  const sends: Promise<number>[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const entry = entries[i]!;
    sends.push(deliverUntilAccepted("/webhooks/psa/time", entry, alive, timeHeaders));
    if (i % 10 === 0) sends.push(deliverUntilAccepted("/webhooks/psa/time", entry, alive, timeHeaders));
    if (i % 20 === 5) sends.push(deliverUntilAccepted("/webhooks/psa/projects", project(`p${(i / 20) | 0}`), alive, signedHeaders));
    if (sends.length >= 8) await Promise.all(sends.splice(0));
    // Halfway, the stream waits for a kill: on a fast machine it would otherwise end before the first.
    if (i === ENTRIES / 2) await killedOnce;
  }
  await Promise.all(sends);
  for (let p = 0; p < PROJECTS; p++) await deliverUntilAccepted("/webhooks/psa/projects", project(`p${p}`), alive, signedHeaders);
  sending = false;
  await killer;

  const deadline = Date.now() + 120_000;
  const journals = () => erp.ledger.filter((e) => e.path === "/journals").length;
  // Done when the targets hold every posting and the store has settled every delivery: an answer
  // lost after the effect was applied is retried (a no-op at the target) before it is settled.
  while (Date.now() < deadline && (journals() < ENTRIES || billing.ledger.length < billable || (await unsettled()) > 0)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const last = alive();
  for (const w of last) w.child.kill("SIGTERM");
  const codes = await Promise.all(last.map((w) => w.exited));
  // Every worker stops cleanly on SIGTERM; on failure the message carries its output.
  expect(codes.map((code, i) => (code === 0 ? "exit 0" : `exit ${code}: ${last[i]?.output()}`))).toEqual(last.map(() => "exit 0"));
  await erp.close();
  await billing.close();
  return { erp, billing, kills, billable };
}

function expectExactlyOnce(run: CrashRun): void {
  const journals = run.erp.ledger.filter((e) => e.path === "/journals");
  const projects = run.erp.ledger.filter((e) => e.path === "/projects");
  expect(run.kills).toBeGreaterThan(0);
  expect(projects.map((e) => (e.body as { code: string }).code).sort()).toEqual(Array.from({ length: PROJECTS }, (_, p) => `p${p}`).sort());
  expect(journals).toHaveLength(ENTRIES);
  expect(new Set(journals.map((e) => (e.body as { minutes: number }).minutes)).size).toBe(ENTRIES);
  expect(run.billing.ledger).toHaveLength(run.billable);
  expect(new Set(run.billing.ledger.map((e) => (e.body as { timeEntryId: string }).timeEntryId)).size).toBe(run.billable);
}

describe("crashes with real processes", () => {
  it("loses nothing and posts nothing twice when a SQLite worker is killed repeatedly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-crash-"));
    writeFileSync(join(dir, ".keep"), "");
    const run = await crashRun(`sqlite:${join(dir, "store.db")}`, 1, 3, 42, sqliteUnsettled(join(dir, "store.db")));
    expectExactlyOnce(run);
    const store = await openStore(`sqlite:${join(dir, "store.db")}`, dir);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    const counts = await store.counts();
    expect(counts.deliveries).toEqual({ delivered: PROJECTS + ENTRIES + run.billable });
    await store.close();
  }, 400_000);

  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropPostgresSchema(PG_URL, schema);
  });

  it("loses nothing and posts nothing twice with four PostgreSQL workers killed repeatedly", async (context) => {
    if (!shouldRun("PostgreSQL", await postgresAvailability(PG_URL))) return context.skip();
    const schema = uniqueSchema("crash");
    schemas.push(schema);
    const url = `${PG_URL}?schema=${schema}`;
    const run = await crashRun(url, 4, 4, 7, postgresUnsettled(schema));
    expectExactlyOnce(run);
    const store = await openStore(url, tmpdir());
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    expect((await store.counts()).deliveries).toEqual({ delivered: PROJECTS + ENTRIES + run.billable });
    await store.close();
  }, 400_000);

  it("stops on SIGTERM: intake closes, in-flight work finishes or is given back, and the process exits 0", async () => {
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const billing = createFakeTarget({ name: "billing", auth: { header: "x-api-key", value: "billing-key" }, externalIdField: "reference" });
    const env = { ERP_BASE_URL: await erp.listen(), BILLING_BASE_URL: await billing.listen() };
    const dir = mkdtempSync(join(tmpdir(), "syncspec-term-"));
    const root = writeFixture({ "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\n` });
    const first = await startWorker(root, [], env);
    for (let p = 0; p < 3; p++) await deliverUntilAccepted("/webhooks/psa/projects", project(`p${p}`), () => [first], signedHeaders);
    for (let i = 0; i < 30; i++) await deliverUntilAccepted("/webhooks/psa/time", time(`t${i}`, `p${i % 3}`, i + 1), () => [first], timeHeaders);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toMatch(/SIGTERM: stopping intake\nspec run: stopped\n$/);
    // The JSON log on standard error says the same, stopping before stopped.
    const logged = first.output().split("\n").filter((line) => line.startsWith("{")).map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(logged.slice(-2)).toEqual(["run.stopping", "run.stop"]);
    const store = await openStore(`sqlite:${join(dir, "store.db")}`, dir);
    const counts = await store.counts();
    expect(counts.events["processing"] ?? 0).toBe(0);
    expect(counts.deliveries["processing"] ?? 0).toBe(0);
    await store.close();
    // A restarted worker finishes the rest, posting nothing twice.
    const second = await startWorker(root, [], env);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (erp.ledger.length < 33 || billing.ledger.length < 30)) await new Promise((resolve) => setTimeout(resolve, 100));
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(erp.ledger).toHaveLength(33);
    expect(billing.ledger).toHaveLength(30);
    await erp.close();
    await billing.close();
  }, 300_000);
});
