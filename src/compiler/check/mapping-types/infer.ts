/**
 * Inference over a JSONata expression: the field paths it reads from its input, and the kind of
 * value each part produces. Only what can be decided from the text is claimed; anything that
 * depends on a lambda, a bound variable or a changed context is `unknown`.
 */
import type { ShapeField } from "../shapes.ts";
import { type JsonataNode, objectPairs, startOf } from "./ast.ts";

/** What an expression is known to produce. */
export type ValueKind =
  | { kind: "string"; literal?: string; field?: ShapeField }
  | { kind: "decimal" | "number" | "boolean" | "null" | "array" | "object" | "date"; field?: ShapeField }
  | { kind: "unknown" };

/** A path the expression reads from its input, and where its first unknown segment is. */
export interface ReadPath {
  /** The dotted path up to and including the failing segment. */
  path: string;
  /** The failing segment. */
  segment: string;
  /** Offset of the segment in the expression text. */
  start: number;
  /** The fields that exist where the segment was looked up. */
  candidates: readonly string[];
  /** The label of the shape at that point. */
  within: string;
}

/** A shape's fields, or undefined when open. */
export type Fields = ReadonlyMap<string, ShapeField> | undefined;

/** What inference collects while walking. */
export interface Inference {
  text: string;
  label: string;
  /**
   * True when the source is a system's native JSON Schema, whose strings may carry decimals
   * without saying so: a string read from it is not claimed to be non-decimal text.
   */
  nativeSource: boolean;
  unknownReads: ReadPath[];
  /**
   * Variables whose fields are known (`$class`), by name without the `$`; others are unknown. A
   * block's `$x := <path>` binds `x` for the rest of the block when the path's fields are known.
   */
  bindings?: ReadonlyMap<string, Binding> | undefined;
}

/** A variable whose fields are known. */
export interface Binding {
  /** For messages: the variable, or the place it was bound from (`$client (entity Client)`). */
  label: string;
  fields: Fields;
  /**
   * How a place below the variable is named in messages, by the field names leading to it; by
   * default `label` and the names, dotted.
   */
  name?: (path: readonly string[]) => string;
  /** True when the fields come from a system's native JSON Schema (see `Inference.nativeSource`). */
  native?: boolean;
}

/** The name of the place `path` below `binding`, for messages. */
export function placeName(binding: Binding, path: readonly string[]): string {
  return binding.name !== undefined ? binding.name(path) : [binding.label, ...path].join(".");
}

/** `bindings` with `name` bound to `binding`, or unbound (unknown) when it is undefined. */
function rebind(bindings: Inference["bindings"], name: string, binding: Binding | undefined): ReadonlyMap<string, Binding> {
  const next = new Map(bindings ?? []);
  if (binding === undefined) next.delete(name);
  else next.set(name, binding);
  return next;
}

/** A kind of value in words, for messages. */
export const ARTICLE: Readonly<Record<string, string>> = {
  string: "a string",
  decimal: "a decimal",
  number: "a number",
  boolean: "a boolean",
  date: "a date",
  object: "an object",
  array: "an array",
};

/** What an expression produces, in words: `the string "x"`, `a decimal string`, `an object`. */
export function describe(value: ValueKind): string {
  if (value.kind === "string" && "literal" in value && value.literal !== undefined) return `the string ${JSON.stringify(value.literal)}`;
  if (value.kind === "decimal") return "a decimal string";
  return ARTICLE[value.kind] ?? value.kind;
}

const STRING_FUNCTIONS = new Set(
  "string uppercase lowercase trim substring substringBefore substringAfter join formatNumber formatBase formatInteger now replace pad base64encode base64decode encodeUrl encodeUrlComponent decodeUrl decodeUrlComponent fromMillis".split(" "),
);
const NUMBER_FUNCTIONS = new Set("number sum count round abs floor ceil average max min length power sqrt random toMillis".split(" "));
const BOOLEAN_FUNCTIONS = new Set("boolean not exists contains".split(" "));
const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);
const LOGICAL = new Set(["=", "!=", "<", "<=", ">", ">=", "and", "or", "in"]);

