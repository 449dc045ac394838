/**
 * Comparing two spec sets document by document: entities and their fields, systems' events,
 * operations and schemas, canonical events, ownership, route triggers, keys and kept records,
 * mapping outputs, and reconciliations.
 */
import type { Field, JsonSchema, KindName, Step, SystemEvent } from "../../model/index.ts";
import type { BoundDocument, SpecSet } from "../check/spec-set.ts";
import type { PathSegment } from "../parse/document.ts";
import { outputKeys } from "../lint/queries.ts";
import { type Change, CHANGE_CLASSES, type ChangeClass } from "./changes.ts";
import { compareCorrections } from "./corrections.ts";
import { compareReconciliations } from "./reconciliations.ts";
import { compareRejections } from "./rejections.ts";

/** Type changes that only widen what a field holds: readers of the old type still read the new one. */
const WIDENINGS: ReadonlySet<string> = new Set(["integer>number", "integer>decimal", "enum>string", "currency>string", "date>string", "datetime>string"]);

type Emit = (cls: ChangeClass, message: string, path: readonly PathSegment[]) => void;

function emitterFor(out: Change[], previous: BoundDocument | undefined, current: BoundDocument | undefined): Emit {
  const doc = (current ?? previous) as BoundDocument;
  return (cls, message, path) => {
    const located = current ?? previous;
    out.push({
      class: cls,
      breaks: CHANGE_CLASSES[cls],
      kind: doc.kind,
      name: doc.name,
      previousVersion: previous?.value.metadata.version,
      currentVersion: current?.value.metadata.version,
      message,
      location: located?.source.locate(path),
    });
  };
}

function compareFields(emit: Emit, entity: string, before: Record<string, Field>, after: Record<string, Field>, path: PathSegment[], prefix: string): void {
  const added = Object.keys(after).filter((name) => before[name] === undefined);
  const removed = Object.keys(before).filter((name) => after[name] === undefined);
  for (const [name, old] of Object.entries(before)) {
    const now = after[name];
    const label = `${entity}.${prefix}${name}`;
    if (now === undefined) {
      // One field gone and one of the same type added reads as a rename; it breaks all the same.
      const renamed = removed.length === 1 && added.length === 1 && after[added[0] ?? ""]?.type === old.type ? ` (renamed to ${added[0]}?)` : "";
      emit("field-removed", `field ${label} was removed${renamed}`, [...path, name]);
      continue;
    }
    if (old.type !== now.type && !WIDENINGS.has(`${old.type}>${now.type}`)) {
      emit("field-type-changed", `field ${label} changed type from ${old.type} to ${now.type}`, [...path, name, "type"]);
    } else if (old.type === now.type && old.type === "enum") {
      const removed = (old.values ?? []).filter((v) => !(now.values ?? []).includes(v));
      const added = (now.values ?? []).filter((v) => !(old.values ?? []).includes(v));
      if (removed.length > 0) emit("enum-value-removed", `field ${label} no longer allows ${removed.join(", ")}`, [...path, name, "values"]);
      if (added.length > 0) emit("enum-value-added", `field ${label} now also allows ${added.join(", ")}`, [...path, name, "values"]);
    }
    if (old.required !== true && now.required === true) emit("field-made-required", `field ${label} was optional and is now required`, [...path, name, "required"]);
    if (old.fields !== undefined && now.fields !== undefined) compareFields(emit, entity, old.fields, now.fields, [...path, name, "fields"], `${prefix}${name}.`);
  }
  // A required field added asks every producer of the entity for it and finds stored records without
  // it, as making a field required does; an optional one breaks no one.
  for (const name of added) {
    if (after[name]?.required === true) emit("required-field-added", `field ${entity}.${prefix}${name} was added, required`, [...path, name]);
    else emit("field-added", `field ${entity}.${prefix}${name} was added (optional)`, [...path, name]);
  }
}

function schemaType(schema: JsonSchema | undefined): string {
  if (schema === undefined) return "unknown";
  if (schema.$ref !== undefined) return schema.$ref;
  return Array.isArray(schema.type) ? schema.type.join("|") : String(schema.type ?? "unknown");
}

