/**
 * Cross-references recorded set-at-a-time, and the dependency locks that keep a recording and an
 * event starting to wait for it from missing each other on PostgreSQL.
 */
import { chunks, perRows } from "../batched.ts";
import type { Sql } from "../database.ts";

type Engine = "sqlite" | "postgres";

/** A cross-reference to record. */
export interface XrefRow {
  entity: string;
  fromSystem: string;
  fromId: string;
  toSystem: string;
  toId: string;
}

const INSERT_XREFS = perRows(
  (values) => `INSERT INTO xref (entity, from_system, from_id, to_system, to_id) VALUES ${values("(?, ?, ?, ?, ?)")}
   ON CONFLICT (entity, to_system, from_id, from_system) DO UPDATE SET to_id = excluded.to_id`,
);

const WAKE_WAITING = perRows(
  (values) => `UPDATE events SET status = 'pending', available_at = CAST(? AS BIGINT)
   WHERE status = 'waiting' AND (wait_entity, wait_system, wait_key) IN (VALUES ${values("(?, ?, ?)")})`,
);

/** The advisory lock class of dependencies (two-key locks: apart from the ordering keys' one-key locks). */
const DEPENDENCY_LOCKS = 727275;

/**
 * Locks dependencies (an entity known to a system under a source id) for the rest of the
 * transaction, on PostgreSQL. A transaction that records a cross-reference and wakes its waiters,
 * and one that settles an event as waiting for it and then looks whether it was recorded, each
 * take the dependency's lock first. Without it, under READ COMMITTED, each could run its statement
 * before the other commits: the wake-up finds the event not yet waiting, the look finds no
 * cross-reference yet, and the event waits out its whole wait (an hour), holding up every later
 * event of its ordering key. With it, the second waits for the first to commit and sees its rows.
 * Locks are taken in hash order, so two transactions cannot deadlock on them. SQLite runs one
 * writing transaction at a time and needs none.
 */
export async function lockDependencies(sql: Sql, engine: Engine, dependencies: readonly { entity: string; system: string; key: string }[]): Promise<void> {
  if (engine !== "postgres" || dependencies.length === 0) return;
  const names = [...new Set(dependencies.map((d) => JSON.stringify([d.entity, d.system, d.key])))];
  await sql.all(
    `SELECT pg_advisory_xact_lock(${DEPENDENCY_LOCKS}, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(CAST(? AS TEXT[])) AS k ORDER BY h) AS sorted`,
    [names],
  );
}

/** Records cross-references (the last of duplicates wins) and wakes the events waiting for them. */
export async function recordXrefs(sql: Sql, engine: Engine, xrefs: readonly XrefRow[], now: number): Promise<void> {
  const unique = new Map<string, XrefRow>();
  for (const x of xrefs) unique.set(`${x.entity}\u0000${x.toSystem}\u0000${x.fromId}\u0000${x.fromSystem}`, x);
  await lockDependencies(sql, engine, [...unique.values()].map((x) => ({ entity: x.entity, system: x.toSystem, key: x.fromId })));
  for (const chunk of chunks([...unique.values()])) {
    const params = chunk.flatMap((x) => [x.entity, x.fromSystem, x.fromId, x.toSystem, x.toId]);
    await sql.run(INSERT_XREFS(chunk.length), params);
    const keys = chunk.flatMap((x) => [x.entity, x.toSystem, x.fromId]);
    if ((await sql.run(WAKE_WAITING(chunk.length), [now, ...keys])) > 0) sql.ready?.("events");
  }
}
