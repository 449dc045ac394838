/**
 * Accepting events into the inbox: new ones inserted (and leased by handoff when asked), a repeat
 * with the same payload a duplicate, one with a different payload a conflict filed as an exception.
 * Offers made in the same turn of the event loop commit together, in one transaction.
 */
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import { insertEvents, prepareEvents } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { AcceptOutcome, Handoff, IncomingEvent } from "../roles/inbox.ts";
import type { SqlContext } from "./context.ts";
import { openIssue } from "./issues-sql.ts";
import { columns } from "./rows.ts";

/** Accepts events in the transaction `sql`; `actor` names who accepted them in the audit log. */
export async function acceptIn(
  cx: SqlContext,
  sql: Sql,
  audit: PendingAudit[],
  events: readonly IncomingEvent[],
  now: number,
  actor: string,
  handoff?: Handoff,
): Promise<AcceptOutcome[]> {
  const prepared = prepareEvents(events);
  const { inserted, leased, free } = await insertEvents(sql, cx.engine, prepared, now, handoff);
  // Events not leased to the accepting worker wait for any worker: the idle ones are woken.
  if (inserted.size > leased.size) sql.ready?.("events");
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
    const [existing] = await sql.all("SELECT id, payload_hash FROM events WHERE route = ? AND idem_key = ?", [event.route, event.key]);
    const found = columns("events", existing ?? {});
    const eventId = found.int("id");
    if (found.text("payload_hash") === hash) {
      // A redelivery changes nothing, and says so in the trail of the event it repeats.
      audit.push({ at: now, actor, action: "event.duplicate", subject: `event:${eventId}`, traceId: event.traceId, detail: { route: event.route, key: event.key, source: event.source } });
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

interface QueuedAccept {
  events: readonly IncomingEvent[];
  now: number;
  handoff: Handoff | undefined;
  resolve(outcomes: AcceptOutcome[]): void;
  reject(error: unknown): void;
}

/** Offers queued to commit together. */
export interface AcceptGroup {
  accept(events: readonly IncomingEvent[], now: number, handoff?: Handoff): Promise<AcceptOutcome[]>;
  /** Commits what is queued now (the store is closing). */
  flush(): Promise<void>;
}

/** Groups the offers of one turn into one transaction. */
export function acceptGroup(cx: SqlContext): AcceptGroup {
  let queue: QueuedAccept[] = [];
  let scheduled = false;
  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const results = await cx.db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        const out: AcceptOutcome[][] = [];
        for (const item of batch) out.push(await acceptIn(cx, sql, audit, item.events, item.now, "intake", item.handoff));
        await appendAudit(sql, cx.engine, audit);
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i] ?? []));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
  return {
    accept(events, now, handoff) {
      return new Promise((resolve, reject) => {
        queue.push({ events, now, handoff, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // After the I/O already queued: every offer made in this turn joins the transaction.
          setImmediate(() => void flush());
        }
      });
    },
    flush: () => (queue.length > 0 ? flush() : Promise.resolve()),
  };
}
