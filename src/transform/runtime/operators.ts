/**
 * JSONata's operators: arithmetic, comparison, equality, string concatenation, range, `in`, and
 * the effective boolean value behind `and`, `or`, predicates and conditions. Each takes the
 * operator's position so an error points at it as the interpreter's does.
 */
import { createSequence, type Frame, state } from "./context.ts";
import { fail, isDecorable } from "./errors.ts";
import { isDeepEqual, isFunction, isNumeric, type Sequence } from "./values.ts";

/** The effective boolean value of a value; undefined stays undefined. */
export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) return arg.filter((value) => toBoolean(value)).length > 0;
    return false;
  }
  if (typeof arg === "string") return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === "object" && !isFunction(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

/** The effective boolean value with undefined read as false (`and`, `or`). */
export function boolize(arg: unknown): boolean {
  return toBoolean(arg) === true;
}

function placeAt(err: unknown, position: number, token: string): void {
  if (isDecorable(err)) Object.assign(err, { position, token });
}

/** `and`: the right side is evaluated only when the left is true; errors are placed at the operator. */
export function and(lhs: unknown, rhs: (input: unknown, env: Frame) => unknown, input: unknown, env: Frame, position: number): boolean {
  try {
    return boolize(lhs) && boolize(rhs(input, env));
  } catch (err) {
    placeAt(err, position, "and");
    throw err;
  }
}

/** `or`: the right side is evaluated only when the left is false; errors are placed at the operator. */
export function or(lhs: unknown, rhs: (input: unknown, env: Frame) => unknown, input: unknown, env: Frame, position: number): boolean {
  try {
    return boolize(lhs) || boolize(rhs(input, env));
  } catch (err) {
    placeAt(err, position, "or");
    throw err;
  }
}

/** `$append`: joins two values into one array, ignoring undefined. */
export function append(arg1: unknown, arg2: unknown): unknown {
  if (arg1 === undefined) return arg2;
  if (arg2 === undefined) return arg1;
  const left: unknown[] = Array.isArray(arg1) ? arg1 : createSequence(arg1);
  const right: unknown[] = Array.isArray(arg2) ? arg2 : [arg2];
  const limit = state.ctx.sequenceLimit;
  if (limit > 0 && left.length + right.length > limit) fail("D2015", { value: left.length + right.length });
  return left.concat(right);
}

function operands(lhs: unknown, rhs: unknown, op: string, position: number): boolean {
  try {
    if (lhs !== undefined && !isNumeric(lhs)) fail("T2001", { value: lhs });
    if (rhs !== undefined && !isNumeric(rhs)) fail("T2002", { value: rhs });
  } catch (err) {
    placeAt(err, position, op);
    throw err;
  }
  return lhs !== undefined && rhs !== undefined;
}

/** `+` */
export function add(lhs: unknown, rhs: unknown, position: number): number | undefined {
  if (typeof lhs === "number" && typeof rhs === "number" && Number.isFinite(lhs) && Number.isFinite(rhs)) return lhs + rhs;
  return operands(lhs, rhs, "+", position) ? (lhs as number) + (rhs as number) : undefined;
}

/** `-` */
export function subtract(lhs: unknown, rhs: unknown, position: number): number | undefined {
  if (typeof lhs === "number" && typeof rhs === "number" && Number.isFinite(lhs) && Number.isFinite(rhs)) return lhs - rhs;
  return operands(lhs, rhs, "-", position) ? (lhs as number) - (rhs as number) : undefined;
}

/** `*` */
export function multiply(lhs: unknown, rhs: unknown, position: number): number | undefined {
  if (typeof lhs === "number" && typeof rhs === "number" && Number.isFinite(lhs) && Number.isFinite(rhs)) return lhs * rhs;
  return operands(lhs, rhs, "*", position) ? (lhs as number) * (rhs as number) : undefined;
}

/** `/` */
export function divide(lhs: unknown, rhs: unknown, position: number): number | undefined {
  return operands(lhs, rhs, "/", position) ? (lhs as number) / (rhs as number) : undefined;
}

/** `%` */
export function modulo(lhs: unknown, rhs: unknown, position: number): number | undefined {
  return operands(lhs, rhs, "%", position) ? (lhs as number) % (rhs as number) : undefined;
}

/** Unary `-`. */
export function negate(value: unknown, position: number): number | undefined {
  if (value === undefined) return undefined;
  if (isNumeric(value)) return -value;
  return fail("D1002", { position, token: "-", value });
}

/** `=` */
export function equal(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return isDeepEqual(lhs, rhs);
}

/** `!=` */
export function notEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return !isDeepEqual(lhs, rhs);
}

/** `<`, `<=`, `>`, `>=` */
export function compare(lhs: unknown, rhs: unknown, op: string, position: number): boolean | undefined {
  const ltype = typeof lhs;
  const rtype = typeof rhs;
  const lcomparable = ltype === "undefined" || ltype === "string" || ltype === "number";
  const rcomparable = rtype === "undefined" || rtype === "string" || rtype === "number";
  if (!lcomparable || !rcomparable) {
    fail("T2010", { position, token: op, value: !(ltype === "string" || ltype === "number") ? lhs : rhs });
  }
  if (ltype === "undefined" || rtype === "undefined") return undefined;
  if (ltype !== rtype) fail("T2009", { position, token: op, value: lhs, value2: rhs });
  const l = lhs as string | number;
  const r = rhs as string | number;
  switch (op) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    default:
      return l >= r;
  }
}

/** `in` */
export function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const members = Array.isArray(rhs) ? rhs : [rhs];
  for (const member of members) if (member === lhs) return true;
  return false;
}

/** `..` */
export function range(lhs: unknown, rhs: unknown, position: number): Sequence | undefined {
  if (lhs !== undefined && !Number.isInteger(lhs)) fail("T2003", { value: lhs, position, token: ".." });
  if (rhs !== undefined && !Number.isInteger(rhs)) fail("T2004", { value: rhs, position, token: ".." });
  if (lhs === undefined || rhs === undefined) return undefined;
  const low = lhs as number;
  const high = rhs as number;
  if (low > high) return undefined;
  const size = high - low + 1;
  if (size > 1e7) fail("D2014", { value: size, position, token: ".." });
  const limit = state.ctx.sequenceLimit;
  if (limit > 0 && size > limit) fail("D2015", { value: size, position, token: ".." });
  const result: Sequence = new Array(size);
  for (let item = low, index = 0; item <= high; item++, index++) result[index] = item;
  result.sequence = true;
  return result;
}
