/**
 * Field-level lineage of a Mapping, for `spec docs`: for each target field the mapping's JSONata
 * sets, the source fields (and lookup fields) it reads, the expression that computes it, and the
 * mapping's example tests that check it. Read from the parse tree, never by evaluating anything.
 * Only what the text decides is claimed: a field computed by a function the mapping defines, or
 * through a changed context, lists what the text names and no more.
 */
import jsonata from "jsonata";
import type { MappingSpec } from "../../../model/index.ts";
import { type JsonataNode, objectPairs, resultNode, startOf } from "../../check/mapping-types/ast.ts";

/** One target field and where its value comes from. */
export interface LineageRow {
  /** The target field's path: `Narration`, `JournalLines[].LineAmount`; `(record)` when the whole output is one expression. */
  target: string;
  /** Source fields read, by path (`hours`, `client.name`), and lookup fields (`$contract.poNumber`), sorted. */
  sources: string[];
  /** The JSONata that computes the value, as written. */
  expression: string;
  /** The block variables the expression uses, each as bound: `$narration := "Labour " & hours`. */
  where: string[];
  /** Names of the mapping's tests whose `expect` holds a value at this field. */
  tests: string[];
}

/** A variable bound in a block: the fields its value reads, and its binding as written. */
interface Binding {
  reads: readonly string[];
  text: string;
}

/** Variables bound in enclosing blocks. */
type Scope = ReadonlyMap<string, Binding>;

const CHILD_KEYS = ["lhs", "rhs", "condition", "then", "else", "expr", "body", "procedure"] as const;
const LIST_KEYS = ["arguments", "expressions", "stages", "predicate"] as const;

/** The fields a node reads: leading name chains of paths, lookups (`$name.x`), and what bound variables read. */
function reads(node: JsonataNode | undefined, scope: Scope, lookups: ReadonlySet<string>, out: Set<string>): void {
  if (node === undefined || typeof node !== "object") return;
  if (node.type === "path" && node.steps !== undefined) {
    const [first, ...rest] = node.steps;
    const chain: string[] = [];
    for (const step of first?.type === "variable" ? rest : node.steps) {
      if (step.type !== "name") break;
      chain.push(String(step.value));
    }
    if (first?.type === "variable") variable(String(first.value), chain, scope, lookups, out);
    else if (chain.length > 0) out.add(chain.join("."));
    // Filters and computed steps read relative to their element; their own reads are kept as named.
    for (const step of node.steps) {
      for (const stage of step.stages ?? []) reads(stage.expr, scope, lookups, out);
      if (step.type !== "name" && step.type !== "variable") reads(step, scope, lookups, out);
    }
    return;
  }
  if (node.type === "name") {
    out.add(String(node.value));
    return;
  }
  if (node.type === "variable") {
    variable(String(node.value), [], scope, lookups, out);
    return;
  }
  if (node.type === "block") {
    blockReads(node, scope, lookups, out);
    return;
  }
  walkChildren(node, (child) => reads(child, scope, lookups, out));
}

function variable(name: string, chain: readonly string[], scope: Scope, lookups: ReadonlySet<string>, out: Set<string>): void {
  const bound = scope.get(name);
  if (bound !== undefined) for (const r of bound.reads) out.add(r);
  else if (lookups.has(name)) out.add(`$${[name, ...chain].join(".")}`);
}

function walkChildren(node: JsonataNode, visit: (child: JsonataNode) => void): void {
  for (const key of CHILD_KEYS) {
    const value = node[key];
    if (Array.isArray(value)) for (const item of value.flat()) visit(item as JsonataNode);
    else if (value !== undefined) visit(value as JsonataNode);
  }
  for (const key of LIST_KEYS) for (const item of node[key] ?? []) visit(item);
  for (const [k, v] of node.group?.lhs ?? []) {
    visit(k);
    visit(v);
  }
}

/** A block's bindings, in order, each reading what came before it. */
function bindings(text: string, block: JsonataNode, scope: Scope, lookups: ReadonlySet<string>): Map<string, Binding> {
  const inner = new Map(scope);
  for (const expression of block.expressions ?? []) {
    if (expression.type !== "bind" || (expression.lhs as JsonataNode | undefined)?.type !== "variable") continue;
    const found = new Set<string>();
    reads(expression.rhs, inner, lookups, found);
    const name = String((expression.lhs as JsonataNode).value);
    const from = expression.position ?? 0;
    const value = text.slice(from, scanTo(text, from, ";")).trim();
    inner.set(name, { reads: [...found], text: `$${name} := ${value.replace(/\s+/g, " ")}` });
  }
  return inner;
}

