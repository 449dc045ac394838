/**
 * The events side of the engine: leased events' pipelines run, the deliveries of free events made
 * as they are routed, and the settlements committed with the outbox rows (see work-queue.ts for
 * when an event is free and what the outbox keeps).
 */
import { attemptMs } from "../delivery/deliver.ts";
import { observedAttempt } from "./observed-attempt.ts";
import { lookupCache, type ProcessContext, processEvent } from "../process-event.ts";
import { scrubEventSettlement } from "../redact.ts";
import type { ClaimedEvent, EventSettlement, LeasedDelivery, NewDelivery } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { routedDelivery } from "./row-images.ts";

/**
 * Time kept, past the longest a delivery made as its event is routed may take, for the event's
 * settlement to commit within its lease.
 */
const SETTLE_MARGIN_MS = 5_000;

/** A batch of routed events' settlements, and the deliveries being made for them as they were routed. */
export interface RoutedBatch {
  settlements: EventSettlement[];
  made: Promise<unknown> | undefined;
}

/** Works and settles batches of leased events. */
export interface EventWork {
  /** Runs the events' pipelines; nothing is written until `settle`. */
  work(events: readonly ClaimedEvent[]): Promise<RoutedBatch>;
  /** Commits the settlements once the deliveries made as the events were routed are done. */
  settle(batch: RoutedBatch, events: readonly ClaimedEvent[]): Promise<void>;
}

/** The events side over the engine's parts. */
export function eventWork(cx: EngineContext): EventWork {
  return { work: (events) => routeEvents(cx, events), settle: (batch, events) => settleEvents(cx, batch, events) };
}

async function routeEvents(cx: EngineContext, events: readonly ClaimedEvent[]): Promise<RoutedBatch> {
  const { routes } = cx;
  const lookups = lookupCache(cx.store);
  const now = cx.clock.now();
  // Written out per event rather than spread from one context (see objects.ts).
  const processing = (onStep: NonNullable<ProcessContext["onStep"]>): ProcessContext => ({
    pipelines: routes.pipelines,
    canonicalRoutes: routes.canonicalRoutes,
    operations: routes.operation,
    lookups,
    xrefNeeded: routes.xrefNeeded,
    now,
    worker: cx.worker,
    onStep,
  });
  const settlements = await Promise.all(events.map((event) => cx.observer.process(event, (onStep) => processEvent(processing(onStep), event))));
  const deliveries: Promise<void>[] = [];
  for (const [i, s] of settlements.entries()) {
    if (s.outcome !== "routed") continue;
    // From here on a delivery's body is its JSON: that is what is sent, stored and handed off.
    for (const d of s.deliveries) {
      d.bodyJson = JSON.stringify(d.body ?? null);
      d.body = undefined;
    }
    const event = events[i];
    if (event?.free === true && s.deliveries.length > 0) deliveries.push(deliverRouted(cx, event, s.deliveries));
  }
  // The deliveries are awaited by the settlement, so that the loop routes its next batch meanwhile.
  return { settlements, made: deliveries.length === 0 ? undefined : Promise.all(deliveries) };
}

/**
 * Makes a routed event's deliveries, as the delivery loop would have once they were leased.
 * Deliveries to one system share an order key: they go one after another, and after one that
 * failed the rest are left to the outbox, to go in their turn behind it. A delivery that waits
 * behind another (`after`) is made only once that one was delivered here.
 */
async function deliverRouted(cx: EngineContext, event: ClaimedEvent, deliveries: readonly NewDelivery[]): Promise<void> {
  const systems = new Set(deliveries.map((d) => d.system));
  const delivered = new Set<string>();
  const made = async (d: NewDelivery): Promise<boolean> => {
    if (d.after !== undefined && !delivered.has(d.after)) return false;
    const ok = await deliverNow(cx, event, d);
    if (ok) delivered.add(d.step);
    return ok;
  };
  if (systems.size === deliveries.length && deliveries.every((d) => d.after === undefined)) {
    // Each to its own system (the usual case): all at once.
    await Promise.all(deliveries.map((d) => deliverNow(cx, event, d)));
    return;
  }
  await Promise.all(
    [...systems].map(async (system) => {
      for (const d of deliveries) if (d.system === system && !(await made(d))) return;
    }),
  );
}

