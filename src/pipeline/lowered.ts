/**
 * The lowered spec set: the pipeline definitions of src/pipeline/definitions.ts with references
 * where code goes. The compiler's lowering builds it once; emit prints each reference as an import
 * of the generated module that holds the code, and `spec run --compile` (src/runtime/instantiate.ts)
 * compiles each in memory. A reference is marked by a symbol, so no value read from a spec (an
 * auth block, a schema) can pass for one.
 */
import type { JsonSchema, ReconciliationSpec } from "../model/index.ts";
import type { CompiledSpecSet, PipelineDefinition, SystemDefinition } from "./definitions.ts";

/** The mark of a reference; the value says which kind. */
export const LOWERED: unique symbol = Symbol("syncspec.lowered");

/** A JSONata expression of a route (a condition, a classify rule, a path parameter). */
export interface ExpressionRef {
  readonly [LOWERED]: "expression";
  /** `<route>#<at>`, the transform's name at run time. */
  name: string;
  route: string;
  /** Where in the route, from step ids and names: `trigger.when`, `post-cost.params.id`. */
  at: string;
  source: string;
}

/** A mapping's transform. */
export interface MappingRef {
  readonly [LOWERED]: "mapping";
  mapping: string;
  source: string;
}

/** An entity's validator, over the JSON Schema its fields make. */
export interface EntityValidatorRef {
  readonly [LOWERED]: "entity";
  entity: string;
  schema: Record<string, unknown>;
}

/** A validator of one of a system's native schemas (an operation's request, an event's payload). */
export interface SchemaValidatorRef {
  readonly [LOWERED]: "schema";
  system: string;
  schema: string;
  json: JsonSchema;
  /** The system's schemas, which `$ref`s name. */
  definitions: Readonly<Record<string, JsonSchema>>;
}

/** Where a transform goes in a lowered definition. */
export type LoweredTransform = ExpressionRef | MappingRef;
/** Where a validator goes in a lowered definition. */
export type LoweredValidator = EntityValidatorRef | SchemaValidatorRef;
/** Any reference. */
export type LoweredRef = LoweredTransform | LoweredValidator;

/** A lowered route. */
export type LoweredPipeline = PipelineDefinition<LoweredTransform, LoweredValidator>;
/** A lowered system. */
export type LoweredSystem = SystemDefinition<LoweredValidator>;

/** A reconciliation as the runtime's reconciler runs it. */
export interface ReconciliationDefinition {
  name: string;
  /** The spec file, relative to the project root. */
  source?: string;
  spec: ReconciliationSpec;
}

/** The whole lowered spec set: the compiled spec set with references, and its reconciliations. */
export interface LoweredSpecSet extends CompiledSpecSet<LoweredTransform, LoweredValidator> {
  transforms: Readonly<Record<string, MappingRef>>;
  validators: Readonly<Record<string, EntityValidatorRef>>;
  reconciliations: readonly ReconciliationDefinition[];
}

/** Makes a reference. */
export function loweredRef<K extends LoweredRef[typeof LOWERED]>(kind: K, fields: Omit<Extract<LoweredRef, { [LOWERED]: K }>, typeof LOWERED>): Extract<LoweredRef, { [LOWERED]: K }> {
  return { [LOWERED]: kind, ...fields } as Extract<LoweredRef, { [LOWERED]: K }>;
}

/** Whether a value is a reference. */
export function isLoweredRef(value: unknown): value is LoweredRef {
  return typeof value === "object" && value !== null && LOWERED in value;
}

/**
 * A copy of a lowered value with every reference replaced by what `replace` makes of it: arrays and
 * plain objects are copied, keys in order; other values are kept.
 */
export function replaceRefs(value: unknown, replace: (ref: LoweredRef) => unknown): unknown {
  if (isLoweredRef(value)) return replace(value);
  if (Array.isArray(value)) return value.map((item) => replaceRefs(item, replace));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = replaceRefs(inner, replace);
  return out;
}
