/**
 * The bound spec set: every valid document by kind and name, the canonical events routes emit,
 * and shape lookups. This is what the checker, the linter and the emitters read.
 */
import type { DocumentOf, JsonSchema, KindName, Shape } from "../../model/index.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { ValidDocument } from "../validate/validate-document.ts";
import { entityShape, type RecordShape, schemaShape, type ShapeField } from "./shapes.ts";

/** A valid document with its typed value. */
export interface BoundDocument<K extends KindName = KindName> {
  kind: K;
  name: string;
  value: DocumentOf[K];
  source: ValidDocument;
}

/** A canonical event and the emit steps that publish it. */
export interface CanonicalEvent {
  name: string;
  entity: string | undefined;
  emittedBy: { route: BoundDocument<"Route">; path: PathSegment[] }[];
  /**
   * The operations whose write-back announces it (`writeBack.emit`): its payload is then the
   * entity's identity fields and the fields written back, no more.
   */
  writtenBackBy?: WriteBackEmitter[];
}

/** An operation whose write-back announces a canonical event. */
export interface WriteBackEmitter {
  system: BoundDocument<"System">;
  operation: string;
  /** Where its `emit` is written: `spec.operations.<operation>.writeBack`. */
  path: PathSegment[];
  entity: string;
  fields: string[];
}

export interface SpecSet {
  documents: readonly BoundDocument[];
  systems: ReadonlyMap<string, BoundDocument<"System">>;
  entities: ReadonlyMap<string, BoundDocument<"Entity">>;
  ownerships: ReadonlyMap<string, BoundDocument<"Ownership">>;
  mappings: ReadonlyMap<string, BoundDocument<"Mapping">>;
  routes: ReadonlyMap<string, BoundDocument<"Route">>;
  reconciliations: ReadonlyMap<string, BoundDocument<"Reconciliation">>;
  policies: ReadonlyMap<string, BoundDocument<"Policy">>;
  /** Ownership documents by the entity they govern. */
  ownershipOf: ReadonlyMap<string, BoundDocument<"Ownership">>;
  canonicalEvents: ReadonlyMap<string, CanonicalEvent>;
  /** Names declared by documents that failed validation, so references to them stay quiet. */
  invalidNames: ReadonlyMap<KindName, ReadonlySet<string>>;
}

/** A document of any kind that had a kind and a name, valid or not. */
export interface NamedDocument {
  kind: KindName;
  name: string;
}

/** Called with a step, its path in the document and its id (its own, or the one the lowering gives it). */
type StepVisit = (step: Record<string, unknown>, path: PathSegment[], id: string) => void;

function visitSteps(steps: readonly unknown[], path: PathSegment[], visit: StepVisit, prefix: string) {
  steps.forEach((step, index) => {
    const here = [...path, index];
    const own = (step as { id?: unknown }).id;
    const id = typeof own === "string" ? own : `${prefix}step-${index + 1}`;
    visit(step as Record<string, unknown>, here, id);
    const branches = (step as { branch?: { steps: unknown[] }[] }).branch;
    branches?.forEach((branch, b) => visitSteps(branch.steps, [...here, "branch", b, "steps"], visit, `${id}.branch-${b + 1}.`));
  });
}

/**
 * Calls `visit` for every step of a route, branches included, with its path in the document and
 * its id: its own, or its position as the lowering names it (`step-2`, `bill.branch-1.step-1`).
 */
export function forEachStep(route: BoundDocument<"Route">, visit: StepVisit): void {
  visitSteps(route.value.spec.steps, ["spec", "steps"], visit, "");
}

