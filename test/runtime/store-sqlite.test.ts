import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { schemaStatements } from "../../src/runtime/store/schema.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
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

describe("an SQLite store on its own thread", () => {
  it("reports a database it cannot open as the caller's error, and stops its thread", async () => {
    await expect(createSqliteStore({ path: join(tmpdir(), "syncspec-missing-dir", "nested", "store.db") })).rejects.toThrow(/directory does not exist/);
  });

  it("refuses calls once closed instead of leaving them unanswered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
    try {
      const store = await createSqliteStore({ path: join(dir, "store.db") });
      await store.accept([{ route: "r", key: "k", payload: {}, source: "test", traceId: "t" }], 1);
      await store.close();
      await expect(store.counts()).rejects.toThrow(/thread has stopped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeStoreContract("SQLite (on the caller's thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
  const path = join(dir, "store.db");
  const store = await createSqliteStore({ path, durability: "normal", thread: false });
  return {
    store,
    async exec(sql) {
      const db = new BetterSqlite3(path);
      db.exec(sql);
      db.close();
    },
    second: () => createSqliteStore({ path, durability: "normal", thread: false }),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract("SQLite (on its own thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-store-"));
  const path = join(dir, "store.db");
  const store = await createSqliteStore({ path, durability: "normal" });
  return {
    store,
    async exec(sql) {
      const db = new BetterSqlite3(path);
      db.exec(sql);
      db.close();
    },
    second: () => createSqliteStore({ path, durability: "normal" }),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
