/**
 * A route's versioned record: its identity and version fields exist in the trigger's payload, and
 * the version is of a type whose values order (an integer, a number or a date-time), for an older
 * version than the one posted to be told from a newer one.
 */
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import type { RecordShape, ShapeField } from "./shapes.ts";
import { type BoundDocument, forEachStep, systemSchemaShape } from "./spec-set.ts";

/** Entity field types and JSON Schema types whose values order. */
const ORDERED_TYPES = new Set(["integer", "number", "date", "datetime"]);
/** JSON Schema string formats whose values order as instants. */
const ORDERED_FORMATS = new Set(["date", "date-time"]);

/** Whether a version field of this type orders; an open type (`unknown`) is checked at run time. */
function orders(field: ShapeField): boolean {
  if (ORDERED_TYPES.has(field.type) || field.type === "unknown") return true;
  return field.type === "string" && field.format !== undefined && ORDERED_FORMATS.has(field.format);
}

/** Whether some deliver step of the route (in branches too) declares a correction. */
function corrects(doc: BoundDocument<"Route">): boolean {
  let found = false;
  forEachStep(doc, (step) => {
    const deliver = step["deliver"] as { correction?: unknown } | undefined;
    if (deliver?.correction !== undefined) found = true;
  });
  return found;
}

/**
 * An idempotency key holding the version makes every version a new event that posts beside the
 * earlier ones: the double posting an edit after approval must never cause. Unless the route
 * corrects what it posted, its key leaves the version out.
 */
function checkKeyWithoutVersion(cx: CheckContext, doc: BoundDocument<"Route">, version: string): void {
  const index = doc.value.spec.idempotencyKey?.indexOf(version) ?? -1;
  if (index < 0 || corrects(doc)) return;
  cx.report(diagnostic("version-in-key", { field: version }, doc.source.locate(["spec", "idempotencyKey", index])));
}

/**
 * The void event names an event of a system, whose payload carries the identity and version
 * fields (checked where its payload is known).
 */
function checkVoid(cx: CheckContext, doc: BoundDocument<"Route">, event: string, fields: readonly string[]): void {
  const at = ["spec", "versioning", "void", "event"];
  const [systemName = "", name = ""] = event.split(".");
  const system = cx.set.systems.get(systemName);
  if (system === undefined) {
    expectName(cx, doc, at, "system", systemName, cx.set.systems.keys(), { kind: "System" });
    return;
  }
  const events = system.value.spec.events ?? {};
  if (!expectName(cx, doc, at, "event", event, Object.keys(events).map((e) => `${systemName}.${e}`))) return;
  const payload = events[name]?.payload;
  const shape = payload === undefined ? undefined : systemSchemaShape(cx.set, systemName, payload);
  for (const field of fields) expectFieldPath(cx, doc, at, field, shape);
}

/** Checks the route's `versioning`, against the trigger's payload `shape` when it is known. */
export function checkVersioning(cx: CheckContext, doc: BoundDocument<"Route">, shape: RecordShape | undefined): void {
  const versioning = doc.value.spec.versioning;
  if (versioning === undefined) return;
  if (versioning.void !== undefined) checkVoid(cx, doc, versioning.void.event, [...versioning.identity, versioning.version]);
  versioning.identity.forEach((path, i) => expectFieldPath(cx, doc, ["spec", "versioning", "identity", i], path, shape));
  const at = ["spec", "versioning", "version"];
  checkKeyWithoutVersion(cx, doc, versioning.version);
  const field = expectFieldPath(cx, doc, at, versioning.version, shape);
  if (field === undefined || orders(field)) return;
  const type = field.format === undefined ? field.type : `${field.type} (${field.format})`;
  cx.report(diagnostic("version-unordered", { field: versioning.version, type }, doc.source.locate(at)));
}
