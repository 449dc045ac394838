/**
 * Chaos with real processes: `spec run` workers on PostgreSQL (through a proxy the test can cut,
 * to play a database restart) and on SQLite, while the test kills workers with SIGKILL, terminates
 * their database sessions with `pg_terminate_backend`, and slows the targets' answers. At the end
 * the fake targets' ledgers are counted: nothing lost, nothing applied twice, nothing stuck in the
 * store, and no worker ended but those the test killed.
 *
 * `SYNCSPEC_CHAOS_SOAK_SECONDS=<n>` runs a longer soak of the same kind and prints its figures.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { createFakeTarget, type FakeTarget, type Fault } from "../../src/testing/fake-target.ts";
import { writeFixture } from "./fixture.ts";
import { project, time } from "./harness.ts";
import { type PgProxy, startPgProxy, terminateSessions } from "./pg-proxy.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";
import { deliverUntilAccepted, signedHeaders, startWorker, timeHeaders, type WorkerProcess } from "./workers.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The workers' lease, and how long a slowed target holds its answer (after applying the effect):
 * most slow answers come well within the lease, and some (`LONG_MS`) outlive it, so the lease of a
 * delivery whose call is out must be renewed for no other worker to take it over and call again.
 * The targets' timeout (5 s) is longer than the longest answer.
 */
const LEASE_MS = 1_500;
const SLOW_MS = { min: 200, max: 600 };
const LONG_MS = { min: 2_000, max: 3_000 };

/** A random source with a seed, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Serves a fake target over HTTP with some answers held back after the effect is applied. */
async function slowFront(target: FakeTarget, delay: () => number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
      try {
        const answer = await target.handle({
          system: target.name,
          operation: `${req.method} ${req.url}`,
          method: req.method ?? "GET",
          url: `http://127.0.0.1${req.url ?? "/"}`,
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          timeoutMs: 0,
        });
        const wait = delay();
        if (wait > 0) await pause(wait);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      } catch {
        req.socket.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Work the store has not finished: events not settled and deliveries not delivered. */
type Stuck = () => Promise<number>;

const STUCK_SQL = (prefix: string) =>
  `SELECT (SELECT COUNT(*) FROM ${prefix}events WHERE status IN ('pending', 'processing', 'waiting')) + (SELECT COUNT(*) FROM ${prefix}outbox WHERE status <> 'delivered') AS n`;

function postgresStuck(schema: string): Stuck {
  return async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(STUCK_SQL(`${schema}.`))).rows[0]?.n);
    } finally {
      await client.end();
    }
  };
}

