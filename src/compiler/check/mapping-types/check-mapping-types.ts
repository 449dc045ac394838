/**
 * The mapping type check: what a Mapping's JSONata reads must exist in its source shape, what it
 * produces must set every required field of its target shape, and no field may receive a value
 * of an obviously wrong type. Findings are located inside the JSONata text. Where the expression
 * is beyond inference (its result is not an object constructor), a hint says so.
 */
import { type Diagnostic, diagnostic, type Location } from "../../diagnostics/diagnostic.ts";
import { nameHint } from "../../diagnostics/suggest.ts";
import type { CheckContext } from "../report.ts";
import type { MappingSpec } from "../../../model/index.ts";
import { lookedUpFields } from "../check-lookups.ts";
import type { RecordShape, ShapeField } from "../shapes.ts";
import { type BoundDocument, shapeOf } from "../spec-set.ts";
import { type JsonataNode, objectPairs } from "./ast.ts";
import { ARTICLE, type Binding, describe, type Fields, fieldKind, type Inference, infer, type ValueKind } from "./infer.ts";
import { previousGroups, previousVariable } from "./previous.ts";

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

/**
 * Walks the bindings of the blocks `node` ends in, in order, so the variables they bind are typed
 * for what follows, and returns the expression the innermost block ends with.
 */
function throughBlocks(inf: Inference, node: JsonataNode, source: Fields): JsonataNode {
  let current = node;
  while (current.type === "block" && current.expressions !== undefined && current.expressions.length > 0) {
    const expressions = current.expressions;
    for (const e of expressions.slice(0, -1)) infer(inf, e, source);
    current = expressions[expressions.length - 1] as JsonataNode;
  }
  return current;
}

function checkObject(run: Run, node: JsonataNode, pairs: [JsonataNode, JsonataNode][], source: Fields, target: Fields, label: string): void {
  const set = new Set<string>();
  let decided = true;
  for (const [key, value] of pairs) {
    // A value's own block binds variables for that value only.
    const outer = run.inf.bindings;
    checkPair(run, key, value, source, target, label);
    run.inf.bindings = outer;
    if (key.type !== "string") decided = false;
    else set.add(String(key.value));
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

/** Checks one `key: value` of an object constructor producing `target`: the key is a field of it, and the value fits. */
function checkPair(run: Run, key: JsonataNode, value: JsonataNode, source: Fields, target: Fields, label: string): void {
  if (key.type !== "string") infer(run.inf, key, source);
  const result = throughBlocks(run.inf, value, source);
  const name = key.type === "string" ? String(key.value) : undefined;
  const field = name === undefined ? undefined : target?.get(name);
  if (name !== undefined && target !== undefined && field === undefined) {
    run.cx.report(diagnostic("mapping-unknown-target", { field: name, shape: label, ...nameHint(name, target.keys()) }, run.locate(keyStart(key), name.length + 2)));
  }
  const nested = objectPairs(result);
  if (field !== undefined && nested !== undefined && field.fields !== undefined && field.array !== true) {
    checkObject(run, result, nested, source, field.fields, `${label}.${field.name}`);
    return;
  }
  const kind = infer(run.inf, result, source);
  const wrong = field === undefined ? undefined : mismatch(field, kind);
  if (field !== undefined && wrong !== undefined) {
    const at = run.locate(keyStart(key), field.name.length + 2);
    run.cx.report(diagnostic("mapping-wrong-type", { field: `${label}.${field.name}`, expected: ARTICLE[fieldKind(field).kind] ?? field.type, actual: wrong }, at));
  }
}

/**
 * The mapping's lookups as typed bindings: a reference-data lookup `$client` is a record of its
 * entity (so `$client.nmae` is reported, and its fields' types are known); a cross-reference is
 * an id, read whole, so it is left unbound.
 */
function lookupBindings(cx: CheckContext, lookups: MappingSpec["lookups"]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const [name, lookup] of Object.entries(lookups ?? {})) {
    const fields = lookup.kind === "reference-data" ? lookedUpFields(cx, lookup.entity) : undefined;
    if (fields !== undefined) bindings.set(name, { label: `$${name} (entity ${lookup.entity})`, fields });
  }
  return bindings;
}

/** Type-checks the mapping once, with the variables `run.inf` binds (its lookups, and `$previous` where a correction applies it). */
function checkOnce(run: Run, ast: JsonataNode, source: RecordShape, target: RecordShape): void {
  const root = throughBlocks(run.inf, ast, source.fields);
  const pairs = objectPairs(root);
  if (pairs !== undefined) checkObject(run, root, pairs, source.fields, target.fields, target.label);
  else {
    const kind = infer(run.inf, root, source.fields);
    if (target.fields !== undefined && kind.kind !== "object") {
      run.cx.report(diagnostic("mapping-undecidable", { detail: "its result is not an object constructor, so the fields it sets are unknown" }, run.locate(0, 1)));
    }
  }
  for (const read of run.inf.unknownReads) {
    run.cx.report(
      diagnostic(
        "mapping-unknown-path",
        { path: read.path, field: read.segment, shape: read.within, ...nameHint(read.segment, read.candidates) },
        run.locate(read.start, read.segment.length),
      ),
    );
  }
}

/**
 * Type-checks one mapping whose JSONata parsed to `ast`. A mapping that corrections apply is
 * checked once for each operation they post through, `$previous` typed by it and named with the
 * steps that bind it; a finding is reported once however many of those checks make it.
 */
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
  const name = doc.value.metadata.name;
  const requireAll = !readBackOnly(cx, name);
  const groups = previousGroups(cx.set, name);
  const reported = new Set<string>();
  const report = (d: Diagnostic) => {
    const key = JSON.stringify([d.code, d.location?.start, d.location?.end, d.message]);
    if (reported.has(key)) return;
    reported.add(key);
    cx.report(d);
  };
  for (const group of groups.length === 0 ? [undefined] : groups) {
    const bindings = lookupBindings(cx, spec.lookups);
    if (group !== undefined) bindings.set("previous", previousVariable(cx.set, group.operation, group.sites));
    const inf: Inference = { text, label: source.label, nativeSource: spec.source.entity === undefined, unknownReads: [], bindings };
    checkOnce({ cx: { ...cx, report }, doc, inf, locate, requireAll }, ast as JsonataNode, source, target);
  }
}
