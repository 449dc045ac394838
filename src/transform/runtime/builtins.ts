/**
 * The built-in function library. Functions that never call back into JSONata are the reference
 * implementation's own (taken from the `jsonata` package once, at load), so formatting, parsing
 * and their errors are exactly the interpreter's. Those that call functions (higher-order
 * functions, regex matchers) are reimplemented here synchronously with the same semantics.
 */
import jsonata from "jsonata";
import { evaluationTime } from "./context.ts";
import { isDecorable } from "./errors.ts";
import { fastPath } from "./fast-paths.ts";
import type { NativeFunction, Signature } from "./functions.ts";
import { each, filter, foldLeft, map, sift, single, sort } from "./higher-order.ts";
import { contains, match, replace, split } from "./matchers.ts";
import type { Dict } from "./values.ts";

const referenceNames = [
  "sum", "count", "max", "min", "average", "string", "substring", "substringBefore", "substringAfter",
  "lowercase", "uppercase", "length", "trim", "pad", "join", "formatNumber", "formatBase", "formatInteger",
  "parseInteger", "number", "floor", "ceil", "round", "abs", "sqrt", "power", "random", "boolean", "not",
  "zip", "keys", "lookup", "append", "exists", "spread", "merge", "reverse", "error", "assert", "type",
  "shuffle", "distinct", "base64encode", "base64decode", "encodeUrlComponent", "encodeUrl",
  "decodeUrlComponent", "decodeUrl", "toMillis", "fromMillis", "clone", "eval",
  "map", "filter", "single", "reduce", "sift", "each", "sort", "match", "contains", "replace", "split",
] as const;

const reference: Record<string, NativeFunction> = Object.create(null);
for (const name of referenceNames) {
  reference[name] = (await jsonata(`$${name}`).evaluate(undefined)) as NativeFunction;
}

/** Parses a function signature such as `<n-n?:n>` into a validator. */
export function signature(definition: string): Signature {
  const parse = (jsonata as unknown as { parser(source: string): { signature: Signature } }).parser;
  return parse(`function()${definition}{0}`).signature;
}

function define(name: string, implementation: (...args: never[]) => unknown): NativeFunction {
  const sig = reference[name]?.signature;
  return {
    _jsonata_function: true,
    implementation: implementation as (...args: unknown[]) => unknown,
    signature: sig,
  };
}

/** The implementation of `$string`, reused by the `&` operator. */
export const stringOf = reference["string"]!.implementation as (value: unknown, prettify?: boolean) => string;

/** `&`; errors (a value with no string form) are placed at the operator. */
export function concat(lhs: unknown, rhs: unknown, position: number): string {
  if (typeof lhs === "string" && typeof rhs === "string") return lhs + rhs;
  try {
    const left = lhs === undefined ? "" : stringOf(lhs);
    const right = rhs === undefined ? "" : stringOf(rhs);
    return left.concat(right);
  } catch (err) {
    if (isDecorable(err)) Object.assign(err, { position, token: "&" });
    throw err;
  }
}

const fromMillis = reference["fromMillis"]!.implementation;

/** `$now()` and `$millis()` reading `at`, as bindings for the interpreter, which keeps its own clock. */
export function clockBindings(at: number): Record<string, unknown> {
  return { now: (picture?: string, timezone?: string) => fromMillis(at, picture, timezone), millis: () => at };
}

const library: Record<string, NativeFunction> = Object.assign(Object.create(null), reference, {
  map: define("map", map),
  filter: define("filter", filter),
  single: define("single", single),
  reduce: define("reduce", foldLeft),
  sift: define("sift", sift),
  each: define("each", each),
  sort: define("sort", sort),
  match: define("match", match),
  contains: define("contains", contains),
  replace: define("replace", replace),
  split: define("split", split),
  now: {
    _jsonata_function: true,
    implementation: (picture?: string, timezone?: string) => fromMillis(evaluationTime(), picture, timezone),
    signature: signature("<s?s?:s>"),
  },
  millis: { _jsonata_function: true, implementation: () => evaluationTime(), signature: signature("<:n>") },
});

/** Every built-in function by name, as `$name` resolves when no binding shadows it. */
export const builtins: Dict = Object.create(null);
for (const [name, func] of Object.entries(library)) {
  const fast = fastPath(name, func.implementation);
  builtins[name] = { ...func, fast, token: undefined, position: undefined };
}
