/**
 * What the runtime tells its operator as it works, in one place: every happening is logged (a
 * retry with its reason and delay, a breaker opening, probing or closing, a long wait for a quota,
 * a dead letter, an exception opened), counted (runtime-metrics.ts) and traced
 * (trace-context.ts). The engine calls it around intake, processing and each delivery attempt.
 */
import { type Span, trace } from "@opentelemetry/api";
import type { PipelineStep } from "../pipeline.ts";
import type { Clock } from "../host.ts";
import type { Logger } from "../logger.ts";
import type { AcceptOutcome, ClaimedDelivery, ClaimedEvent, DeliverySettlement, EventSettlement } from "../store/store.ts";
import type { RuntimeMetrics } from "./runtime-metrics.ts";
import { endSpan, eventTraceContext, eventTraceparent, incomingTraceContext, outgoingTraceparent, SpanKind, startSpan, tracing } from "./trace-context.ts";

/** Waits for a system's quota at least this long are logged (default 5 s). */
export const RATE_LIMIT_LOG_MS = 5_000;

/** Options of `createObserver`. */
export interface ObserverOptions {
  logger: Logger;
  /** Times each delivery attempt (its monotonic reading when it has one). */
  clock: Clock;
  metrics?: RuntimeMetrics | undefined;
  worker: string;
  /** Waits for a quota, a slot or a breaker at least this long are logged (default `RATE_LIMIT_LOG_MS`). */
  waitLogMs?: number;
}

/** One step's span, ended by the returned function (with the error that stopped it, if any). */
export type StepObserver = (step: PipelineStep) => (error?: unknown) => void;

/** The runtime's observer. */
export interface RuntimeObserver {
  /** Runs an offer inside an intake span, continuing `traceparent` when the sender gave one. */
  intake<T>(source: string, traceparent: string | undefined, work: (span: Span) => Promise<T>): Promise<T>;
  /** Counts what intake did with each offered payload, per route. */
  offered(routes: readonly string[], outcomes: readonly AcceptOutcome[], refused: readonly { route: string; reason: string }[], span: Span): void;
  /** Runs an event's pipeline inside its span; `steps` makes a child span per step. */
  process(event: ClaimedEvent, work: (steps: StepObserver) => Promise<EventSettlement>): Promise<EventSettlement>;
  /** Logs and counts what a scheduled route's instant came to: accepted (this worker offered it first), a duplicate (another had), failed. */
  scheduled(route: string, scheduledAt: string, outcome: "accepted" | "duplicate" | "failed"): void;
  /** Runs one delivery attempt inside its span; `attempt` receives the `traceparent` to send (the span's, or the event's trace without an SDK). */
  deliver(d: ClaimedDelivery, breakerState: () => string, attempt: (traceparent: string) => Promise<DeliverySettlement>): Promise<DeliverySettlement>;
}

/** A step observer when no span is recorded: nothing to start or end. */
const unobservedStep: StepObserver = () => () => undefined;

