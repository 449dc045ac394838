import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { schemaStatements } from "../../src/runtime/store/schema.ts";
import { coalesced, createSqliteStore, openSqlite, type WalSync } from "../../src/runtime/store/sqlite.ts";
import { RELEASE_SYSTEM, REJECTED_WAITING_ON } from "../../src/runtime/store/sql/release-sql.ts";
import { describeStoreContract } from "./store-contract.ts";

describe("an SQLite store written by an earlier release", () => {
  it("gains the columns added since, keeping its rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    try {
      const path = join(dir, "old.db");
      const old = new BetterSqlite3(path);
      for (const statement of schemaStatements("sqlite")) old.exec(statement.replace(" params TEXT,", ""));
      old.exec("INSERT INTO outbox (event_id, route, step, system, operation, idem_key, body, trace_id, status, available_at) VALUES (1, 'r', 's', 'erp', 'op', 'k', '{}', 't', 'pending', 0)");
      old.close();
      const store = await createSqliteStore({ path, durability: "normal" });
      const [leased] = await store.claimDeliveries({ worker: "w1", limit: 1, now: 1, leaseMs: 1000 });
      expect(leased).toMatchObject({ step: "s", params: null });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The issues table as the first release declared it: every issue held an event. */
const FIRST_ISSUES_TABLE = `CREATE TABLE IF NOT EXISTS issues (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, queue TEXT NOT NULL, owner TEXT NOT NULL, route TEXT NOT NULL,
  event_id BIGINT NOT NULL, delivery_id BIGINT, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
  payload TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL, resolved_by TEXT, resolution TEXT,
  resolved_at BIGINT)`;

describe("an SQLite store whose issues all held an event", () => {
  it("lets an issue hold no event, keeping the issues it had with their ids, and opens a gap's exception", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    try {
      const path = join(dir, "old.db");
      const old = new BetterSqlite3(path);
      for (const statement of schemaStatements("sqlite")) old.exec(statement.startsWith("CREATE TABLE IF NOT EXISTS issues") ? FIRST_ISSUES_TABLE : statement);
      old.exec(
        "INSERT INTO issues (id, kind, queue, owner, route, event_id, delivery_id, reason, attempts, payload, created_at, status) VALUES (4, 'exception', 'time-exceptions', 'finance-ops', 'time-to-revenue', 9, NULL, 'minutes must be >= 0', 1, '{\"minutes\":-5}', 1000, 'open')",
      );
      old.close();
      const store = await createSqliteStore({ path, durability: "normal" });
      expect(await store.issue(4)).toEqual({
        id: 4,
        kind: "exception",
        queue: "time-exceptions",
        owner: "finance-ops",
        route: "time-to-revenue",
        eventId: 9,
        deliveryId: null,
        subject: "event:9",
        gap: null,
        reason: "minutes must be >= 0",
        attempts: 1,
        payload: { minutes: -5 },
        reasonCode: null,
        createdAt: 1000,
        status: "open",
        resolvedBy: null,
        resolution: null,
      });
      const { issue } = await store.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-04", queue: "q", owner: "finance-ops", reason: "differs", payload: {}, now: 2000 });
      expect(issue).toMatchObject({ id: 5, eventId: null, gap: { reconciliation: "time-cost-postings", key: "projectId=P2@2026-04", closedAt: null } });
      await store.close();
      // Opening it again finds nothing left to change, and the one-exception-per-gap index holds.
      const again = await createSqliteStore({ path, durability: "normal" });
      expect(await again.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-04", queue: "q", owner: "finance-ops", reason: "differs", payload: {}, now: 3000 })).toMatchObject({ opened: false, issue: { id: 5 } });
      expect((await again.listIssues()).map((i) => i.subject)).toEqual(["event:9", "reconciliation:time-cost-postings:projectId=P2@2026-04"]);
      await again.close();
      const db = new BetterSqlite3(path, { readonly: true });
      const columns = db.prepare("PRAGMA table_info(issues)").all() as { name: string; notnull: number }[];
      const indexes = (db.prepare("PRAGMA index_list(issues)").all() as { name: string }[]).map((i) => i.name).sort();
      db.close();
      expect(columns.find((c) => c.name === "event_id")?.notnull).toBe(0);
      expect(indexes).toEqual(["issues_current_gap", "issues_open_delivery", "issues_queue"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an SQLite store on its own thread", () => {
  it("reports a database it cannot open as the caller's error, and stops its thread", async () => {
    await expect(createSqliteStore({ path: join(tmpdir(), "syncspec-missing-dir", "nested", "store.db") })).rejects.toThrow(/directory does not exist/);
  });

  for (const thread of [false, true]) {
    it(`fails the calls of a transaction that cannot start while another process holds the file${thread ? " (store thread)" : ""}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
      const path = join(dir, "store.db");
      const store = await createSqliteStore({ path, thread, busyTimeoutMs: 50 });
      const other = new BetterSqlite3(path);
      try {
        other.exec("BEGIN IMMEDIATE");
        await expect(store.setCursor("psa.time", "42")).rejects.toThrow(/locked|busy/i);
        // SQLite's code crosses from the store's thread with the error.
        await expect(store.setCursor("psa.time", "42")).rejects.toMatchObject({ code: "SQLITE_BUSY" });
        other.exec("ROLLBACK");
        await store.setCursor("psa.time", "43");
        expect(await store.cursor("psa.time")).toBe("43");
      } finally {
        other.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("refuses calls once closed instead of leaving them unanswered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    try {
      const store = await createSqliteStore({ path: join(dir, "store.db") });
      await store.accept([{ route: "r", key: "k", payload: {}, source: "test", traceId: "t" }], 1);
      await Promise.all([store.close(), store.close()]);
      await expect(store.counts()).rejects.toThrow(/thread has stopped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const thread of [false, true]) {
  describeStoreContract(`SQLite (${thread ? "on its own thread" : "on the caller's thread"})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    const path = join(dir, "store.db");
    const store = await createSqliteStore({ path, durability: "normal", thread });
    return {
      store,
      async exec(sql) {
        const db = new BetterSqlite3(path);
        db.exec(sql);
        db.close();
      },
      second: () => createSqliteStore({ path, durability: "normal", thread }),
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

describe("syncing commits off the writer", () => {
  it("answers each request once a flush begun after it has finished, sharing one flush among those that wait", async () => {
    const flushes: (() => void)[] = [];
    const { request, settled } = coalesced(() => new Promise<void>((done) => flushes.push(done)));
    const heard: string[] = [];
    const first = request().then(() => heard.push("first"));
    // Asked while the first flush runs: the first flush may have begun before their commits.
    const second = request().then(() => heard.push("second"));
    const third = request().then(() => heard.push("third"));
    expect(flushes).toHaveLength(1);
    flushes[0]?.();
    await first;
    expect(heard).toEqual(["first"]);
    // One more flush, for both that waited.
    await new Promise((r) => setImmediate(r));
    expect(flushes).toHaveLength(2);
    flushes[1]?.();
    await Promise.all([second, third]);
    expect(heard).toEqual(["first", "second", "third"]);
    await settled();
  });

  it("fails the requests a failed flush covered, and flushes again for the next", async () => {
    let calls = 0;
    const { request } = coalesced(async () => {
      calls += 1;
      if (calls === 1) throw new Error("EIO");
    });
    await expect(request()).rejects.toThrow("EIO");
    await expect(request()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it("answers a commit's callers only once its sync is done, while the next commit goes ahead", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    const syncs: { done(): void; fail(error: Error): void }[] = [];
    const held: WalSync = {
      sync: () => new Promise<void>((done, fail) => syncs.push({ done, fail })),
      close: async () => undefined,
    };
    const path = join(dir, "held.db");
    const db = openSqlite({ path, durability: "full" }, () => held);
    try {
      await Promise.race([db.transaction((sql) => sql.run("CREATE TABLE t (n INTEGER)")), new Promise((r) => setTimeout(r, 50))]);
      expect(syncs).toHaveLength(1);
      syncs.shift()?.done();
      let first = false;
      const one = db.transaction((sql) => sql.run("INSERT INTO t VALUES (1)")).then(() => (first = true));
      await new Promise((r) => setTimeout(r, 20));
      const two = db.transaction((sql) => sql.run("INSERT INTO t VALUES (2)"));
      await new Promise((r) => setTimeout(r, 20));
      // Both are committed (another connection sees them), neither is acknowledged: each waits for its sync.
      const other = new BetterSqlite3(path, { readonly: true });
      expect(other.prepare("SELECT COUNT(*) FROM t").pluck().get()).toBe(2);
      other.close();
      expect(first).toBe(false);
      expect(syncs).toHaveLength(2);
      syncs.shift()?.done();
      await one;
      // A failed sync fails its commit's callers, a later sync's callers too, and every later transaction.
      syncs.shift()?.fail(new Error("EIO"));
      await expect(two).rejects.toThrow("the store's commits may not be durable: syncing the write-ahead log failed: EIO");
      await expect(db.transaction((sql) => sql.run("INSERT INTO t VALUES (3)"))).rejects.toThrow("may not be durable");
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the SQLite store's pages", () => {
  it("are 16 KiB in a new file, while a file that exists keeps its own size and rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-pages-"));
    try {
      const fresh = join(dir, "new.db");
      await (await createSqliteStore({ path: fresh, durability: "normal" })).close();
      const pageSize = (path: string) => {
        const db = new BetterSqlite3(path, { readonly: true });
        const size = db.pragma("page_size", { simple: true });
        db.close();
        return size;
      };
      expect(pageSize(fresh)).toBe(16384);
      const older = join(dir, "old.db");
      const old = new BetterSqlite3(older);
      old.pragma("journal_mode = WAL");
      for (const statement of schemaStatements("sqlite")) old.exec(statement);
      old.exec("INSERT INTO cursors (name, value) VALUES ('psa.time', '42')");
      old.close();
      const store = await createSqliteStore({ path: older, durability: "normal" });
      expect(await store.cursor("psa.time")).toBe("42");
      await store.close();
      expect(pageSize(older)).toBe(4096);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("finding the rejected events a kept record releases", () => {
  /** How SQLite answers the lookup each keep and write-back makes, one line per step of its plan. */
  const plan = (path: string): string[] => {
    const db = new BetterSqlite3(path, { readonly: true });
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${REJECTED_WAITING_ON}`).all("Client", RELEASE_SYSTEM, "KA-C02") as { detail: string }[];
    db.close();
    return rows.map((r) => r.detail);
  };

  it("searches the index of rejected events rather than reading every event, in a new file and in one made before that index", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-release-"));
    try {
      const fresh = join(dir, "new.db");
      await (await createSqliteStore({ path: fresh, durability: "normal" })).close();
      expect(plan(fresh)).toEqual(["SEARCH events USING INDEX events_rejected_waiting (wait_entity=? AND wait_system=? AND wait_key=?)"]);

      const older = join(dir, "old.db");
      const old = new BetterSqlite3(older);
      old.pragma("journal_mode = WAL");
      // The release that added declared releases: their column, but no index of rejected events.
      for (const statement of schemaStatements("sqlite").filter((s) => !s.includes("events_rejected_waiting"))) old.exec(statement);
      old.exec("ALTER TABLE events ADD COLUMN release_when TEXT");
      old.close();
      // Without the index every keep reads the whole table.
      expect(plan(older)).toEqual(["SCAN events"]);
      const store = await createSqliteStore({ path: older, durability: "normal" });
      await store.close();
      expect(plan(older)).toEqual(["SEARCH events USING INDEX events_rejected_waiting (wait_entity=? AND wait_system=? AND wait_key=?)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