/**
 * Makes one delivery of a routed event as attempt 1 and keeps the outcome on it; true when it was
 * delivered. One that might not end, and be settled, before the event's lease does is not made:
 * it is left to the outbox.
 */
async function deliverNow(cx: EngineContext, event: ClaimedEvent, d: NewDelivery): Promise<boolean> {
  const system = cx.compiled.systems[d.system];
  const operation = system?.operations[d.operation];
  if (operation === undefined) return false;
  if (cx.clock.now() + attemptMs(operation, cx.routes.pipelines.get(event.route), system) + SETTLE_MARGIN_MS > cx.keeper.until(event)) return false;
  // The row is written with the settlement; the store gives it its id.
  d.attempted = await observedAttempt(cx, routedDelivery(event, d, 0, operation));
  return d.attempted.outcome === "delivered";
}

async function settleEvents(cx: EngineContext, { settlements, made }: RoutedBatch, events: readonly ClaimedEvent[]): Promise<void> {
  if (made !== undefined) await made;
  const room = cx.queue.deliveries.room(settlements.reduce((n, s) => n + (s.outcome === "routed" ? s.deliveries.length : 0), 0));
  // From here the settlement holds the events: renewing their leases could only wait on it.
  cx.keeper.release(events);
  try {
    // Scrubbed before the store: what is written there (and hashed into the audit chain) stays.
    for (const s of settlements) scrubEventSettlement(cx.redactor, s);
    const { settled, leased } = await cx.store.settleEvents(settlements, room.handoff);
    cx.keeper.settled("event", settlements.map((s) => s.eventId), settled);
    settlements.forEach((s, i) => {
      if (settled[i] !== true) return;
      cx.counts.eventsSettled += 1;
      if (s.outcome !== "routed") return;
      for (const d of s.deliveries) {
        if (d.attempted === undefined) continue;
        cx.counts.deliveriesSettled += 1;
        // A delivery that failed as its event was routed is tried again when due (wake-ups.ts).
        if (d.attempted.outcome === "retry") cx.wake.deliveriesAt(d.attempted.availableAt);
      }
    });
    handedOff(cx, leased, events, settlements);
  } finally {
    room.done();
  }
  cx.wake.deliveries();
  // A delivery made as its event was routed may have recorded a cross-reference that wakes waiting events,
  // or accepted the events its write-back announces.
  const wakes = (d: NewDelivery) => d.attempted?.outcome === "delivered" && (d.xref !== undefined || d.attempted.emits !== undefined);
  if (settlements.some((s) => s.outcome === "routed" && s.deliveries.some(wakes))) cx.wake.events();
}

/** Keeps the deliveries the store leased by handoff as the events were routed, as the loop would have leased them. */
function handedOff(cx: EngineContext, leased: readonly LeasedDelivery[], events: readonly ClaimedEvent[], settlements: readonly EventSettlement[]): void {
  if (leased.length === 0) return;
  const leasedAt = settlements[0]?.now ?? cx.clock.now();
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const deliveries = new Map<string, NewDelivery>();
  for (const s of settlements) if (s.outcome === "routed") for (const d of s.deliveries) deliveries.set(`${s.eventId}\u0000${d.step}`, d);
  for (const l of leased) {
    const event = eventsById.get(l.eventId);
    const d = deliveries.get(`${l.eventId}\u0000${l.step}`);
    if (event === undefined || d === undefined) {
      // Not expected: the store leased a delivery this batch did not route. It is not lost: its
      // lease expires and it is leased again.
      cx.report(new Error(`the store handed off delivery ${l.deliveryId} (event ${l.eventId}, step ${l.step}), which this batch did not route`));
      continue;
    }
    cx.queue.deliveries.add(routedDelivery(event, d, l.deliveryId, cx.routes.operation(d.system, d.operation)), leasedAt + cx.leaseMs);
  }
}
