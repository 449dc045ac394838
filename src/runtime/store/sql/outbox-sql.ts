/** The outbox role over SQL: leasing ready deliveries in order, and settling them, fenced by their lease tokens and audited. */
import { closeDeliveredIssues } from "./replay-sql.ts";
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import { markDelivered, SETTLED_LAPSES } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { Claim } from "../roles/inbox.ts";
import type { ClaimedDelivery, DeliverySettlement, OutboxStore } from "../roles/outbox.ts";
import type { IncomingEvent } from "../roles/inbox.ts";
import { acceptIn } from "./accept-sql.ts";
import type { SqlContext } from "./context.ts";
import { openIssue } from "./issues-sql.ts";
import { type DeliveredPosting, recordDeliveredPostings } from "./postings-sql.ts";
import { columns, deliveryOf } from "./rows.ts";
import { recordXrefs, type XrefRow } from "./xrefs.ts";
import { type WriteBackRow, writeBacksIn } from "./state-sql.ts";

type Delivered = Extract<DeliverySettlement, { outcome: "delivered" }>;

/**
 * Leases ready deliveries, at most one per ordering key and system, oldest first; a delivery that
 * waits behind another of its event (`after_step`) only once that one is delivered.
 */
function claimDeliveries(cx: SqlContext, claim: Claim): Promise<ClaimedDelivery[]> {
  return cx.db.transaction(async (sql) => {
    await cx.recover(sql, claim.now);
    const rows = await sql.all(
      `UPDATE outbox SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_until = ?
       WHERE id IN (
         SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.available_at <= ?
           AND (o.order_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM outbox p WHERE p.order_key = o.order_key AND p.id < o.id AND p.status IN ('pending', 'processing')))
           AND (o.after_step IS NULL OR EXISTS (
             SELECT 1 FROM outbox a WHERE a.event_id = o.event_id AND a.step = o.after_step AND a.status = 'delivered'))
         ORDER BY o.id LIMIT ?${cx.skipLocked})
       RETURNING id, event_id, route, step, system, operation, idem_key, body, params, trace_id, attempts, attempts - lapses AS tries, lapsed_from, xref`,
      [claim.worker, claim.now + claim.leaseMs, claim.now, claim.limit],
    );
    return rows.map(deliveryOf).sort((a, b) => a.id - b.id);
  });
}

/** Settles leased deliveries; each result is false when the fencing token was stale. */
function settleDeliveries(cx: SqlContext, settlements: readonly DeliverySettlement[]): Promise<boolean[]> {
  return cx.db.transaction(async (sql) => {
    const audit: PendingAudit[] = [];
    const held = new Set<DeliverySettlement>();
    const delivered = settlements.filter((s): s is Delivered => s.outcome === "delivered");
    if (delivered.length > 0) {
      const now = (delivered[0] as Delivered).now;
      const rows = await markDelivered(sql, delivered.map((s) => ({ deliveryId: s.deliveryId, attempt: s.attempt, targetId: s.targetId ?? null })), now);
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      const xrefs: XrefRow[] = [];
      const postings: DeliveredPosting[] = [];
      const writeBacks: WriteBackRow[] = [];
      const emits: IncomingEvent[] = [];
      for (const s of delivered) {
        const row = byId.get(s.deliveryId);
        if (row === undefined) continue;
        held.add(s);
        const c = columns("outbox", row);
        const xref = c.optionalJson<{ entity: string; fromSystem: string; fromId: string }>("xref");
        recordDelivered(audit, xrefs, s, { system: row.system, operation: row.operation, traceId: row.trace_id, xref, tries: Number(row.tries) });
        // Only a versioned record's delivery leaves a posting, and only it needs its body read back.
        const posting = c.optionalJson<DeliveredPosting["posting"]>("posting");
        if (posting !== null) postings.push({ route: row.route, system: row.system, posting, body: c.json<unknown>("body"), targetId: row.target_id, traceId: row.trace_id });
        if (s.writeBack !== undefined) writeBacks.push({ ...s.writeBack, from: `${row.system}.${row.operation}`, traceId: row.trace_id, now: s.now });
        if (s.emits !== undefined) emits.push(...s.emits);
      }
      await recordXrefs(sql, cx.engine, xrefs, now);
      // A delivered delivery lets the next one of its ordering key, or of its event, be leased by any worker.
      if (held.size > 0) sql.ready?.("deliveries");
      if (writeBacks.length > 0) await writeBacksIn(sql, cx.engine, writeBacks, audit);
      // What the write-backs announce enters the inbox as offered events do, in this transaction.
      if (emits.length > 0) await acceptIn(cx, sql, audit, emits, now, (delivered[0] as Delivered).worker);
      await recordDeliveredPostings(cx, sql, audit, postings, now, (delivered[0] as Delivered).worker);
      audit.push(...(await closeDeliveredIssues(sql, rows.map((r) => ({ id: Number(r.id), traceId: r.trace_id })), now, (delivered[0] as Delivered).worker)));
    }
    for (const s of settlements) if (s.outcome !== "delivered" && (await settleDelivery(sql, audit, s))) held.add(s);
    await appendAudit(sql, cx.engine, audit);
    return settlements.map((s) => held.has(s));
  });
}

