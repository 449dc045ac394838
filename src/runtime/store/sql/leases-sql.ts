/** The leases role over SQL: renewing a worker's leases, fenced by their tokens, and giving them all back. */
import { chunks, perRows } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { LeaseStore } from "../roles/leases.ts";
import type { SqlContext } from "./context.ts";

/** The leases role over `cx`. */
export function sqlLeases(cx: SqlContext): LeaseStore {
  const { db, engine } = cx;
  return {
    renewLeases(renewal) {
      return db.transaction(async (sql) => {
        const until = renewal.now + renewal.leaseMs;
        return {
          events: await renewLeases(sql, engine, "events", renewal.events, renewal.worker, until),
          deliveries: await renewLeases(sql, engine, "outbox", renewal.deliveries, renewal.worker, until),
        };
      });
    },
    releaseLeases(worker, now) {
      return db.transaction(async (sql) => {
        const events = await sql.run("UPDATE events SET status = 'pending', lease_owner = NULL, available_at = ? WHERE status = 'processing' AND lease_owner = ?", [now, worker]);
        // What a stopped worker gives back it did not attempt: the next lease does not count it.
        const deliveries = await sql.run(
          "UPDATE outbox SET status = 'pending', lease_owner = NULL, lapsed_from = NULL, lapses = lapses + 1, available_at = ? WHERE status = 'processing' AND lease_owner = ?",
          [now, worker],
        );
        // What a stopped worker gives back, the others take.
        if (events > 0) sql.ready?.("events");
        if (deliveries > 0) sql.ready?.("deliveries");
        return events + deliveries;
      });
    },
  };
}

const RENEW = {
  sqlite: {
    events: perRows((values) => renewText("events", values, "")),
    outbox: perRows((values) => renewText("outbox", values, "")),
  },
  // A row being settled or swept right now is locked: it is skipped rather than waited for, so a
  // renewal never waits on (or deadlocks with) a settlement of the same rows.
  postgres: {
    events: perRows((values) => renewText("events", values, " FOR UPDATE SKIP LOCKED")),
    outbox: perRows((values) => renewText("outbox", values, " FOR UPDATE SKIP LOCKED")),
  },
};

function renewText(table: "events" | "outbox", values: (row: string) => string, lock: string): string {
  return `UPDATE ${table} SET lease_until = CAST(? AS BIGINT)
   WHERE id IN (SELECT id FROM ${table} WHERE status = 'processing' AND lease_owner = ?
     AND (id, attempts) IN (VALUES ${values("(CAST(? AS BIGINT), CAST(? AS INTEGER))")})${lock})
   RETURNING id`;
}

/**
 * Extends to `until` the leases `worker` still holds under the tokens given; returns the ids
 * renewed. One whose lease ran out is renewed as long as no other worker took it over.
 */
async function renewLeases(
  sql: Sql,
  engine: "sqlite" | "postgres",
  table: "events" | "outbox",
  leases: readonly { id: number; attempt: number }[],
  worker: string,
  until: number,
): Promise<number[]> {
  const renewed: number[] = [];
  for (const chunk of chunks(leases)) {
    const params: unknown[] = [until, worker];
    for (const lease of chunk) params.push(lease.id, lease.attempt);
    const rows = await sql.all<{ id: number }>(RENEW[engine][table](chunk.length), params);
    for (const row of rows) renewed.push(Number(row.id));
  }
  return renewed;
}
