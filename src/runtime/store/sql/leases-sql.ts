/** The leases role over SQL: renewing a worker's leases, fenced by their tokens, and giving them all back. */
import { renewLeases } from "../batched.ts";
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
        return events + deliveries;
      });
    },
  };
}
