/**
 * Intake: where every event offered to the runtime enters. Payloads from a source are shaped into
 * one event per route they trigger (incoming-event.ts), accepted by the store once durable, and
 * those the store leased by handoff wait in the work queue for the events loop.
 */
import { incomingEvent, keyOf } from "../incoming-event.ts";
import type { PipelineDefinition } from "../pipeline.ts";
import { payloadHash } from "../store/batched.ts";
import type { AcceptOutcome, IncomingEvent } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import type { IntakeLine } from "./intake-line.ts";
import { spanTraceId } from "../observe/trace-context.ts";
import { handedEvent } from "./row-images.ts";

/** A source of an event: a system event, a canonical event, or a scheduled route's instant (by route). */
export type EventSource = { system: string; event: string } | { canonical: string } | { schedule: string };

/** What `offer` did with each payload, per route it triggers. */
export interface OfferResult {
  outcomes: AcceptOutcome[];
  /** Payloads refused before the inbox (missing idempotency key fields), with the reason. */
  refused: { route: string; reason: string }[];
}

/** How an offer's events join a trace. */
export interface OfferOptions {
  /** The trace id every offered event keeps (default: a single payload's joins the intake span's trace, else a new id per payload). */
  traceId?: string;
  /** The sender's W3C `traceparent`: the intake span continues it. */
  traceparent?: string;
}

/** Offers payloads from a source to every route it triggers; resolves once they are durable. */
export type Offer = (source: EventSource, payloads: readonly unknown[], options?: OfferOptions) => Promise<OfferResult>;

/** The runtime's intake over the engine's parts and the line offers wait in. */
export function intake(cx: EngineContext, line: IntakeLine, newId: () => string): Offer {
  const leftInStore = backlogLog(cx);
  return (source, payloads, options = {}) =>
    cx.observer.intake(labelOf(source), options.traceparent, async (span) => {
      const traced = options.traceId ?? (payloads.length === 1 ? spanTraceId(span) : undefined);
      const { incoming, refused } = shapeEvents(routesOf(cx, source), labelOf(source), payloads, () => traced ?? newId());
      const result = await accept(cx, line, leftInStore, incoming, refused);
      cx.observer.offered(incoming.map((e) => e.route), result.outcomes, refused, span);
      return result;
    });
}

/** Accepts the shaped events into the store; those leased by handoff wait in the work queue. */
async function accept(cx: EngineContext, line: IntakeLine, leftInStore: (left: number) => void, incoming: IncomingEvent[], refused: OfferResult["refused"]): Promise<OfferResult> {
  if (incoming.length === 0) return { outcomes: [], refused };
  const room = await line.room(incoming.length);
  let outcomes: AcceptOutcome[];
  const now = cx.clock.now();
  try {
    outcomes = await cx.store.accept(incoming, now, room.handoff);
    let left = 0;
    outcomes.forEach((outcome, i) => {
      const event = incoming[i];
      if (outcome.status !== "accepted" || event === undefined) return;
      cx.counts.accepted += 1;
      if (outcome.leased !== true) {
        left += 1;
        return;
      }
      cx.counts.kept += 1;
      cx.queue.events.add(handedEvent(event, outcome.eventId, now, outcome.free === true), now + cx.leaseMs);
    });
    cx.counts.left += left;
    leftInStore(left);
  } finally {
    room.done();
  }
  cx.wake.events();
  return { outcomes, refused };
}

/** How often, at most, intake logs the events it left in the store. */
const BACKLOG_LOG_MS = 10_000;

/**
 * Logs the accepted events this worker left in the store for any worker to lease (more arrived than
 * it has room for, or they wait behind earlier work of their ordering key): once when it starts,
 * then at most every ten seconds with the count since.
 */
function backlogLog(cx: EngineContext): (left: number) => void {
  let since = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (left) => {
    since += left;
    const now = cx.clock.now();
    if (since === 0 || now - loggedAt < BACKLOG_LOG_MS) return;
    cx.logger.info(`left ${since} accepted event(s) in the store for any worker to lease: no room in this worker's memory, or behind earlier work of their ordering key`, {
      event: "intake.left-in-store",
      worker: cx.worker,
      events: since,
    });
    since = 0;
    loggedAt = now;
  };
}

function routesOf(cx: EngineContext, source: EventSource): readonly PipelineDefinition[] {
  if ("schedule" in source) {
    const route = cx.routes.pipelines.get(source.schedule);
    return route?.trigger.kind === "schedule" ? [route] : [];
  }
  return "canonical" in source ? (cx.routes.canonicalRoutes.get(source.canonical) ?? []) : (cx.routes.eventRoutes.get(`${source.system}.${source.event}`) ?? []);
}

const labelOf = (source: EventSource) =>
  "schedule" in source ? `schedule:${source.schedule}` : "canonical" in source ? `canonical:${source.canonical}` : `${source.system}.${source.event}`;

/** One event per payload and route; a payload without a route's idempotency key fields is refused for that route. */
function shapeEvents(routes: readonly PipelineDefinition[], source: string, payloads: readonly unknown[], traceId: () => string) {
  const incoming: IncomingEvent[] = [];
  const refused: OfferResult["refused"] = [];
  for (const payload of payloads) {
    const trace = traceId();
    // Serialised once here, for every route it triggers, rather than by the store.
    const serialized = { json: JSON.stringify(payload ?? null), hash: payloadHash(payload) };
    for (const route of routes) {
      const key = route.idempotencyKey.length === 0 ? serialized.hash : keyOf(payload, route.idempotencyKey);
      if (key === undefined) {
        refused.push({ route: route.route, reason: `the payload lacks the idempotency key field(s) ${route.idempotencyKey.join(", ")}` });
        continue;
      }
      const event = incomingEvent(route, payload, { key, source, traceId: trace, serialized });
      // The runs of a scheduled route are one ordering key unless it declares its own: never two at once.
      incoming.push(route.trigger.kind === "schedule" && event.orderingKey === undefined ? { ...event, orderingKey: `${route.route}|schedule` } : event);
    }
  }
  return { incoming, refused };
}
