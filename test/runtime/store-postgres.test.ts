import pg from "pg";
import { describe } from "vitest";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { describeStoreContract } from "./store-contract.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

if (available) {
  describeStoreContract("PostgreSQL", async () => {
    const schema = uniqueSchema("contract");
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    return {
      store,
      async exec(sql) {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`SET search_path = ${schema}`);
        await client.query(sql);
        await client.end();
      },
      second: () => createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 }),
      async cleanup() {
        await store.close();
        await dropPostgresSchema(PG_URL, schema);
      },
    };
  });
} else {
  describe.skip("the PostgreSQL store", () => undefined);
}
