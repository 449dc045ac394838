/**
 * The store's hot paths as set-at-a-time SQL: many events inserted by one statement, many
 * routed events and delivered deliveries settled by one statement each. The fencing check stays
 * per row (`id` and `attempts` both match), so batching changes the cost, not the semantics.
 * Parameters are cast where they meet BIGINT columns, so PostgreSQL types them without guessing.
 */
import { canonicalJson, sha256 } from "./canonical-json.ts";
import type { Sql } from "./database.ts";
import type { Handoff, IncomingEvent, LeasedDelivery, NewDelivery, RouteTargets } from "./store.ts";

type Engine = "sqlite" | "postgres";

/** Rows per statement: well under both engines' parameter limits. */
export const CHUNK = 50;

/** Splits a list into chunks of `size`. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A statement over a number of rows, built once for each number: the same text every time, so the
 * connection finds its prepared statement without reading a new string of several kilobytes.
 */
export function perRows(build: (values: (row: string) => string) => string): (rows: number) => string {
  const built = new Map<number, string>();
  return (rows) => {
    let text = built.get(rows);
    if (text === undefined) {
      text = build((row) => Array.from({ length: rows }, () => row).join(", "));
      built.set(rows, text);
    }
    return text;
  };
}

/** An event ready to insert, with its serialised payload and hash. */
export interface PreparedEvent {
  event: IncomingEvent;
  payload: string;
  hash: string;
}

/** Serialises and hashes events once. */
export function prepareEvents(events: readonly IncomingEvent[]): PreparedEvent[] {
  return events.map((event) => ({
    event,
    payload: event.serialized?.json ?? JSON.stringify(event.payload ?? null),
    hash: event.serialized?.hash ?? payloadHash(event.payload),
  }));
}

/** The hash that tells a repeated payload from a different one: over its canonical JSON. */
export function payloadHash(payload: unknown): string {
  return sha256(canonicalJson(payload ?? null));
}

const OPEN_KEYS = {
  events: perRows((values) => `SELECT DISTINCT ordering_key AS key FROM events WHERE ordering_key IN (${values("?")}) AND status IN ('pending', 'processing', 'waiting')`),
  outbox: perRows((values) => `SELECT DISTINCT order_key AS key FROM outbox WHERE order_key IN (${values("?")}) AND status IN ('pending', 'processing')`),
};

/** The keys among `keys` that have open rows in `table` (work not yet finished under that ordering key). */
async function openKeys(sql: Sql, table: "events" | "outbox", keys: ReadonlySet<string>): Promise<Set<string>> {
  const open = new Set<string>();
  for (const chunk of chunks([...keys], 200)) {
    const rows = await sql.all<{ key: string }>(OPEN_KEYS[table](chunk.length), chunk);
    for (const row of rows) open.add(row.key);
  }
  return open;
}

/**
 * Which of `keys` (ordering keys, null when unordered), in order, may be leased by handoff: at
 * most `limit`, none whose key has open work or an earlier row in the same batch. A row marked in
 * `held` is never picked, but its key counts as taken by it.
 */
async function handoffPicks(
  sql: Sql,
  engine: Engine,
  table: "events" | "outbox",
  keys: readonly (string | null)[],
  limit: number,
  held?: readonly boolean[],
): Promise<boolean[]> {
  const picks = keys.map(() => false);
  if (limit <= 0) return picks;
  const ordered = [...new Set(keys.filter((k): k is string => k !== null))];
  if (engine === "postgres" && ordered.length > 0) {
    // Workers write concurrently on PostgreSQL, and a transaction does not see another's new rows
    // until it commits: each ordering key is locked for the rest of the transaction first, so two
    // workers never both take a key as free. Locks are taken in hash order, so they cannot deadlock.
    await sql.all(
      "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(CAST(? AS TEXT[])) AS k ORDER BY h) AS sorted",
      [ordered],
    );
  }
  const taken = await openKeys(sql, table, new Set(ordered));
  let count = 0;
  for (const [i, key] of keys.entries()) {
    if (held?.[i] === true) {
      if (key !== null) taken.add(key);
      continue;
    }
    if (count >= limit) break;
    if (key !== null) {
      if (taken.has(key)) continue;
      taken.add(key);
    }
    picks[i] = true;
    count += 1;
  }
  return picks;
}

