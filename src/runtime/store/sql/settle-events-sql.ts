/**
 * Settling leased events, in one transaction per batch: routed events' deliveries written to the
 * outbox (those made as the events were routed written settled, the rest pending or handed off),
 * the canonical events they emit accepted, the records they keep kept, and every other outcome recorded, all fenced by the
 * events' lease tokens and audited.
 */
import { merged } from "../../objects.ts";
import { closeDeliveredIssues } from "./replay-sql.ts";
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import { type AttemptedRow, insertDeliveries, markRouted, type RoutedRow } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { Dependency, EventSettlement, Handoff, IncomingEvent, LeasedDelivery, NewDelivery, SettledEvents } from "../roles/inbox.ts";
import { type KeptRecord, STATE_SYSTEM } from "../roles/state.ts";
import { acceptIn } from "./accept-sql.ts";
import type { SqlContext } from "./context.ts";
import { openIssue } from "./issues-sql.ts";
import { recordDelivered, settleDelivery } from "./outbox-sql.ts";
import { awaitRelease } from "./release-sql.ts";
import { columns } from "./rows.ts";
import { keepRecordsIn, type WriteBackRow, writeBacksIn } from "./state-sql.ts";
import { type DeliveredPosting, recordDeliveredPostings } from "./postings-sql.ts";
import { lockDependencies, recordXrefs, type XrefRow } from "./xrefs.ts";

type Routed = Extract<EventSettlement, { outcome: "routed" }>;

/** The dependencies events' settlements may record (deliveries made as they were routed) or wait for. */
function settledDependencies(settlements: readonly EventSettlement[]): Dependency[] {
  const out: Dependency[] = [];
  for (const s of settlements) {
    if (s.outcome === "waiting") out.push(s.dependency);
    if (s.outcome !== "routed") continue;
    for (const d of s.deliveries) if (d.xref !== undefined && d.attempted?.outcome === "delivered") out.push({ entity: d.xref.entity, system: d.system, key: d.xref.fromId });
    for (const r of s.records ?? []) out.push({ entity: r.entity, system: STATE_SYSTEM, key: r.key });
  }
  return out;
}

/** Settles leased events; a settlement does not hold when its fencing token was stale. */
export function settleEvents(cx: SqlContext, settlements: readonly EventSettlement[], handoff?: Handoff): Promise<SettledEvents> {
  return cx.db.transaction(async (sql): Promise<SettledEvents> => {
    // Every dependency this settlement may record or wait for, locked at once and before the
    // ordering keys a handoff locks: so two settlements never take them in opposite orders.
    await lockDependencies(sql, cx.engine, settledDependencies(settlements));
    const audit: PendingAudit[] = [];
    const routed = settlements.filter((s): s is Routed => s.outcome === "routed");
    const { held, leased } = routed.length > 0 ? await settleRouted(cx, sql, audit, routed, handoff) : { held: new Set<EventSettlement>(), leased: [] };
    for (const s of settlements) if (s.outcome !== "routed" && (await settleEvent(cx, sql, audit, s))) held.add(s);
    await appendAudit(sql, cx.engine, audit);
    // A settled event lets the next one of its ordering key be leased, by any worker.
    if (held.size > 0) sql.ready?.("events");
    return { settled: settlements.map((s) => held.has(s)), leased };
  });
}

/** Marks routed events routed, writes their deliveries and accepts what they emit. */
async function settleRouted(
  cx: SqlContext,
  sql: Sql,
  audit: PendingAudit[],
  routed: readonly Routed[],
  handoff: Handoff | undefined,
): Promise<{ held: Set<EventSettlement>; leased: LeasedDelivery[] }> {
  const { now, worker } = routed[0] as Routed;
  const rows = await markRouted(sql, routed, now);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const held = new Set<EventSettlement>();
  const deliveries: { event: RoutedRow; delivery: NewDelivery }[] = [];
  const emits: IncomingEvent[] = [];
  const records: KeptRecord[] = [];
  for (const s of routed) {
    const row = byId.get(s.eventId);
    if (row === undefined) continue;
    held.add(s);
    for (const delivery of s.deliveries) deliveries.push({ event: row, delivery });
    if (s.emits !== undefined) emits.push(...s.emits);
    for (const r of s.records ?? []) records.push({ ...r, source: row.route, traceId: row.trace_id, now: s.now });
    const detail = { deliveries: s.deliveries.map((d) => `${d.system}.${d.operation}`) };
    audit.push({ at: s.now, actor: s.worker, subject: `event:${s.eventId}`, traceId: row.trace_id, action: "event.routed", detail });
  }
  // Records kept by keep steps land first, so the answers of deliveries made as the events were
  // routed write back onto them; they wake the events waiting for them.
  if (records.length > 0) await keepRecordsIn(sql, cx.engine, records, audit);
  const written = await insertDeliveries(sql, cx.engine, deliveries, now, worker, handoff);
  await settleAttempted(cx, sql, audit, written.attempted, worker, now);
  // Emitted events enter the inbox as offered ones do (acceptIn), in this transaction.
  if (emits.length > 0) await acceptIn(cx, sql, audit, emits, now, worker);
  return { held, leased: written.leased };
}