function sqliteStuck(path: string): Stuck {
  return async () => {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(STUCK_SQL("")).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
}

/** How many lease renewals a worker's JSON log lines record. */
function renewalsIn(output: string): number {
  return output.split("\n").filter((line) => line.startsWith("{") && line.includes('"event":"lease.renewed"')).length;
}

/** One store's workers and targets. */
interface Cluster {
  name: string;
  erp: FakeTarget;
  billing: FakeTarget;
  workers: (WorkerProcess | undefined)[];
  /** Workers that ended without being killed by the test, with their output. */
  crashes: string[];
  kills: number;
  /** How long each worker took to start listening. */
  startMs: number[];
  /** Lease renewals the workers logged, counted from the output of each worker once it ended. */
  renewals: number;
  start(i: number): Promise<void>;
  kill(i: number): Promise<void>;
  alive(): WorkerProcess[];
  stuck: Stuck;
  close(): Promise<void>;
}

async function cluster(name: string, count: number, store: (i: number) => string, stuck: Stuck, random: () => number): Promise<Cluster> {
  // 3% of answers lost after the effect, 3% refused with 503, 20% held back, 10% held past the lease.
  const fault = (): Fault | undefined => {
    const r = random();
    return r < 0.03 ? "lost" : r < 0.06 ? { status: 503, retryAfter: "0" } : undefined;
  };
  const slow = () => {
    const r = random();
    if (r < 0.1) return LONG_MS.min + random() * (LONG_MS.max - LONG_MS.min);
    return r < 0.3 ? SLOW_MS.min + random() * (SLOW_MS.max - SLOW_MS.min) : 0;
  };
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, fault });
  const billing = createFakeTarget({ name: "billing", auth: { header: "x-api-key", value: "billing-key" }, externalIdField: "reference", fault });
  const fronts = [await slowFront(erp, slow), await slowFront(billing, slow)];
  const env = { ERP_BASE_URL: fronts[0]?.url ?? "", BILLING_BASE_URL: fronts[1]?.url ?? "" };
  const root = writeFixture({ "syncspec.run.yaml": `worker: { leaseMs: ${LEASE_MS}, batchSize: 16 }\n` });
  const workers: (WorkerProcess | undefined)[] = [];
  const killed = new Set<WorkerProcess>();
  const starting = new Set<Promise<void>>();
  const crashes: string[] = [];
  const self: Cluster = {
    name,
    erp,
    billing,
    workers,
    crashes,
    kills: 0,
    startMs: [],
    renewals: 0,
    async start(i) {
      const began = Date.now();
      const worker = await startWorker(root, ["--worker", `${name}-w${i}`, "--store", store(i)], env);
      void worker.exited.then((code) => {
        if (!killed.has(worker) && code !== 0) crashes.push(`${name}-w${i} exited with ${code}:\n${worker.output().slice(-2000)}`);
      });
      workers[i] = worker;
      self.startMs.push(Date.now() - began);
    },
    async kill(i) {
      const victim = workers[i];
      if (victim === undefined) return;
      workers[i] = undefined;
      killed.add(victim);
      victim.child.kill("SIGKILL");
      await victim.exited;
      self.kills += 1;
      self.renewals += renewalsIn(victim.output());
      // Started again in the background: the next kill need not wait for a slow start.
      const restarting: Promise<void> = self
        .start(i)
        .catch((error: unknown) => {
          crashes.push(`${name}-w${i} did not start again: ${(error as Error).message.slice(-2000)}`);
        })
        .finally(() => starting.delete(restarting));
      starting.add(restarting);
    },
    alive: () => workers.filter((w): w is WorkerProcess => w !== undefined),
    stuck,
    async close() {
      await Promise.all(starting);
      const last = self.alive();
      for (const w of last) {
        killed.add(w);
        w.child.kill("SIGTERM");
      }
      const codes = await Promise.all(last.map((w) => w.exited));
      for (const w of last) self.renewals += renewalsIn(w.output());
      // Every worker still running stops cleanly on SIGTERM.
      expect(codes.map((code, i) => (code === 0 ? "exit 0" : `exit ${code}: ${last[i]?.output().slice(-2000)}`))).toEqual(last.map(() => "exit 0"));
      for (const front of fronts) await front.close();
    },
  };
  await Promise.all(Array.from({ length: count }, (_, i) => self.start(i)));
  return self;
}

/** What a chaos run did and found, per store. */
interface Figures {
  store: string;
  events: number;
  kills: number;
  terminations: number;
  restarts: number;
  lost: number;
  duplicated: number;
  stuck: number;
  crashes: number;
  /** Lease renewals the workers logged (known once they ended). */
  renewals?: number;
}

const PROJECTS = 6;