/** The block variables a node uses directly. */
function variablesUsed(node: JsonataNode | undefined, scope: Scope, out: Set<string>): void {
  if (node === undefined || typeof node !== "object") return;
  const first = node.type === "path" ? node.steps?.[0] : node;
  if (first?.type === "variable" && scope.has(String(first.value))) out.add(String(first.value));
  for (const step of node.type === "path" ? (node.steps ?? []).slice(1) : []) variablesUsed(step, scope, out);
  walkChildren(node, (child) => variablesUsed(child, scope, out));
}

function blockReads(block: JsonataNode, scope: Scope, lookups: ReadonlySet<string>, out: Set<string>): void {
  // Only what the bindings read matters inside an expression, not how they are written.
  const inner = bindings("", block, scope, lookups);
  for (const expression of block.expressions ?? []) reads(expression.type === "bind" ? expression.rhs : expression, inner, lookups, out);
}

/**
 * Where, scanning from `from`, the enclosing bracket closes or one of `stops` appears outside any
 * bracket or string: the end of an object's last value (`}`), or of a block's binding (`;`).
 */
function scanTo(text: string, from: number, stops = ""): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"' || c === "'" || c === "`") {
      i = text.indexOf(c, i + 1);
      if (i < 0) return text.length;
    } else if (c === "/" && text[i + 1] === "*") {
      i = Math.max(i, text.indexOf("*/", i + 2) + 1);
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && stops.includes(c)) return i;
  }
  return text.length;
}

/** The text of each pair's value: from after its key's colon to the next key, or to the closing brace. */
function valueTexts(text: string, pairs: readonly [JsonataNode, JsonataNode][]): string[] {
  return pairs.map(([key], i) => {
    const from = key.position ?? 0;
    const next = pairs[i + 1]?.[0];
    const to = next === undefined ? scanTo(text, from) : startOf(text, next.position ?? 0, JSON.stringify(String(next.value)));
    return text
      .slice(from, to)
      .trim()
      .replace(/^:\s*/, "")
      .replace(/,\s*$/, "")
      .trim();
  });
}

interface Collect {
  text: string;
  lookups: ReadonlySet<string>;
  rows: Omit<LineageRow, "tests">[];
}

/** Rows for an object constructor's fields under `prefix`, descending into nested objects and arrays of objects. */
function objectRows(cx: Collect, node: JsonataNode, prefix: string, scope: Scope): boolean {
  const value = resultNode(node);
  const inner = node.type === "block" ? bindings(cx.text, node, scope, cx.lookups) : scope;
  const pairs = objectPairs(value);
  if (pairs === undefined) return false;
  const texts = valueTexts(cx.text, pairs);
  pairs.forEach(([key, field], i) => {
    const target = `${prefix}${String(key.value)}`;
    if (objectRows(cx, field, `${target}.`, inner)) return;
    const items = field.type === "unary" && field.value === "[" ? (field.expressions ?? []) : [];
    if (items.length > 0 && items.every((item) => objectPairs(resultNode(item)) !== undefined)) {
      for (const item of items) objectRows(cx, item, `${target}[].`, inner);
      return;
    }
    const found = new Set<string>();
    reads(field, inner, cx.lookups, found);
    const used = new Set<string>();
    variablesUsed(field, inner, used);
    const where = [...used].map((name) => inner.get(name)?.text ?? "");
    cx.rows.push({ target, sources: [...found].sort(), expression: texts[i] ?? "", where });
  });
  return true;
}

/** Every leaf path of a JSON value, arrays written `[]`, as lineage targets are. */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => leafPaths(item, `${prefix}[]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === "" ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

/** The lineage of a mapping's target fields; an expression that does not parse has none. */
export function mappingLineage(spec: MappingSpec): LineageRow[] {
  let ast: JsonataNode;
  try {
    ast = jsonata(spec.expression).ast() as JsonataNode;
  } catch {
    return [];
  }
  const cx: Collect = { text: spec.expression, lookups: new Set(Object.keys(spec.lookups ?? {})), rows: [] };
  if (!objectRows(cx, ast, "", new Map())) {
    const found = new Set<string>();
    reads(ast, new Map(), cx.lookups, found);
    cx.rows.push({ target: "(record)", sources: [...found].sort(), expression: spec.expression.trim(), where: [] });
  }
  const tests = (spec.tests ?? []).map((t) => ({ name: t.name, paths: leafPaths(t.expect) }));
  return cx.rows.map((row) => ({
    ...row,
    tests: tests
      .filter((t) => row.target === "(record)" || t.paths.some((p) => p === row.target || p.startsWith(`${row.target}.`) || p.startsWith(`${row.target}[`)))
      .map((t) => t.name),
  }));
}