/** The outbox order key of a delivery: its event's ordering key and the target system. */
export const deliveryOrderKey = (orderingKey: string | null, system: string): string | null => (orderingKey === null ? null : `${orderingKey}|${system}`);

const OWN_OPEN = perRows((values) => `SELECT DISTINCT event_id AS id FROM outbox WHERE event_id IN (${values("CAST(? AS BIGINT)")}) AND status IN ('pending', 'processing')`);

/**
 * Which of the leased events are free (`ClaimedEvent.free`): none of their own deliveries is still
 * open (an event routed again, by a replay or a retry, may have some), nor any under their ordering
 * key to any of their route's targets. Events of one ordering key are leased one at a time, so
 * under it only an earlier event's deliveries can be open, or those of an event replayed. Events
 * inserted in this transaction (`fresh`) have no deliveries of their own yet.
 */
export async function freeEvents(
  sql: Sql,
  events: readonly { id: number; route: string; orderingKey: string | null }[],
  targets: RouteTargets,
  fresh = false,
): Promise<Set<number>> {
  const keysOf = new Map(events.map((e) => [e.id, (targets[e.route] ?? []).map((system) => deliveryOrderKey(e.orderingKey, system)).filter((k): k is string => k !== null)]));
  const keys = new Set([...keysOf.values()].flat());
  const open = keys.size === 0 ? keys : await openKeys(sql, "outbox", keys);
  const busy = new Set<number>();
  for (const chunk of fresh ? [] : chunks(events.map((e) => e.id), 200)) {
    for (const row of await sql.all<{ id: number }>(OWN_OPEN(chunk.length), chunk)) busy.add(Number(row.id));
  }
  const free = new Set<number>();
  for (const e of events) if (!busy.has(e.id) && !(keysOf.get(e.id) ?? []).some((k) => open.has(k))) free.add(e.id);
  return free;
}

/** The lease columns of a new row: leased to the handoff's worker, or pending. */
function leaseColumns(leased: boolean, handoff: Handoff | undefined, now: number): unknown[] {
  return leased && handoff !== undefined ? ["processing", 1, handoff.worker, now + handoff.leaseMs] : ["pending", 0, null, null];
}

const INSERT_EVENTS = perRows(
  (values) => `INSERT INTO events (route, idem_key, payload_hash, payload, source, trace_id, ordering_key, received_at, available_at, status, attempts, lease_owner, lease_until)
   VALUES ${values("(?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT), ?, CAST(? AS INTEGER), ?, CAST(? AS BIGINT))")}
   ON CONFLICT (route, idem_key) DO NOTHING RETURNING id, route, idem_key, status, ordering_key`,
);

/**
 * Inserts events that are new; returns the ids of those inserted, by `route\0key`, and which of
 * those were leased by handoff.
 */
