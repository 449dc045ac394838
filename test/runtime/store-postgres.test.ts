import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { RELEASE_SYSTEM, REJECTED_WAITING_ON } from "../../src/runtime/store/sql/release-sql.ts";
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
  describe("two PostgreSQL workers accepting at the same moment", () => {
    it("never both take one ordering key as free when they hand events to themselves", async () => {
      const schema = uniqueSchema("handoff");
      const [a, b] = [await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 }), await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 })];
      try {
        const event = (key: string) => ({ route: "time-to-revenue", key, payload: { key }, source: "psa.timeApproved", traceId: `t-${key}`, orderingKey: "time-to-revenue|p1" });
        for (let round = 0; round < 25; round++) {
          const [first, second] = await Promise.all([
            a.accept([event(`a${round}`)], 1000 + round, { worker: "a", leaseMs: 60_000, limit: 10 }),
            b.accept([event(`b${round}`)], 1000 + round, { worker: "b", leaseMs: 60_000, limit: 10 }),
          ]);
          const leased = [...(first ?? []), ...(second ?? [])].filter((o) => o.status === "accepted" && o.leased === true);
          // The key's first event of the whole test is the only one ever handed off: it is never settled.
          expect(leased.length, `round ${round}`).toBe(round === 0 ? 1 : 0);
        }
      } finally {
        await a.close();
        await b.close();
        await dropPostgresSchema(PG_URL, schema);
      }
    });
  });

  describe("a PostgreSQL store whose issues all held an event", () => {
    it("lets an issue hold no event, keeping the issues it had, and opens a gap's exception", async () => {
      const schema = uniqueSchema("relax");
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`SET search_path = ${schema}`);
        await client.query(`CREATE TABLE issues (
          id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, queue TEXT NOT NULL, owner TEXT NOT NULL, route TEXT NOT NULL,
          event_id BIGINT NOT NULL, delivery_id BIGINT, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
          payload TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL, resolved_by TEXT, resolution TEXT, resolved_at BIGINT)`);
        await client.query(
          "INSERT INTO issues (kind, queue, owner, route, event_id, reason, attempts, payload, created_at, status) VALUES ('exception', 'time-exceptions', 'finance-ops', 'time-to-revenue', 9, 'minutes must be >= 0', 1, '{}', 1000, 'open')",
        );
        const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 1 });
        try {
          const { issue } = await store.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-04", queue: "q", owner: "finance-ops", reason: "differs", payload: {}, now: 2000 });
          expect(issue).toMatchObject({ eventId: null, subject: "reconciliation:time-cost-postings:projectId=P2@2026-04" });
          expect((await store.listIssues()).map((i) => [i.subject, i.eventId, i.gap])).toEqual([
            ["event:9", 9, null],
            ["reconciliation:time-cost-postings:projectId=P2@2026-04", null, { reconciliation: "time-cost-postings", key: "projectId=P2@2026-04", closedAt: null }],
          ]);
        } finally {
          await store.close();
        }
        const nullable = await client.query("SELECT is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'issues' AND column_name = 'event_id'", [schema]);
        expect(nullable.rows).toEqual([{ is_nullable: "YES" }]);
      } finally {
        await client.end();
        await dropPostgresSchema(PG_URL, schema);
      }
    });
  });

  describe("finding the rejected events a PostgreSQL store's kept record releases", () => {
    it("can search the index of rejected events rather than read every event", async () => {
      const schema = uniqueSchema("release");
      const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 1 });
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`SET search_path = ${schema}`);
        // An empty table is read whole whichever indexes it has: forbid that, and see which index serves.
        await client.query("SET enable_seqscan = off");
        const params = ["Client", RELEASE_SYSTEM, "KA-C02"];
        const text = REJECTED_WAITING_ON.replace(/\?/g, () => `'${params.shift() ?? ""}'`);
        const plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${text}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
        expect(plan).toMatch(/Index (Only )?Scan using events_rejected_waiting on events|Bitmap Index Scan on events_rejected_waiting/);
      } finally {
        await client.end();
        await dropPostgresSchema(PG_URL, schema);
      }
    });
  });
} else {
  describe.skip("the PostgreSQL store", () => undefined);
}
