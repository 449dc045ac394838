/**
 * Where each record field is written outside its declaration: an entity's identity and
 * lifecycle, ownership's per-field owners, and mappings: the fields their JSONata reads from the
 * source and from lookups, the keys their result object sets on the target, and the keys of
 * their tests' inputs, lookups and expectations. A field of entity `E` has the key `field:E/f`;
 * a field of system `s`'s schema `S` has `field:s/S/f`.
 */
import jsonata from "jsonata";
import type { Shape } from "../model/index.ts";
import type { BoundDocument, SpecSet } from "../compiler/check/spec-set.ts";
import type { Location } from "../compiler/diagnostics/diagnostic.ts";
import { type JsonataNode, objectPairs, resultNode, startOf } from "../compiler/check/mapping-types/ast.ts";
import type { PathSegment } from "../compiler/parse/document.ts";

/** One field written somewhere. */
export interface FieldSite {
  key: string;
  name: string;
  location: Location;
}

/** The key prefix of a shape's fields, or undefined when the shape is incomplete. */
export function shapeKey(shape: Shape): string | undefined {
  if (shape.entity !== undefined) return `field:${shape.entity}/`;
  if (shape.system !== undefined && shape.schema !== undefined) return `field:${shape.system}/${shape.schema}/`;
  return undefined;
}

/** A name read from the mapping's input or a lookup: where it ends in the JSONata text and whose it is. */
export interface JsonataName {
  /** `source`, or the lookup variable's name. */
  from: string;
  name: string;
  /** Offsets in the JSONata text. */
  start: number;
  end: number;
}

function children(node: JsonataNode): JsonataNode[] {
  const out: JsonataNode[] = [];
  const push = (n: unknown) => {
    if (n !== null && typeof n === "object" && typeof (n as JsonataNode).type === "string") out.push(n as JsonataNode);
  };
  for (const key of ["expr", "rhs", "condition", "then", "else", "procedure", "body"] as const) push(node[key]);
  for (const list of [node.arguments, node.expressions, node.stages, node.predicate]) for (const n of list ?? []) push(n);
  if (Array.isArray(node.lhs)) {
    for (const item of node.lhs) {
      if (Array.isArray(item)) for (const n of item) push(n);
      else push(item);
    }
  } else push(node.lhs);
  return out;
}

/**
 * The names an expression reads at its root: a path's first step (from the input) and the step
 * after a lookup variable (from that lookup). Names inside later steps, predicates and lambdas
 * read other records and are left out.
 */
export function rootNames(text: string, ast: JsonataNode, lookups: ReadonlySet<string>): JsonataName[] {
  const out: JsonataName[] = [];
  const name = (from: string, node: JsonataNode | undefined) => {
    if (node?.type !== "name" || typeof node.value !== "string" || node.position === undefined) return;
    const start = startOf(text, node.position, node.value);
    out.push({ from, name: node.value, start, end: start + node.value.length });
  };
  const visit = (node: JsonataNode) => {
    if (node.type === "lambda") return;
    if (node.type === "path" && node.steps !== undefined && node.steps.length > 0) {
      const [first, second] = node.steps;
      if (first?.type === "name") name("source", first);
      else if (first?.type === "variable" && typeof first.value === "string" && lookups.has(first.value)) name(first.value, second);
      else if (first !== undefined) visit(first);
      return;
    }
    if (node.type === "name") {
      name("source", node);
      return;
    }
    for (const child of children(node)) visit(child);
  };
  visit(ast);
  return out;
}

/** The keys of the object the expression results in: `[name, start, end]` in the JSONata text. */
export function resultKeys(text: string, ast: JsonataNode): JsonataName[] {
  const pairs = objectPairs(resultNode(ast)) ?? [];
  const out: JsonataName[] = [];
  for (const [key] of pairs) {
    if (key.type !== "string" || typeof key.value !== "string" || key.position === undefined) continue;
    // jsonata's position for a string is just past its closing quote.
    const end = key.position - 1;
    if (text.slice(end - key.value.length, end) === key.value) out.push({ from: "target", name: key.value, start: end - key.value.length, end });
  }
  return out;
}

