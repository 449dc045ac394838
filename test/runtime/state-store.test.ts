import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";
import { describeStateStoreContract } from "./state-store-contract.ts";

describeStateStoreContract("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-state-"));
  const store = await createSqliteStore({ path: join(dir, "state.db"), durability: "normal" });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStateStoreContract("threaded SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-state-"));
  const store = await createSqliteStore({ path: join(dir, "state.db"), durability: "normal", thread: true });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

if (shouldRun("PostgreSQL", await postgresAvailability(PG_URL))) {
  describeStateStoreContract("PostgreSQL", async () => {
    const schema = uniqueSchema("state");
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    return {
      store,
      async cleanup() {
        await store.close();
        await dropPostgresSchema(PG_URL, schema);
      },
    };
  });
}
