/**
 * The built-in function library. Functions that never call back into JSONata are the reference
 * implementation's own (taken from the `jsonata` package once, at load), so formatting, parsing
 * and their errors are exactly the interpreter's. Those that call functions (higher-order
 * functions, regex matchers) are reimplemented here synchronously with the same semantics.
 */
import jsonata from "jsonata";
import { createSequence, evaluationTime } from "./context.ts";
import { fail } from "./errors.ts";
import { fastPath } from "./fast-paths.ts";
import { apply, type NativeFunction, type Signature } from "./functions.ts";
import { mergeSort } from "./objects.ts";
import { toBoolean } from "./operators.ts";
import { arity, type Dict, isArrayOfNumbers, isArrayOfStrings, isFunction, keysOf } from "./values.ts";

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

/** `&` */
export function concat(lhs: unknown, rhs: unknown): string {
  const left = lhs === undefined ? "" : stringOf(lhs);
  const right = rhs === undefined ? "" : stringOf(rhs);
  return left.concat(right);
}

function hofArgs(func: unknown, value: unknown, position: unknown, whole: unknown): unknown[] {
  const args = [value];
  const length = arity(func);
  if (length >= 2) args.push(position);
  if (length >= 3) args.push(whole);
  return args;
}

function map(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    const res = apply(func, hofArgs(func, arr[i], i, arr), null);
    if (res !== undefined) result.push(res);
  }
  return result;
}

function filter(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    if (toBoolean(apply(func, hofArgs(func, arr[i], i, arr), null))) result.push(arr[i]);
  }
  return result;
}

function single(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  let found = false;
  let result: unknown;
  for (let i = 0; i < arr.length; i++) {
    const entry = arr[i];
    const positive = func === undefined ? true : toBoolean(apply(func, hofArgs(func, entry, i, arr), null));
    if (!positive) continue;
    if (found) fail("D3138", { index: i });
    result = entry;
    found = true;
  }
  if (!found) fail("D3139");
  return result;
}

function foldLeft(sequence: unknown[] | undefined, func: unknown, init: unknown): unknown {
  if (sequence === undefined) return undefined;
  const funcArity = arity(func);
  if (funcArity < 2) fail("D3050", { index: 1 });
  let result: unknown;
  let index: number;
  if (init === undefined && sequence.length > 0) {
    result = sequence[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  while (index < sequence.length) {
    const args = [result, sequence[index]];
    if (funcArity >= 3) args.push(index);
    if (funcArity >= 4) args.push(sequence);
    result = apply(func, args, null);
    index++;
  }
  return result;
}

function sift(arg: Dict, func: unknown): unknown {
  const result: Dict = Object.create(null);
  for (const key of keysOf(arg)) {
    const entry = arg[key];
    if (toBoolean(apply(func, hofArgs(func, entry, key, arg), null))) result[key] = entry;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

function each(obj: Dict, func: unknown): unknown {
  const result = createSequence();
  for (const key of keysOf(obj)) {
    const value = apply(func, hofArgs(func, obj[key], key, obj), null);
    if (value !== undefined) result.push(value);
  }
  return result;
}

function sort(arr: unknown[] | undefined, comparator: unknown): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  if (comparator === undefined) {
    if (!isArrayOfNumbers(arr) && !isArrayOfStrings(arr)) fail("D3070", { index: 1 });
    return mergeSort(arr, (a, b) => (a as number) > (b as number));
  }
  return mergeSort(arr, (a, b) => Boolean(apply(comparator, [a, b], null)));
}

interface MatchResult {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: unknown;
}

function evaluateMatcher(matcher: unknown, str: string | undefined): MatchResult | undefined {
  const result = apply(matcher, [str], null) as MatchResult | undefined;
  if (
    result &&
    !(
      typeof result.start === "number" ||
      (result.end as unknown) === "number" ||
      Array.isArray(result.groups) ||
      isFunction(result.next)
    )
  ) {
    fail("T1010");
  }
  return result;
}

function contains(str: string | undefined, token: unknown): unknown {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === "string") return str.indexOf(token) !== -1;
  return evaluateMatcher(token, str) !== undefined;
}

function match(str: string | undefined, regex: unknown, limit: number | undefined): unknown {
  if (str === undefined) return undefined;
  if (limit !== undefined && limit < 0) fail("D3040", { value: limit, index: 3 });
  const result = createSequence();
  if (limit === undefined || limit > 0) {
    let count = 0;
    let matches = evaluateMatcher(regex, str);
    while (matches !== undefined && (limit === undefined || count < limit)) {
      result.push({ match: matches.match, index: matches.start, groups: matches.groups });
      matches = evaluateMatcher(matches.next, undefined);
      count++;
    }
  }
  return result;
}

function substitute(replacement: string, regexMatch: MatchResult): string {
  let out = "";
  let position = 0;
  let index = replacement.indexOf("$", position);
  while (index !== -1 && position < replacement.length) {
    out += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === "$") {
      out += "$";
      position++;
    } else if (dollarVal === "0") {
      out += regexMatch.match;
      position++;
    } else {
      const groupCount = regexMatch.groups.length;
      const maxDigits = groupCount === 0 ? 1 : Math.floor(Math.log(groupCount) * Math.LOG10E) + 1;
      index = Number.parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && index > groupCount) {
        index = Number.parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      }
      if (!Number.isNaN(index)) {
        if (groupCount > 0) {
          const submatch = regexMatch.groups[index - 1];
          if (submatch !== undefined) out += submatch;
        }
        position += index.toString().length;
      } else {
        out += "$";
      }
    }
    index = replacement.indexOf("$", position);
  }
  return out + replacement.substring(position);
}

