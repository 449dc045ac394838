/**
 * Fast paths for the built-in functions mappings call most. Each handles only argument lists
 * that already match the function's signature exactly (so validation could not change or reject
 * them) and answers `SLOW` otherwise, in which case the call takes the validated path. What a
 * fast path returns is what the implementation returns for those arguments.
 */
import { nativeFocus } from "./context.ts";
import { isFunction } from "./values.ts";

/** The answer of a fast path that does not handle its arguments. */
export const SLOW: unique symbol = Symbol("slow");

/** A fast path: the result, or SLOW. */
export type FastPath = (args: readonly unknown[]) => unknown;

type Implementation = (...args: unknown[]) => unknown;

function allNumbers(values: unknown[]): boolean {
  for (const value of values) if (typeof value !== "number") return false;
  return true;
}

function allStrings(values: unknown[]): boolean {
  for (const value of values) if (typeof value !== "string") return false;
  return true;
}

const decimal = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
const surrogate = /[\uD800-\uDFFF]/;
const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number";
const isDefinedValue = (value: unknown): boolean => value !== undefined && !isFunction(value);

/** Shifts the decimal point of `value` by `places` through its decimal text, as `$round` does. */
function shift(value: number, places: number): number {
  const text = String(value);
  const e = text.indexOf("e");
  if (e < 0) return +`${text}e${places}`;
  return +`${text.slice(0, e)}e${+text.slice(e + 1) + places}`;
}

/** `$round`: the reference algorithm (decimal shift, round half to even), without its temporary arrays. */
function roundHalfEven(arg: number, precision: number | undefined): number {
  let value = precision ? shift(arg, precision) : arg;
  let result = Math.round(value);
  if (Math.abs(result - value) === 0.5 && Math.abs(result % 2) === 1) result = result - 1;
  if (precision) result = shift(result, -precision);
  value = result;
  return Object.is(value, -0) ? 0 : value;
}

