/**
 * What every part of lowering shares: reading the CST (tokens, sub-rules, ranges), turning
 * tokens into strings and numbers, and setting values once (a second setting is a diagnostic).
 */
import type { CstNode, IToken } from "chevrotain";
import { diagnostic, type Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { SourceFile } from "../../diagnostics/source-file.ts";
import type { PathSegment } from "../document.ts";
import { FORBIDDEN_KEYS } from "../yaml/parse-yaml.ts";
import type { BlockCstNode, PlainEntryCstNode } from "./cst-types.ts";
import { blockContent } from "./jsonata-block.ts";

/** What lowering records about where things were written. */
export interface Recorder {
  file: SourceFile;
  /** The range of the value at `path`, and of its key or keyword. */
  range(path: readonly PathSegment[], start: number, end: number, keyStart?: number, keyEnd?: number): void;
  /** A statement (a line of the layout) that sets `path`; comments attach to statements. */
  statement(path: readonly PathSegment[], start: number, end: number): void;
  /** A block the printer closes with `}`: comments before its `}` stay there. */
  blockEnd(path: readonly PathSegment[], closeOffset: number): void;
  string(path: readonly PathSegment[], offsetOf: (offsetInString: number) => number): void;
  report(d: Diagnostic): void;
}

export type Obj = Record<string, unknown>;
export type Path = readonly PathSegment[];

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
export const METADATA_ENTRIES = new Set(["description", "labels", "deprecated"]);
export const KIND_OF_RULE: Record<string, string> = {
  routeDocument: "Route",
  mappingDocument: "Mapping",
  ownershipDocument: "Ownership",
};

// ---- CST access -------------------------------------------------------------------------

/** The `i`-th token a node holds under `name`. */
export function tok(node: CstNode | undefined, name: string, i = 0): IToken | undefined {
  return node?.children[name]?.[i] as IToken | undefined;
}
/** Every token a node holds under `name`. */
export function toks(node: CstNode | undefined, name: string): IToken[] {
  return (node?.children[name] ?? []) as IToken[];
}
/** The `i`-th sub-rule node a node holds under `name`. */
export function sub(node: CstNode | undefined, name: string, i = 0): CstNode | undefined {
  return node?.children[name]?.[i] as CstNode | undefined;
}
/** Every sub-rule node a node holds under `name`. */
export function subs(node: CstNode | undefined, name: string): CstNode[] {
  return (node?.children[name] ?? []) as CstNode[];
}
/** The only child of a node (the alternative an OR took). */
export function only(node: CstNode | undefined): [string, CstNode | IToken] | undefined {
  if (node === undefined) return undefined;
  const children = node.children;
  for (const key in children) {
    const first = children[key]?.[0];
    if (first !== undefined) return [key, first as CstNode | IToken];
  }
  return undefined;
}
/** A statement: the alternative it chose, its node and span, and its leading keyword. */
export interface Statement {
  kind: string;
  s: CstNode;
  start: number;
  end: number;
  kw: IToken | undefined;
}

/** The parts of a statement node; undefined when it holds no statement (a stray token). */
export function statementOf(node: CstNode): Statement | undefined {
  const choice = only(node);
  if (choice === undefined || isToken(choice[1])) return undefined;
  const [kind, s] = choice;
  const keyword = only(s)?.[1];
  return { kind, s, start: startOf(s), end: endOf(s), kw: keyword !== undefined && isToken(keyword) ? keyword : undefined };
}

/** Whether a CST child is a token. */
export function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}
/** The file offset where a token or node starts (0 when recovery left it without one). */
export function startOf(x: CstNode | IToken | undefined): number {
  if (x === undefined) return 0;
  if (isToken(x)) return Number.isFinite(x.startOffset) ? x.startOffset : 0;
  const s = x.location?.startOffset;
  return s !== undefined && Number.isFinite(s) ? s : 0;
}
/** The file offset just after a token or node. */
export function endOf(x: CstNode | IToken | undefined): number {
  if (x === undefined) return 0;
  if (isToken(x)) return Number.isFinite(x.endOffset ?? Number.NaN) ? (x.endOffset ?? 0) + 1 : startOf(x);
  const e = x.location?.endOffset;
  return e !== undefined && Number.isFinite(e) ? e + 1 : startOf(x);
}

// ---- strings and scalars ----------------------------------------------------------------

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** A quoted string's value; a bad escape stands for itself (the lexer stage reported it). */
export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length > 1 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)?/g, (whole, e: string | undefined) => {
    if (e === undefined) return "";
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? whole;
  });
}

export interface Lowering {
  rec: Recorder;
}