function compareSchemas(emit: Emit, system: string, before: Record<string, JsonSchema>, after: Record<string, JsonSchema>): void {
  for (const [name, old] of Object.entries(before)) {
    const now = after[name];
    const path = ["spec", "schemas", name];
    if (now === undefined) {
      emit("schema-property-removed", `schema ${system}.${name} was removed`, path);
      continue;
    }
    for (const [property, was] of Object.entries(old.properties ?? {})) {
      const is = now.properties?.[property];
      if (is === undefined) emit("schema-property-removed", `property ${property} of schema ${system}.${name} was removed`, [...path, "properties", property]);
      else if (schemaType(was) !== schemaType(is)) {
        emit("schema-property-type-changed", `property ${property} of schema ${system}.${name} changed type from ${schemaType(was)} to ${schemaType(is)}`, [...path, "properties", property]);
      }
    }
    const wasRequired = new Set(old.required ?? []);
    for (const property of now.required ?? []) {
      if (!wasRequired.has(property)) emit("schema-property-made-required", `property ${property} of schema ${system}.${name} is now required`, [...path, "required"]);
    }
  }
}

function removedKeys(emit: Emit, cls: ChangeClass, what: string, before: object | undefined, after: object | undefined, path: PathSegment[]): void {
  for (const key of Object.keys(before ?? {})) {
    if (!Object.hasOwn(after ?? {}, key)) emit(cls, `${what}${key} was removed`, [...path, key]);
  }
}

type Webhook = NonNullable<SystemEvent["webhook"]>;

/** How a webhook's sender authenticates, in words: what must be configured on the sender. */
function senderProof(webhook: Webhook | undefined): string {
  if (webhook === undefined) return "no webhook";
  const ways: string[] = [];
  if (webhook.signature !== undefined) ways.push(`a ${webhook.signature.scheme} signature in ${webhook.signature.header}`);
  if (webhook.authentication?.basic !== undefined) ways.push("HTTP basic credentials");
  if (webhook.authentication?.bearer !== undefined) ways.push("a bearer token");
  return ways.length === 0 ? "nothing" : ways.join(" and ");
}

/**
 * A webhook whose sender must now prove itself otherwise (credentials or signature added or
 * changed) breaks the sending system until it is configured to match; one that asks for less
 * breaks no one but is still reported.
 */
function compareWebhooks(emit: Emit, system: string, before: Record<string, SystemEvent>, after: Record<string, SystemEvent>): void {
  for (const [name, now] of Object.entries(after)) {
    const was = before[name];
    if (was?.webhook === undefined || now.webhook === undefined) continue;
    const proof = (w: Webhook) => JSON.stringify({ signature: w.signature ?? null, basic: w.authentication?.basic ?? null, bearer: w.authentication?.bearer ?? null });
    if (proof(was.webhook) === proof(now.webhook)) continue;
    const path = ["spec", "events", name, "webhook"];
    const [old, current] = [senderProof(was.webhook), senderProof(now.webhook)];
    if (current === "nothing") emit("webhook-authentication-removed", `webhook ${system}.${name} no longer authenticates its sender (was ${old})`, path);
    else emit("webhook-authentication-changed", `webhook ${system}.${name} now requires ${current} (was ${old}): configure the sender to match before deploying`, path);
  }
}

type RouteSpec = BoundDocument<"Route">["value"]["spec"];

/** What starts a route, in words. */
function triggerOf(trigger: RouteSpec["trigger"]): string {
  if (trigger.event !== undefined) return `event ${trigger.event}`;
  if (trigger.canonical !== undefined) return `canonical event ${trigger.canonical}`;
  return `schedule ${trigger.schedule ?? "?"}`;
}

/** The keep steps of a route (in branches too), by the entity each keeps: its version field, or "" for arrival order. */
function keptRecords(steps: readonly Step[], out = new Map<string, string>()): Map<string, string> {
  for (const step of steps) {
    if (step.keep !== undefined) out.set(step.keep.entity, step.keep.version ?? "");
    for (const branch of step.branch ?? []) keptRecords(branch.steps as Step[], out);
  }
  return out;
}

/**
 * A route that starts on another event leaves the events accepted from its old trigger, and the
 * sender configured for it, behind; a route that stops keeping an entity's records, or versions
 * them by another field, changes what the state holds for every lookup of that entity.
 */
function compareRouteState(emit: Emit, a: RouteSpec, b: RouteSpec): void {
  const [was, now] = [triggerOf(a.trigger), triggerOf(b.trigger)];
  if (was !== now) emit("trigger-changed", `the route's trigger changed from ${was} to ${now}: events stored from the old trigger and the senders configured for it no longer match`, ["spec", "trigger"]);
  const [before, after] = [keptRecords(a.steps), keptRecords(b.steps)];
  for (const [entity, version] of before) {
    const current = after.get(entity);
    const shown = (v: string) => (v === "" ? "arrival order" : v);
    if (current === undefined) emit("kept-record-removed", `the route no longer keeps ${entity} records: lookups of ${entity} stop seeing the changes it brought`, ["spec", "steps"]);
    else if (current !== version) emit("kept-version-changed", `the ${entity} records it keeps are versioned by ${shown(current)} instead of ${shown(version)}: the versions already kept compare against another field`, ["spec", "steps"]);
  }
}

