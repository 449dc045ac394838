/**
 * How the printer writes one word of DSL text: a name, a field path, a duration, a JSONata block,
 * bare where the grammar reads it back as the same value and quoted where it would not. The
 * printer and the step kinds' DSL halves (src/steps/<kind>/dsl.ts) share these.
 */
import { printBlock } from "./jsonata-block.ts";
import { keywords } from "./tokens.ts";

/** A spec value as the printer sees it. */
export type Obj = Record<string, unknown>;

export const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
export const NUMBER_LIKE = /^-?[0-9][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*$/;

export const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
export const isStr = (x: unknown): x is string => typeof x === "string";
export const isKeyword = (s: string) => Object.hasOwn(keywords, s);
/** Whether every key of `o` is one of `allowed`. */
export const only = (o: Obj, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k));

/** A quoted string, escaped as JSON escapes it. */
export function quote(s: string): string {
  return JSON.stringify(s);
}
/** A name: bare when it is an identifier and not a keyword. */
export function name(s: string): string {
  return IDENT.test(s) && !isKeyword(s) ? s : quote(s);
}
export function dottedSafe(s: string): boolean {
  return s.split(".").every((seg) => IDENT.test(seg));
}
/** A field path or a block key: words joined by dots, keywords allowed. */
export function path(s: string): string {
  return dottedSafe(s) ? s : quote(s);
}
/** A `system.member` reference. */
export function qualified(s: string): string {
  return dottedSafe(s) && !isKeyword(s.split(".")[0] ?? "") ? s : quote(s);
}
/** A duration (`30s`). */
export function duration(s: string): string {
  return NUMBER_LIKE.test(s) ? s : quote(s);
}
/** A short text value (a class name). */
export function text(s: string): string {
  return IDENT.test(s) || NUMBER_LIKE.test(s) ? s : quote(s);
}
/** A JSONata expression as a `{{ ... }}` block, or quoted when no block can hold it. */
export function jsonata(s: string, indent: string): string {
  return printBlock(s, indent) ?? quote(s);
}