function replace(str: string | undefined, pattern: unknown, replacement: unknown, limit: number | undefined): unknown {
  if (str === undefined) return undefined;
  if (pattern === "") fail("D3010", { value: pattern, index: 2 });
  if (limit !== undefined && limit < 0) fail("D3011", { value: limit, index: 4 });
  if (limit !== undefined && limit <= 0) return str;
  let result = "";
  let position = 0;
  let count = 0;
  if (typeof pattern === "string") {
    let index = str.indexOf(pattern, position);
    while (index !== -1 && (limit === undefined || count < limit)) {
      result += str.substring(position, index) + String(replacement);
      position = index + pattern.length;
      count++;
      index = str.indexOf(pattern, position);
    }
    return result + str.substring(position);
  }
  let matches = evaluateMatcher(pattern, str);
  if (matches === undefined) return str;
  while (matches !== undefined && (limit === undefined || count < limit)) {
    result += str.substring(position, matches.start);
    const replacedWith =
      typeof replacement === "string" ? substitute(replacement, matches) : apply(replacement, [matches], null);
    if (typeof replacedWith !== "string") fail("D3012", { value: replacedWith });
    result += replacedWith;
    position = matches.start + matches.match.length;
    count++;
    matches = evaluateMatcher(matches.next, undefined);
  }
  return result + str.substring(position);
}

function split(str: string | undefined, separator: unknown, limit: number | undefined): unknown {
  if (str === undefined) return undefined;
  if (limit !== undefined && limit < 0) fail("D3020", { value: limit, index: 3 });
  const result: string[] = [];
  if (limit !== undefined && limit <= 0) return result;
  if (typeof separator === "string") return str.split(separator, limit);
  let count = 0;
  let matches = evaluateMatcher(separator, str);
  if (matches === undefined) return [str];
  let start = 0;
  while (matches !== undefined && (limit === undefined || count < limit)) {
    result.push(str.substring(start, matches.start));
    start = matches.end;
    matches = evaluateMatcher(matches.next, undefined);
    count++;
  }
  if (limit === undefined || count < limit) result.push(str.substring(start));
  return result;
}

const fromMillis = reference["fromMillis"]!.implementation;

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
