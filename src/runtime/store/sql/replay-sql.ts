/** Replays over SQL (roles/replay.ts): the plan event by event, carrying it out, its audit row, and closing what replayed deliveries settle. */
import type { PendingAudit } from "../audit-log.ts";
import { chunks, perRows } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { ReplayDelivery, ReplayItem, ReplayRequest } from "../roles/replay.ts";

const STATUSES = "('routed', 'skipped', 'exception', 'rejected')";
const IN_RANGE = `e.route = ? AND e.received_at >= ? AND e.received_at < ? AND e.status IN ${STATUSES}`;
const STOPPED = new Set(["dead", "exception"]);
const MOVING = new Set(["pending", "processing"]);

/** The decision for one event, from its status, its deliveries and whether a person skipped one of its issues. */
function decide(status: string, deliveries: ReplayDelivery[], skippedIssue: number | undefined, force: boolean): Pick<ReplayItem, "action" | "reason" | "deliveries"> {
  if (force) return { action: "route-again", reason: "forced: routed again under the same idempotency keys", deliveries };
  if (skippedIssue !== undefined) return { action: "leave", reason: `a person skipped it (issue ${skippedIssue}); --force replays it`, deliveries };
  if (status === "exception") return { action: "route-again", reason: "it stopped before a request was sent", deliveries };
  if (status === "rejected") return { action: "route-again", reason: "it was rejected; it is checked again", deliveries };
  if (status === "skipped") return { action: "route-again", reason: "its trigger's condition did not hold; it is checked again", deliveries };
  const stopped = deliveries.filter((d) => STOPPED.has(d.status));
  if (stopped.length > 0) return { action: "resend", reason: `${stopped.length} of its deliveries stopped`, deliveries: stopped };
  if (deliveries.some((d) => MOVING.has(d.status))) return { action: "leave", reason: "it is still being delivered", deliveries };
  return { action: "leave", reason: "already delivered; --force sends it again", deliveries };
}

/** Decides, event by event, what a replay of the range does. */
export async function planReplay(sql: Sql, request: ReplayRequest): Promise<ReplayItem[]> {
  const range = [request.route, request.from, request.to];
  const events = await sql.all<{ id: number; idem_key: string; received_at: number; status: string }>(
    `SELECT e.id, e.idem_key, e.received_at, e.status FROM events e WHERE ${IN_RANGE} ORDER BY e.id`,
    range,
  );
  if (events.length === 0) return [];
  const deliveries = await sql.all<{ id: number; event_id: number; system: string; operation: string; status: string }>(
    `SELECT o.id, o.event_id, o.system, o.operation, o.status FROM outbox o JOIN events e ON e.id = o.event_id WHERE ${IN_RANGE} ORDER BY o.id`,
    range,
  );
  const skipped = await sql.all<{ id: number; event_id: number }>(
    `SELECT i.id, i.event_id FROM issues i JOIN events e ON e.id = i.event_id WHERE i.status = 'skipped' AND ${IN_RANGE} ORDER BY i.id`,
    range,
  );
  const byEvent = new Map<number, ReplayDelivery[]>();
  for (const d of deliveries) {
    const list = byEvent.get(Number(d.event_id)) ?? [];
    list.push({ id: Number(d.id), system: d.system, operation: d.operation, status: d.status });
    byEvent.set(Number(d.event_id), list);
  }
  const skippedBy = new Map<number, number>();
  for (const s of skipped) if (!skippedBy.has(Number(s.event_id))) skippedBy.set(Number(s.event_id), Number(s.id));
  return events.map((e) => ({
    eventId: Number(e.id),
    key: e.idem_key,
    receivedAt: Number(e.received_at),
    ...decide(e.status, byEvent.get(Number(e.id)) ?? [], skippedBy.get(Number(e.id)), request.force === true),
  }));
}

const ROUTE_AGAIN = perRows(
  (values) => `UPDATE events SET status = 'pending', available_at = ?, wait_until = NULL WHERE id IN (${values("?")}) AND status IN ${STATUSES}`,
);
const RESEND = perRows(
  (values) =>
    `UPDATE outbox SET status = 'pending', attempts = 0, lapses = 0, lapsed_from = NULL, available_at = ?, last_error = NULL WHERE id IN (${values("?")}) AND status IN ('dead', 'exception')`,
);

/** Carries out a plan: events routed again, stopped deliveries sent again; returns how many events it replayed. */
export async function applyReplay(sql: Sql, items: readonly ReplayItem[], now: number): Promise<number> {
  const again = items.filter((i) => i.action === "route-again").map((i) => i.eventId);
  const resend = items.filter((i) => i.action === "resend").flatMap((i) => i.deliveries.map((d) => d.id));
  for (const chunk of chunks(again)) await sql.run(ROUTE_AGAIN(chunk.length), [now, ...chunk]);
  for (const chunk of chunks(resend)) await sql.run(RESEND(chunk.length), [now, ...chunk]);
  if (again.length > 0) sql.ready?.("events");
  if (resend.length > 0) sql.ready?.("deliveries");
  return items.filter((i) => i.action !== "leave").length;
}

/** The audit row of a replay: the range, why, and what it did. */
export function replayAudit(request: ReplayRequest, items: readonly ReplayItem[]): PendingAudit {
  const count = (action: ReplayItem["action"]) => items.filter((i) => i.action === action).length;
  return {
    at: request.now,
    actor: request.who,
    action: "replay.requested",
    subject: `route:${request.route}`,
    traceId: null,
    detail: {
      from: request.from,
      to: request.to,
      why: request.why,
      force: request.force === true,
      events: count("route-again") + count("resend"),
      routedAgain: count("route-again"),
      resent: count("resend"),
      left: count("leave"),
    },
  };
}

const CLOSE_DELIVERED = perRows(
  (values) =>
    `UPDATE issues SET status = 'closed', resolved_by = ?, resolution = ?, resolved_at = ? WHERE status = 'open' AND delivery_id IN (${values("?")}) RETURNING id, kind, delivery_id`,
);

/**
 * Closes the open dead letters and exceptions of deliveries that have now been delivered (sent
 * again by a replay or a retry of the event), each with its audit row.
 */
export async function closeDeliveredIssues(sql: Sql, deliveries: readonly { id: number; traceId: string | null }[], now: number, actor: string): Promise<PendingAudit[]> {
  const audit: PendingAudit[] = [];
  const traces = new Map(deliveries.map((d) => [d.id, d.traceId]));
  for (const chunk of chunks(deliveries.map((d) => d.id))) {
    const closed = await sql.all<{ id: number; kind: string; delivery_id: number }>(CLOSE_DELIVERED(chunk.length), [actor, "its delivery was delivered", now, ...chunk]);
    for (const row of closed) {
      audit.push({
        at: now,
        actor,
        action: "issue.closed",
        subject: `issue:${row.id}`,
        traceId: traces.get(Number(row.delivery_id)) ?? null,
        detail: { kind: row.kind, delivery: Number(row.delivery_id), why: "its delivery was delivered" },
      });
    }
  }
  return audit;
}
