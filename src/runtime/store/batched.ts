/**
 * The store's hot paths as set-at-a-time SQL: many events inserted by one statement, many
 * routed events and delivered deliveries settled by one statement each. The fencing check stays
 * per row (`id` and `attempts` both match), so batching changes the cost, not the semantics.
 * Parameters are cast where they meet BIGINT columns, so PostgreSQL types them without guessing.
 */
import { canonicalJson, sha256 } from "./canonical-json.ts";
import type { Sql } from "./database.ts";
import type { IncomingEvent, NewDelivery } from "./store.ts";

/** Rows per statement: well under both engines' parameter limits. */
export const CHUNK = 50;

/** Splits a list into chunks of `size`. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An event ready to insert, with its serialised payload and hash. */
export interface PreparedEvent {
  event: IncomingEvent;
  payload: string;
  hash: string;
}

/** Serialises and hashes events once. */
export function prepareEvents(events: readonly IncomingEvent[]): PreparedEvent[] {
  return events.map((event) => ({ event, payload: JSON.stringify(event.payload), hash: sha256(canonicalJson(event.payload)) }));
}

/** Inserts events that are new; returns the ids of those inserted, by `route\0key`. */
export async function insertEvents(sql: Sql, events: readonly PreparedEvent[], now: number): Promise<Map<string, number>> {
  const inserted = new Map<string, number>();
  for (const chunk of chunks(events)) {
    const params: unknown[] = [];
    for (const { event, payload, hash } of chunk) {
      params.push(event.route, event.key, hash, payload, event.source, event.traceId, event.orderingKey ?? null, now, now);
    }
    const values = chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), 'pending', CAST(? AS BIGINT))").join(", ");
    const rows = await sql.all<{ id: number; route: string; idem_key: string }>(
      `INSERT INTO events (route, idem_key, payload_hash, payload, source, trace_id, ordering_key, received_at, status, available_at)
       VALUES ${values} ON CONFLICT (route, idem_key) DO NOTHING RETURNING id, route, idem_key`,
      params,
    );
    for (const row of rows) inserted.set(`${row.route}\u0000${row.idem_key}`, Number(row.id));
  }
  return inserted;
}

/** A leased event to settle as routed. */
export interface RoutedSettlement {
  eventId: number;
  attempt: number;
  deliveries: readonly NewDelivery[];
}

/** The fenced rows that were routed, with what the outbox rows need. */
export interface RoutedRow {
  id: number;
  route: string;
  ordering_key: string | null;
  trace_id: string;
}

/** Marks leased events routed where the fencing token holds; returns the rows that were. */
export async function markRouted(sql: Sql, settlements: readonly RoutedSettlement[], now: number): Promise<RoutedRow[]> {
  const out: RoutedRow[] = [];
  for (const chunk of chunks(settlements)) {
    const params: unknown[] = [now];
    for (const s of chunk) params.push(s.eventId, s.attempt);
    const values = chunk.map(() => "(CAST(? AS BIGINT), CAST(? AS INTEGER))").join(", ");
    const rows = await sql.all<RoutedRow>(
      `UPDATE events SET status = 'routed', lease_owner = NULL, lease_until = NULL, available_at = CAST(? AS BIGINT),
         wait_entity = NULL, wait_system = NULL, wait_key = NULL
       WHERE status = 'processing' AND (id, attempts) IN (VALUES ${values})
       RETURNING id, route, ordering_key, trace_id`,
      params,
    );
    out.push(...rows);
  }
  return out;
}

