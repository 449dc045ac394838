/**
 * An event that starts waiting for a cross-reference while another transaction records it, on the
 * real PostgreSQL server: the two transactions are held at the moments that lost the wake-up (each
 * ran its check before the other committed), and the event must still go back to work.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Database, Sql } from "../../src/runtime/store/database.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { createSqlStore } from "../../src/runtime/store/sql-store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

/** A signal a transaction gives and another waits for, at most `ms`. */
function signal() {
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fire: () => fire(), wait: (ms: number) => Promise.race([fired, new Promise<void>((resolve) => setTimeout(resolve, ms))]) };
}

/**
 * Transactions on a pool of their own, as the store runs them, that say when they recorded a
 * cross-reference and when they looked for one, and hold the COMMIT of the one that recorded it
 * until the other looked (or a second passed: a fixed store makes the other wait for the first).
 */
function gatedDatabase(schema: string) {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, options: `-c search_path=${schema}` });
  const woken = signal();
  const looked = signal();
  const positional = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  /** Statements on one client, telling the signals what they did. */
  const statements = (client: pg.PoolClient | pg.Pool, seen: (text: string) => void): Sql => ({
    async all<R>(text: string, params: readonly unknown[] = []) {
      const rows = (await client.query(positional(text), params as unknown[])).rows as R[];
      seen(text);
      return rows;
    },
    async run(text, params = []) {
      const count = (await client.query(positional(text), params as unknown[])).rowCount ?? 0;
      seen(text);
      return count;
    },
  });
  const db: Database = {
    engine: "postgres",
    async transaction(body) {
      const client = await pool.connect();
      let recorded = false;
      const seen = (text: string) => {
        if (/wait_entity, wait_system, wait_key\) IN/.test(text)) {
          recorded = true;
          woken.fire();
        }
        if (text.includes("EXISTS (SELECT 1 FROM xref")) looked.fire();
      };
      try {
        await client.query("BEGIN");
        const result = await body(statements(client, seen));
        if (recorded) await looked.wait(1000);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    read: (body) => body(statements(pool, () => undefined)),
    close: () => pool.end(),
  };
  return { db, woken };
}

describe.runIf(available)("a PostgreSQL event that starts waiting while its dependency is recorded", () => {
  it("goes back to work even when each transaction looked before the other committed", async () => {
    const schema = uniqueSchema("wake");
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    const { db, woken } = gatedDatabase(schema);
    const gated = createSqlStore(db);
    try {
      const lease = { worker: "w", limit: 10, now: 1000, leaseMs: 60_000 };
      await store.accept([{ route: "project-activation", key: "p1", payload: { projectId: "p1" }, source: "psa.projectActivated", traceId: "t-p1" }], 1000);
      await store.accept([{ route: "time-to-revenue", key: "t1", payload: { projectId: "p1" }, source: "psa.timeApproved", traceId: "t-t1" }], 1000);
      const [project, time] = await store.claimEvents(lease);
      if (project === undefined || time === undefined) throw new Error("both events should have been leased");
      const xref = { entity: "Project", fromSystem: "psa", fromId: "p1" };
      const delivery = { step: "create", system: "erp", operation: "createProject", idempotencyKey: "k-p1", body: { code: "p1" }, xref };
      await store.settleEvents([{ eventId: project.id, attempt: project.attempt, worker: "w", now: 1000, outcome: "routed", deliveries: [delivery] }]);
      const [claimed] = await store.claimDeliveries(lease);
      if (claimed === undefined) throw new Error("the project's delivery should have been leased");

      // The delivery records the cross-reference and wakes what waits for it, then holds its COMMIT
      // until the time entry, settled as waiting meanwhile, has looked for the cross-reference.
      const recording = gated.settleDeliveries([{ deliveryId: claimed.id, attempt: claimed.attempt, worker: "w", now: 1001, outcome: "delivered", targetId: "erp-1", status: 201 }]);
      // Its failure is asserted below, once the other transaction has run.
      recording.catch(() => undefined);
      await woken.wait(5000);
      const waiting = gated.settleEvents([
        { eventId: time.id, attempt: time.attempt, worker: "w", now: 1001, outcome: "waiting", dependency: { entity: "Project", system: "erp", key: "p1" }, until: 1001 + 3_600_000 },
      ]);
      expect(await recording).toEqual([true]);
      expect((await waiting).settled).toEqual([true]);

      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ status: string }>(`SELECT status FROM ${schema}.events WHERE id = $1`, [time.id]);
        expect(rows[0]?.status, "the time entry waits for a project already recorded").toBe("pending");
      } finally {
        await client.end();
      }
    } finally {
      await gated.close();
      await store.close();
      await dropPostgresSchema(PG_URL, schema);
    }
  }, 30_000);
});
