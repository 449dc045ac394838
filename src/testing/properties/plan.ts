/**
 * What `spec test --properties` needs to know of one route before it can generate events for it:
 * where its events come from, the JSON Schema of their payloads, and which payload fields identify,
 * key and order them.
 *
 * Generated events are distinct business events by construction: they differ in the fields of the
 * trigger entity's `identity` (found in the payload by name). Key and ordering fields that are not
 * identity fields are drawn from a pool of two values, so distinct events share them: a route whose
 * idempotency key leaves out an identity field then sees two business events under one key.
 */
import fc from "fast-check";
import type { SpecSet } from "../../compiler/check/spec-set.ts";
import type { JsonSchema } from "../../model/json-schema.ts";
import { flatten, keyPool, schemaArbitrary, schemaAt } from "../arbitraries.ts";
import type { EventSource } from "../../runtime/engine.ts";
import type { PipelineDefinition, Transform } from "../../runtime/pipeline.ts";
import { entityJsonSchema } from "../../pipeline/entity-schema.ts";

/** How many distinct values an identity field takes in one run. */
const IDENTITY_POOL = 4;
/** How many values a key or ordering field that is not an identity field takes: two, so they collide. */
const SHARED_POOL = 2;

/** A route ready to be checked. */
export interface RoutePlan {
  route: string;
  pipeline: PipelineDefinition;
  source: EventSource;
  /** `psa.timeApproved`, or `canonical RevenueRecognitionDue (RevenueEvent)`: for the report. */
  sourceLabel: string;
  /** The payload fields that tell two business events apart. */
  identity: readonly string[];
  /** Where `identity` came from, for the report. */
  identityFrom: string;
  /** Generates one payload; identity, key and ordering fields come from small pools. */
  payload: fc.Arbitrary<unknown>;
}

/** A route the properties cannot be checked on, and why. */
export interface UncheckedRoute {
  route: string;
  reason: string;
}

/** The payload schema of a route's trigger, with the schemas its `$ref`s name. */
interface TriggerSchema {
  source: EventSource;
  label: string;
  entity: string | undefined;
  schema: JsonSchema;
  definitions: Readonly<Record<string, JsonSchema>> | undefined;
}

function triggerSchema(set: SpecSet, pipeline: PipelineDefinition): TriggerSchema | string {
  const trigger = pipeline.trigger;
  if (trigger.kind === "schedule") return "a schedule trigger carries no event to generate";
  if (trigger.kind === "event") {
    const system = set.systems.get(trigger.system)?.value.spec;
    const event = system?.events?.[trigger.event];
    if (system === undefined || event === undefined) return `the trigger ${trigger.system}.${trigger.event} is not declared`;
    const definitions = (system.schemas ?? {}) as Record<string, JsonSchema>;
    const schema = definitions[event.payload];
    if (schema === undefined) return `the payload schema ${event.payload} of ${trigger.system}.${trigger.event} is not declared`;
    return { source: { system: trigger.system, event: trigger.event }, label: `${trigger.system}.${trigger.event}`, entity: event.entity, schema, definitions };
  }
  const declared = set.canonicalEvents.get(trigger.event)?.entity ?? firstValidated(pipeline);
  const entity = declared === undefined ? undefined : set.entities.get(declared);
  if (entity === undefined) return `no entity describes the canonical event ${trigger.event} (declare it on the emit step: emit: { event: ${trigger.event}, entity: <Entity> })`;
  return {
    source: { canonical: trigger.event },
    label: `canonical ${trigger.event} (${entity.name})`,
    entity: entity.name,
    schema: entityJsonSchema(entity.value.spec) as JsonSchema,
    definitions: undefined,
  };
}

/** Whether a condition holds for a payload, when it can tell at once (a compiled transform); true when it cannot. */
function holdsNow(when: Transform, payload: unknown): boolean {
  try {
    const value = when.evaluate(payload, { class: {} });
    if (value instanceof Promise) {
      value.catch(() => undefined);
      return true;
    }
    return value === true || (Array.isArray(value) && value.length > 0 && value.every((v) => v === true));
  } catch {
    return false;
  }
}

