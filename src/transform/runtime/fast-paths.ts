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
        if (args.length === 1) return isoTimestamp(millis);
        if (args.length === 2 && picture === "[Y0001]-[M01]-[D01]") return isoDate(Math.floor(millis / dayMillis));
        return SLOW;
      };
    default:
      return undefined;
  }
}

const dayMillis = 86_400_000;

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** `YYYY-MM-DD` of a day number since 1970-01-01 (civil-from-days, proleptic Gregorian, UTC). */
function isoDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `$fromMillis(ms)`: the ISO 8601 timestamp in UTC, as `Date#toISOString` writes it for years 1 to 9999. */
function isoTimestamp(millis: number): string {
  const days = Math.floor(millis / dayMillis);
  let rest = millis - days * dayMillis;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ms = rest - seconds * 1000;
  return `${isoDate(days)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(ms, 3)}Z`;
}

const firstOfYear1 = new Date("0001-01-01T00:00:00.000Z").getTime();
const lastOfYear9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const simplePicture = /^(#*)(0+)(?:\.(0+))?$|^#,##(0)(?:\.(0+))?$/;

interface PictureShape {
  readonly grouped: boolean;
  readonly minInteger: number;
  readonly fraction: number;
}

const pictureShapes = new Map<string, PictureShape | undefined>();

/** What a plain picture asks for, remembered per picture; undefined for any other picture. */
function pictureShape(picture: string): PictureShape | undefined {
  if (pictureShapes.has(picture)) return pictureShapes.get(picture);
  const match = simplePicture.exec(picture);
  let shape: PictureShape | undefined;
  if (match !== null) {
    const grouped = match[4] !== undefined;
    shape = { grouped, minInteger: grouped ? 1 : match[2]!.length, fraction: ((grouped ? match[5] : match[3]) ?? "").length };
  }
  if (pictureShapes.size < 256) pictureShapes.set(picture, shape);
  return shape;
}

/**
 * `$formatNumber` for the plain pictures mappings use (`0.00`, `#0.0`, `0`, `#,##0.00`): the
 * reference algorithm (round half to even to the fraction size, pad the integer part, group by
 * three) specialised to them. Undefined for any other picture, or a number out of the range
 * where `toFixed` writes plain digits.
 */
function formatSimple(value: number, picture: string): string | undefined {
  const shape = pictureShape(picture);
  if (shape === undefined || !Number.isFinite(value) || Math.abs(value) >= 1e15) return undefined;
  const { grouped, minInteger, fraction } = shape;
  const rounded = roundHalfEven(value, fraction);
  const fixed = Math.abs(rounded).toFixed(fraction);
  const point = fixed.indexOf(".");
  // `toFixed` writes no leading zeros other than a lone "0" before the point.
  const whole = point < 0 ? fixed : fixed.slice(0, point);
  let integer = whole === "0" ? "" : whole;
  if (integer.length < minInteger) integer = "0".repeat(minInteger - integer.length) + integer;
  if (grouped) integer = integer.replace(/\B(?=(\d{3})+$)/g, ",");
  const digits = point < 0 ? integer : `${integer}.${fixed.slice(point + 1)}`;
  return value < 0 ? `-${digits}` : digits;
}