/** The kind of value a field of a shape holds. */
export function fieldKind(field: ShapeField): ValueKind {
  if (field.array === true) return { kind: "array", field };
  switch (field.type) {
    case "decimal":
    case "money":
      return { kind: "decimal", field };
    case "integer":
    case "number":
      return { kind: "number", field };
    case "boolean":
      return { kind: "boolean", field };
    case "object":
      return { kind: "object", field };
    case "array":
      return { kind: "array", field };
    case "date":
    case "datetime":
      return { kind: "date", field };
    case "string":
    case "enum":
    case "reference":
    case "currency":
      return { kind: "string", field };
    default:
      return { kind: "unknown" };
  }
}

function walkChildren(inf: Inference, node: JsonataNode, fields: Fields): void {
  const visit = (child: JsonataNode | undefined, ctx: Fields) => {
    if (child !== undefined && child !== null && typeof child === "object") infer(inf, child, ctx);
  };
  switch (node.type) {
    case "binary":
      visit(node.lhs as JsonataNode, fields);
      visit(node.rhs, fields);
      return;
    case "condition":
      visit(node.condition, fields);
      visit(node.then, fields);
      visit(node.else, fields);
      return;
    case "function":
    case "partial":
      for (const arg of node.arguments ?? []) visit(arg, fields);
      return;
    case "block":
      infer(inf, node, fields);
      return;
    case "unary": {
      const pairs = objectPairs(node);
      if (pairs !== undefined) {
        for (const [key, value] of pairs) {
          visit(key, fields);
          visit(value, fields);
        }
      } else if (node.value === "[") for (const e of node.expressions ?? []) visit(e, fields);
      else visit(node.expr, fields);
      return;
    }
    case "bind":
      infer(inf, node, fields);
      return;
    case "apply":
      visit(node.lhs as JsonataNode, fields);
      return;
    default:
      return;
  }
}

/**
 * The kind of value a path gives, and the fields of the place it reaches when they are known (so
 * a variable bound to it is typed). A path starting at a bound variable reads from its fields.
 */
function pathKind(inf: Inference, node: JsonataNode, fields: Fields): [ValueKind, Binding | undefined] {
  let root: Binding = { label: inf.label, fields, native: inf.nativeSource };
  let variable = "";
  let ctx = fields;
  let field: ShapeField | undefined;
  let decided = true;
  let throughArray = false;
  const names: string[] = [];
  for (const [index, step] of (node.steps ?? []).entries()) {
    if (step.type === "variable" && index === 0) {
      if (step.value === "") continue;
      const bound = inf.bindings?.get(String(step.value));
      if (bound !== undefined) {
        root = bound;
        ctx = bound.fields;
        variable = `$${String(step.value)}.`;
        continue;
      }
    }
    if (step.type !== "name" || typeof step.value !== "string" || !decided) {
      decided = false;
      walkChildren(inf, step, undefined);
      continue;
    }
    if (ctx === undefined) {
      decided = false;
      field = undefined;
      continue;
    }
    const next = ctx.get(step.value);
    if (next === undefined) {
      inf.unknownReads.push({
        path: `${variable}${[...names, step.value].join(".")}`,
        segment: step.value,
        start: startOf(inf.text, step.position ?? 0, step.value),
        candidates: [...ctx.keys()],
        within: placeName(root, names),
      });
      return [{ kind: "unknown" }, undefined];
    }
    names.push(step.value);
    if (field?.array === true) throughArray = true;
    field = next;
    ctx = next.fields;
    for (const stage of [...(step.stages ?? []), ...(step.predicate ?? [])]) {
      if (stage.expr !== undefined) infer(inf, stage.expr, ctx);
    }
  }
  if (!decided || node.group !== undefined) return [{ kind: "unknown" }, undefined];
  const native = inf.nativeSource || root.native === true;
  const from = root;
  const reached: Binding | undefined =
    ctx === undefined ? undefined : { label: placeName(from, names), fields: ctx, name: (more) => placeName(from, [...names, ...more]), native };
  if (field === undefined) return [{ kind: "unknown" }, reached];
  if (throughArray) return [{ kind: "array" }, reached];
  const kind = fieldKind(field);
  return [native && kind.kind === "string" ? { kind: "string" } : kind, reached];
}

