/**
 * How an event enters the inbox for a route: its idempotency key, ordering key and exception
 * queue read from the record as the route declares them. Intake (`offer`) and the `emit` step
 * both shape the events they hand to the store here, so a canonical event a route emits is keyed
 * exactly as one offered from outside would be.
 */
import type { PipelineDefinition } from "./pipeline.ts";
import type { IncomingEvent } from "./store/store.ts";

/** Reads a dotted path from a record. */
export function valueAt(record: unknown, path: string): unknown {
  let current = record;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The values of key fields joined into one key; undefined when one is missing. */
export function keyOf(record: unknown, fields: readonly string[]): string | undefined {
  const values: string[] = [];
  for (const field of fields) {
    const value = valueAt(record, field);
    if (value === undefined || value === null || typeof value === "object") return undefined;
    values.push(String(value));
  }
  return values.join("|");
}

/** Where an event comes from and what it is, besides the record. */
export interface EventOrigin {
  /** The route's idempotency key values, joined. */
  key: string;
  /** `psa.timeApproved`, `canonical:project-created`... */
  source: string;
  traceId: string;
  /** The payload already serialised (intake): the store reads it instead of the record. */
  serialized?: { json: string; hash: string };
}

/** The event `route` gets for `record`. */
export function incomingEvent(route: PipelineDefinition, record: unknown, origin: EventOrigin): IncomingEvent {
  const ordering = route.orderingKey === undefined ? undefined : keyOf(record, route.orderingKey);
  const exceptions = route.policies.exceptions;
  return {
    route: route.route,
    key: origin.key,
    // A serialised payload is what the store reads: the value itself then does not cross to it.
    payload: origin.serialized === undefined ? record : undefined,
    ...(origin.serialized !== undefined ? { serialized: origin.serialized } : {}),
    source: origin.source,
    traceId: origin.traceId,
    ...(ordering !== undefined ? { orderingKey: `${route.route}|${ordering}` } : {}),
    ...(exceptions !== undefined ? { exceptions: { queue: exceptions.queue, owner: exceptions.owner } } : {}),
  };
}
