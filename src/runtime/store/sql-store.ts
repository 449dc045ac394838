/**
 * The store contract implemented once over the SQL surface of `database.ts`; the SQLite and
 * PostgreSQL factories only open a connection and create the tables.
 */
import { IssueStateError } from "../errors.ts";
import { appendAudit, auditEntry, type PendingAudit, verifyAuditChain } from "./audit-log.ts";
import {
  type AttemptedRow,
  freeEvents,
  insertDeliveries,
  insertEvents,
  markDelivered,
  markRouted,
  payloadHash,
  prepareEvents,
  lockDependencies,
  recordXrefs,
  renewLeases,
  type RoutedRow,
  SETTLED_LAPSES,
  type XrefRow,
} from "./batched.ts";
import { GENESIS_HASH } from "./canonical-json.ts";
import type { Database, Sql } from "./database.ts";
import { ADDED_COLUMNS, ADDED_INDEXES, issuesTable, RELAXED_COLUMNS, schemaStatements } from "./schema.ts";
import { createSqlStateStore, keepRecordsIn, stateSchemaStatements } from "./sql-state-store.ts";
import { type KeptRecord, STATE_SYSTEM } from "./state-store.ts";
import type {
  AcceptOutcome,
  AuditEntry,
  ClaimedDelivery,
  ClaimedEvent,
  DeliverySettlement,
  EventSettlement,
  GapClosure,
  GapOpened,
  Handoff,
  IncomingEvent,
  Issue,
  IssueAction,
  IssueFilter,
  IssueTarget,
  LeasedDelivery,
  NewDelivery,
  NewGapIssue,
  SettledEvents,
  Store,
  StoreCounts,
} from "./store.ts";