/** A string from a quoted string or a block, recording where its characters are in the file. */
export function stringOf(cx: Lowering, token: IToken, path: Path): string {
  const name = token.tokenType.name;
  if (name === "JsonataBlock" || name === "BrokenJsonataBlock" || name === "JsonataFence" || name === "BrokenJsonataFence") {
    const fence = name.endsWith("Fence");
    const closed = fence ? token.image.length >= 6 && token.image.endsWith("```") : token.image.endsWith("}}");
    const delimiter = fence ? "```" : "{{";
    const content = blockContent(token.image, token.startOffset, delimiter, closed ? (fence ? "```" : "}}") : "");
    cx.rec.string(path, content.offsetOf);
    return content.text;
  }
  const text = unquote(token.image);
  if (token.image === `"${text}"`) cx.rec.string(path, (o) => token.startOffset + 1 + o);
  return text;
}

/** A `name`: an identifier, or a quoted string. */
export function nameOf(cx: Lowering, node: CstNode | undefined, path: Path): string {
  const id = tok(node, "Identifier");
  if (id !== undefined) return id.image;
  const s = tok(node, "StringLiteral");
  return s === undefined ? "" : stringOf(cx, s, path);
}

/** The words of a `dotted` node, joined by dots. */
export function dottedOf(node: CstNode | undefined): string {
  return toks(node, "Word")
    .concat(toks(node, "Identifier"))
    .sort((a, b) => a.startOffset - b.startOffset)
    .map((w) => w.image)
    .join(".");
}

/** A field path: dotted words or a quoted string. */
export function pathOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  return s !== undefined ? stringOf(cx, s, at) : dottedOf(sub(node, "dotted"));
}

/** A string written bare or quoted. */
export function textOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  if (s !== undefined) return stringOf(cx, s, at);
  return (tok(node, "Word") ?? tok(node, "NumberLike"))?.image ?? "";
}

/** A number when the text is one, else the text (the schema then says what was expected). */
export function numberOf(token: IToken | undefined): number | string {
  const image = token?.image ?? "";
  return JSON_NUMBER.test(image) ? Number(image) : image;
}

/** A duration, as written (`30s`). */
export function durationOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  return s !== undefined ? stringOf(cx, s, at) : (tok(node, "NumberLike")?.image ?? "");
}

/** The string a JSONata block (or quoted string) stands for. */
export function jsonataOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const t = tok(node, "JsonataBlock") ?? tok(node, "JsonataFence") ?? tok(node, "StringLiteral");
  return t === undefined ? "" : stringOf(cx, t, at);
}

// ---- setting values ---------------------------------------------------------------------

/** Whether a value is a plain object. */
export function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Sets `key` once; a second setting is a duplicate-key diagnostic at its key. */
export function put(cx: Lowering, target: Obj, key: string, value: unknown, at: Path, keyStart: number, keyEnd: number): boolean {
  const location = { file: cx.rec.file, start: keyStart, end: keyEnd };
  if (FORBIDDEN_KEYS.has(key)) {
    cx.rec.report(diagnostic("forbidden-key", { key }, location));
    return false;
  }
  if (Object.hasOwn(target, key)) {
    cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, location));
    return false;
  }
  target[key] = value;
  return true;
}

/** The object at `key`, made when absent (statements add to it piece by piece). */
export function objectAt(cx: Lowering, target: Obj, key: string, at: Path, start: number, end: number): Obj {
  const existing = target[key];
  if (isObj(existing)) return existing;
  const made: Obj = {};
  if (existing !== undefined) cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, { file: cx.rec.file, start, end }));
  else target[key] = made;
  cx.rec.range(at, start, end, start, end);
  return made;
}

/** The array at `key`, made when absent. */
export function arrayAt(cx: Lowering, target: Obj, key: string, at: Path, start: number, end: number): unknown[] {
  const existing = target[key];
  if (Array.isArray(existing)) return existing;
  const made: unknown[] = [];
  if (existing !== undefined) cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, { file: cx.rec.file, start, end }));
  else target[key] = made;
  cx.rec.range(at, start, end, start, end);
  return made;
}

// ---- generic values ---------------------------------------------------------------------

