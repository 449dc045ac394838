/** The inbox role over SQL: accepting (in groups), leasing in order, settling, replaying, and what the inbox holds. */
import { appendAudit } from "../audit-log.ts";
import { freeEvents } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { Claim, ClaimedEvent, EventRef, InboxStore } from "../roles/inbox.ts";
import { applyReplay, planReplay, replayAudit } from "./replay-sql.ts";
import type { AcceptGroup } from "./accept-sql.ts";
import type { SqlContext } from "./context.ts";
import { columns, eventOf } from "./rows.ts";
import { settleEvents } from "./settle-events-sql.ts";

/** The routes that have events: one index probe per route (events_received leads with route) rather than a scan of every event. */
const ROUTES_WITH_EVENTS =
  "WITH RECURSIVE r(route) AS (SELECT MIN(route) FROM events UNION ALL SELECT (SELECT MIN(route) FROM events WHERE route > r.route) FROM r WHERE r.route IS NOT NULL) SELECT route FROM r WHERE route IS NOT NULL";

/** Leases ready events, at most one per ordering key, oldest first; says which are free when the routes' targets are given. */
function claimEvents(cx: SqlContext, claim: Claim): Promise<ClaimedEvent[]> {
  return cx.db.transaction(async (sql) => {
    await cx.recover(sql, claim.now);
    const rows = await sql.all(
      `UPDATE events SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_until = ?
       WHERE id IN (
         SELECT e.id FROM events e WHERE e.status = 'pending' AND e.available_at <= ?
           AND (e.ordering_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM events p WHERE p.ordering_key = e.ordering_key AND p.id < e.id
               AND p.status IN ('pending', 'processing', 'waiting')))
         ORDER BY e.id LIMIT ?${cx.skipLocked})
       RETURNING id, route, idem_key, payload, ordering_key, source, trace_id, received_at, attempts, wait_until, revision`,
      [claim.worker, claim.now + claim.leaseMs, claim.now, claim.limit],
    );
    const events = rows.map(eventOf);
    if (claim.targets !== undefined && events.length > 0) {
      const free = await freeEvents(sql, events, claim.targets);
      for (const event of events) event.free = free.has(event.id);
    }
    return events.sort((a, b) => a.id - b.id);
  });
}

/** The inbox role over `cx`; offers go through `group`. */
export function sqlInbox(cx: SqlContext, group: AcceptGroup): InboxStore {
  const { db, engine } = cx;
  return {
    accept: group.accept,
    claimEvents: (claim) => claimEvents(cx, claim),
    settleEvents: (settlements, handoff) => settleEvents(cx, settlements, handoff),
    replay(request) {
      const run = async (sql: Sql) => {
        const items = await planReplay(sql, request);
        if (request.dryRun === true) return { items, replayed: items.filter((i) => i.action !== "leave").length };
        const replayed = await applyReplay(sql, items, request.now);
        await appendAudit(sql, engine, [replayAudit(request, items)]);
        return { items, replayed };
      };
      return request.dryRun === true ? db.read(run) : db.transaction(run);
    },
    async routes() {
      const rows = await db.read((sql) => sql.all(ROUTES_WITH_EVENTS));
      return rows.map((r) => columns("events", r).text("route"));
    },
    async eventTrace(eventId) {
      const rows = await db.read((sql) => sql.all("SELECT trace_id FROM events WHERE id = ?", [eventId]));
      return rows[0] === undefined ? undefined : columns("events", rows[0]).text("trace_id");
    },
    eventsByKey(key, route) {
      return db.read(async (sql) => {
        // Each lookup probes the (route, idem_key) unique index; the key alone has no index of its own.
        const routes = route === undefined ? (await sql.all(ROUTES_WITH_EVENTS)).map((r) => columns("events", r).text("route")) : [route];
        const found: EventRef[] = [];
        for (const r of routes) {
          for (const row of await sql.all("SELECT id, trace_id FROM events WHERE route = ? AND idem_key = ?", [r, key])) {
            const c = columns("events", row);
            found.push({ eventId: c.int("id"), route: r, traceId: c.text("trace_id") });
          }
        }
        return found;
      });
    },
  };
}