/** Records deliveries made as their events were routed, whose rows were just written: as their settlements would. */
async function settleAttempted(cx: SqlContext, sql: Sql, audit: PendingAudit[], rows: readonly AttemptedRow[], worker: string, now: number): Promise<void> {
  const xrefs: XrefRow[] = [];
  const writeBacks: WriteBackRow[] = [];
  const emits: IncomingEvent[] = [];
  const delivered: { id: number; traceId: string }[] = [];
  const postings: DeliveredPosting[] = [];
  for (const { deliveryId, event, delivery } of rows) {
    // A copy made field by field, not spread: one per delivery made as its event was routed (see objects.ts).
    const s = merged(delivery.attempted, { deliveryId, attempt: 1, worker });
    if (s.outcome === "delivered") {
      recordDelivered(audit, xrefs, s, { system: delivery.system, operation: delivery.operation, traceId: event.trace_id, xref: delivery.xref ?? null, tries: 1 });
      if (s.writeBack !== undefined) writeBacks.push({ ...s.writeBack, from: `${delivery.system}.${delivery.operation}`, traceId: event.trace_id, now: s.now });
      if (s.emits !== undefined) emits.push(...s.emits);
      delivered.push({ id: deliveryId, traceId: event.trace_id });
      // Only a versioned record's delivery leaves a posting, and only it needs its body read back.
      if (delivery.posting !== undefined) {
        const body = delivery.bodyJson !== undefined ? (JSON.parse(delivery.bodyJson) as unknown) : delivery.body;
        postings.push({ route: event.route, system: delivery.system, posting: delivery.posting, body, targetId: s.targetId ?? null, traceId: event.trace_id });
      }
    } else {
      await settleDelivery(sql, audit, s);
    }
  }
  if (xrefs.length > 0) await recordXrefs(sql, cx.engine, xrefs, now);
  if (writeBacks.length > 0) await writeBacksIn(sql, cx.engine, writeBacks, audit);
  if (emits.length > 0) await acceptIn(cx, sql, audit, emits, now, worker);
  await recordDeliveredPostings(cx, sql, audit, postings, now, worker);
  // A delivery made again as its event is routed again (a forced replay) settles what it left open.
  if (delivered.length > 0) audit.push(...(await closeDeliveredIssues(sql, delivered, now, worker)));
}

/** Settles one event that was not routed: waiting, an exception, skipped, or given back. */
async function settleEvent(cx: SqlContext, sql: Sql, audit: PendingAudit[], s: Exclude<EventSettlement, { outcome: "routed" }>): Promise<boolean> {
  const status = { waiting: "waiting", exception: "exception", rejected: "rejected", skipped: "skipped", release: "pending" }[s.outcome];
  const waiting = s.outcome === "waiting" ? s.dependency : undefined;
  // Taken before the event starts to wait: a recording of the dependency either commits first and
  // is seen below, or waits for this transaction and wakes the event (see `lockDependencies`).
  if (waiting !== undefined) await lockDependencies(sql, cx.engine, [waiting]);
  const [found] = await sql.all(
    `UPDATE events SET status = ?, lease_owner = NULL, lease_until = NULL, available_at = ?,
       wait_entity = ?, wait_system = ?, wait_key = ?, wait_until = COALESCE(?, wait_until)
     WHERE id = ? AND attempts = ? AND status = 'processing'
     RETURNING route, idem_key, payload, ordering_key, trace_id, attempts`,
    [status, s.outcome === "release" ? s.availableAt : s.now, waiting?.entity ?? null, waiting?.system ?? null, waiting?.key ?? null, s.outcome === "waiting" ? s.until : null, s.eventId, s.attempt],
  );
  if (found === undefined) return false;
  const row = columns("events", found);
  const traceId = row.text("trace_id");
  const base = { at: s.now, actor: s.worker, subject: `event:${s.eventId}`, traceId };
  switch (s.outcome) {
    case "waiting":
      audit.push({ ...base, action: "event.waiting", detail: { ...s.dependency, until: s.until } });
      // The record it waits for may have been recorded since the worker looked: then the wake-up
      // that recording sent found nothing waiting yet, and the event goes back to work now.
      await sql.run(
        `UPDATE events SET status = 'pending', available_at = ?
         WHERE id = ? AND status = 'waiting' AND EXISTS (SELECT 1 FROM xref WHERE entity = ? AND to_system = ? AND from_id = ?)`,
        [s.now, s.eventId, s.dependency.entity, s.dependency.system, s.dependency.key],
      );
      break;
    case "exception":
    case "rejected": {
      audit.push(
        s.outcome === "rejected"
          ? { ...base, action: "event.rejected", detail: { code: s.issue.code, step: s.issue.step, queue: s.issue.queue, reason: s.issue.reason } }
          : { ...base, action: "event.exception", detail: { reason: s.issue.reason } },
      );
      const at = { route: row.text("route"), eventId: s.eventId, deliveryId: null, attempts: row.int("attempts"), payload: row.text("payload"), now: s.now, traceId, actor: s.worker };
      await openIssue(sql, audit, "exception", s.issue, at);
      if (s.outcome === "rejected" && s.release !== undefined) await awaitRelease(sql, cx.engine, s.eventId, s.release, s.now, s.now, s.worker, audit);
      break;
    }
    case "skipped":
      audit.push({ ...base, action: "event.skipped", detail: { reason: s.reason, ...(s.ignoredVersion === undefined ? {} : { ignoredVersion: s.ignoredVersion }) } });
      break;
    case "release":
      break;
  }
  return true;
}
