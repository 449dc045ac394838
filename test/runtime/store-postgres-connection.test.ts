/**
 * The PostgreSQL store through lost connections: sessions terminated by the server while idle or
 * in a transaction, and a database that drops every connection and refuses new ones for a while
 * (a restart, played by a proxy the test cuts). Calls are retried with backoff and answered once
 * the database is back, the store reports not ready meanwhile, and each loss, retry and recovery
 * is logged and counted.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/runtime/errors.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import type { IncomingEvent, Store } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { type PgProxy, startPgProxy, terminateSessions } from "./pg-proxy.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

/** A logger that keeps its entries. */
function recordingLogger(): Logger & { entries: { level: string; msg: string; fields: LogFields }[] } {
  const entries: { level: string; msg: string; fields: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void entries.push({ level, msg, fields });
  return { entries, info: at("info"), warn: at("warn"), error: at("error") };
}

const event = (key: string): IncomingEvent => ({ route: "time-to-revenue", key, payload: { key }, source: "psa.timeApproved", traceId: `t-${key}` });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(available)("the PostgreSQL store when its connections are lost", () => {
  let proxy: PgProxy;
  const schemas: string[] = [];
  const stores: Store[] = [];
  beforeAll(async () => {
    proxy = await startPgProxy();
  });
  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await proxy.close();
    for (const schema of schemas) await dropPostgresSchema(PG_URL, schema);
  });
  async function open(options: { giveUpAfterMs?: number } = {}) {
    const schema = uniqueSchema("pgloss");
    schemas.push(schema);
    const log = recordingLogger();
    const store = await createPostgresStore({
      connectionString: proxy.connectionString(schema),
      schema,
      poolSize: 4,
      log,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200, ...options },
    });
    stores.push(store);
    return { store, log, schema };
  }

  it("answers every call while the server terminates its sessions, idle and inside transactions", async () => {
    const { store, log, schema } = await open();
    let running = true;
    let terminated = 0;
    const terminator = (async () => {
      for (let round = 0; running && round < 30; round++) {
        terminated += await terminateSessions(schema);
        await pause(50);
      }
    })();
    // Accepts and leases in parallel, so that sessions are terminated while checked out.
    let accepted = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 20; i++) {
        const outcomes = await store.accept([event(`w${w}-${i}`)], 1000 + i);
        accepted += outcomes.filter((o) => o.status === "accepted").length;
        await store.claimEvents({ worker: `w${w}`, limit: 2, now: 1000 + i, leaseMs: 60_000 });
      }
    });
    await Promise.all(writers);
    running = false;
    await terminator;
    expect(terminated).toBeGreaterThan(0);
    expect(accepted).toBe(80);
    const counts = await store.counts();
    expect(Object.values(counts.events).reduce((a, b) => a + b, 0)).toBe(80);
    const health = store.health?.();
    expect(health).toMatchObject({ ready: true });
    expect(health?.connectionLosses).toBeGreaterThan(0);
    expect(log.entries.some((e) => e.msg === "store connection lost")).toBe(true);
  }, 60_000);

  it("reports not ready while the database refuses connections, and answers the calls made meanwhile once it is back", async () => {
    const { store, log } = await open();
    await store.accept([event("before")], 1000);
    proxy.cut();
    const during = store.accept([event("during")], 1001);
    await pause(600);
    expect(store.health?.()).toMatchObject({ ready: false });
    expect(store.health?.().reason).toBeTruthy();
    proxy.restore();
    expect((await during)[0]).toMatchObject({ status: "accepted" });
    const health = store.health?.();
    expect(health).toMatchObject({ ready: true, reconnects: 1 });
    expect(health?.retries).toBeGreaterThan(0);
    expect((await store.counts()).events).toEqual({ pending: 2 });
    const retried = log.entries.filter((e) => e.msg === "store call retried after a connection failure");
    expect(retried.length).toBe(health?.retries);
    expect(retried[0]?.fields).toMatchObject({ store: "postgres", attempt: 1 });
    expect(log.entries.some((e) => e.msg === "store ready again: connection restored" && e.fields["reconnects"] === 1)).toBe(true);
  }, 60_000);

  it("fails a call with StoreUnavailableError once the database stays unreachable past the retry window", async () => {
    const { store, log } = await open({ giveUpAfterMs: 500 });
    proxy.cut();
    try {
      await expect(store.counts()).rejects.toThrow(StoreUnavailableError);
      await expect(store.counts()).rejects.toThrow(/did not answer for \d+ ms/);
      expect(log.entries.some((e) => e.level === "error" && e.msg === "store call failed: the database stayed unreachable")).toBe(true);
    } finally {
      proxy.restore();
    }
    // And it recovers on the next call.
    expect((await store.counts()).events).toEqual({});
    expect(store.health?.()).toMatchObject({ ready: true });
  }, 60_000);

  it("starts on a store already in this version's shape without migrating it again, so it never waits for the migration lock", async () => {
    const { schema } = await open();
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      // Another worker holding the lock, as one migrating would.
      await holder.query("SELECT pg_advisory_lock(727274)");
      const second = await Promise.race([
        createPostgresStore({ connectionString: proxy.connectionString(`${schema}_b`), schema, poolSize: 1, log: recordingLogger() }),
        pause(10_000).then(() => undefined),
      ]);
      expect(second, "the second store waited for the migration lock").toBeDefined();
      if (second !== undefined) stores.push(second);
      expect(await second?.counts()).toEqual({ events: {}, deliveries: {}, issues: {} });
    } finally {
      await holder.query("SELECT pg_advisory_unlock(727274)");
      await holder.end();
    }
  }, 60_000);

  it("refuses to start with StoreUnavailableError, naming the cause, when the database never answers", async () => {
    proxy.cut();
    try {
      const schema = uniqueSchema("pgdown");
      await expect(
        createPostgresStore({ connectionString: proxy.connectionString(schema), schema, log: recordingLogger(), reconnect: { initialDelayMs: 20, giveUpAfterMs: 300 } }),
      ).rejects.toThrow(/the PostgreSQL store did not answer for \d+ ms \(\d+ attempts\): Connection terminated/);
    } finally {
      proxy.restore();
    }
  }, 60_000);
});