const asts = new Map<string, JsonataNode | undefined>();

/** The parsed expression of a mapping, or undefined when it does not parse; parsed once per text. */
export function mappingAst(mapping: BoundDocument<"Mapping">): JsonataNode | undefined {
  const text = mapping.value.spec.expression;
  if (asts.has(text)) return asts.get(text);
  let ast: JsonataNode | undefined;
  try {
    ast = jsonata(text).ast() as JsonataNode;
  } catch {
    ast = undefined;
  }
  // Bounded: texts typed and abandoned while editing do not pile up.
  if (asts.size >= 10_000) asts.clear();
  asts.set(text, ast);
  return ast;
}

function expressionSites(mapping: BoundDocument<"Mapping">, out: FieldSite[]): void {
  const spec = mapping.value.spec;
  const offsets = mapping.source.stringOffsets?.(["spec", "expression"]);
  const ast = mappingAst(mapping);
  if (offsets === undefined || ast === undefined) return;
  const file = mapping.source.file;
  const prefixOf = new Map<string, string | undefined>([["source", shapeKey(spec.source)], ["target", shapeKey(spec.target)]]);
  for (const [name, lookup] of Object.entries(spec.lookups ?? {})) prefixOf.set(name, `field:${lookup.entity}/`);
  const names = [...rootNames(spec.expression, ast, new Set(Object.keys(spec.lookups ?? {}))), ...resultKeys(spec.expression, ast)];
  for (const n of names) {
    const prefix = prefixOf.get(n.from);
    if (prefix === undefined || n.end <= n.start) continue;
    const start = offsets(n.start);
    out.push({ key: `${prefix}${n.name}`, name: n.name, location: { file, start, end: offsets(n.end - 1) + 1 } });
  }
}

function keysAt(doc: BoundDocument, path: PathSegment[], value: unknown, prefix: string | undefined, out: FieldSite[]): void {
  if (prefix === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const name of Object.keys(value)) out.push({ key: `${prefix}${name}`, name, location: doc.source.locate([...path, name], "key") });
}

function testSites(mapping: BoundDocument<"Mapping">, out: FieldSite[]): void {
  const spec = mapping.value.spec;
  (spec.tests ?? []).forEach((test, i) => {
    const at: PathSegment[] = ["spec", "tests", i];
    keysAt(mapping, [...at, "input"], test.input, shapeKey(spec.source), out);
    keysAt(mapping, [...at, "expect"], test.expect, shapeKey(spec.target), out);
    for (const [name, value] of Object.entries(test.lookups ?? {})) {
      const entity = spec.lookups?.[name]?.entity;
      keysAt(mapping, [...at, "lookups", name], value, entity === undefined ? undefined : `field:${entity}/`, out);
    }
  });
}

function entitySites(entity: BoundDocument<"Entity">, out: FieldSite[]): void {
  const spec = entity.value.spec;
  const first = (path: string) => path.split(".")[0] ?? path;
  spec.identity.forEach((path, i) => out.push({ key: `field:${entity.name}/${first(path)}`, name: first(path), location: entity.source.locate(["spec", "identity", i]) }));
  if (spec.lifecycle !== undefined) {
    const name = first(spec.lifecycle.field);
    out.push({ key: `field:${entity.name}/${name}`, name, location: entity.source.locate(["spec", "lifecycle", "field"]) });
  }
}

/** Every field site of the set. */
export function fieldSites(set: SpecSet): FieldSite[] {
  const out: FieldSite[] = [];
  for (const entity of set.entities.values()) entitySites(entity, out);
  for (const ownership of set.ownerships.values()) {
    keysAt(ownership, ["spec", "fields"], ownership.value.spec.fields, `field:${ownership.value.spec.entity}/`, out);
  }
  for (const mapping of set.mappings.values()) {
    expressionSites(mapping, out);
    testSites(mapping, out);
  }
  return out;
}
