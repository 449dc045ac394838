/** What the SQL implementations of the store's roles share: the database, its engine, and the sweep of expired leases. */
import type { Database, Sql } from "../database.ts";

/** The shared parts. */
export interface SqlContext {
  db: Database;
  engine: "sqlite" | "postgres";
  /** Appended to a lease query's row selection: PostgreSQL's workers skip the rows another is leasing. */
  skipLocked: string;
  /** Appended to a read of a row about to change: PostgreSQL locks it. */
  forUpdate: string;
  /** Returns expired leases and elapsed waits to pending, at most every `RECOVERY_INTERVAL_MS`. */
  recover(sql: Sql, now: number): Promise<void>;
}

/** How often expired leases and elapsed waits are swept back to pending. */
const RECOVERY_INTERVAL_MS = 200;

/** The shared parts over `db`. */
export function sqlContext(db: Database): SqlContext {
  let lastRecovery = Number.NEGATIVE_INFINITY;
  return {
    db,
    engine: db.engine,
    skipLocked: db.engine === "postgres" ? " FOR UPDATE SKIP LOCKED" : "",
    forUpdate: db.engine === "postgres" ? " FOR UPDATE" : "",
    async recover(sql, now) {
      if (now - lastRecovery < RECOVERY_INTERVAL_MS && now >= lastRecovery) return;
      lastRecovery = now;
      await sql.run("UPDATE events SET status = 'pending', lease_owner = NULL, available_at = ? WHERE status = 'processing' AND lease_until <= ?", [now, now]);
      await sql.run("UPDATE events SET status = 'pending', available_at = ? WHERE status = 'waiting' AND wait_until <= ?", [now, now]);
      // A delivery whose lease ran out is taken over by the next lease without counting an attempt,
      // and keeps the name of the worker whose lease it was, for the one that takes it over to log.
      await sql.run(
        "UPDATE outbox SET status = 'pending', lease_owner = NULL, lapsed_from = lease_owner, lapses = lapses + 1, available_at = ? WHERE status = 'processing' AND lease_until <= ?",
        [now, now],
      );
    },
  };
}