/** Counts a cluster's ledgers against what `entries` time entries should have posted. */
async function figures(c: Cluster, entries: number, extra: { terminations: number; restarts: number }): Promise<Figures> {
  const journals = c.erp.ledger.filter((e) => e.path === "/journals").map((e) => String((e.body as { minutes: number }).minutes));
  const projects = c.erp.ledger.filter((e) => e.path === "/projects").map((e) => (e.body as { code: string }).code);
  const items = c.billing.ledger.map((e) => (e.body as { timeEntryId: string }).timeEntryId);
  const expected = {
    journals: Array.from({ length: entries }, (_, i) => String(15 + i)),
    projects: Array.from({ length: PROJECTS }, (_, p) => `p${p}`),
    items: Array.from({ length: entries }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .map((i) => `t${i}`),
  };
  const missing = (have: string[], want: string[]) => want.filter((w) => !have.includes(w)).length;
  const twice = (have: string[]) => have.length - new Set(have).size;
  return {
    store: c.name,
    events: entries + PROJECTS,
    kills: c.kills,
    ...extra,
    lost: missing(journals, expected.journals) + missing(projects, expected.projects) + missing(items, expected.items),
    duplicated: twice(journals) + twice(projects) + twice(items),
    stuck: await c.stuck(),
    crashes: c.crashes.length,
  };
}

/**
 * Feeds both clusters the same stream (time before its project, duplicates, out of order) while
 * workers are killed, their sessions terminated and the database restarted, then waits until the
 * targets hold every posting and the stores have settled everything, or the deadline passes.
 */
async function chaosRun(options: {
  entries: number;
  seed: number;
  pgWorkers: number;
  /** A pause after each entry is sent. */
  gapMs: number;
  /** A database restart after every `restartEvery` entries. */
  restartEvery: number;
  /** The stores whose workers are killed, in turn (while the stream lasts). */
  kills: readonly ("postgres" | "sqlite")[];
  settleMs: number;
}): Promise<Figures[]> {
  const random = seeded(options.seed);
  const proxy: PgProxy = await startPgProxy();
  const schema = uniqueSchema("chaos");
  const app = (i: number) => `${schema}_w${i}`;
  const dir = mkdtempSync(join(tmpdir(), "syncspec-chaos-"));
  const postgres = await cluster("postgres", options.pgWorkers, (i) => proxy.url(schema, app(i)), postgresStuck(schema), random);
  const sqlite = await cluster("sqlite", 1, () => `sqlite:${join(dir, "store.db")}`, sqliteStuck(join(dir, "store.db")), random);
  const clusters = [postgres, sqlite];
  let terminations = 0;
  let restarts = 0;
  let result: Figures[] = [];
  try {
    let sending = true;
    const started = Date.now();
    // The killer: every 1.5 to 3 s a random worker of the store the plan names next, started
    // again at once (the SQLite store's only worker: its stream waits meanwhile).
    const killer = (async () => {
      for (const name of options.kills) {
        await pause(1500 + random() * 1500);
        const c = name === "postgres" ? postgres : sqlite;
        const up = c.workers.flatMap((w, i) => (w === undefined ? [] : [i]));
        await c.kill(up[Math.floor(random() * up.length)] ?? 0);
      }
    })();
    // The terminator: one PostgreSQL worker's sessions every 300 to 900 ms.
    const terminator = (async () => {
      while (sending) {
        await pause(300 + random() * 600);
        if (sending) terminations += await terminateSessions(app(Math.floor(random() * options.pgWorkers)));
      }
    })();
    // A database restart: every connection dropped, and new ones refused for 1.5 s.
    const restarting: Promise<void>[] = [];
    const restart = async () => {
      restarts += 1;
      proxy.cut();
      await pause(1500);
      proxy.restore();
    };

    const entries = Array.from({ length: options.entries }, (_, i) => time(`t${i}`, `p${i % PROJECTS}`, 15 + i, i % 3 !== 0));
    // Each store gets its own stream, so one whose only worker is restarting does not hold up the other.
    const stream = async (c: Cluster) => {
      const send = (path: string, payload: unknown, headers: (body: string) => Record<string, string>) => deliverUntilAccepted(path, payload, () => c.alive(), headers);
      const sends: Promise<number>[] = [];
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        sends.push(send("/webhooks/psa/time", entry, timeHeaders));
        if (i % 10 === 0) sends.push(send("/webhooks/psa/time", entry, timeHeaders));
        if (i % 20 === 5) sends.push(send("/webhooks/psa/projects", project(`p${(i / 20) | 0}`), signedHeaders));
        if (c === postgres && i % options.restartEvery === options.restartEvery - 1) restarting.push(restart());
        if (sends.length >= 8) await Promise.all(sends.splice(0));
        // A steady trickle, so the chaos meets traffic throughout.
        await pause(options.gapMs);
      }
      await Promise.all(sends);
      for (let p = 0; p < PROJECTS; p++) await send("/webhooks/psa/projects", project(`p${p}`), signedHeaders);
    };
    // The chaos lasts until the stream has been sent and every planned kill made.
    await Promise.all([...clusters.map(stream), killer]);
    sending = false;
    await Promise.all([killer, terminator, ...restarting]);
    const streamed = Date.now() - started;

    const deadline = Date.now() + options.settleMs;
    const done = async (c: Cluster) => {
      const f = await figures(c, options.entries, { terminations: 0, restarts: 0 });
      return f.lost === 0 && f.stuck === 0;
    };
    while (Date.now() < deadline && !(await done(postgres) && (await done(sqlite)))) await pause(250);
    process.stderr.write(
      `chaos: streamed in ${streamed} ms, settled ${Date.now() - started - streamed} ms later; workers started in ${clusters.map((c) => `${c.name} ${c.startMs.join(", ")} ms`).join("; ")}\n`,
    );
    result = [await figures(postgres, options.entries, { terminations, restarts }), await figures(sqlite, options.entries, { terminations: 0, restarts: 0 })];
    return result;
  } finally {
    for (const c of clusters) await c.close();
    for (const [i, f] of result.entries()) f.renewals = clusters[i]?.renewals ?? 0;
    await proxy.close();
    await dropPostgresSchema(PG_URL, schema);
  }
}