/** Builds the fast path of built-in `name` around its implementation, if it has one. */
export function fastPath(name: string, impl: Implementation): FastPath | undefined {
  const call = (args: readonly unknown[]) => impl.apply(nativeFocus, args as unknown[]);
  switch (name) {
    case "string":
      return (args) => {
        if (args.length !== 1) return SLOW;
        const arg = args[0];
        if (typeof arg === "string") return arg;
        if (typeof arg === "number" && Number.isFinite(arg)) {
          const text = String(arg);
          // At most 15 significant digits already: rounding to 15 digits gives the same number.
          if (text.length <= 15 || Number.isInteger(arg)) return text;
          return String(Number(arg.toPrecision(15)));
        }
        if (typeof arg === "boolean") return arg ? "true" : "false";
        return SLOW;
      };
    case "number":
      return (args) => {
        if (args.length !== 1) return SLOW;
        const arg = args[0];
        if (typeof arg === "number") return arg;
        if (typeof arg === "string" && decimal.test(arg)) {
          const value = Number.parseFloat(arg);
          if (Number.isFinite(value)) return value;
        }
        return typeof arg === "string" || typeof arg === "boolean" ? call(args) : SLOW;
      };
    case "sum":
      return (args) => {
        if (args.length !== 1) return SLOW;
        const arg = args[0];
        if (typeof arg === "number") return arg;
        if (!Array.isArray(arg) || !allNumbers(arg)) return SLOW;
        let total = 0;
        for (const value of arg as number[]) total += value;
        return total;
      };
    case "count":
      return (args) => (args.length === 1 && Array.isArray(args[0]) ? args[0].length : SLOW);
    case "max":
    case "min":
    case "average":
      return (args) => (args.length === 1 && Array.isArray(args[0]) && allNumbers(args[0]) ? call(args) : SLOW);
    case "round":
      return (args) =>
        (args.length === 1 && isNumber(args[0])) || (args.length === 2 && isNumber(args[0]) && isNumber(args[1]))
          ? roundHalfEven(args[0] as number, args[1] as number | undefined)
          : SLOW;
    case "floor":
    case "ceil":
    case "abs":
      return (args) => (args.length === 1 && isNumber(args[0]) ? call(args) : SLOW);
    case "substring":
      return (args) => {
        const [str, start, count] = args;
        if (!isString(str) || !isNumber(start)) return SLOW;
        if (args.length === 3 ? !isNumber(count) : args.length !== 2) return SLOW;
        const length = count as number | undefined;
        if (surrogate.test(str)) return call(args);
        // Without surrogate pairs, code points are code units and String#slice indexes as Array#slice does.
        const from = str.length + start < 0 ? 0 : start;
        if (length === undefined) return str.slice(from);
        if (length <= 0) return "";
        return str.slice(from, from >= 0 ? from + length : str.length + from + length);
      };
    case "substringBefore":
    case "substringAfter":
    case "contains":
      return (args) => (args.length === 2 && isString(args[0]) && isString(args[1]) ? call(args) : SLOW);
    case "uppercase":
    case "lowercase":
    case "trim":
    case "length":
      return (args) => (args.length === 1 && isString(args[0]) ? call(args) : SLOW);
    case "join":
      return (args) =>
        (args.length === 1 || (args.length === 2 && isString(args[1]))) && Array.isArray(args[0]) && allStrings(args[0])
          ? call(args)
          : SLOW;
    case "exists":
      return (args) => (args.length === 1 ? args[0] !== undefined : SLOW);
    case "boolean":
    case "not":
    case "keys":
      return (args) => (args.length === 1 && isDefinedValue(args[0]) ? call(args) : SLOW);
    case "lookup":
      return (args) => (args.length === 2 && isDefinedValue(args[0]) && isString(args[1]) ? call(args) : SLOW);
    case "append":
      return (args) => (args.length === 2 && isDefinedValue(args[0]) && isDefinedValue(args[1]) ? call(args) : SLOW);
    case "map":
    case "filter":
      return (args) => (args.length === 2 && Array.isArray(args[0]) && isFunction(args[1]) ? call(args) : SLOW);
    case "each":
      return (args) =>
        args.length === 2 && isDefinedValue(args[0]) && typeof args[0] === "object" && args[0] !== null &&
        !Array.isArray(args[0]) && isFunction(args[1])
          ? call(args)
          : SLOW;
    case "reduce":
      return (args) =>
        (args.length === 2 || (args.length === 3 && isDefinedValue(args[2]))) && Array.isArray(args[0]) && isFunction(args[1])
          ? call(args)
          : SLOW;
    case "formatNumber":
      return (args) => {
        if (args.length !== 2 || !isNumber(args[0]) || !isString(args[1])) return SLOW;
        const formatted = formatSimple(args[0], args[1]);
        return formatted === undefined ? call(args) : formatted;
      };
    case "fromMillis":
      return (args) => {
        const [millis, picture] = args;
        if (!isNumber(millis) || !Number.isInteger(millis) || millis < firstOfYear1 || millis > lastOfYear9999) return SLOW;
        if (args.length === 1) return new Date(millis).toISOString();
        if (args.length === 2 && picture === "[Y0001]-[M01]-[D01]") return new Date(millis).toISOString().slice(0, 10);
        return SLOW;
      };
    default:
      return undefined;
  }
}

const firstOfYear1 = new Date("0001-01-01T00:00:00.000Z").getTime();
const lastOfYear9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const simplePicture = /^(#*)(0+)(?:\.(0+))?$|^#,##(0)(?:\.(0+))?$/;

/**
 * `$formatNumber` for the plain pictures mappings use (`0.00`, `#0.0`, `0`, `#,##0.00`): the
 * reference algorithm (round half to even to the fraction size, pad the integer part, group by
 * three) specialised to them. Undefined for any other picture, or a number out of the range
 * where `toFixed` writes plain digits.
 */
function formatSimple(value: number, picture: string): string | undefined {
  const match = simplePicture.exec(picture);
  if (match === null || !Number.isFinite(value) || Math.abs(value) >= 1e15) return undefined;
  const grouped = match[4] !== undefined;
  const minInteger = grouped ? 1 : match[2]!.length;
  const fraction = (grouped ? match[5] : match[3]) ?? "";
  const rounded = roundHalfEven(value, fraction.length);
  const fixed = Math.abs(rounded).toFixed(fraction.length);
  const point = fixed.indexOf(".");
  let integer = (point < 0 ? fixed : fixed.slice(0, point)).replace(/^0+/, "");
  if (integer.length < minInteger) integer = "0".repeat(minInteger - integer.length) + integer;
  if (grouped) integer = integer.replace(/\B(?=(\d{3})+$)/g, ",");
  const digits = point < 0 ? integer : `${integer}.${fixed.slice(point + 1)}`;
  return value < 0 ? `-${digits}` : digits;
}
