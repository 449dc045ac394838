/**
 * The shapes JSONata values take at run time and the predicates over them. A sequence is an
 * array flagged `sequence`; the other flags mirror the reference implementation's so that values
 * flowing between the compiled form and the interpreter mean the same thing.
 */
import { fail } from "./errors.ts";

/** An array produced by the evaluator, with the reference implementation's flags. */
export type Sequence = unknown[] & {
  sequence?: boolean;
  keepSingleton?: boolean;
  tupleStream?: boolean;
  outerWrapper?: boolean;
  cons?: boolean;
};

/** A plain object as JSONata sees one. */
export type Dict = Record<string, unknown>;

/** One element of a tuple stream: `@` is the context item, the rest are bindings. */
export type Tuple = Record<string, unknown>;

/** True when `value` is a number JSONata can compute with; throws D1001 for ±Infinity. */
export function isNumeric(value: unknown): value is number {
  if (typeof value !== "number") return false;
  if (Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) fail("D1001", { value });
  return true;
}

/** True for an array whose members are all numbers. */
export function isArrayOfNumbers(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isNumeric(item)) return false;
  return true;
}

/** True for an array whose members are all strings. */
export function isArrayOfStrings(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

/** True for an array the evaluator produced (as opposed to a JSON array from the input). */
export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** True for a JSONata lambda, a built-in function or a plain JavaScript function. */
export function isFunction(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (value === null || typeof value !== "object") return false;
  const v = value as Dict;
  return v["_jsonata_function"] === true || v["_jsonata_lambda"] === true;
}

/** True for a JSONata lambda (or a partial application of a function). */
export function isLambda(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Dict)["_jsonata_lambda"] === true;
}

/** The number of parameters a function declares, as higher-order functions see it. */
export function arity(func: unknown): number {
  const f = func as Dict & { length?: number };
  if (typeof f["arity"] === "number") return f["arity"];
  if (typeof f["implementation"] === "function") return (f["implementation"] as (...a: unknown[]) => unknown).length;
  if (typeof func === "function") return (func as (...a: unknown[]) => unknown).length;
  return (f["arguments"] as unknown[]).length;
}

/** Structural equality as the `=` operator defines it. */
export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== "object" || typeof rhs !== "object" || lhs === null || rhs === null) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!isDeepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length) return false;
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  for (const key of lkeys) if (!isDeepEqual((lhs as Dict)[key], (rhs as Dict)[key])) return false;
  return true;
}

/** The own enumerable keys of an object; none for anything else. */
export function keysOf(value: unknown): string[] {
  return typeof value === "object" && value !== null ? Object.keys(value) : [];
}

/** True for a thenable: a bound function answered asynchronously. */
export function isPromise(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" && value !== null && "then" in value && typeof (value as Dict)["then"] === "function"
  );
}

/** Flattens nested arrays into one new array. */
export function flatten(value: unknown, into: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) flatten(item, into);
  else into.push(value);
  return into;
}
