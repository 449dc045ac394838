/**
 * The mapping type check: what a Mapping's JSONata reads must exist in its source shape, what it
 * produces must set every required field of its target shape, and no field may receive a value
 * of an obviously wrong type. Findings are located inside the JSONata text. Where the expression
 * is beyond inference (its result is not an object constructor), a hint says so.
 */
import { diagnostic, type Location } from "../../diagnostics/diagnostic.ts";
import { nameHint } from "../../diagnostics/suggest.ts";
import type { CheckContext } from "../report.ts";
import type { MappingSpec } from "../../../model/index.ts";
import { lookedUpFields } from "../check-lookups.ts";
import type { ShapeField } from "../shapes.ts";
import { type BoundDocument, forEachStep, shapeOf, type SpecSet, systemSchemaShape } from "../spec-set.ts";
import { type JsonataNode, objectPairs, resultNode } from "./ast.ts";
import { ARTICLE, describe, type Fields, fieldKind, type Inference, infer, type ValueKind } from "./infer.ts";

const EXPRESSION = ["spec", "expression"];
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Why `value` cannot go into `target`, or undefined when it can (or cannot be told). */
export function mismatch(target: ShapeField, value: ValueKind): string | undefined {
  if (value.kind === "unknown" || value.kind === "null") return undefined;
  const want = fieldKind(target).kind;
  if (want === "unknown") return undefined;
  if (want === "array") return value.kind === "array" ? undefined : describe(value);
  if (want === "object") return value.kind === "object" ? undefined : describe(value);
  if (value.kind === "array" || value.kind === "object") return describe(value);
  const literal = value.kind === "string" && "literal" in value ? value.literal : undefined;
  const fromField = "field" in value && value.field !== undefined;
  switch (want) {
    case "decimal":
      if (value.kind === "decimal") return undefined;
      if (value.kind === "string") return literal !== undefined ? (DECIMAL.test(literal) ? undefined : describe(value)) : fromField ? describe(value) : undefined;
      return value.kind === "number" ? "a number (decimals are strings: use $string())" : describe(value);
    case "number":
      return value.kind === "number" ? undefined : describe(value);
    case "boolean":
      return value.kind === "boolean" ? undefined : describe(value);
    default:
      if (value.kind === "number" || value.kind === "boolean") return describe(value);
      if (literal !== undefined && target.values !== undefined && !target.values.includes(literal)) return `${describe(value)}, not one of ${target.values.join(", ")}`;
      return undefined;
  }
}

interface Run {
  cx: CheckContext;
  doc: BoundDocument<"Mapping">;
  inf: Inference;
  locate(start: number, length: number): Location;
  /** Whether a required field the mapping never sets is reported (not for a reconciliation's read-back). */
  requireAll: boolean;
}

/**
 * Whether the mapping only reads a system's records back for reconciliation: named by a source's
 * `read` and by no route. Such a mapping is a projection, setting what the system holds and the
 * reconciliation compares, so the entity's other required fields are not asked of it.
 */
export function readBackOnly(cx: CheckContext, name: string): boolean {
  const read = [...cx.set.reconciliations.values()].some((r) => r.value.spec.sources.some((s) => s.read?.mapping === name));
  if (!read) return false;
  return ![...cx.set.routes.values()].some((route) => JSON.stringify(route.value.spec.steps).includes(`"mapping":"${name}"`));
}

function keyStart(key: JsonataNode): number {
  const text = String(key.value);
  const end = key.position ?? 0;
  return Math.max(0, end - text.length - 2);
}

function checkObject(run: Run, node: JsonataNode, pairs: [JsonataNode, JsonataNode][], source: Fields, target: Fields, label: string): void {
  const set = new Set<string>();
  let decided = true;
  for (const [key, value] of pairs) {
    const kind = infer(run.inf, value, source);
    if (key.type !== "string") {
      decided = false;
      continue;
    }
    const name = String(key.value);
    set.add(name);
    if (target === undefined) continue;
    const field = target.get(name);
    const at = run.locate(keyStart(key), name.length + 2);
    if (field === undefined) {
      run.cx.report(diagnostic("mapping-unknown-target", { field: name, shape: label, ...nameHint(name, target.keys()) }, at));
      continue;
    }
    const nested = objectPairs(resultNode(value));
    if (nested !== undefined && field.fields !== undefined && field.array !== true) {
      checkObject(run, resultNode(value), nested, source, field.fields, `${label}.${name}`);
      continue;
    }
    const wrong = mismatch(field, kind);
    if (wrong !== undefined) {
      run.cx.report(diagnostic("mapping-wrong-type", { field: `${label}.${name}`, expected: ARTICLE[fieldKind(field).kind] ?? field.type, actual: wrong }, at));
    }
  }
  if (target === undefined) return;
  if (!decided) {
    run.cx.report(diagnostic("mapping-undecidable", { detail: `an object key of ${label} is computed` }, run.locate((node.position ?? 1) - 1, 1)));
    return;
  }
  for (const [name, field] of target) {
    if (field.required && !set.has(name) && run.requireAll) {
      run.cx.report(diagnostic("mapping-missing-field", { field: name, shape: label }, run.locate((node.position ?? 1) - 1, 1)));
    }
  }
}

