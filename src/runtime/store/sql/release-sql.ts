/**
 * Declared releases of rejections (a reject step's `release`): a rejected event waits on a kept
 * record, named like a lookup's dependency (entity, the `release` system, key), with the field and
 * value that release it. When the kept record comes to hold that value, the event is routed again
 * from the start and its open rejection is closed, both audited.
 */
import { valueAt } from "../../incoming-event.ts";
import type { PendingAudit } from "../audit-log.ts";
import type { Database, Sql } from "../database.ts";
import type { ReleaseCondition } from "../roles/inbox.ts";
import { STATE_SYSTEM } from "../roles/state.ts";
import { lockDependencies } from "./xrefs.ts";

/** The system a released rejection waits on, beside the state's and the targets' systems. */
export const RELEASE_SYSTEM = "release";

/**
 * The rejected events waiting on one kept record (entity, system, key). Asked at every keep and
 * every write-back, so it reads the index of rejected events (`events_rejected_waiting`), never
 * the whole table: a scan per settlement would grow with the events ever received.
 */
export const REJECTED_WAITING_ON =
  "SELECT id, trace_id, release_when FROM events WHERE status = 'rejected' AND wait_entity = ? AND wait_system = ? AND wait_key = ? ORDER BY id";

interface Waiting {
  id: number;
  trace_id: string;
  release_when: string;
}

/** The kept record as lookups read it (its own fields, then those written back), and when it last changed. */
async function keptRecord(sql: Sql, entity: string, key: string): Promise<{ value: unknown; updatedAt: number } | undefined> {
  const [row] = await sql.all<{ value: string; written_back: string | null; updated_at: number }>(
    "SELECT value, written_back, updated_at FROM kept_records WHERE entity = ? AND key = ?",
    [entity, key],
  );
  if (row === undefined) return undefined;
  const value = JSON.parse(row.value) as unknown;
  const updatedAt = Number(row.updated_at);
  if (row.written_back === null || value === null || typeof value !== "object") return { value, updatedAt };
  return { value: { ...(value as Record<string, unknown>), ...(JSON.parse(row.written_back) as Record<string, unknown>) }, updatedAt };
}

/** True when the record's field holds the value (compared as text, so `ok` and a number's digits match). */
function holds(record: unknown, field: string, equals: string): boolean {
  const value = valueAt(record, field);
  return value !== undefined && value !== null && typeof value !== "object" && String(value) === equals;
}

/** Routes one rejected event again and closes its open rejection, audited as released. */
async function release(sql: Sql, event: Waiting, condition: ReleaseCondition, now: number, actor: string, audit: PendingAudit[]): Promise<void> {
  const changed = await sql.all<{ id: number }>(
    `UPDATE events SET status = 'pending', available_at = ?, wait_entity = NULL, wait_system = NULL, wait_key = NULL, release_when = NULL
     WHERE id = ? AND status = 'rejected' RETURNING id`,
    [now, event.id],
  );
  if (changed.length === 0) return;
  const detail = { entity: condition.entity, key: condition.key, field: condition.field, equals: condition.equals };
  audit.push({ at: now, actor, action: "event.released", subject: `event:${event.id}`, traceId: event.trace_id, detail });
  const why = `released: ${condition.entity} ${condition.key} has ${condition.field} '${condition.equals}'`;
  const closed = await sql.all<{ id: number }>(
    "UPDATE issues SET status = 'closed', resolved_by = ?, resolution = ?, resolved_at = ? WHERE event_id = ? AND status = 'open' AND reason_code IS NOT NULL RETURNING id",
    [actor, why, now, event.id],
  );
  for (const issue of closed) audit.push({ at: now, actor, action: "issue.released", subject: `issue:${issue.id}`, traceId: event.trace_id, detail: { ...detail, event: event.id } });
}

/**
 * Releases the rejected events waiting on a kept record whose state now holds what they wait for.
 * Called inside the transaction that changed the record (a keep or a write-back), after the change;
 * `changedSince`, when given, releases only if the record changed at or after that time.
 */
export async function releaseRejections(sql: Sql, entity: string, key: string, now: number, actor: string, audit: PendingAudit[], changedSince?: number): Promise<void> {
  const waiting = await sql.all<Waiting>(REJECTED_WAITING_ON, [entity, RELEASE_SYSTEM, key]);
  if (waiting.length === 0) return;
  const record = await keptRecord(sql, entity, key);
  if (record === undefined || (changedSince !== undefined && record.updatedAt < changedSince)) return;
  for (const event of waiting) {
    const { field, equals } = JSON.parse(event.release_when) as { field: string; equals: string };
    if (holds(record.value, field, equals)) await release(sql, { ...event, id: Number(event.id) }, { entity, key, field, equals }, now, actor, audit);
  }
}

/**
 * Files a rejected event as waiting on its release. The record may hold the value already because a
 * keep committed while the event's steps ran (`runFrom` is when they began): then it is released at
 * once. A record that held the value before they began is left alone: the step rejected with the
 * state as it is, and releasing it again and again would route it in a loop.
 */
export async function awaitRelease(
  sql: Sql,
  engine: Database["engine"],
  eventId: number,
  condition: ReleaseCondition,
  runFrom: number,
  now: number,
  actor: string,
  audit: PendingAudit[],
): Promise<void> {
  // The keep's lock: a keep of the record either committed before and is seen below, or comes after this.
  await lockDependencies(sql, engine, [{ entity: condition.entity, system: STATE_SYSTEM, key: condition.key }]);
  await sql.run("UPDATE events SET wait_entity = ?, wait_system = ?, wait_key = ?, release_when = ? WHERE id = ?", [
    condition.entity,
    RELEASE_SYSTEM,
    condition.key,
    JSON.stringify({ field: condition.field, equals: condition.equals }),
    eventId,
  ]);
  await releaseRejections(sql, condition.entity, condition.key, now, actor, audit, runFrom);
}