/** Writes outbox rows; a replayed event's rows that already finished are set back to pending. */
export async function insertDeliveries(sql: Sql, rows: readonly { event: RoutedRow; delivery: NewDelivery }[], now: number): Promise<void> {
  for (const chunk of chunks(rows)) {
    const params: unknown[] = [];
    for (const { event, delivery: d } of chunk) {
      params.push(
        event.id,
        event.route,
        d.step,
        d.system,
        d.operation,
        d.idempotencyKey,
        JSON.stringify(d.body ?? null),
        event.trace_id,
        event.ordering_key === null ? null : `${event.ordering_key}|${d.system}`,
        now,
        d.xref === undefined ? null : JSON.stringify(d.xref),
        d.params === undefined ? null : JSON.stringify(d.params),
      );
    }
    const values = chunk.map(() => "(CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, ?, ?, 'pending', CAST(? AS BIGINT), ?, ?)").join(", ");
    await sql.run(
      `INSERT INTO outbox (event_id, route, step, system, operation, idem_key, body, trace_id, order_key, status, available_at, xref, params)
       VALUES ${values}
       ON CONFLICT (event_id, step) DO UPDATE SET status = 'pending', attempts = 0, available_at = excluded.available_at,
         body = excluded.body, params = excluded.params, idem_key = excluded.idem_key, last_error = NULL, order_key = excluded.order_key
       WHERE outbox.status NOT IN ('pending', 'processing')`,
      params,
    );
  }
}

/** A leased delivery to settle as delivered. */
export interface DeliveredSettlement {
  deliveryId: number;
  attempt: number;
  targetId: string | null;
}

/** The fenced rows that were delivered. */
export interface DeliveredRow {
  id: number;
  system: string;
  operation: string;
  trace_id: string;
  xref: string | null;
  target_id: string | null;
}

/** Marks leased deliveries delivered where the fencing token holds. */
export async function markDelivered(sql: Sql, settlements: readonly DeliveredSettlement[], now: number): Promise<DeliveredRow[]> {
  const out: DeliveredRow[] = [];
  for (const chunk of chunks(settlements)) {
    const params: unknown[] = [now, now];
    for (const s of chunk) params.push(s.deliveryId, s.attempt, s.targetId);
    const values = chunk.map(() => "(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT))").join(", ");
    const rows = await sql.all<DeliveredRow>(
      `UPDATE outbox SET status = 'delivered', lease_owner = NULL, lease_until = NULL, available_at = CAST(? AS BIGINT),
         last_error = NULL, delivered_at = CAST(? AS BIGINT), target_id = v.column3
       FROM (VALUES ${values}) AS v
       WHERE outbox.id = v.column1 AND outbox.attempts = v.column2 AND outbox.status = 'processing'
       RETURNING outbox.id, outbox.system, outbox.operation, outbox.trace_id, outbox.xref, outbox.target_id`,
      params,
    );
    out.push(...rows);
  }
  return out;
}

/** A cross-reference to record. */
export interface XrefRow {
  entity: string;
  fromSystem: string;
  fromId: string;
  toSystem: string;
  toId: string;
}

/** Records cross-references (the last of duplicates wins) and wakes the events waiting for them. */
export async function recordXrefs(sql: Sql, xrefs: readonly XrefRow[], now: number): Promise<void> {
  const unique = new Map<string, XrefRow>();
  for (const x of xrefs) unique.set(`${x.entity}\u0000${x.toSystem}\u0000${x.fromId}\u0000${x.fromSystem}`, x);
  for (const chunk of chunks([...unique.values()])) {
    const params = chunk.flatMap((x) => [x.entity, x.fromSystem, x.fromId, x.toSystem, x.toId]);
    await sql.run(
      `INSERT INTO xref (entity, from_system, from_id, to_system, to_id) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (entity, to_system, from_id, from_system) DO UPDATE SET to_id = excluded.to_id`,
      params,
    );
    const keys = chunk.flatMap((x) => [x.entity, x.toSystem, x.fromId]);
    await sql.run(
      `UPDATE events SET status = 'pending', available_at = CAST(? AS BIGINT)
       WHERE status = 'waiting' AND (wait_entity, wait_system, wait_key) IN (VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")})`,
      [now, ...keys],
    );
  }
}