function firstValidated(pipeline: PipelineDefinition): string | undefined {
  return pipeline.steps.find((s) => s.kind === "validate")?.entity;
}

/** Paths of every field of a schema, nested objects included, to find identity fields by name. */
function fieldPaths(schema: JsonSchema, definitions: TriggerSchema["definitions"], prefix = "", depth = 0): string[] {
  if (depth > 3) return [];
  const flat = flatten(schema, definitions);
  const paths: string[] = [];
  for (const [name, property] of Object.entries(flat.properties ?? {})) {
    const path = `${prefix}${name}`;
    paths.push(path, ...fieldPaths(property, definitions, `${path}.`, depth + 1));
  }
  return paths;
}

/** The payload fields holding the trigger entity's identity: the shallowest field of each identity name. */
function identityFields(set: SpecSet, trigger: TriggerSchema): string[] | undefined {
  const entity = trigger.entity === undefined ? undefined : set.entities.get(trigger.entity);
  if (entity === undefined) return undefined;
  const paths = fieldPaths(trigger.schema, trigger.definitions);
  const found: string[] = [];
  for (const id of entity.value.spec.identity) {
    const name = id.split(".").at(-1) ?? id;
    const match = paths.filter((p) => p === id || p.split(".").at(-1) === name).sort((a, b) => a.split(".").length - b.split(".").length)[0];
    if (match === undefined) return undefined;
    found.push(match);
  }
  return found;
}

/** Builds the plan of each route; a route that cannot be planned is returned with the reason. */
export function planRoutes(set: SpecSet, pipelines: readonly PipelineDefinition[]): { plans: RoutePlan[]; unchecked: UncheckedRoute[] } {
  const plans: RoutePlan[] = [];
  const unchecked: UncheckedRoute[] = [];
  for (const pipeline of pipelines) {
    const trigger = triggerSchema(set, pipeline);
    if (typeof trigger === "string") {
      unchecked.push({ route: pipeline.route, reason: trigger });
      continue;
    }
    const fromEntity = identityFields(set, trigger);
    const identity = fromEntity ?? [...pipeline.idempotencyKey];
    const identityFrom =
      fromEntity !== undefined
        ? `${trigger.entity}'s identity (${identity.join(", ")})`
        : pipeline.idempotencyKey.length > 0
          ? `the idempotency key (the payload does not carry ${trigger.entity === undefined ? "an entity's" : `${trigger.entity}'s`} identity fields by name)`
          : "the whole payload (the route declares no idempotency key)";
    const overrides = new Map<string, fc.Arbitrary<unknown>>();
    const pool = (field: string, size: number) => {
      if (overrides.has(field)) return;
      const values = keyPool(schemaAt(trigger.schema, field, trigger.definitions), field, size, trigger.definitions);
      if (values.length > 0) overrides.set(field, fc.constantFrom(...values));
    };
    for (const field of identity) pool(field, IDENTITY_POOL);
    for (const field of pipeline.idempotencyKey) pool(field, SHARED_POOL);
    for (const field of pipeline.orderingKey ?? []) pool(field, SHARED_POOL);
    const any = schemaArbitrary(trigger.schema, { ...(trigger.definitions ? { definitions: trigger.definitions } : {}), overrides, complete: true });
    const when = pipeline.trigger.kind === "schedule" ? undefined : pipeline.trigger.when;
    // Most events meet the trigger's condition, so the laws see deliveries; some do not, to see them skipped.
    const payload = when === undefined ? any : fc.oneof({ weight: 4, arbitrary: any.filter((p) => holdsNow(when, p)) }, { weight: 1, arbitrary: any });
    plans.push({ route: pipeline.route, pipeline, source: trigger.source, sourceLabel: trigger.label, identity, identityFrom, payload });
  }
  return { plans, unchecked };
}