/** GETs a worker's `/readyz`: its status and body. */
async function readyz(worker: WorkerProcess): Promise<{ status: number; body: { ready: boolean; store?: Record<string, unknown> } }> {
  const response = await fetch(`${worker.url}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as { ready: boolean; store?: Record<string, unknown> } };
}

/** Polls until `check` holds, or fails naming `what`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await pause(100);
  }
}

describe.runIf(available)("a PostgreSQL worker when its database connections are lost", () => {
  it("keeps running through terminated sessions and a database restart, answers /readyz 503 meanwhile, then resumes and loses nothing", async () => {
    const proxy = await startPgProxy();
    const schema = uniqueSchema("pgloss");
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" } });
    const billing = createFakeTarget({ name: "billing", auth: { header: "x-api-key", value: "billing-key" }, externalIdField: "reference" });
    const env = { ERP_BASE_URL: await erp.listen(), BILLING_BASE_URL: await billing.listen() };
    const root = writeFixture({ "syncspec.run.yaml": `store: "${proxy.url(schema, schema)}"\nworker: { leaseMs: ${LEASE_MS} }\n` });
    const worker = await startWorker(root, ["--dashboard", "0"], { ...env, SYNCSPEC_DASHBOARD_TOKEN: "chaos-token" });
    try {
      // Idle: its sessions are terminated three times; it stays up and ready.
      const alive = () => expect(worker.child.exitCode, `the worker ended:\n${worker.output()}`).toBeNull();
      for (let round = 0; round < 3; round++) {
        await eventually("the worker has sessions", async () => {
          alive();
          return (await terminateSessions(schema)) > 0;
        });
        await pause(300);
      }
      alive();
      await eventually("the worker is ready again", async () => (await readyz(worker)).status === 200);
      for (let p = 0; p < 3; p++) await deliverUntilAccepted("/webhooks/psa/projects", project(`p${p}`), () => [worker], signedHeaders);
      // Busy: sessions terminated while time entries arrive.
      const sends: Promise<number>[] = [];
      for (let i = 0; i < 20; i++) {
        sends.push(deliverUntilAccepted("/webhooks/psa/time", time(`t${i}`, `p${i % 3}`, i + 1), () => [worker], timeHeaders));
        if (i % 5 === 0) await terminateSessions(schema);
      }
      await Promise.all(sends);
      // A restart: every connection dropped and new ones refused for two seconds.
      proxy.cut();
      await eventually("/readyz answers 503", async () => (await readyz(worker)).status === 503, 10_000);
      const notReady = await readyz(worker);
      expect(notReady.body).toMatchObject({ ready: false, store: { ready: false } });
      const during = deliverUntilAccepted("/webhooks/psa/time", time("t-during", "p0", 999), () => [worker], timeHeaders);
      await pause(2000);
      alive();
      proxy.restore();
      await during;
      await eventually("/readyz answers 200", async () => (await readyz(worker)).status === 200);
      await eventually("every posting reaches the targets", () => erp.ledger.length >= 24 && billing.ledger.length >= 21, 60_000).catch((error: Error) => {
        throw new Error(`${error.message} (erp ${erp.ledger.length} of 24, billing ${billing.ledger.length} of 21); the worker said:\n${worker.output().slice(-3000)}`);
      });
      await pause(500);
      expect(erp.ledger).toHaveLength(24);
      expect(billing.ledger).toHaveLength(21);
      const health = (await readyz(worker)).body.store;
      expect(health?.["connectionLosses"]).toEqual(expect.any(Number));
      expect(health?.["connectionLosses"] as number).toBeGreaterThan(0);
      expect(health?.["reconnects"] as number).toBeGreaterThan(0);
      // Each retry and recovery is a structured log line.
      const lines = worker
        .output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: string; msg: string });
      expect(lines.some((l) => l.level === "warn" && l.msg === "store call retried after a connection failure")).toBe(true);
      expect(lines.some((l) => l.level === "info" && l.msg === "store ready again: connection restored")).toBe(true);
      // And counted, on the dashboard's /metrics.
      const dashboard = /dashboard at (http:\/\/[0-9.:]+)/.exec(worker.output())?.[1];
      const metrics = await (await fetch(`${dashboard}/metrics`, { headers: { authorization: "Bearer chaos-token" } })).text();
      expect(metrics).toMatch(/^syncspec_store_ready 1$/m);
      expect(Number(/^syncspec_store_retries_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(Number(/^syncspec_store_reconnects_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(Number(/^syncspec_store_connection_losses_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    } finally {
      worker.child.kill("SIGKILL");
      await erp.close();
      await billing.close();
      await proxy.close();
      await dropPostgresSchema(PG_URL, schema);
    }
  }, 180_000);
});

describe.runIf(available)("chaos with real processes", () => {
  it("keeps four PostgreSQL workers and a SQLite worker running through kills, terminated sessions, a database restart and slow targets: nothing lost, nothing applied twice, nothing stuck", async () => {
    const result = await chaosRun({ entries: 60, seed: 11, pgWorkers: 4, gapMs: 150, restartEvery: 25, kills: ["postgres", "sqlite", "postgres"], settleMs: 90_000 });
    process.stderr.write(`chaos figures: ${JSON.stringify(result)}\n`);
    for (const f of result) expect(f, f.store).toMatchObject({ lost: 0, duplicated: 0, stuck: 0, crashes: 0 });
    expect(result[0]).toMatchObject({ store: "postgres", kills: 2, restarts: 2 });
    expect(result[0]?.terminations).toBeGreaterThan(0);
    // Answers slower than the lease were waited for under renewed leases.
    for (const f of result) expect(f.renewals, f.store).toBeGreaterThan(0);
    expect(result[1]).toMatchObject({ store: "sqlite", kills: 1 });
  }, 240_000);

  const soakSeconds = Number(process.env["SYNCSPEC_CHAOS_SOAK_SECONDS"] ?? "0");
  it("soaks the same chaos for SYNCSPEC_CHAOS_SOAK_SECONDS and prints its figures", async (context) => {
    if (!(soakSeconds > 0)) {
      process.stderr.write("skipping the chaos soak: set SYNCSPEC_CHAOS_SOAK_SECONDS=<seconds> to run it\n");
      return context.skip();
    }
    // About four entries a second, a kill every 10 s (one in four of the SQLite worker), a restart every 100 entries.
    const entries = Math.max(60, Math.round(soakSeconds * 4));
    const seed = Number(process.env["SYNCSPEC_CHAOS_SEED"] ?? Date.now() % 2147483647);
    const result = await chaosRun({ entries, seed, pgWorkers: 4, gapMs: 250, restartEvery: 100, kills: Array.from({ length: Math.round(soakSeconds / 10) }, (_, k) => (k % 4 === 3 ? "sqlite" : "postgres")), settleMs: 180_000 });
    process.stderr.write(`chaos soak figures (${soakSeconds} s, SYNCSPEC_CHAOS_SEED=${seed}): ${JSON.stringify(result)}\n`);
    for (const f of result) expect(f, f.store).toMatchObject({ lost: 0, duplicated: 0, stuck: 0, crashes: 0 });
  }, 3_600_000);
});