/** Lets a column that an older store declared NOT NULL hold null, keeping every row. */
async function relaxColumn(sql: Sql, engine: "sqlite" | "postgres", table: "issues", column: string): Promise<boolean> {
  if (engine === "postgres") {
    const [found] = await sql.all<{ is_nullable: string }>(
      "SELECT is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
      [table, column],
    );
    if (found?.is_nullable !== "NO") return false;
    await sql.run(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`);
    return true;
  }
  const columns = await sql.all<{ name: string; notnull: number }>(`PRAGMA table_info(${table})`);
  if (!columns.some((c) => c.name === column && Number(c.notnull) === 1)) return false;
  // SQLite cannot drop a constraint: the rows move to a table declared as it is now, ids and all.
  const names = columns.map((c) => c.name).join(", ");
  await sql.run(issuesTable("sqlite", `${table}_relaxed`, false));
  await sql.run(`INSERT INTO ${table}_relaxed (${names}) SELECT ${names} FROM ${table}`);
  await sql.run(`DROP TABLE ${table}`);
  await sql.run(`ALTER TABLE ${table}_relaxed RENAME TO ${table}`);
  return true;
}

/** Creates the tables when missing and brings an older store's tables up to date, in one transaction. */
export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (sql) => {
    for (const statement of schemaStatements(db.engine)) await sql.run(statement);
    for (const { table, column, type } of ADDED_COLUMNS) {
      if (db.engine === "postgres") {
        await sql.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
      } else if (!(await sql.all<{ name: string }>(`PRAGMA table_info(${table})`)).some((c) => c.name === column)) {
        await sql.run(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    }
    let rebuilt = false;
    for (const { table, column } of RELAXED_COLUMNS) rebuilt = (await relaxColumn(sql, db.engine, table, column)) || rebuilt;
    // A table copied without its constraint lost its indexes: create them again.
    if (rebuilt) for (const statement of schemaStatements(db.engine)) await sql.run(statement);
    for (const statement of ADDED_INDEXES) await sql.run(statement);
    for (const statement of stateSchemaStatements()) await sql.run(statement);
    await sql.run("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING", [GENESIS_HASH]);
  });
}

/** How often expired leases and elapsed waits are swept back to pending. */
const RECOVERY_INTERVAL_MS = 200;

interface QueuedAccept {
  events: readonly IncomingEvent[];
  now: number;
  handoff: Handoff | undefined;
  resolve(outcomes: AcceptOutcome[]): void;
  reject(error: unknown): void;
}

type Row = Record<string, unknown>;

/** The actor the audit log names for changes the reconciler makes. */
const RECONCILER = "reconciler";

function issueOf(row: Row): Issue {
  const eventId = row["event_id"] === null ? null : Number(row["event_id"]);
  const deliveryId = row["delivery_id"] === null ? null : Number(row["delivery_id"]);
  const gap =
    row["reconciliation"] === null || row["reconciliation"] === undefined
      ? null
      : { reconciliation: String(row["reconciliation"]), key: String(row["gap_key"]), closedAt: row["gap_closed_at"] === null ? null : Number(row["gap_closed_at"]) };
  return {
    id: Number(row["id"]),
    kind: row["kind"] as Issue["kind"],
    queue: String(row["queue"]),
    owner: String(row["owner"]),
    route: String(row["route"]),
    eventId,
    deliveryId,
    subject: gap !== null ? `reconciliation:${gap.reconciliation}:${gap.key}` : deliveryId !== null ? `delivery:${deliveryId}` : `event:${eventId}`,
    gap,
    reason: String(row["reason"]),
    attempts: Number(row["attempts"]),
    payload: JSON.parse(String(row["payload"])) as unknown,
    createdAt: Number(row["created_at"]),
    status: row["status"] as Issue["status"],
    resolvedBy: (row["resolved_by"] as string | null) ?? null,
    resolution: (row["resolution"] as string | null) ?? null,
  };
}

/** Why a person cannot retry or edit a gap's exception, and what to do instead. */
function gapRefusal(id: number, gap: { reconciliation: string; key: string }, action: "retry" | "edit"): string {
  const verb = action === "retry" ? "retry" : "edit and replay";
  return `issue ${id} is a reconciliation gap (${gap.reconciliation} ${gap.key}), not an event: there is nothing to ${verb}. Correct the records in the systems and it closes by itself at the next reconciliation, or skip it with a reason`;
}

/** The dependencies events' settlements may record (deliveries made as they were routed) or wait for. */
function settledDependencies(settlements: readonly EventSettlement[]): { entity: string; system: string; key: string }[] {
  const out: { entity: string; system: string; key: string }[] = [];
  for (const s of settlements) {
    if (s.outcome === "waiting") out.push(s.dependency);
    if (s.outcome !== "routed") continue;
    for (const d of s.deliveries) if (d.xref !== undefined && d.attempted?.outcome === "delivered") out.push({ entity: d.xref.entity, system: d.system, key: d.xref.fromId });
    for (const r of s.records ?? []) out.push({ entity: r.entity, system: STATE_SYSTEM, key: r.key });
  }
  return out;
}

/** The contract over `db`, whose tables exist. */
export function createSqlStore(db: Database): Store {
  const engine = db.engine;
  const lock = engine === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  let queue: QueuedAccept[] = [];
  let scheduled = false;
  let lastRecovery = Number.NEGATIVE_INFINITY;

  async function openIssue(
    sql: Sql,
    audit: PendingAudit[],
    kind: Issue["kind"],
    target: IssueTarget,
    at: { route: string; eventId: number; deliveryId: number | null; attempts: number; payload: string; now: number; traceId: string | null; actor: string },
  ): Promise<number> {
    const [row] = await sql.all<{ id: number }>(
      `INSERT INTO issues (kind, queue, owner, route, event_id, delivery_id, reason, attempts, payload, created_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') RETURNING id`,
      [kind, target.queue, target.owner, at.route, at.eventId, at.deliveryId, target.reason, at.attempts, at.payload, at.now],
    );
    const id = Number(row?.id);
    audit.push({ at: at.now, actor: at.actor, action: `${kind}.opened`, subject: `issue:${id}`, traceId: at.traceId, detail: { queue: target.queue, reason: target.reason } });
    return id;
  }

  async function acceptIn(sql: Sql, audit: PendingAudit[], events: readonly IncomingEvent[], now: number, actor: string, handoff?: Handoff): Promise<AcceptOutcome[]> {
    const prepared = prepareEvents(events);
    const { inserted, leased, free } = await insertEvents(sql, engine, prepared, now, handoff);
    const outcomes: AcceptOutcome[] = [];
    for (const { event, payload, hash } of prepared) {
      const id = `${event.route}\u0000${event.key}`;
      const insertedId = inserted.get(id);
      if (insertedId !== undefined) {
        // A key repeated within the batch is accepted once; later copies are compared below.
        inserted.delete(id);
        audit.push({ at: now, actor, action: "event.accepted", subject: `event:${insertedId}`, traceId: event.traceId, detail: { route: event.route, key: event.key, source: event.source } });
        if (!leased.has(insertedId)) outcomes.push({ status: "accepted", eventId: insertedId });
        else outcomes.push(free.has(insertedId) ? { status: "accepted", eventId: insertedId, leased: true, free: true } : { status: "accepted", eventId: insertedId, leased: true });
        continue;
      }
      const [existing] = await sql.all<{ id: number; payload_hash: string }>("SELECT id, payload_hash FROM events WHERE route = ? AND idem_key = ?", [event.route, event.key]);
      const eventId = Number(existing?.id);
      if (existing?.payload_hash === hash) {
        outcomes.push({ status: "duplicate", eventId });
        continue;
      }
      const target = {
        queue: event.exceptions?.queue ?? "conflicts",
        owner: event.exceptions?.owner ?? "unassigned",
        reason: `the idempotency key ${event.key} arrived again with a different payload`,
      };
      const issueId = await openIssue(sql, audit, "exception", target, { route: event.route, eventId, deliveryId: null, attempts: 0, payload, now, traceId: event.traceId, actor });
      outcomes.push({ status: "conflict", eventId, issueId });
    }
    return outcomes;
  }

  async function flushAccepts(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const results = await db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        const out: AcceptOutcome[][] = [];
        for (const item of batch) out.push(await acceptIn(sql, audit, item.events, item.now, "intake", item.handoff));
        await appendAudit(sql, engine, audit);
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i] ?? []));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  async function recover(sql: Sql, now: number): Promise<void> {
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
  }

  async function wake(sql: Sql, entity: string, system: string, key: string, now: number): Promise<void> {
    await sql.run(
      "UPDATE events SET status = 'pending', available_at = ? WHERE status = 'waiting' AND wait_entity = ? AND wait_system = ? AND wait_key = ?",
      [now, entity, system, key],
    );
  }

  /** Records a cross-reference and wakes its waiters; audited here unless `audit` is undefined (the caller's row says it). */
  async function putXrefIn(sql: Sql, audit: PendingAudit[] | undefined, x: { entity: string; fromSystem: string; fromId: string; toSystem: string; toId: string }, now: number, traceId: string | null, actor: string) {
    await lockDependencies(sql, engine, [{ entity: x.entity, system: x.toSystem, key: x.fromId }]);
    await sql.run(
      `INSERT INTO xref (entity, from_system, from_id, to_system, to_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (entity, to_system, from_id, from_system) DO UPDATE SET to_id = excluded.to_id`,
      [x.entity, x.fromSystem, x.fromId, x.toSystem, x.toId],
    );
    await wake(sql, x.entity, x.toSystem, x.fromId, now);
    audit?.push({ at: now, actor, action: "xref.recorded", subject: `xref:${x.entity}:${x.fromSystem}:${x.fromId}`, traceId, detail: { toSystem: x.toSystem, toId: x.toId } });
  }

  async function settleEvent(sql: Sql, audit: PendingAudit[], s: Exclude<EventSettlement, { outcome: "routed" }>): Promise<boolean> {
    const status = { waiting: "waiting", exception: "exception", skipped: "skipped", release: "pending" }[s.outcome];
    const waiting = s.outcome === "waiting" ? s.dependency : undefined;
    // Taken before the event starts to wait: a recording of the dependency either commits first and
    // is seen below, or waits for this transaction and wakes the event (see `lockDependencies`).
    if (waiting !== undefined) await lockDependencies(sql, engine, [waiting]);
    const [row] = await sql.all<Row>(
      `UPDATE events SET status = ?, lease_owner = NULL, lease_until = NULL, available_at = ?,
         wait_entity = ?, wait_system = ?, wait_key = ?, wait_until = COALESCE(?, wait_until)
       WHERE id = ? AND attempts = ? AND status = 'processing'
       RETURNING route, idem_key, payload, ordering_key, trace_id, attempts`,
      [
        status,
        s.outcome === "release" ? s.availableAt : s.now,
        waiting?.entity ?? null,
        waiting?.system ?? null,
        waiting?.key ?? null,
        s.outcome === "waiting" ? s.until : null,
        s.eventId,
        s.attempt,
      ],
    );
    if (row === undefined) return false;
    const traceId = String(row["trace_id"]);
    const subject = `event:${s.eventId}`;
    const base = { at: s.now, actor: s.worker, subject, traceId };
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
        audit.push({ ...base, action: "event.exception", detail: { reason: s.issue.reason } });
        await openIssue(sql, audit, "exception", s.issue, {
          route: String(row["route"]),
          eventId: s.eventId,
          deliveryId: null,
          attempts: Number(row["attempts"]),
          payload: String(row["payload"]),
          now: s.now,
          traceId,
          actor: s.worker,
        });
        break;
      case "skipped":
        audit.push({ ...base, action: "event.skipped", detail: { reason: s.reason } });
        break;
      case "release":
        break;
    }
    return true;
  }

  async function settleDelivery(sql: Sql, audit: PendingAudit[], s: Exclude<DeliverySettlement, { outcome: "delivered" }>): Promise<boolean> {
    const status = { retry: "pending", dead: "dead", exception: "exception" }[s.outcome];
    const [row] = await sql.all<Row>(
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
    if (row === undefined) return false;
    const traceId = String(row["trace_id"]);
    const base = { at: s.now, actor: s.worker, subject: `delivery:${s.deliveryId}`, traceId };
    const target = `${row["system"]}.${row["operation"]}`;
    switch (s.outcome) {
      case "retry":
        if (s.refund === true) break;
        audit.push({ ...base, action: "delivery.retry", detail: { target, error: s.error, attempt: Number(row["tries"]), availableAt: s.availableAt } });
        break;
      case "dead":
      case "exception": {
        const kind = s.outcome === "dead" ? "dead-letter" : "exception";
        audit.push({ ...base, action: `delivery.${s.outcome}`, detail: { target, reason: s.issue.reason } });
        await openIssue(sql, audit, kind, s.issue, {
          route: String(row["route"]),
          eventId: Number(row["event_id"]),
          deliveryId: s.deliveryId,
          attempts: Number(row["tries"]),
          payload: String(row["body"]),
          now: s.now,
          traceId,
          actor: s.worker,
        });
        break;
      }
    }
    return true;
  }

  /** The audit row of a delivered delivery, and the cross-reference it creates (both in one row). */
  function recordDelivered(
    audit: PendingAudit[],
    xrefs: XrefRow[],
    s: Extract<DeliverySettlement, { outcome: "delivered" }>,
    row: { system: string; operation: string; traceId: string; xref: { entity: string; fromSystem: string; fromId: string } | null; tries: number },
  ): void {
    const { xref } = row;
    const toId = s.targetId ?? xref?.fromId;
    const recorded = xref === null ? {} : { xref: { entity: xref.entity, fromSystem: xref.fromSystem, fromId: xref.fromId, toId } };
    const detail = { target: `${row.system}.${row.operation}`, status: s.status, attempt: row.tries, ...recorded };
    audit.push({ at: s.now, actor: s.worker, subject: `delivery:${s.deliveryId}`, traceId: row.traceId, action: "delivery.delivered", detail });
    if (xref !== null) xrefs.push({ ...xref, toSystem: row.system, toId: toId as string });
  }

  /** Records deliveries made as their events were routed, whose rows were just written: as their settlements would. */
  async function settleAttempted(sql: Sql, audit: PendingAudit[], rows: readonly AttemptedRow[], worker: string, now: number): Promise<void> {
    const xrefs: XrefRow[] = [];
    for (const { deliveryId, event, delivery } of rows) {
      const s = { ...delivery.attempted, deliveryId, attempt: 1, worker };
      if (s.outcome === "delivered") {
        recordDelivered(audit, xrefs, s, { system: delivery.system, operation: delivery.operation, traceId: event.trace_id, xref: delivery.xref ?? null, tries: 1 });
      } else {
        await settleDelivery(sql, audit, s);
      }
    }
    if (xrefs.length > 0) await recordXrefs(sql, engine, xrefs, now);
  }

  async function countBy(sql: Sql, table: string): Promise<Record<string, number>> {
    const rows = await sql.all<{ status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  return {
    engine,
    ...createSqlStateStore(db),
    accept(events, now, handoff) {
      return new Promise((resolve, reject) => {
        queue.push({ events, now, handoff, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flushAccepts());
        }
      });
    },
    claimEvents(claim) {
      return db.transaction(async (sql) => {
        await recover(sql, claim.now);
        const rows = await sql.all<Row>(
          `UPDATE events SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_until = ?
           WHERE id IN (
             SELECT e.id FROM events e WHERE e.status = 'pending' AND e.available_at <= ?
               AND (e.ordering_key IS NULL OR NOT EXISTS (
                 SELECT 1 FROM events p WHERE p.ordering_key = e.ordering_key AND p.id < e.id
                   AND p.status IN ('pending', 'processing', 'waiting')))
             ORDER BY e.id LIMIT ?${lock})
           RETURNING id, route, idem_key, payload, ordering_key, source, trace_id, received_at, attempts, wait_until, revision`,
          [claim.worker, claim.now + claim.leaseMs, claim.now, claim.limit],
        );
        const events = rows.map(
          (r): ClaimedEvent => ({
            id: Number(r["id"]),
            route: String(r["route"]),
            key: String(r["idem_key"]),
            payload: JSON.parse(String(r["payload"])) as unknown,
            orderingKey: (r["ordering_key"] as string | null) ?? null,
            source: String(r["source"]),
            traceId: String(r["trace_id"]),
            receivedAt: Number(r["received_at"]),
            attempt: Number(r["attempts"]),
            revision: Number(r["revision"]),
            waitUntil: r["wait_until"] === null ? null : Number(r["wait_until"]),
          }),
        );
        if (claim.targets !== undefined && events.length > 0) {
          const free = await freeEvents(sql, events, claim.targets);
          for (const event of events) event.free = free.has(event.id);
        }
        return events.sort((a, b) => a.id - b.id);
      });
    },
    settleEvents(settlements, handoff) {
      return db.transaction(async (sql): Promise<SettledEvents> => {
        // Every dependency this settlement may record or wait for, locked at once and before the
        // ordering keys a handoff locks: so two settlements never take them in opposite orders.
        await lockDependencies(sql, engine, settledDependencies(settlements));
        const audit: PendingAudit[] = [];
        const out = new Map<EventSettlement, boolean>();
        let leased: LeasedDelivery[] = [];
        const routed = settlements.filter((s): s is Extract<EventSettlement, { outcome: "routed" }> => s.outcome === "routed");
        if (routed.length > 0) {
          const now = routed[0]!.now;
          const rows = await markRouted(sql, routed, now);
          const byId = new Map(rows.map((r) => [Number(r.id), r]));
          const deliveries: { event: RoutedRow; delivery: NewDelivery }[] = [];
          const emits: IncomingEvent[] = [];
          const records: KeptRecord[] = [];
          for (const s of routed) {
            const row = byId.get(s.eventId);
            out.set(s, row !== undefined);
            if (row === undefined) continue;
            for (const delivery of s.deliveries) deliveries.push({ event: row, delivery });
            if (s.emits !== undefined) emits.push(...s.emits);
            for (const r of s.records ?? []) records.push({ ...r, source: row.route, traceId: row.trace_id, now: s.now });
            const detail = { deliveries: s.deliveries.map((d) => `${d.system}.${d.operation}`) };
            audit.push({ at: s.now, actor: s.worker, subject: `event:${s.eventId}`, traceId: row.trace_id, action: "event.routed", detail });
          }
          const worker = routed[0]!.worker;
          const written = await insertDeliveries(sql, engine, deliveries, now, worker, handoff);
          leased = written.leased;
          await settleAttempted(sql, audit, written.attempted, worker, now);
          if (emits.length > 0) await acceptIn(sql, audit, emits, now, worker);
          if (records.length > 0) await keepRecordsIn(sql, engine, records, audit);
        }
        for (const s of settlements) if (s.outcome !== "routed") out.set(s, await settleEvent(sql, audit, s));
        await appendAudit(sql, engine, audit);
        return { settled: settlements.map((s) => out.get(s) === true), leased };
      });
    },
    claimDeliveries(claim) {
      return db.transaction(async (sql) => {
        await recover(sql, claim.now);
        const rows = await sql.all<Row>(
          `UPDATE outbox SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_until = ?
           WHERE id IN (
             SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.available_at <= ?
               AND (o.order_key IS NULL OR NOT EXISTS (
                 SELECT 1 FROM outbox p WHERE p.order_key = o.order_key AND p.id < o.id AND p.status IN ('pending', 'processing')))
             ORDER BY o.id LIMIT ?${lock})
           RETURNING id, event_id, route, step, system, operation, idem_key, body, params, trace_id, attempts, attempts - lapses AS tries, lapsed_from, xref`,
          [claim.worker, claim.now + claim.leaseMs, claim.now, claim.limit],
        );
        return rows
          .map(
            (r): ClaimedDelivery => ({
              id: Number(r["id"]),
              eventId: Number(r["event_id"]),
              route: String(r["route"]),
              step: String(r["step"]),
              system: String(r["system"]),
              operation: String(r["operation"]),
              idempotencyKey: String(r["idem_key"]),
              body: JSON.parse(String(r["body"])) as unknown,
              params: r["params"] === null ? null : (JSON.parse(String(r["params"])) as Record<string, string>),
              traceId: String(r["trace_id"]),
              attempt: Number(r["attempts"]),
              tries: Number(r["tries"]),
              ...(r["lapsed_from"] === null || r["lapsed_from"] === undefined ? {} : { takenOverFrom: String(r["lapsed_from"]) }),
              xref: r["xref"] === null ? null : (JSON.parse(String(r["xref"])) as ClaimedDelivery["xref"]),
            }),
          )
          .sort((a, b) => a.id - b.id);
      });
    },
    settleDeliveries(settlements) {
      return db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        const out = new Map<DeliverySettlement, boolean>();
        const delivered = settlements.filter((s): s is Extract<DeliverySettlement, { outcome: "delivered" }> => s.outcome === "delivered");
        if (delivered.length > 0) {
          const now = delivered[0]!.now;
          const rows = await markDelivered(sql, delivered.map((s) => ({ deliveryId: s.deliveryId, attempt: s.attempt, targetId: s.targetId ?? null })), now);
          const byId = new Map(rows.map((r) => [Number(r.id), r]));
          const xrefs: XrefRow[] = [];
          for (const s of delivered) {
            const row = byId.get(s.deliveryId);
            out.set(s, row !== undefined);
            if (row === undefined) continue;
            const xref = row.xref === null ? null : (JSON.parse(row.xref) as { entity: string; fromSystem: string; fromId: string });
            recordDelivered(audit, xrefs, s, { system: row.system, operation: row.operation, traceId: row.trace_id, xref, tries: Number(row.tries) });
          }
          await recordXrefs(sql, engine, xrefs, now);
        }
        for (const s of settlements) if (s.outcome !== "delivered") out.set(s, await settleDelivery(sql, audit, s));
        await appendAudit(sql, engine, audit);
        return settlements.map((s) => out.get(s) === true);
      });
    },
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
    async findXref(entity, toSystem, fromId, fromSystem) {
      const rows = await db.read((sql) =>
        fromSystem === undefined
          ? sql.all<{ to_id: string }>("SELECT to_id FROM xref WHERE entity = ? AND to_system = ? AND from_id = ? LIMIT 1", [entity, toSystem, fromId])
          : sql.all<{ to_id: string }>("SELECT to_id FROM xref WHERE entity = ? AND to_system = ? AND from_id = ? AND from_system = ?", [entity, toSystem, fromId, fromSystem]),
      );
      return rows[0]?.to_id;
    },
    putXref(entity, fromSystem, fromId, toSystem, toId, now) {
      return db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        await putXrefIn(sql, audit, { entity, fromSystem, fromId, toSystem, toId }, now, null, "operator");
        await appendAudit(sql, engine, audit);
      });
    },
    async referenceData(entity, key) {
      const rows = await db.read((sql) => sql.all<{ value: string }>("SELECT value FROM reference_data WHERE entity = ? AND key = ?", [entity, key]));
      return rows[0] === undefined ? undefined : (JSON.parse(rows[0].value) as unknown);
    },
    async putReferenceData(entity, key, value) {
      await db.transaction((sql) =>
        sql.run("INSERT INTO reference_data (entity, key, value) VALUES (?, ?, ?) ON CONFLICT (entity, key) DO UPDATE SET value = excluded.value", [entity, key, JSON.stringify(value)]),
      );
    },
    takeQuota(request) {
      return db.transaction(async (sql) => {
        const { system, want, now, requestsPerMinute, burst } = request;
        await sql.run("INSERT INTO quotas (system, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (system) DO NOTHING", [system, burst, now]);
        const [row] = await sql.all<{ tokens: number; updated_at: number }>(`SELECT tokens, updated_at FROM quotas WHERE system = ?${engine === "postgres" ? " FOR UPDATE" : ""}`, [system]);
        const last = Number(row?.updated_at ?? now);
        // Clocks of several machines disagree a little: time never runs backwards for the bucket.
        const at = Math.max(now, last);
        const tokens = Math.min(burst, Number(row?.tokens ?? burst) + ((at - last) * requestsPerMinute) / 60_000);
        const taken = Math.max(0, Math.min(want, Math.floor(tokens)));
        await sql.run("UPDATE quotas SET tokens = ?, updated_at = ? WHERE system = ?", [tokens - taken, at, system]);
        return taken;
      });
    },
    takeSlots(request) {
      return db.transaction(async (sql) => {
        const { system, holder, want, holding, limit, now, holdMs } = request;
        // Workers take slots concurrently on PostgreSQL: the system's slots are locked first, so two
        // never both count the same free slot. SQLite has one writer at a time.
        if (engine === "postgres") await sql.all("SELECT pg_advisory_xact_lock(hashtext(?))", [`slots|${system}`]);
        await sql.run("DELETE FROM slots WHERE system = ? AND until <= ?", [system, now]);
        const [row] = await sql.all<{ held: number }>("SELECT COALESCE(SUM(held), 0) AS held FROM slots WHERE system = ? AND holder <> ?", [system, holder]);
        const others = Number(row?.held ?? 0);
        const taken = Math.max(0, Math.min(want, limit - others - holding));
        await sql.run(
          "INSERT INTO slots (system, holder, held, until) VALUES (?, ?, ?, ?) ON CONFLICT (system, holder) DO UPDATE SET held = excluded.held, until = excluded.until",
          [system, holder, holding + taken, now + holdMs],
        );
        return taken;
      });
    },
    async returnSlots(request) {
      // A return counts down from what is held, while a take sets what is held from the worker's own
      // count: should one worker's take and return commit out of order, the count errs high (the cap
      // stricter) until its next take sets it right, never low.
      await db.transaction(async (sql) => {
        const { system, holder, count, now } = request;
        await sql.run("UPDATE slots SET held = held - ? WHERE system = ? AND holder = ? AND until > ?", [count, system, holder, now]);
        await sql.run("DELETE FROM slots WHERE system = ? AND holder = ? AND held <= 0", [system, holder]);
      });
    },
    async cursor(name) {
      const rows = await db.read((sql) => sql.all<{ value: string }>("SELECT value FROM cursors WHERE name = ?", [name]));
      return rows[0]?.value;
    },
    async setCursor(name, value) {
      await db.transaction((sql) => sql.run("INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value]));
    },
    async messageHashes(scope, ids) {
      if (ids.length === 0) return [];
      return await db.read(async (sql) => {
        const found: { id: string; hash: string }[] = [];
        for (const id of ids) {
          const rows = await sql.all<{ hash: string }>("SELECT hash FROM message_ids WHERE scope = ? AND id = ?", [scope, id]);
          if (rows[0] !== undefined) found.push({ id, hash: rows[0].hash });
        }
        return found;
      });
    },
    async recordMessages(scope, messages, now) {
      if (messages.length === 0) return;
      await db.transaction(async (sql) => {
        for (const { id, hash } of messages) {
          await sql.run("INSERT INTO message_ids (scope, id, hash, at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, id) DO NOTHING", [scope, id, hash, now]);
        }
      });
    },
    async listIssues(filter: IssueFilter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.kind !== undefined) where.push("kind = ?") && params.push(filter.kind);
      if (filter.queue !== undefined) where.push("queue = ?") && params.push(filter.queue);
      if (filter.status !== undefined) where.push("status = ?") && params.push(filter.status);
      const clause = where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`;
      const rows = await db.read((sql) => sql.all<Row>(`SELECT * FROM issues${clause} ORDER BY id`, params));
      return rows.map(issueOf);
    },
    async issue(id) {
      const rows = await db.read((sql) => sql.all<Row>("SELECT * FROM issues WHERE id = ?", [id]));
      return rows[0] === undefined ? undefined : issueOf(rows[0]);
    },
    resolveIssue(action: IssueAction) {
      return db.transaction(async (sql) => {
        const [row] = await sql.all<Row>(`SELECT * FROM issues WHERE id = ?${engine === "postgres" ? " FOR UPDATE" : ""}`, [action.issueId]);
        if (row === undefined) throw new IssueStateError(`there is no issue ${action.issueId}`);
        const issue = issueOf(row);
        if (issue.gap !== null && action.action !== "skip") throw new IssueStateError(gapRefusal(issue.id, issue.gap, action.action));
        if (issue.status !== "open") throw new IssueStateError(`issue ${issue.id} is already ${issue.status}`);
        const now = action.now;
        if (action.action === "edit") {
          await sql.run(
            "UPDATE events SET payload = ?, payload_hash = ?, revision = revision + 1, status = 'pending', available_at = ?, wait_until = NULL, attempts = 0 WHERE id = ?",
            [JSON.stringify(action.payload ?? null), payloadHash(action.payload), now, issue.eventId],
          );
        } else if (action.action === "retry") {
          if (issue.deliveryId !== null) {
            await sql.run(
              "UPDATE outbox SET status = 'pending', attempts = 0, lapses = 0, lapsed_from = NULL, available_at = ?, last_error = NULL WHERE id = ? AND status IN ('dead', 'exception')",
              [now, issue.deliveryId],
            );
          } else {
            await sql.run("UPDATE events SET status = 'pending', available_at = ?, wait_until = NULL WHERE id = ? AND status IN ('exception', 'routed', 'skipped')", [now, issue.eventId]);
          }
        }
        const status = { retry: "retried", edit: "replayed", skip: "skipped" }[action.action];
        const [updated] = await sql.all<Row>(
          "UPDATE issues SET status = ?, resolved_by = ?, resolution = ?, resolved_at = ? WHERE id = ? RETURNING *",
          [status, action.who, action.why, now, issue.id],
        );
        await appendAudit(sql, engine, [
          {
            at: now,
            actor: action.who,
            action: `issue.${status}`,
            subject: `issue:${issue.id}`,
            traceId: null,
            detail: issue.gap === null ? { why: action.why, event: issue.eventId } : { why: action.why, reconciliation: issue.gap.reconciliation, key: issue.gap.key },
          },
        ]);
        return issueOf(updated as Row);
      });
    },
    openGap(gap: NewGapIssue) {
      return db.transaction(async (sql): Promise<GapOpened> => {
        const current = () => sql.all<Row>("SELECT * FROM issues WHERE reconciliation = ? AND gap_key = ? AND gap_closed_at IS NULL", [gap.reconciliation, gap.key]);
        const [existing] = await current();
        if (existing !== undefined) return { issue: issueOf(existing), opened: false };
        // Another worker may open the same gap at the same moment: the unique index keeps one.
        const [inserted] = await sql.all<Row>(
          `INSERT INTO issues (kind, queue, owner, route, event_id, delivery_id, reason, attempts, payload, created_at, status, reconciliation, gap_key)
           VALUES ('exception', ?, ?, ?, NULL, NULL, ?, 0, ?, ?, 'open', ?, ?)
           ON CONFLICT (reconciliation, gap_key) WHERE reconciliation IS NOT NULL AND gap_closed_at IS NULL DO NOTHING RETURNING *`,
          [gap.queue, gap.owner, `reconciliation:${gap.reconciliation}`, gap.reason, JSON.stringify(gap.payload ?? null), gap.now, gap.reconciliation, gap.key],
        );
        if (inserted === undefined) {
          const [theirs] = await current();
          return { issue: issueOf(theirs as Row), opened: false };
        }
        const issue = issueOf(inserted);
        await appendAudit(sql, engine, [
          {
            at: gap.now,
            actor: gap.actor ?? RECONCILER,
            action: "exception.opened",
            subject: `issue:${issue.id}`,
            traceId: null,
            detail: { queue: gap.queue, reason: gap.reason, reconciliation: gap.reconciliation, key: gap.key },
          },
        ]);
        return { issue, opened: true };
      });
    },
    closeGap(closure: GapClosure) {
      return db.transaction(async (sql) => {
        const [row] = await sql.all<Row>(
          `SELECT * FROM issues WHERE reconciliation = ? AND gap_key = ? AND gap_closed_at IS NULL${engine === "postgres" ? " FOR UPDATE" : ""}`,
          [closure.reconciliation, closure.key],
        );
        if (row === undefined) return undefined;
        const was = issueOf(row);
        const actor = closure.actor ?? RECONCILER;
        const [updated] =
          was.status === "open"
            ? await sql.all<Row>(
                "UPDATE issues SET status = 'closed', resolved_by = ?, resolution = ?, resolved_at = ?, gap_closed_at = ? WHERE id = ? RETURNING *",
                [actor, "the systems agree again", closure.now, closure.now, was.id],
              )
            : await sql.all<Row>("UPDATE issues SET gap_closed_at = ? WHERE id = ? RETURNING *", [closure.now, was.id]);
        const issue = issueOf(updated as Row);
        await appendAudit(sql, engine, [
          {
            at: closure.now,
            actor,
            action: "issue.closed",
            subject: `issue:${issue.id}`,
            traceId: null,
            detail: { reconciliation: closure.reconciliation, key: closure.key, status: issue.status },
          },
        ]);
        return issue;
      });
    },
    async currentGaps(reconciliation) {
      const rows = await db.read((sql) =>
        reconciliation === undefined
          ? sql.all<Row>("SELECT * FROM issues WHERE reconciliation IS NOT NULL AND gap_closed_at IS NULL ORDER BY id")
          : sql.all<Row>("SELECT * FROM issues WHERE reconciliation = ? AND gap_closed_at IS NULL ORDER BY id", [reconciliation]),
      );
      return rows.map(issueOf);
    },
    replay(request) {
      return db.transaction(async (sql) => {
        const count = await sql.run(
          "UPDATE events SET status = 'pending', available_at = ?, wait_until = NULL WHERE route = ? AND received_at >= ? AND received_at < ? AND status IN ('routed', 'skipped', 'exception')",
          [request.now, request.route, request.from, request.to],
        );
        await appendAudit(sql, engine, [
          { at: request.now, actor: request.who, action: "replay.requested", subject: `route:${request.route}`, traceId: null, detail: { from: request.from, to: request.to, events: count, why: request.why } },
        ]);
        return count;
      });
    },
    async auditTrail(options = {}) {
      const limit = options.limit ?? 1000;
      const where = options.traceId === undefined ? "" : " WHERE trace_id = ?";
      const params = options.traceId === undefined ? [limit] : [options.traceId, limit];
      const text =
        options.newest === true
          ? `SELECT * FROM (SELECT * FROM audit${where} ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq`
          : `SELECT * FROM audit${where} ORDER BY seq LIMIT ?`;
      const rows = await db.read((sql) => sql.all<Parameters<typeof auditEntry>[0]>(text, params));
      return rows.map(auditEntry) as AuditEntry[];
    },
    async routes() {
      // One index probe per route (events_received leads with route) rather than a scan of every event.
      const rows = await db.read((sql) =>
        sql.all<{ route: string | null }>(
          "WITH RECURSIVE r(route) AS (SELECT MIN(route) FROM events UNION ALL SELECT (SELECT MIN(route) FROM events WHERE route > r.route) FROM r WHERE r.route IS NOT NULL) SELECT route FROM r WHERE route IS NOT NULL",
        ),
      );
      return rows.map((r) => r.route as string);
    },
    async eventTrace(eventId) {
      const rows = await db.read((sql) => sql.all<{ trace_id: string }>("SELECT trace_id FROM events WHERE id = ?", [eventId]));
      return rows[0]?.trace_id;
    },
    verifyAudit: () => verifyAuditChain(db),
    counts() {
      return db.read(
        async (sql): Promise<StoreCounts> => ({
          events: await countBy(sql, "events"),
          deliveries: await countBy(sql, "outbox"),
          issues: await countBy(sql, "issues"),
        }),
      );
    },
    async close() {
      if (queue.length > 0) await flushAccepts();
      await db.close();
    },
  };
}
