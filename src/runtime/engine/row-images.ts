/**
 * Work handed off by the store, as a lease from the store would hand it back: built here once, so
 * that handed work and leased work reach the loops in the same shape.
 */
import { sendsBodyAsIs } from "../delivery/deliver.ts";
import type { OperationDefinition } from "../pipeline.ts";
import type { ClaimedDelivery, ClaimedEvent, IncomingEvent, NewDelivery } from "../store/store.ts";

/** An event accepted and leased by handoff at `now`, as attempt 1. */
export function handedEvent(event: IncomingEvent, id: number, now: number, free: boolean): ClaimedEvent {
  return {
    id,
    route: event.route,
    key: event.key,
    // As the store keeps it: the serialised payload, read back.
    payload: event.serialized === undefined ? (JSON.parse(JSON.stringify(event.payload ?? null)) as unknown) : (JSON.parse(event.serialized.json) as unknown),
    orderingKey: event.orderingKey ?? null,
    source: event.source,
    traceId: event.traceId,
    receivedAt: now,
    attempt: 1,
    revision: 0,
    waitUntil: null,
    free,
  };
}

/**
 * A routed event's delivery as attempt 1: the body as the store keeps it, parsed only for an
 * operation that reads it (`sendsBodyAsIs`). `id` is the outbox row's, 0 before it is written.
 */
export function routedDelivery(event: ClaimedEvent, d: NewDelivery, id: number, operation: OperationDefinition | undefined): ClaimedDelivery {
  const json = d.bodyJson ?? JSON.stringify(d.body ?? null);
  const asIs = operation !== undefined && sendsBodyAsIs(operation);
  const item: ClaimedDelivery = {
    id,
    eventId: event.id,
    route: event.route,
    step: d.step,
    system: d.system,
    operation: d.operation,
    idempotencyKey: d.idempotencyKey,
    body: asIs ? null : (JSON.parse(json) as unknown),
    params: d.params ?? null,
    traceId: event.traceId,
    attempt: 1,
    tries: 1,
    xref: d.xref ?? null,
  };
  if (asIs) item.bodyJson = json;
  return item;
}