/**
 * What `$x := rhs` gives and what `x` is bound to: the fields the path reaches, or those of the
 * variable it copies; unknown otherwise, so a variable bound to anything else reads as unknown.
 */
function bindingOf(inf: Inference, rhs: JsonataNode, fields: Fields): [ValueKind, Binding | undefined] {
  if (rhs.type === "path") return pathKind(inf, rhs, fields);
  if (rhs.type === "variable") return [{ kind: "unknown" }, rhs.value === "" ? undefined : inf.bindings?.get(String(rhs.value))];
  return [infer(inf, rhs, fields), undefined];
}

/** Walks `node` reading from a record with `fields`; returns the kind of its value. */
export function infer(inf: Inference, node: JsonataNode, fields: Fields): ValueKind {
  switch (node.type) {
    case "string":
      return { kind: "string", literal: String(node.value) };
    case "number":
      return { kind: "number" };
    case "value":
      return node.value === null ? { kind: "null" } : typeof node.value === "boolean" ? { kind: "boolean" } : { kind: "unknown" };
    case "path":
      return pathKind(inf, node, fields)[0];
    case "variable":
      return { kind: "unknown" };
    case "lambda":
      return { kind: "unknown" };
    case "function": {
      walkChildren(inf, node, fields);
      const name = node.procedure?.type === "variable" ? String(node.procedure.value) : "";
      if (STRING_FUNCTIONS.has(name)) return { kind: "string" };
      if (NUMBER_FUNCTIONS.has(name)) return { kind: "number" };
      if (BOOLEAN_FUNCTIONS.has(name)) return { kind: "boolean" };
      return { kind: "unknown" };
    }
    case "binary": {
      walkChildren(inf, node, fields);
      if (node.value === "&") return { kind: "string" };
      if (ARITHMETIC.has(String(node.value))) return { kind: "number" };
      if (LOGICAL.has(String(node.value))) return { kind: "boolean" };
      return { kind: "unknown" };
    }
    case "condition": {
      if (node.condition !== undefined) infer(inf, node.condition, fields);
      const a = node.then === undefined ? { kind: "unknown" as const } : infer(inf, node.then, fields);
      const b = node.else === undefined ? undefined : infer(inf, node.else, fields);
      if (b === undefined) return a;
      return a.kind === b.kind && a.kind !== "string" ? { kind: a.kind } : a.kind === "string" && b.kind === "string" ? { kind: "string" } : { kind: "unknown" };
    }
    case "block": {
      // What a block binds is seen by the rest of the block, and no further.
      const outer = inf.bindings;
      let last: ValueKind = { kind: "unknown" };
      for (const e of node.expressions ?? []) last = infer(inf, e, fields);
      inf.bindings = outer;
      return last;
    }
    case "bind": {
      if (node.rhs === undefined) return { kind: "unknown" };
      const [kind, bound] = bindingOf(inf, node.rhs, fields);
      const lhs = node.lhs as JsonataNode | undefined;
      if (lhs?.type === "variable") inf.bindings = rebind(inf.bindings, String(lhs.value), bound);
      return kind;
    }
    case "unary": {
      walkChildren(inf, node, fields);
      if (node.value === "{") return { kind: "object" };
      if (node.value === "[") return { kind: "array" };
      if (node.value === "-") return { kind: "number" };
      return { kind: "unknown" };
    }
    default:
      walkChildren(inf, node, fields);
      return { kind: "unknown" };
  }
}