/** A generic value: a scalar, a block or a list. */
export function readValue(cx: Lowering, node: CstNode | undefined, at: Path): unknown {
  const choice = only(node);
  if (choice === undefined) return null;
  const [kind, child] = choice;
  cx.rec.range(at, startOf(child), endOf(child));
  if (isToken(child)) {
    if (kind === "NumberLike") return numberOf(child);
    return stringOf(cx, child, at);
  }
  if (kind === "dotted") {
    const words = toks(child, "Word");
    if (words.length === 1) {
      const type = words[0]?.tokenType.name;
      if (type === "True") return true;
      if (type === "False") return false;
      if (type === "Null") return null;
    }
    return dottedOf(child);
  }
  if (kind === "block") return blockOf(cx, child, at);
  return subs(child, "value").map((item, i) => {
    const itemPath = [...at, i];
    cx.rec.statement(itemPath, startOf(item), endOf(item));
    return readValue(cx, item, itemPath);
  });
}

/** The entries of a `{ ... }` block, into `into` (or wherever `route` sends a key). */
export function blockOf(cx: Lowering, node: BlockCstNode | CstNode, at: Path, into: Obj = {}, route?: (key: string) => Obj | undefined): Obj {
  for (const entry of subs(node, "entry")) {
    const keyNode = sub(entry, "dotted");
    const keyToken = tok(entry, "StringLiteral");
    const key = keyToken !== undefined ? unquote(keyToken.image) : dottedOf(keyNode);
    const keyStart = startOf(keyToken ?? keyNode);
    const keyEnd = endOf(keyToken ?? keyNode);
    const target = route?.(key) ?? into;
    const entryPath = target === into ? [...at, key] : ["metadata", key];
    cx.rec.statement(entryPath, startOf(entry), endOf(entry));
    const value = readValue(cx, sub(entry, "value"), entryPath);
    cx.rec.range(entryPath, startOf(sub(entry, "value")), endOf(sub(entry, "value")), keyStart, keyEnd);
    put(cx, target, key, value, entryPath, keyStart, keyEnd);
  }
  const close = tok(node, "RCurly");
  if (close !== undefined) cx.rec.blockEnd(at, close.startOffset);
  return into;
}

/** A `key value` entry in a route, mapping or ownership body (metadata keys go to metadata). */
export function plainEntry(cx: Lowering, node: PlainEntryCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const keyToken = tok(node, "StringLiteral");
  const key = keyToken !== undefined ? unquote(keyToken.image) : [tok(node, "Identifier")?.image ?? "", ...toks(node, "Word").map((w) => w.image)].join(".");
  const keyStart = startOf(keyToken ?? tok(node, "Identifier"));
  const keyEnd = keyToken !== undefined ? endOf(keyToken) : endOf(toks(node, "Word").at(-1) ?? tok(node, "Identifier"));
  const target = METADATA_ENTRIES.has(key) ? metadata : spec;
  const at = [target === metadata ? "metadata" : "spec", key];
  cx.rec.statement(at, startOf(node), endOf(node));
  const valueNode = sub(node, "value");
  const value = readValue(cx, valueNode, at);
  cx.rec.range(at, startOf(valueNode), endOf(valueNode), keyStart, keyEnd);
  if (isObj(value) && isObj(target[key])) {
    // sugar statements may already have started this object: merge, key by key
    for (const [k, v] of Object.entries(value)) put(cx, target[key] as Obj, k, v, [...at, k], keyStart, keyEnd);
  } else put(cx, target, key, value, at, keyStart, keyEnd);
}

/** Sets `key` and records where its value and its keyword were written. */
export function setToken(cx: Lowering, target: Obj, key: string, value: unknown, at: Path, keyword: IToken | undefined, valueNode: CstNode | IToken | undefined): void {
  const path = [...at, key];
  cx.rec.range(path, startOf(valueNode), endOf(valueNode), startOf(keyword ?? valueNode), endOf(keyword ?? valueNode));
  put(cx, target, key, value, path, startOf(keyword ?? valueNode), endOf(valueNode ?? keyword));
}

/** A `note "..."`: the description of what holds it. */
export function noteInto(cx: Lowering, target: Obj, note: CstNode, at: Path): void {
  const s = tok(note, "StringLiteral");
  if (s === undefined) return;
  setToken(cx, target, "description", stringOf(cx, s, [...at, "description"]), at, tok(note, "Note"), s);
}

/** A `system.member` reference. */
export function qualifiedOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  if (s !== undefined) return stringOf(cx, s, at);
  return [tok(node, "Identifier")?.image ?? "", ...toks(node, "Word").map((w) => w.image)].join(".");
}

/** A list of strings, recording each item's range. */
export function listOf(cx: Lowering, nodes: CstNode[], at: Path, read: (n: CstNode, p: Path) => string): string[] {
  return nodes.map((n, i) => {
    cx.rec.range([...at, i], startOf(n), endOf(n));
    return read(n, [...at, i]);
  });
}
