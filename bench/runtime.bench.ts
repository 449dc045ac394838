/**
 * `npm run bench -- runtime [--json] [--events N] [--pg-events N]`: the runtime end to end.
 *
 * - eventsPerSecond: approved time entries offered to intake until both deliveries (the ERP cost
 *   journal and the billing item) are acknowledged by in-process fake targets, on SQLite with
 *   durability on (WAL, synchronous=FULL), through the time-to-revenue route of the test fixture
 *   (the project's specs/ route needs reference data this benchmark does not seed), compiled by
 *   `spec compile`'s emit into .syncspec/bench-generated (in a process of its own, see
 *   runtime-fixture.ts) and run from the generated modules, as a service runs them.
 * - ceilingEventsPerSecond: the same rows (event, two outbox rows, four audit rows) written to a
 *   fresh SQLite file in batched transactions with nothing else, in the same run.
 * - p50Ms, p99Ms: per event, from its offer to its last delivery acknowledged.
 * - peakRssMb: the process's largest resident set during the SQLite run.
 * - heapUsedMbAtStart, leaseRenewals, store: figures that do not move with the machine's load, to
 *   compare revisions on a busy machine: the live heap as the run starts, the lease renewals
 *   issued, and the store calls per event with the batch each settlement carried (store-counts.ts).
 * - backlog: memory with a million events waiting (`--backlog N`, `--no-backlog`): the resident set
 *   after a tenth and after all of them were accepted, and its peak while the runtime works them off
 *   for `--drain-seconds` (20), with the rate it does so.
 * - postgres: the same end-to-end figures with 1 and 4 workers sharing one database, the offers
 *   spread over the workers (`workers1`, `workers4`), and with 4 workers and every offer made to
 *   the first (`offeredToOne`), as with no balancer in front: each worker's share of the events it
 *   settled (`shares`, the work sharing of docs/scaling.md) besides the CPU time per event.
 *
 * `--no-thread` keeps SQLite on the caller's thread, to compare.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { projectRoot } from "../src/testing/environment.ts";
import { createRuntime, type Runtime } from "../src/runtime/engine.ts";
import { loadExpressionCompiler } from "../src/runtime/expression.ts";
import type { CompiledSpecSet } from "../src/runtime/pipeline.ts";
import { auditHash, canonicalJson, GENESIS_HASH, sha256 } from "../src/runtime/store/canonical-json.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../src/runtime/store/postgres.ts";
import { schemaStatements } from "../src/runtime/store/schema.ts";
import { createSqliteStore } from "../src/runtime/store/sqlite.ts";
import { storeThreadUtilization } from "../src/runtime/store/store-thread.ts";
import type { Store } from "../src/runtime/store/store.ts";
import { createFakeTarget, type FakeTarget } from "../src/testing/fake-target.ts";
import type { TargetRequest } from "../src/runtime/delivery/transport.ts";
import { countingStore, type StoreFigures, storeFigures } from "./store-counts.ts";

const PROJECTS = 50;
const PG_URL = process.env["SYNCSPEC_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

interface Figures {
  eventsPerSecond: number;
  /** CPU time of the whole process (every thread) per event: steadier than wall time on a busy machine. */
  cpuUsPerEvent: number;
  /** Time per event the main thread's event loop was busy (processing, delivering, the fake targets). */
  mainBusyUsPerEvent: number;
  /** Time per event the SQLite store's thread was busy; absent for PostgreSQL. */
  storeBusyUsPerEvent?: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  events: number;
  /** The main thread's live heap as the run starts: what the process holds besides the runtime's work. */
  heapUsedMbAtStart: number;
  /** Lease renewals the runtime issued during the run (lease-keeper.ts). */
  leaseRenewals: number;
  /** What the runtime asked of the store, per event: the same on a busy machine as on a quiet one. */
  store: StoreFigures;
  /** Per worker, the fraction of the events it settled (only with several workers). */
  shares?: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / (1024 * 1024);
    },
  };
}