/** Builds the spec set; reports names declared twice. */
export function bind(valid: readonly ValidDocument[], invalid: readonly NamedDocument[]): [SpecSet, Diagnostic[]] {
  const diagnostics: Diagnostic[] = [];
  const tables = {
    System: new Map(),
    Entity: new Map(),
    Ownership: new Map(),
    Mapping: new Map(),
    Route: new Map(),
    Reconciliation: new Map(),
    Policy: new Map(),
  } as { [K in KindName]: Map<string, BoundDocument<K>> };
  const documents: BoundDocument[] = [];
  for (const source of valid) {
    const value = source.value as DocumentOf[KindName];
    const name = value.metadata.name;
    const table = tables[source.kind] as Map<string, BoundDocument>;
    const existing = table.get(name);
    if (existing !== undefined) {
      diagnostics.push(
        diagnostic(
          "duplicate-name",
          { kind: source.kind, name, other: existing.source.file.path },
          source.locate(["metadata", "name"]),
        ),
      );
      continue;
    }
    const bound = { kind: source.kind, name, value, source } as BoundDocument;
    table.set(name, bound);
    documents.push(bound);
  }
  const ownershipOf = new Map<string, BoundDocument<"Ownership">>();
  for (const ownership of tables.Ownership.values()) {
    const entity = ownership.value.spec.entity;
    const other = ownershipOf.get(entity);
    if (other !== undefined) {
      diagnostics.push(
        diagnostic(
          "duplicate-name",
          { kind: "Ownership of entity", name: entity, other: other.source.file.path },
          ownership.source.locate(["spec", "entity"]),
        ),
      );
    } else ownershipOf.set(entity, ownership);
  }
  const canonicalEvents = new Map<string, CanonicalEvent>();
  for (const route of tables.Route.values()) {
    forEachStep(route, (step, path) => {
      const emit = step["emit"] as { event: string; entity?: string } | undefined;
      if (emit === undefined) return;
      const event = canonicalEvents.get(emit.event) ?? { name: emit.event, entity: emit.entity, emittedBy: [] };
      event.entity ??= emit.entity;
      event.emittedBy.push({ route, path });
      canonicalEvents.set(emit.event, event);
    });
  }
  for (const system of tables.System.values()) {
    for (const [operation, op] of Object.entries(system.value.spec.operations ?? {})) {
      const writeBack = op.writeBack;
      if (writeBack?.emit === undefined) continue;
      const event = canonicalEvents.get(writeBack.emit) ?? { name: writeBack.emit, entity: writeBack.entity, emittedBy: [] };
      event.entity ??= writeBack.entity;
      const emitter = { system, operation, path: ["spec", "operations", operation, "writeBack"], entity: writeBack.entity, fields: Object.keys(writeBack.fields) };
      event.writtenBackBy = [...(event.writtenBackBy ?? []), emitter];
      canonicalEvents.set(writeBack.emit, event);
    }
  }
  const invalidNames = new Map<KindName, Set<string>>();
  for (const d of invalid) invalidNames.set(d.kind, (invalidNames.get(d.kind) ?? new Set()).add(d.name));
  return [
    {
      documents,
      systems: tables.System,
      entities: tables.Entity,
      ownerships: tables.Ownership,
      mappings: tables.Mapping,
      routes: tables.Route,
      reconciliations: tables.Reconciliation,
      policies: tables.Policy,
      ownershipOf,
      canonicalEvents,
      invalidNames,
    },
    diagnostics,
  ];
}

/** The record shape a Mapping's `source` or `target` names, when it resolves. */
export function shapeOf(set: SpecSet, shape: Shape): RecordShape | undefined {
  if (shape.entity !== undefined) {
    const entity = set.entities.get(shape.entity);
    return entity === undefined ? undefined : entityShape(entity.name, entity.value.spec);
  }
  if (shape.system !== undefined && shape.schema !== undefined) return systemSchemaShape(set, shape.system, shape.schema);
  return undefined;
}

/** The shape of a system's named schema, when both exist. */
export function systemSchemaShape(set: SpecSet, system: string, schema: string): RecordShape | undefined {
  const schemas = (set.systems.get(system)?.value.spec.schemas ?? {}) as Record<string, JsonSchema>;
  const found = schemas[schema];
  return found === undefined ? undefined : schemaShape(`${system} schema ${schema}`, found, schemas);
}

/** The shape of the payload a route's trigger delivers, when it can be known. */
export function triggerShape(set: SpecSet, route: BoundDocument<"Route">): RecordShape | undefined {
  const trigger = route.value.spec.trigger;
  if (trigger.event !== undefined) {
    const [system, event] = trigger.event.split(".") as [string, string];
    const payload = set.systems.get(system)?.value.spec.events?.[event]?.payload;
    return payload === undefined ? undefined : systemSchemaShape(set, system, payload);
  }
  if (trigger.canonical !== undefined) {
    const event = set.canonicalEvents.get(trigger.canonical);
    const found = event?.entity === undefined ? undefined : set.entities.get(event.entity);
    if (found === undefined) return undefined;
    const shape = entityShape(found.name, found.value.spec);
    return event?.writtenBackBy === undefined || event.emittedBy.length > 0 ? shape : writtenBackShape(shape, found.name, found.value.spec.identity, event.writtenBackBy);
  }
  if (trigger.schedule !== undefined) return SCHEDULED_RUN;
  return undefined;
}

/** What a write-back's event carries: the entity's identity fields and the fields written back. */
function writtenBackShape(shape: RecordShape, entity: string, identity: readonly string[], emitters: readonly WriteBackEmitter[]): RecordShape {
  const carried = new Set([...identity, ...emitters.filter((e) => e.entity === entity).flatMap((e) => e.fields)]);
  const fields = new Map([...(shape.fields ?? new Map<string, ShapeField>())].filter(([name]) => carried.has(name)));
  return { label: `${shape.label} as its write-back announces it (${[...carried].join(", ")})`, fields, partOf: entity };
}
/** The record a scheduled route's run starts with: the route and the instant its schedule named (runtime/engine/schedules.ts). */
const SCHEDULED_RUN: RecordShape = {
  label: "a scheduled run",
  fields: new Map([
    ["route", { name: "route", type: "string", required: true }],
    ["scheduledAt", { name: "scheduledAt", type: "datetime", required: true }],
  ]),
};