/** Settles one delivery that was not delivered: retry later, dead letter, or exception. */
export async function settleDelivery(sql: Sql, audit: PendingAudit[], s: Exclude<DeliverySettlement, { outcome: "delivered" }>): Promise<boolean> {
  const status = { retry: "pending", dead: "dead", exception: "exception" }[s.outcome];
  const [found] = await sql.all(
    `UPDATE outbox SET status = ?, lease_owner = NULL, lease_until = NULL, available_at = ?, last_error = ?,
       attempts = attempts - ?, ${SETTLED_LAPSES}
     WHERE id = ? AND attempts = ? AND status IN ('processing', 'pending')
     RETURNING event_id, route, system, operation, body, trace_id, xref, attempts - lapses AS tries`,
    [
      status,
      s.outcome === "retry" ? s.availableAt : s.now,
      s.outcome === "retry" ? s.error : s.issue.reason,
      s.outcome === "retry" && s.refund === true ? 1 : 0,
      s.deliveryId,
      s.attempt,
    ],
  );
  if (found === undefined) return false;
  const row = columns("outbox", found);
  const traceId = row.text("trace_id");
  const base = { at: s.now, actor: s.worker, subject: `delivery:${s.deliveryId}`, traceId };
  const target = `${row.text("system")}.${row.text("operation")}`;
  switch (s.outcome) {
    case "retry":
      if (s.refund === true) break;
      audit.push({ ...base, action: "delivery.retry", detail: { target, error: s.error, attempt: row.int("tries"), availableAt: s.availableAt } });
      break;
    case "dead":
    case "exception": {
      const kind = s.outcome === "dead" ? "dead-letter" : "exception";
      audit.push({ ...base, action: `delivery.${s.outcome}`, detail: { target, reason: s.issue.reason } });
      const at = { route: row.text("route"), eventId: row.int("event_id"), deliveryId: s.deliveryId, attempts: row.int("tries"), payload: row.text("body"), now: s.now, traceId, actor: s.worker };
      await openIssue(sql, audit, kind, s.issue, at);
      break;
    }
  }
  return true;
}

/** The audit row of a delivered delivery, and the cross-reference it creates (both in one row). */
export function recordDelivered(
  audit: PendingAudit[],
  xrefs: XrefRow[],
  s: Delivered,
  row: { system: string; operation: string; traceId: string; xref: { entity: string; fromSystem: string; fromId: string } | null; tries: number },
): void {
  const { xref } = row;
  const toId = s.targetId ?? xref?.fromId;
  const recorded = xref === null ? {} : { xref: { entity: xref.entity, fromSystem: xref.fromSystem, fromId: xref.fromId, toId } };
  const detail = { target: `${row.system}.${row.operation}`, status: s.status, attempt: row.tries, ...recorded };
  audit.push({ at: s.now, actor: s.worker, subject: `delivery:${s.deliveryId}`, traceId: row.traceId, action: "delivery.delivered", detail });
  if (xref !== null) xrefs.push({ ...xref, toSystem: row.system, toId: toId as string });
}

/** The outbox role over `cx`. */
export function sqlOutbox(cx: SqlContext): OutboxStore {
  return {
    claimDeliveries: (claim) => claimDeliveries(cx, claim),
    settleDeliveries: (settlements) => settleDeliveries(cx, settlements),
  };
}
