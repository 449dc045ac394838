/**
 * Write-back: the fields of a kept record an operation's answer gives (the ERP's journal id onto
 * the time entry), evaluated over `{ request, answer }` once the target has applied the request.
 * An answer that gives nothing for a field is an exception: the effect is applied, nothing is lost,
 * and a retry sends the same idempotency key, so the target answers the same without applying it again.
 */
import type { OperationDefinition, PipelineDefinition, Transform } from "../pipeline.ts";
import { compileTransform } from "../expression.ts";
import { incomingEvent, keyOf } from "../incoming-event.ts";
import { canonicalJson, sha256 } from "../store/canonical-json.ts";
import type { ClaimedDelivery, IncomingEvent } from "../store/store.ts";

/** The update a delivery's answer makes to a kept record. */
export interface WriteBack {
  entity: string;
  key: string;
  fields: Record<string, unknown>;
}

type Compiled = { key: Transform; fields: [string, Transform][] };

const compiled = new WeakMap<NonNullable<OperationDefinition["writeBack"]>, Compiled>();

function compiledOf(name: string, writeBack: NonNullable<OperationDefinition["writeBack"]>): Compiled {
  let found = compiled.get(writeBack);
  if (found === undefined) {
    found = {
      key: compileTransform(`${name}#writeBack.key`, writeBack.key),
      fields: Object.entries(writeBack.fields).map(([field, source]) => [field, compileTransform(`${name}#writeBack.${field}`, source)]),
    };
    compiled.set(writeBack, found);
  }
  return found;
}

const given = (value: unknown) => value !== undefined && value !== null && value !== "";

/** What the answer writes back, or why it cannot: a field (or the key) the answer does not give. */
export async function writeBackOf(
  system: string,
  operation: OperationDefinition,
  request: unknown,
  answer: unknown,
): Promise<{ writeBack?: WriteBack } | { missing: string }> {
  const writeBack = operation.writeBack;
  if (writeBack === undefined) return {};
  const { key, fields } = compiledOf(`${system}.${operation.name}`, writeBack);
  const input = { request, answer };
  const keyValue = await key.evaluate(input);
  if (!given(keyValue) || typeof keyValue === "object") return { missing: `the key of the ${writeBack.entity} to update (${writeBack.key} gave ${JSON.stringify(keyValue) ?? "nothing"})` };
  const values: Record<string, unknown> = {};
  for (const [field, transform] of fields) {
    const value = await transform.evaluate(input);
    if (!given(value)) return { missing: `${writeBack.entity}.${field} (${writeBack.fields[field]} gave ${JSON.stringify(value) ?? "nothing"})` };
    values[field] = value;
  }
  return { writeBack: { entity: writeBack.entity, key: String(keyValue), fields: values } };
}

/**
 * The canonical events a write-back announces (`writeBack.emit`), one per route triggered by it:
 * the record's identity fields and the fields written back. The event's key names the delivery
 * and the values, so the same answer settled again (a retry, a replay) is the same event, and a
 * new value written back by a later delivery (an amendment's posting) is a new one.
 */
export function writeBackEvents(
  operation: OperationDefinition,
  written: WriteBack,
  canonicalRoutes: ReadonlyMap<string, readonly PipelineDefinition[]> | undefined,
  d: Pick<ClaimedDelivery, "eventId" | "route" | "step" | "traceId">,
): IncomingEvent[] {
  const emit = operation.writeBack?.emit;
  const routes = emit === undefined ? undefined : canonicalRoutes?.get(emit.event);
  if (emit === undefined || routes === undefined || routes.length === 0) return [];
  const parts = emit.identity.length === 1 ? [written.key] : written.key.split("|");
  const record: Record<string, unknown> = {};
  emit.identity.forEach((field, i) => {
    record[field] = parts[i] ?? null;
  });
  Object.assign(record, written.fields);
  const fallback = `${d.route}:${d.eventId}:${d.step}:${sha256(canonicalJson(written.fields)).slice(0, 16)}`;
  return routes.map((route) => incomingEvent(route, record, { key: (route.idempotencyKey.length > 0 ? keyOf(record, route.idempotencyKey) : undefined) ?? fallback, source: `canonical:${emit.event}`, traceId: d.traceId }));
}
