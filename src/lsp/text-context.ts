/**
 * Where the cursor is, read from the text alone, so completion works in a document that does not
 * parse while it is being typed: in YAML the chain of keys above the cursor (by indentation) and
 * whether a key or a value is being written; in the DSL the keyword before the cursor.
 */
import type { PathSegment } from "../compiler/parse/document.ts";

/** The YAML context of a cursor. */
export interface YamlContext {
  kind: string | undefined;
  /** The keys of the mappings that enclose the cursor; `[]` for a list item. */
  parents: PathSegment[];
  /** When a value is being written: the key it belongs to. */
  key: string | undefined;
  /** The word typed so far. */
  prefix: string;
}

const LIST_ITEM = /^(\s*)-\s+/;

/** The enclosing document's text (between `---` lines) and where the cursor line sits in it. */
function documentLines(text: string, offset: number): { lines: string[]; cursorLine: number } {
  const all = text.split(/\r?\n/);
  const cursorLine = text.slice(0, offset).split(/\r?\n/).length - 1;
  let first = cursorLine;
  while (first > 0 && !/^---\s*$/.test(all[first - 1] ?? "")) first--;
  let last = cursorLine;
  while (last < all.length - 1 && !/^---\s*$/.test(all[last + 1] ?? "")) last++;
  return { lines: all.slice(first, last + 1), cursorLine: cursorLine - first };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The keys enclosing a line whose content starts at column `column`. */
function parentsOf(lines: string[], cursorLine: number, column: number): PathSegment[] {
  const path: PathSegment[] = [];
  let threshold = column;
  for (let i = cursorLine - 1; i >= 0 && threshold > 0; i--) {
    const line = lines[i] ?? "";
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const col = indentOf(line);
    if (col >= threshold) continue;
    const item = LIST_ITEM.exec(line);
    const rest = item === null ? line.trim() : line.slice(item[0].length);
    const keyColumn = item === null ? col : item[0].length;
    const key = /^([A-Za-z_$][\w$-]*)\s*:\s*([|>][-+]?\s*)?(#.*)?$/.exec(rest)?.[1];
    if (item !== null) {
      if (key !== undefined && keyColumn < threshold) path.unshift("[]", key);
      else path.unshift("[]");
    } else if (key !== undefined) path.unshift(key);
    threshold = col;
  }
  return path;
}

/** Reads the YAML context at `offset`. */
export function yamlContext(text: string, offset: number): YamlContext {
  const { lines, cursorLine } = documentLines(text, offset);
  const kind = lines.map((l) => /^kind:\s*([A-Za-z]+)/.exec(l)?.[1]).find((k) => k !== undefined);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const value = /(?:^\s*(?:-\s+)*|[{,]\s*)([A-Za-z_$][\w$-]*):\s*([^\s,{}:]*)$/.exec(before);
  const item = LIST_ITEM.exec(before);
  const column = item === null ? indentOf(before) : item[0].length;
  const parents = parentsOf(lines, cursorLine, column);
  if (item !== null && parents[parents.length - 1] !== "[]") parents.push("[]");
  const flow = before.lastIndexOf("{") > before.lastIndexOf("}") ? /([A-Za-z_$][\w$-]*):\s*\{[^}]*$/.exec(before)?.[1] : undefined;
  if (flow !== undefined) parents.push(flow);
  if (value !== null) return { kind, parents, key: value[1], prefix: value[2] ?? "" };
  return { kind, parents, key: undefined, prefix: /[\w-]*$/.exec(before)?.[0] ?? "" };
}

/** The DSL keyword (or two) just before the word being typed, and that word. */
export function dslContext(text: string, offset: number): { previous: string; prefix: string } {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const prefix = /[\w.-]*$/.exec(before)?.[0] ?? "";
  const words = before.slice(0, before.length - prefix.length).trim().split(/\s+/);
  const last = words[words.length - 1] ?? "";
  const previous = last === "by" || last === "to" ? `${words[words.length - 2] ?? ""} ${last}`.trim() : last;
  return { previous, prefix };
}

/** The chain of names being typed inside JSONata: `$project.cli` gives `["$project", "cli"]`. */
export function jsonataChain(text: string, offset: number): string[] {
  const match = /\$?[A-Za-z_][\w]*(?:\.[A-Za-z_$][\w]*)*\.?$|\$$/.exec(text.slice(Math.max(0, offset - 200), offset));
  return match === null ? [""] : match[0].split(".");
}

/** Whether `offset` is inside a DSL `{{ ... }}` block. */
export function insideDslJsonata(text: string, offset: number): boolean {
  const before = text.slice(0, offset);
  return before.lastIndexOf("{{") > before.lastIndexOf("}}");
}

/**
 * The operation of the deliver step whose correction is being written at `offset`: the last
 * `deliver system.operation` (DSL) or `operation: system.operation` (YAML) before the correction.
 */
export function deliveredBefore(text: string, offset: number): string | undefined {
  const before = text.slice(0, offset);
  const at = Math.max(before.lastIndexOf("correct by"), before.lastIndexOf("correction"));
  if (at < 0) return undefined;
  const calls = [...before.slice(0, at).matchAll(/(?:\bdeliver\s+|\boperation:\s*["']?)([A-Za-z][\w-]*\.[A-Za-z][\w-]*)/g)];
  return calls[calls.length - 1]?.[1];
}

/** Whether `offset` is, judging from the text alone, inside a parameter of a correction. */
export function insideCorrectionParam(text: string, offset: number): boolean {
  const before = text.slice(0, offset);
  const statement = before.slice(before.lastIndexOf("correct by"));
  if (before.includes("correct by") && !statement.includes("\n") && statement.includes(" with ")) return insideDslJsonata(text, offset);
  const { parents } = yamlContext(text, offset);
  return parents.includes("correction") && parents.some((p) => p === "params" || p === "query" || p === "headers");
}
