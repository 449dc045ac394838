import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { describeStoreContract } from "./store-contract.ts";

describeStoreContract("SQLite", async () => {
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