/** Creates the observer. */
export function createObserver(options: ObserverOptions): RuntimeObserver {
  const { logger, metrics, worker } = options;
  const waitLogMs = options.waitLogMs ?? RATE_LIMIT_LOG_MS;
  const clock = options.clock;
  const elapsed = () => clock.monotonic?.() ?? clock.now();
  /** The breaker state last logged, by system. */
  const breakers = new Map<string, string>();
  return {
    async intake(source, traceparent, work) {
      const span = startSpan("syncspec.intake", incomingTraceContext(traceparent), { "syncspec.source": source }, SpanKind.SERVER);
      try {
        const result = await work(span);
        endSpan(span);
        return result;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
    scheduled(route, scheduledAt, outcome) {
      metrics?.scheduled(route, outcome);
      if (outcome === "failed") return;
      const how = outcome === "accepted" ? "is in the inbox" : "was already in the inbox (another worker offered it)";
      logger.info(`scheduled run of route ${route} at ${scheduledAt} ${how}`, { event: "schedule.run", route, scheduledAt, outcome, worker });
    },
    offered(routes, outcomes, refused, span) {
      const counts: Record<string, number> = {};
      outcomes.forEach((outcome, i) => {
        const status = outcome.status === "conflict" ? "conflicting" : outcome.status;
        counts[status] = (counts[status] ?? 0) + 1;
        metrics?.offered(routes[i] ?? "unknown", status);
      });
      for (const r of refused) {
        metrics?.offered(r.route, "refused");
        logger.warn(`an event offered to route ${r.route} was refused: ${r.reason}`, { event: "intake.refused", route: r.route, reason: r.reason, worker });
      }
      for (const [status, n] of Object.entries(counts)) span.setAttribute(`syncspec.events.${status}`, n);
      if (refused.length > 0) span.setAttribute("syncspec.events.refused", refused.length);
    },
    async process(event, work) {
      // Without an SDK every span, its attributes and its context would only be allocated and dropped.
      const span = tracing() ? processSpan(event) : undefined;
      const settlement = await work(span === undefined ? unobservedStep : stepSpans(event, span));
      span?.setAttribute("syncspec.outcome", settlement.outcome);
      metrics?.processed(event.route, settlement.outcome);
      if (settlement.outcome === "exception") {
        logger.warn(`event ${event.id} of route ${event.route} opened an exception in ${settlement.issue.queue}: ${settlement.issue.reason}`, {
          event: "exception.opened",
          route: event.route,
          eventId: event.id,
          queue: settlement.issue.queue,
          owner: settlement.issue.owner,
          reason: settlement.issue.reason,
          worker,
        });
        if (span !== undefined) endSpan(span, undefined, settlement.issue.reason);
      } else {
        // A skipped event (a condition that does not hold, a stale or duplicate version) says why.
        if (settlement.outcome === "skipped") {
          span?.setAttribute("syncspec.skip_reason", settlement.reason);
          logger.info(`event ${event.id} of route ${event.route} skipped: ${settlement.reason}`, { event: "event.skipped", route: event.route, eventId: event.id, reason: settlement.reason, worker });
        }
        if (span !== undefined) endSpan(span);
      }
      return settlement;
    },
    async deliver(d, breakerState, attempt) {
      const span = tracing() ? deliverySpan(d) : undefined;
      const before = breakerState();
      const started = elapsed();
      const settlement = await attempt(span === undefined ? eventTraceparent(d.traceId) : outgoingTraceparent(span, d.traceId));
      const seconds = (elapsed() - started) / 1000;
      const after = breakerState();
      const outcome = settlement.outcome === "retry" && settlement.refund === true ? "waited" : settlement.outcome;
      metrics?.attempted({ route: d.route, system: d.system, operation: d.operation, outcome }, outcome === "waited" ? undefined : seconds);
      span?.setAttribute("syncspec.outcome", outcome);
      if (settlement.outcome === "delivered") span?.setAttribute("http.response.status_code", settlement.status);
      logDelivery(logger, worker, d, settlement, waitLogMs);
      // Attempts in flight together all see one transition; it is logged once, against the last state logged.
      const last = breakers.get(d.system) ?? "closed";
      if (before === "half-open" && outcome !== "waited") logBreaker(logger, worker, d.system, last, "half-open");
      if (after !== "half-open" && after !== (before === "half-open" && outcome !== "waited" ? "half-open" : last)) logBreaker(logger, worker, d.system, last, after);
      if (after !== "half-open") breakers.set(d.system, after);
      if (span !== undefined) endSpan(span, undefined, settlement.outcome === "delivered" ? undefined : describeFailure(settlement));
      return settlement;
    },
  };
}

/** An event's processing span, in the event's trace. */
function processSpan(event: ClaimedEvent): Span {
  return startSpan(`syncspec.process ${event.route}`, eventTraceContext(event.traceId), {
    "syncspec.route": event.route,
    "syncspec.event_id": event.id,
    "syncspec.event_key": event.key,
    "syncspec.attempt": event.attempt,
  });
}

/** A child span per step of an event's processing, when its span is recorded (a sampled-out one makes none). */
function stepSpans(event: ClaimedEvent, span: Span): StepObserver {
  if (!span.isRecording()) return unobservedStep;
  const inside = trace.setSpan(eventTraceContext(event.traceId), span);
  return (step) => {
    const child = startSpan(`syncspec.step ${step.id}`, inside, { "syncspec.route": event.route, "syncspec.step": step.id, "syncspec.step_kind": step.kind, "syncspec.event_id": event.id });
    return (error) => endSpan(child, error);
  };
}

/** A delivery attempt's span, in its event's trace; its ids go to the target as `traceparent`. */
function deliverySpan(d: ClaimedDelivery): Span {
  const target = `${d.system}.${d.operation}`;
  const attributes = { "syncspec.route": d.route, "syncspec.event_id": d.eventId, "syncspec.target": target, "syncspec.attempt": d.attempt, ...(d.id > 0 ? { "syncspec.delivery_id": d.id } : {}) };
  return startSpan(`syncspec.deliver ${target}`, eventTraceContext(d.traceId), attributes, SpanKind.CLIENT);
}

function describeFailure(s: DeliverySettlement): string | undefined {
  if (s.outcome === "retry") return s.refund === true ? undefined : s.error;
  if (s.outcome === "dead" || s.outcome === "exception") return s.issue.reason;
  return undefined;
}

/** Logs what one delivery attempt came to, when it is something other than delivered. */
function logDelivery(logger: Logger, worker: string, d: ClaimedDelivery, s: DeliverySettlement, waitLogMs: number): void {
  if (s.outcome === "delivered") return;
  // A delivery made as its event is routed has no id until its settlement is written.
  const fields = { route: d.route, ...(d.id > 0 ? { deliveryId: d.id } : {}), eventId: d.eventId, target: `${d.system}.${d.operation}`, attempt: d.attempt, traceId: d.traceId, worker };
  const which = d.id > 0 ? `delivery ${d.id}` : `the delivery of event ${d.eventId}`;
  if (s.outcome === "retry") {
    const delayMs = Math.max(0, s.availableAt - s.now);
    if (s.refund !== true) logger.warn(`${which} to ${fields.target} failed; retrying in ${delayMs} ms: ${s.error}`, { event: "delivery.retry", ...fields, reason: s.error, delayMs });
    else if (delayMs >= waitLogMs) logger.info(`${which} to ${fields.target} waits ${delayMs} ms: ${s.error}`, { event: "delivery.wait", ...fields, reason: s.error, delayMs });
  } else if (s.outcome === "dead") {
    logger.error(`${which} to ${fields.target} is a dead letter in ${s.issue.queue}: ${s.issue.reason}`, { event: "delivery.dead", ...fields, queue: s.issue.queue, reason: s.issue.reason });
  } else if (s.outcome === "exception") {
    logger.warn(`${which} to ${fields.target} opened an exception in ${s.issue.queue}: ${s.issue.reason}`, {
      event: "exception.opened",
      ...fields,
      queue: s.issue.queue,
      owner: s.issue.owner,
      reason: s.issue.reason,
    });
  }
}

/** Logs a breaker's change of state: opened, a probe let through (half-open), or closed. */
function logBreaker(logger: Logger, worker: string, system: string, before: string, after: string): void {
  const fields = { system, from: before, to: after, worker };
  if (after === "open") logger.warn(`the circuit to ${system} opened: calls wait until it lets a probe through`, { event: "breaker.open", ...fields });
  else if (after === "half-open") logger.info(`the circuit to ${system} is half-open: a probe call goes through`, { event: "breaker.probe", ...fields });
  else logger.info(`the circuit to ${system} closed`, { event: "breaker.close", ...fields });
}