export async function insertEvents(
  sql: Sql,
  engine: Engine,
  events: readonly PreparedEvent[],
  now: number,
  handoff?: Handoff,
): Promise<{ inserted: Map<string, number>; leased: Set<number>; free: Set<number> }> {
  const inserted = new Map<string, number>();
  const leased = new Set<number>();
  const leasedRows: { id: number; route: string; orderingKey: string | null }[] = [];
  const picks = handoff === undefined ? events.map(() => false) : await handoffPicks(sql, engine, "events", events.map((e) => e.event.orderingKey ?? null), handoff.limit);
  for (const [c, chunk] of chunks(events).entries()) {
    const params: unknown[] = [];
    chunk.forEach(({ event, payload, hash }, i) => {
      const lease = leaseColumns(picks[c * CHUNK + i] === true, handoff, now);
      params.push(event.route, event.key, hash, payload, event.source, event.traceId, event.orderingKey ?? null, now, now, ...lease);
    });
    const rows = await sql.all<{ id: number; route: string; idem_key: string; status: string; ordering_key: string | null }>(INSERT_EVENTS(chunk.length), params);
    for (const row of rows) {
      inserted.set(`${row.route}\u0000${row.idem_key}`, Number(row.id));
      if (row.status !== "processing") continue;
      leased.add(Number(row.id));
      leasedRows.push({ id: Number(row.id), route: row.route, orderingKey: row.ordering_key });
    }
  }
  const free = handoff?.targets === undefined || leasedRows.length === 0 ? new Set<number>() : await freeEvents(sql, leasedRows, handoff.targets, true);
  return { inserted, leased, free };
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

const MARK_ROUTED = perRows(
  (values) => `UPDATE events SET status = 'routed', lease_owner = NULL, lease_until = NULL, available_at = CAST(? AS BIGINT),
     wait_entity = NULL, wait_system = NULL, wait_key = NULL
   WHERE status = 'processing' AND (id, attempts) IN (VALUES ${values("(CAST(? AS BIGINT), CAST(? AS INTEGER))")})
   RETURNING id, route, ordering_key, trace_id`,
);

/** Marks leased events routed where the fencing token holds; returns the rows that were. */
export async function markRouted(sql: Sql, settlements: readonly RoutedSettlement[], now: number): Promise<RoutedRow[]> {
  const out: RoutedRow[] = [];
  for (const chunk of chunks(settlements)) {
    const params: unknown[] = [now];
    for (const s of chunk) params.push(s.eventId, s.attempt);
    const rows = await sql.all<RoutedRow>(MARK_ROUTED(chunk.length), params);
    out.push(...rows);
  }
  return out;
}

const INSERT_DELIVERIES = perRows(
  (values) => `INSERT INTO outbox (event_id, route, step, system, operation, idem_key, body, trace_id, order_key, available_at, xref, params, posting, after_step,
     status, attempts, lease_owner, lease_until, target_id, delivered_at)
   VALUES ${values("(CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), ?, ?, ?, ?, ?, CAST(? AS INTEGER), ?, CAST(? AS BIGINT), ?, CAST(? AS BIGINT))")}
   ON CONFLICT (event_id, step) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, lease_owner = excluded.lease_owner,
     lease_until = excluded.lease_until, available_at = excluded.available_at, body = excluded.body, params = excluded.params,
     idem_key = excluded.idem_key, posting = excluded.posting, after_step = excluded.after_step, last_error = NULL, order_key = excluded.order_key, lapses = 0, lapsed_from = NULL,
     target_id = COALESCE(excluded.target_id, outbox.target_id), delivered_at = COALESCE(excluded.delivered_at, outbox.delivered_at)
   WHERE outbox.status NOT IN ('pending', 'processing')
   RETURNING id, event_id, step, status`,
);

/** A delivery made as its event was routed, with the id of the row that now records it. */
export interface AttemptedRow {
  deliveryId: number;
  event: RoutedRow;
  delivery: NewDelivery & { attempted: NonNullable<NewDelivery["attempted"]> };
}

/**
 * The status and lease columns of a new row, then its target id and delivery time. A delivery
 * already made is written delivered; one that failed is written leased to `worker` as attempt 1,
 * for the caller to settle in the same transaction with the failure's own rules.
 */
function outboxColumns(d: NewDelivery, leased: boolean, handoff: Handoff | undefined, worker: string, now: number): unknown[] {
  const attempted = d.attempted;
  if (attempted === undefined) return [...leaseColumns(leased, handoff, now), null, null];
  if (attempted.outcome === "delivered") return ["delivered", 1, null, null, attempted.targetId ?? null, attempted.now];
  return ["processing", 1, worker, now, null, null];
}

/**
 * Writes outbox rows; a replayed event's rows that already finished are set back to pending.
 * Returns the rows leased by handoff, and the rows of deliveries already attempted. A row still
 * open from an earlier run of the event keeps its state. An event with such a row is not free, so
 * none of its deliveries is attempted as it is routed, unless a person retried the row in the
 * moment between its lease and its settlement: that attempt is then not recorded on the row.
 */
export async function insertDeliveries(
  sql: Sql,
  engine: Engine,
  rows: readonly { event: RoutedRow; delivery: NewDelivery }[],
  now: number,
  worker: string,
  handoff?: Handoff,
): Promise<{ leased: LeasedDelivery[]; attempted: AttemptedRow[] }> {
  // A delivery already made is not leased; one that failed keeps its order key taken, so a later
  // step to the same system is not handed off ahead of it. Nor is one that waits behind another
  // delivery of its event (`after`): the outbox leases it once that one is delivered.
  const keys = rows.map((r) => (r.delivery.attempted?.outcome === "delivered" ? null : deliveryOrderKey(r.event.ordering_key, r.delivery.system)));
  const held = rows.map((r) => r.delivery.attempted !== undefined || r.delivery.after !== undefined);
  const picks = handoff === undefined ? rows.map(() => false) : await handoffPicks(sql, engine, "outbox", keys, handoff.limit, held);
  const leased: LeasedDelivery[] = [];
  const attempted: AttemptedRow[] = [];
  for (const [c, chunk] of chunks(rows).entries()) {
    const params: unknown[] = [];
    const byStep = new Map<string, { event: RoutedRow; delivery: NewDelivery }>();
    for (const [i, row] of chunk.entries()) {
      const { event, delivery: d } = row;
      if (d.attempted !== undefined) byStep.set(`${event.id}\u0000${d.step}`, row);
      params.push(
        event.id,
        event.route,
        d.step,
        d.system,
        d.operation,
        d.idempotencyKey,
        d.bodyJson ?? JSON.stringify(d.body ?? null),
        event.trace_id,
        deliveryOrderKey(event.ordering_key, d.system),
        now,
        d.xref === undefined ? null : JSON.stringify(d.xref),
        d.params === undefined ? null : JSON.stringify(d.params),
        d.posting === undefined ? null : JSON.stringify(d.posting),
        d.after ?? null,
        ...outboxColumns(d, picks[c * CHUNK + i] === true, handoff, worker, now),
      );
    }
    const written = await sql.all<{ id: number; event_id: number; step: string; status: string }>(INSERT_DELIVERIES(chunk.length), params);
    for (const row of written) {
      const made = byStep.get(`${row.event_id}\u0000${row.step}`);
      if (made !== undefined) attempted.push({ deliveryId: Number(row.id), event: made.event, delivery: made.delivery as AttemptedRow["delivery"] });
      else if (row.status === "processing") leased.push({ eventId: Number(row.event_id), step: row.step, deliveryId: Number(row.id) });
      else if (row.status === "pending") sql.ready?.("deliveries");
    }
  }
  return { leased, attempted };
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
  route: string;
  body: string;
  /** The versioned record the delivery posted (`NewDelivery.posting`), as JSON. */
  posting: string | null;
  /** The attempts that counted, this one included (`ClaimedDelivery.tries`). */
  tries: number;
}

/**
 * How a settlement leaves a delivery's lapsed leases. A settlement holds while its fencing token
 * does: also on a row whose lease ran out and was swept back to pending (`lapses` counted it), if
 * no later lease was taken since. Its attempt did end, so that lapse is taken back.
 */
export const SETTLED_LAPSES = "lapses = lapses - CASE WHEN status = 'pending' THEN 1 ELSE 0 END, lapsed_from = NULL";

const MARK_DELIVERED = perRows(
  (values) => `UPDATE outbox SET status = 'delivered', lease_owner = NULL, lease_until = NULL, available_at = CAST(? AS BIGINT),
     last_error = NULL, delivered_at = CAST(? AS BIGINT), target_id = v.column3, ${SETTLED_LAPSES}
   FROM (VALUES ${values("(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT))")}) AS v
   WHERE outbox.id = v.column1 AND outbox.attempts = v.column2 AND outbox.status IN ('processing', 'pending')
   RETURNING outbox.id, outbox.system, outbox.operation, outbox.trace_id, outbox.xref, outbox.target_id, outbox.route, outbox.body, outbox.posting, outbox.attempts - outbox.lapses AS tries`,
);

/** Marks leased deliveries delivered where the fencing token holds. */
export async function markDelivered(sql: Sql, settlements: readonly DeliveredSettlement[], now: number): Promise<DeliveredRow[]> {
  const out: DeliveredRow[] = [];
  for (const chunk of chunks(settlements)) {
    const params: unknown[] = [now, now];
    for (const s of chunk) params.push(s.deliveryId, s.attempt, s.targetId);
    const rows = await sql.all<DeliveredRow>(MARK_DELIVERED(chunk.length), params);
    out.push(...rows);
  }
  return out;
}
