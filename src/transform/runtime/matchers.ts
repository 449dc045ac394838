/**
 * The string functions that take a pattern: `$contains`, `$match`, `$replace` and `$split`,
 * synchronous. A pattern is a string or a matcher function (a regex literal, or any function
 * answering the `{ match, start, end, groups, next }` structure).
 */
import { createSequence } from "./context.ts";
import { fail } from "./errors.ts";
import { apply } from "./functions.ts";
import { isFunction } from "./values.ts";

interface MatchResult {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: unknown;
}

function evaluateMatcher(matcher: unknown, str: string | undefined): MatchResult | undefined {
  // The interpreter calls `matcher.apply(...)`: a missing pattern is a host TypeError there too.
  if (matcher === undefined || matcher === null) throw new TypeError(`Cannot read properties of ${matcher} (reading 'apply')`);
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

/** `$contains` */
export function contains(str: string | undefined, token: unknown): unknown {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === "string") return str.indexOf(token) !== -1;
  return evaluateMatcher(token, str) !== undefined;
}

/** `$match` */
export function match(str: string | undefined, regex: unknown, limit: number | undefined): unknown {
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

/** `$replace` */
export function replace(str: string | undefined, pattern: unknown, replacement: unknown, limit: number | undefined): unknown {
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

/** `$split` */
export function split(str: string | undefined, separator: unknown, limit: number | undefined): unknown {
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