async function compiledFixture(): Promise<CompiledSpecSet> {
  await loadExpressionCompiler();
  // What runs is what spec compile generates, imported as a service imports it. The fixture is
  // compiled in a process of its own: the compiler, the emitter and the TypeScript compiler they
  // load stay out of the measured process (they held about 35 MB more live heap in it), into a
  // folder inside the package, so the generated code's `syncspec/...` imports resolve.
  const out = join(projectRoot, ".syncspec", "bench-generated");
  rmSync(out, { recursive: true, force: true });
  const script = fileURLToPath(new URL("./runtime-fixture.ts", import.meta.url));
  try {
    execFileSync(process.execPath, [...process.execArgv, script, out], { stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    // The script has said why on stderr.
    process.stderr.write("runtime benchmark: the fixture could not be compiled; nothing was measured\n");
    process.exit(1);
  }
  const { specSet: compiled } = (await import(pathToFileURL(join(out, "index.ts")).href)) as { specSet: CompiledSpecSet };
  // The fixture's systems declare 10,000 requests a second, below the 20,000 events a second (each
  // one request to each target) this benchmark must be able to show: the quota would be measured,
  // not the runtime. The buckets stay, ten times wider, so their cost is still counted.
  for (const system of Object.values(compiled.systems)) {
    if (system.quotas !== undefined) system.quotas = { ...system.quotas, requestsPerMinute: system.quotas.requestsPerMinute * 10, ...(system.quotas.burst === undefined ? {} : { burst: system.quotas.burst * 10 }) };
  }
  return compiled;
}

/** Runs `events` approved time entries through `workers` runtimes over the given stores. */
async function endToEnd(compiled: CompiledSpecSet, stores: readonly Store[], events: number, offerTo: "spread" | "first" = "spread"): Promise<Figures> {
  const erp = createFakeTarget({ name: "erp" });
  const billing = createFakeTarget({ name: "billing", externalIdField: "reference" });
  const offeredAt = new Float64Array(events);
  const pendingParts = new Uint8Array(events).fill(2);
  const latencies: number[] = [];
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const complete = (index: number) => {
    if (--pendingParts[index]! === 0) {
      latencies.push(performance.now() - offeredAt[index]!);
      if (++done === events) finish();
    }
  };
  const transport = async (request: TargetRequest) => {
    const target: FakeTarget = request.system === "erp" ? erp : billing;
    const response = await target.handle(request);
    // The fake answers with the record it stored: the benchmark's bookkeeping reads it there
    // rather than parsing each request body a second time.
    const body = (response.body ?? {}) as { minutes?: number; timeEntryId?: string; projectId?: string };
    if (request.url.endsWith("/journals")) complete((body.minutes ?? 0) - 1);
    else if (request.url.endsWith("/items")) complete(Number(body.timeEntryId?.slice(1)));
    return response;
  };
  const counted = stores.map(countingStore);
  const runtimes: Runtime[] = counted.map(({ store }, i) =>
    createRuntime({ compiled, store, transport, env: {}, worker: `bench-${i}`, batchSize: 512, leaseMs: 60_000, idleMs: 5 }),
  );
  const first = runtimes[0]!;
  // The projects exist in the ERP before the time arrives, as in steady state.
  for (let p = 0; p < PROJECTS; p++) await first.store.putXref("Project", "psa", `p${p}`, "erp", `ERP-${p}`, Date.now());
  for (const { counts } of counted) counts.clear();
  const heapUsedMbAtStart = round(process.memoryUsage().heapUsed / (1024 * 1024));
  const rss = rssSampler();
  for (const r of runtimes) r.start();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainBefore = performance.eventLoopUtilization();
  const storeBefore = stores.length === 1 ? storeThreadUtilization(stores[0]!) : undefined;
  const chunk = 250;
  const inFlight = new Set<Promise<unknown>>();
  for (let start = 0; start < events; start += chunk) {
    const payloads = [];
    for (let i = start; i < Math.min(events, start + chunk); i++) {
      offeredAt[i] = performance.now();
      payloads.push({ timeEntryId: `t${i}`, projectId: `p${i % PROJECTS}`, minutes: i + 1, billable: true });
    }
    const runtime = offerTo === "first" ? first : runtimes[(start / chunk) % runtimes.length]!;
    const offer = runtime.offer({ system: "psa", event: "timeApproved" }, payloads).finally(() => inFlight.delete(offer));
    inFlight.add(offer);
    // Several webhook requests in flight at once, as concurrent senders would make.
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const mainBusy = performance.eventLoopUtilization(mainBefore).active;
  const storeAfter = storeBefore === undefined ? undefined : storeThreadUtilization(stores[0]!);
  const storeBusy = storeBefore === undefined || storeAfter === undefined ? undefined : storeAfter.active - storeBefore.active;
  const peakRssMb = rss.stop();
  await Promise.all(runtimes.map((r) => r.stop()));
  // Counted once stopped: the last settlements commit after the targets have acknowledged.
  const calls = new Map<string, { calls: number; items: number }>();
  for (const { counts } of counted) {
    for (const [name, count] of counts) {
      const sum = calls.get(name) ?? { calls: 0, items: 0 };
      calls.set(name, { calls: sum.calls + count.calls, items: sum.items + count.items });
    }
  }
  const leaseRenewals = runtimes.reduce((n, r) => n + r.leases().renewed, 0);
  const shares = runtimes.length === 1 ? {} : { shares: runtimes.map((r) => round(r.work().eventsSettled / events, 3)) };
  if (erp.ledger.length !== events || billing.ledger.length !== events) throw new Error(`expected ${events} postings per target, got ${erp.ledger.length} and ${billing.ledger.length}`);
  latencies.sort((a, b) => a - b);
  const busy = { mainBusyUsPerEvent: Math.round((mainBusy * 1000) / events), ...(storeBusy === undefined ? {} : { storeBusyUsPerEvent: Math.round((storeBusy * 1000) / events) }) };
  return { eventsPerSecond: Math.round(events / seconds), cpuUsPerEvent: Math.round((cpu.user + cpu.system) / events), ...busy, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), peakRssMb: round(peakRssMb), events, heapUsedMbAtStart, leaseRenewals, store: storeFigures(calls, events), ...shares };
}

/** Writes the rows an event leaves behind (event, two deliveries, four audit rows) in batched transactions. */
function ceiling(path: string, events: number): number {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  for (const statement of schemaStatements("sqlite")) db.exec(statement);
  const insertEvent = db.prepare(
    "INSERT INTO events (route, idem_key, payload_hash, payload, source, trace_id, ordering_key, received_at, status, available_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'routed', ?, 1) RETURNING id",
  );
  const insertDelivery = db.prepare(
    "INSERT INTO outbox (event_id, route, step, system, operation, idem_key, body, trace_id, order_key, status, available_at, attempts, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'delivered', ?, 1, ?)",
  );
  const insertAudit = db.prepare("INSERT INTO audit (seq, at, actor, action, subject, trace_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  let seq = 0;
  let prev = GENESIS_HASH;
  const audit = (action: string, subject: string, trace: string, detail: unknown) => {
    seq += 1;
    const at = Date.now();
    const text = JSON.stringify(detail);
    const hash = auditHash(prev, { seq, at, actor: "bench", action, subject, traceId: trace, detail: text });
    insertAudit.run(seq, at, "bench", action, subject, trace, text, prev, hash);
    prev = hash;
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const payload = { timeEntryId: `t${i}`, projectId: `p${i % PROJECTS}`, minutes: i + 1, billable: true };
      const now = Date.now();
      const trace = `trace-${i}`;
      const row = insertEvent.get("time-to-revenue", `t${i}`, sha256(canonicalJson(payload)), JSON.stringify(payload), "psa.timeApproved", trace, `time-to-revenue|t${i}`, now, now) as { id: number };
      audit("event.accepted", `event:${row.id}`, trace, { route: "time-to-revenue", key: `t${i}` });
      for (const step of ["cost", "bill"]) {
        insertDelivery.run(row.id, "time-to-revenue", step, step === "cost" ? "erp" : "billing", step, sha256(`${i}${step}`).slice(0, 40), JSON.stringify(payload), trace, `time-to-revenue|t${i}|${step}`, now, now);
      }
      audit("event.routed", `event:${row.id}`, trace, { deliveries: ["erp.postCostJournal", "billing.queueItem"] });
      audit("delivery.delivered", `delivery:${row.id * 2}`, trace, { target: "erp.postCostJournal", status: 201 });
      audit("delivery.delivered", `delivery:${row.id * 2 + 1}`, trace, { target: "billing.queueItem", status: 201 });
    }
  });
  const started = performance.now();
  for (let i = 0; i < events; i += 512) batch(i, Math.min(events, i + 512));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return Math.round(events / seconds);
}

/** What the backlog run measured. */
interface BacklogFigures {
  backlogEvents: number;
  /** Resident set after a tenth of the backlog was accepted, and after all of it. */
  rssAtTenthMb: number;
  rssAtFullMb: number;
  /** The largest resident set while the runtime worked on the full backlog. */
  peakRssDrainingMb: number;
  /** How fast intake accepted the backlog, and how fast the runtime worked it off. */
  acceptedPerSecond: number;
  drainedEvents: number;
  drainedPerSecond: number;
}

const mb = (bytes: number) => round(bytes / (1024 * 1024));

/**
 * Memory under a backlog: `events` approved time entries accepted while no loop runs, then the
 * runtime started on the full backlog for `drainSeconds`. The targets answer in-process and keep
 * nothing, so what grows is the runtime's own.
 */
async function backlog(compiled: CompiledSpecSet, path: string, events: number, drainSeconds: number): Promise<BacklogFigures> {
  const store = await createSqliteStore({ path, durability: "full" });
  let delivered = 0;
  let nextId = 0;
  const transport = async (_request: TargetRequest) => {
    delivered += 1;
    nextId += 1;
    return { status: 201, headers: { "content-type": "application/json" }, body: { id: `T-${nextId}` } };
  };
  const runtime = createRuntime({ compiled, store, transport, env: {}, worker: "bench-backlog", batchSize: 512, leaseMs: 60_000, idleMs: 5 });
  for (let p = 0; p < PROJECTS; p++) await store.putXref("Project", "psa", `p${p}`, "erp", `ERP-${p}`, Date.now());
  const chunk = 1000;
  let rssAtTenth = 0;
  const intakeStarted = performance.now();
  for (let start = 0; start < events; start += chunk) {
    const payloads = [];
    for (let i = start; i < Math.min(events, start + chunk); i++) payloads.push({ timeEntryId: `t${i}`, projectId: `p${i % PROJECTS}`, minutes: i + 1, billable: true });
    await runtime.offer({ system: "psa", event: "timeApproved" }, payloads);
    if (start + chunk >= events / 10 && rssAtTenth === 0) rssAtTenth = process.memoryUsage().rss;
  }
  const acceptedPerSecond = Math.round(events / ((performance.now() - intakeStarted) / 1000));
  const rssAtFull = process.memoryUsage().rss;
  process.stderr.write(`backlog: ${events} events accepted, rss ${mb(rssAtTenth)} MB at a tenth, ${mb(rssAtFull)} MB at all\n`);
  const rss = rssSampler();
  const before = delivered;
  const drainStarted = performance.now();
  runtime.start();
  await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
  await runtime.stop();
  const drainedEvents = Math.floor((delivered - before) / 2);
  const seconds = (performance.now() - drainStarted) / 1000;
  const peakRssDraining = rss.stop();
  await store.close();
  return {
    backlogEvents: events,
    rssAtTenthMb: mb(rssAtTenth),
    rssAtFullMb: mb(rssAtFull),
    peakRssDrainingMb: round(peakRssDraining),
    acceptedPerSecond,
    drainedEvents,
    drainedPerSecond: Math.round(drainedEvents / seconds),
  };
}

function flag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i < 0 ? undefined : Number(args[i + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The benchmark entry point. */
export async function run({ args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const events = flag(args, "--events", 20_000);
  const pgEvents = flag(args, "--pg-events", 5_000);
  const backlogEvents = args.includes("--no-backlog") ? 0 : flag(args, "--backlog", 1_000_000);
  const drainSeconds = flag(args, "--drain-seconds", 20);
  const compiled = await compiledFixture();
  const dir = mkdtempSync(join(tmpdir(), "syncspec-bench-"));
  try {
    const sqliteStore = await createSqliteStore({ path: join(dir, "runtime.db"), durability: "full", thread: !args.includes("--no-thread") });
    const sqlite = await endToEnd(compiled, [sqliteStore], events);
    await sqliteStore.close();
    process.stderr.write(`sqlite end to end: ${JSON.stringify(sqlite)}\n`);
    const ceilingEventsPerSecond = ceiling(join(dir, "ceiling.db"), events);
    process.stderr.write(`sqlite ceiling: ${ceilingEventsPerSecond} events/s\n`);
    const result: Record<string, unknown> = {
      route: "time-to-revenue (test fixture)",
      events,
      eventsPerSecond: sqlite.eventsPerSecond,
      ceilingEventsPerSecond,
      ceilingRatio: round(sqlite.eventsPerSecond / ceilingEventsPerSecond, 3),
      p50Ms: sqlite.p50Ms,
      p99Ms: sqlite.p99Ms,
      peakRssMb: sqlite.peakRssMb,
      cpuUsPerEvent: sqlite.cpuUsPerEvent,
      mainBusyUsPerEvent: sqlite.mainBusyUsPerEvent,
      storeBusyUsPerEvent: sqlite.storeBusyUsPerEvent,
      heapUsedMbAtStart: sqlite.heapUsedMbAtStart,
      leaseRenewals: sqlite.leaseRenewals,
      store: sqlite.store,
    };
    if (backlogEvents > 0) {
      result["backlog"] = await backlog(compiled, join(dir, "backlog.db"), backlogEvents, drainSeconds);
      process.stderr.write(`backlog: ${JSON.stringify(result["backlog"])}\n`);
    }
    const availability = args.includes("--no-postgres") ? { available: false as const, reason: "--no-postgres" } : await postgresAvailability(PG_URL);
    if (!availability.available) {
      result["postgres"] = { skipped: availability.reason };
      return result;
    }
    const postgres: Record<string, Figures> = {};
    const runs = [
      { name: "workers1", workers: 1, offerTo: "spread" },
      { name: "workers4", workers: 4, offerTo: "spread" },
      { name: "offeredToOne", workers: 4, offerTo: "first" },
    ] as const;
    for (const { name, workers, offerTo } of runs) {
      const schema = `bench_${process.pid}_${name.toLowerCase()}`;
      const stores = [];
      for (let i = 0; i < workers; i++) stores.push(await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 }));
      try {
        postgres[name] = await endToEnd(compiled, stores, pgEvents, offerTo);
        process.stderr.write(`postgres, ${name}: ${JSON.stringify(postgres[name])}\n`);
      } finally {
        for (const store of stores) await store.close();
        await dropPostgresSchema(PG_URL, schema);
      }
    }
    result["postgres"] = postgres;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