/**
 * The mapping's lookups as typed bindings: a reference-data lookup `$client` is a record of its
 * entity (so `$client.nmae` is reported, and its fields' types are known); a cross-reference is
 * an id, read whole, so it is left unbound.
 */
function lookupBindings(cx: CheckContext, lookups: MappingSpec["lookups"]): Map<string, { label: string; fields: Fields }> {
  const bindings = new Map<string, { label: string; fields: Fields }>();
  for (const [name, lookup] of Object.entries(lookups ?? {})) {
    const fields = lookup.kind === "reference-data" ? lookedUpFields(cx, lookup.entity) : undefined;
    if (fields !== undefined) bindings.set(name, { label: `$${name} (entity ${lookup.entity})`, fields });
  }
  return bindings;
}

/**
 * The fields of `$previous` in a call correcting what `operation` posted: `{ body, targetId,
 * version }`, its body typed as the operation's request (open when the request is not declared).
 */
export function previousFields(set: SpecSet, operation: string): ReadonlyMap<string, ShapeField> {
  const [system = "", name = ""] = operation.split(".");
  const request = set.systems.get(system)?.value.spec.operations?.[name]?.request;
  const body = request === undefined ? undefined : systemSchemaShape(set, system, request);
  return new Map<string, ShapeField>([
    ["body", { name: "body", type: "object", required: true, ...(body?.fields !== undefined ? { fields: body.fields } : {}) }],
    ["targetId", { name: "targetId", type: "string", required: false }],
    ["version", { name: "version", type: "unknown", required: true }],
  ]);
}

/**
 * `$previous` for the mapping `name` when a deliver step's correction applies it: what the step
 * last posted for the record, typed by `previousFields`; undefined for any other mapping.
 */
export function previousBinding(set: SpecSet, name: string): { label: string; fields: Fields; operation: string } | undefined {
  for (const route of set.routes.values()) {
    let found: { label: string; fields: Fields; operation: string } | undefined;
    forEachStep(route, (step) => {
      const deliver = step["deliver"] as { operation?: string; correction?: Record<string, { mapping?: string } | undefined> } | undefined;
      if (found !== undefined || deliver?.operation === undefined) return;
      if (!Object.values(deliver.correction ?? {}).some((call) => call?.mapping === name)) return;
      found = { label: `$previous (what ${deliver.operation} posted)`, fields: previousFields(set, deliver.operation), operation: deliver.operation };
    });
    if (found !== undefined) return found;
  }
  return undefined;
}

function withPrevious(bindings: Map<string, { label: string; fields: Fields }>, previous: { label: string; fields: Fields } | undefined): Map<string, { label: string; fields: Fields }> {
  if (previous !== undefined) bindings.set("previous", previous);
  return bindings;
}

/** Type-checks one mapping whose JSONata parsed to `ast`. */
export function checkMappingTypes(cx: CheckContext, doc: BoundDocument<"Mapping">, ast: unknown): void {
  if (ast === null || typeof ast !== "object") return;
  const spec = doc.value.spec;
  const source = shapeOf(cx.set, spec.source);
  const target = shapeOf(cx.set, spec.target);
  if (source === undefined || target === undefined) return;
  const text = spec.expression;
  const whole = doc.source.locate(EXPRESSION);
  const offsets = doc.source.stringOffsets?.(EXPRESSION);
  const locate = (start: number, length: number): Location => {
    if (offsets === undefined) return whole;
    const from = Math.max(0, Math.min(text.length, start));
    const to = Math.max(from + 1, Math.min(text.length, start + length));
    return { file: whole.file, start: offsets(from), end: offsets(to - 1) + 1 };
  };
  const run: Run = {
    cx,
    doc,
    inf: { text, label: source.label, nativeSource: spec.source.entity === undefined, unknownReads: [], bindings: withPrevious(lookupBindings(cx, spec.lookups), previousBinding(cx.set, doc.value.metadata.name)) },
    locate,
    requireAll: !readBackOnly(cx, doc.value.metadata.name),
  };
  const root = resultNode(ast as JsonataNode);
  const pairs = objectPairs(root);
  if (pairs !== undefined) checkObject(run, root, pairs, source.fields, target.fields, target.label);
  else {
    const kind = infer(run.inf, ast as JsonataNode, source.fields);
    if (target.fields !== undefined && kind.kind !== "object") {
      cx.report(diagnostic("mapping-undecidable", { detail: "its result is not an object constructor, so the fields it sets are unknown" }, locate(0, 1)));
    }
  }
  for (const read of run.inf.unknownReads) {
    cx.report(
      diagnostic(
        "mapping-unknown-path",
        { path: read.path, field: read.segment, shape: read.within, ...nameHint(read.segment, read.candidates) },
        locate(read.start, read.segment.length),
      ),
    );
  }
}