/**
 * The postings kept for a versioned record are found by its identity and compared by its
 * version: another identity or version field leaves them unmatched, and a route that starts
 * versioning has kept none for the records it posted before.
 */
function compareVersioning(emit: Emit, a: RouteSpec["versioning"], b: RouteSpec["versioning"]): void {
  const at = ["spec", "versioning"];
  if (a === undefined && b !== undefined) {
    emit("versioning-added", `the route now versions its record by ${b.version}: records posted before keep no posting, so their next version posts as a first one`, at);
    return;
  }
  if (a === undefined) return;
  if (b === undefined) emit("versioning-changed", "the route no longer versions its record: stale and duplicate versions are posted again", at);
  else if (!same(a.identity, b.identity) || a.version !== b.version) {
    emit("versioning-changed", `the record's identity and version changed from ${show(a.identity)} by ${a.version} to ${show(b.identity)} by ${b.version}: the postings kept no longer match`, at);
  }
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const show = (keys: readonly string[] | undefined) => (keys === undefined ? "none" : `[${keys.join(", ")}]`);

function compareDocument(emit: Emit, previous: BoundDocument, current: BoundDocument): void {
  if (previous.kind === "Entity" && current.kind === "Entity") {
    const [a, b] = [previous as BoundDocument<"Entity">, current as BoundDocument<"Entity">];
    compareFields(emit, a.name, a.value.spec.fields, b.value.spec.fields, ["spec", "fields"], "");
  } else if (previous.kind === "System" && current.kind === "System") {
    const [a, b] = [previous as BoundDocument<"System">, current as BoundDocument<"System">];
    removedKeys(emit, "event-removed", `event ${a.name}.`, a.value.spec.events, b.value.spec.events, ["spec", "events"]);
    removedKeys(emit, "operation-removed", `operation ${a.name}.`, a.value.spec.operations, b.value.spec.operations, ["spec", "operations"]);
    compareSchemas(emit, a.name, (a.value.spec.schemas ?? {}) as Record<string, JsonSchema>, (b.value.spec.schemas ?? {}) as Record<string, JsonSchema>);
    compareWebhooks(emit, a.name, a.value.spec.events ?? {}, b.value.spec.events ?? {});
  } else if (previous.kind === "Ownership" && current.kind === "Ownership") {
    const [a, b] = [previous.value as BoundDocument<"Ownership">["value"], current.value as BoundDocument<"Ownership">["value"]];
    if (a.spec.systemOfRecord !== b.spec.systemOfRecord) {
      emit("ownership-moved", `the system of record of ${b.spec.entity} moved from ${a.spec.systemOfRecord} to ${b.spec.systemOfRecord}`, ["spec", "systemOfRecord"]);
    }
    for (const [field, owner] of Object.entries(a.spec.fields ?? {})) {
      const now = b.spec.fields?.[field]?.systemOfRecord ?? b.spec.systemOfRecord;
      if (now !== owner.systemOfRecord) emit("ownership-moved", `the owner of ${b.spec.entity}.${field} moved from ${owner.systemOfRecord} to ${now}`, ["spec", "fields", field]);
      for (const system of owner.replicas ?? []) {
        if ((b.spec.fields?.[field]?.replicas ?? []).includes(system)) continue;
        emit("field-replica-removed", `${system} no longer holds a replica of ${b.spec.entity}.${field}: routes that show it there stop`, ["spec", "fields", field]);
      }
    }
  } else if (previous.kind === "Route" && current.kind === "Route") {
    const [a, b] = [previous.value as BoundDocument<"Route">["value"], current.value as BoundDocument<"Route">["value"]];
    if (!same(a.spec.idempotencyKey, b.spec.idempotencyKey)) {
      emit("idempotency-key-changed", `the idempotency key changed from ${show(a.spec.idempotencyKey)} to ${show(b.spec.idempotencyKey)}: stored deduplication state no longer matches`, ["spec", "idempotencyKey"]);
    }
    if (!same(a.spec.orderingKey, b.spec.orderingKey)) {
      emit("ordering-key-changed", `the ordering key changed from ${show(a.spec.orderingKey)} to ${show(b.spec.orderingKey)}`, ["spec", "orderingKey"]);
    }
    compareVersioning(emit, a.spec.versioning, b.spec.versioning);
    compareRejections(emit, a.spec.steps, b.spec.steps);
    compareCorrections(emit, a.spec, b.spec);
    compareMeasures(a.spec.measures ?? {}, b.spec.measures ?? {}, emit);
    compareRouteState(emit, a.spec, b.spec);
  } else if (previous.kind === "Reconciliation" && current.kind === "Reconciliation") {
    compareReconciliations(emit, (previous.value as BoundDocument<"Reconciliation">["value"]).spec, (current.value as BoundDocument<"Reconciliation">["value"]).spec);
  } else if (previous.kind === "Mapping" && current.kind === "Mapping") {
    const [a, b] = [previous.value as BoundDocument<"Mapping">["value"], current.value as BoundDocument<"Mapping">["value"]];
    if (JSON.stringify(a.spec.target) !== JSON.stringify(b.spec.target)) {
      emit("mapping-output-changed", `the mapping's target changed from ${JSON.stringify(a.spec.target)} to ${JSON.stringify(b.spec.target)}`, ["spec", "target"]);
      return;
    }
    const before = outputKeys(a.spec.expression)?.map((k) => k.name);
    const after = outputKeys(b.spec.expression)?.map((k) => k.name);
    const removed = before === undefined || after === undefined ? [] : before.filter((k) => !after.includes(k));
    if (removed.length > 0) emit("mapping-output-changed", `the mapping no longer sets ${removed.join(", ")}`, ["spec", "expression"]);
  }
}

/**
 * A route's measures: one removed, or reading something else (another kind or step), breaks the
 * dashboards and alerts that read it by name; a new one breaks no one.
 */
function compareMeasures(
  before: NonNullable<RouteSpec["measures"]>,
  after: NonNullable<RouteSpec["measures"]>,
  emit: Emit,
): void {
  const reads = (m: NonNullable<RouteSpec["measures"]>[string]) => {
    if (m.latency !== undefined) return `the time to step ${m.latency.to}`;
    if (m.pending !== undefined) return `the events pending step ${m.pending.step}`;
    return `the open exceptions${m.exceptions?.reason === undefined ? "" : ` mentioning "${m.exceptions.reason}"`}`;
  };
  for (const [name, measure] of Object.entries(before)) {
    const now = after[name];
    if (now === undefined) emit("measure-removed", `the business measure ${name} was removed`, ["spec", "measures"]);
    else if (reads(now) !== reads(measure)) emit("measure-changed", `the business measure ${name} now reads ${reads(now)} instead of ${reads(measure)}`, ["spec", "measures", name]);
  }
  for (const name of Object.keys(after)) if (before[name] === undefined) emit("measure-added", `the business measure ${name} was added`, ["spec", "measures", name]);
}

const REMOVAL: Partial<Record<KindName, ChangeClass>> = { Entity: "entity-removed" };

/** Lists every change from `previous` to `current`, in document order. */
export function compareSets(previous: SpecSet, current: SpecSet): Change[] {
  const out: Change[] = [];
  const currentOf = new Map(current.documents.map((d) => [`${d.kind}/${d.name}`, d]));
  const previousOf = new Map(previous.documents.map((d) => [`${d.kind}/${d.name}`, d]));
  for (const old of previous.documents) {
    const now = currentOf.get(`${old.kind}/${old.name}`);
    const emit = emitterFor(out, old, now);
    if (now === undefined) {
      if (old.kind === "Policy") continue;
      emit(REMOVAL[old.kind] ?? "document-removed", `${old.kind} ${old.name} was removed`, ["metadata", "name"]);
      continue;
    }
    compareDocument(emit, old, now);
  }
  for (const [name, event] of previous.canonicalEvents) {
    if (current.canonicalEvents.has(name)) continue;
    const route = event.emittedBy[0]?.route;
    const announcer = event.writtenBackBy?.[0];
    if (route === undefined && announcer === undefined) continue;
    const source = route ?? (announcer?.system as BoundDocument);
    const now = currentOf.get(`${source.kind}/${source.name}`);
    // A write-back's event is gone from the operation that announced it (or the operation is).
    const where = route !== undefined ? ["spec", "steps"] : ["spec", "operations", announcer?.operation ?? ""];
    emitterFor(out, source, now)("canonical-event-removed", `canonical event ${name} is no longer emitted`, now === undefined ? ["metadata", "name"] : where);
  }
  for (const now of current.documents) {
    if (!previousOf.has(`${now.kind}/${now.name}`)) emitterFor(out, undefined, now)("document-added", `${now.kind} ${now.name} was added`, ["metadata", "name"]);
  }
  return out;
}
