/**
 * Document symbols: each document by kind and name, with its fields, operations, events, schemas
 * or lookups; a route's steps, each with its action and what it names (`keep TimeEntry`), a
 * branch's steps below it and a deliver step's correction below the step.
 */
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver";
import type { ParsedDocument, PathSegment } from "../compiler/parse/document.ts";
import { rangeOf } from "./positions.ts";

const KIND_SYMBOL: Record<string, SymbolKind> = {
  System: SymbolKind.Module,
  Entity: SymbolKind.Class,
  Ownership: SymbolKind.Namespace,
  Mapping: SymbolKind.Function,
  Route: SymbolKind.Event,
  Reconciliation: SymbolKind.Interface,
  Policy: SymbolKind.Package,
};

const MEMBERS: Record<string, [string, SymbolKind][]> = {
  System: [["operations", SymbolKind.Method], ["events", SymbolKind.Event], ["schemas", SymbolKind.Struct]],
  Entity: [["fields", SymbolKind.Field]],
  Mapping: [["lookups", SymbolKind.Variable]],
};

function symbolFor(doc: ParsedDocument, path: PathSegment[], name: string, kind: SymbolKind): DocumentSymbol {
  const whole = doc.locate(path);
  const key = doc.locate(path, "key");
  const start = Math.min(whole.start, key.start);
  return { name, kind, range: rangeOf(doc.file, start, Math.max(whole.end, key.end)), selectionRange: rangeOf(doc.file, key.start, key.end) };
}

/** What a step's action names, for its outline detail: the field of the action that says the most. */
const STEP_SUBJECT: Record<string, readonly string[]> = {
  deliver: ["operation"],
  map: [],
  validate: [],
  emit: ["event"],
  enrich: ["lookup", "entity"],
  require: ["entity"],
  keep: ["entity"],
  reject: ["reason"],
  classify: ["as"],
};

/** `deliver erp.postCostJournal`, `keep TimeEntry`, `enrich records TimeEntry`: the action and what it names. */
function stepDetail(action: string, body: unknown): string {
  if (typeof body === "string") return `${action} ${body}`;
  const named = (STEP_SUBJECT[action] ?? []).map((k) => (body as Record<string, unknown> | null)?.[k]).filter((v): v is string => typeof v === "string");
  return [action, ...named].join(" ");
}

/** A route's steps, a branch's steps below it and a deliver step's correction below the step. */
function stepSymbols(doc: ParsedDocument, steps: unknown, at: PathSegment[]): DocumentSymbol[] {
  if (!Array.isArray(steps)) return [];
  return (steps as Record<string, unknown>[]).map((step, i) => {
    const here = [...at, i];
    const action = Object.keys(step).find((k) => k !== "id" && k !== "when" && k !== "note" && k !== "description") ?? "step";
    const symbol = symbolFor(doc, here, typeof step["id"] === "string" ? step["id"] : `${i + 1}`, SymbolKind.Function);
    symbol.detail = stepDetail(action, step[action]);
    const inner: DocumentSymbol[] = [];
    if (action === "branch" && Array.isArray(step["branch"])) {
      (step["branch"] as { steps?: unknown }[]).forEach((branch, b) => inner.push(...stepSymbols(doc, branch.steps, [...here, "branch", b, "steps"])));
    }
    const correction = (step["deliver"] as { correction?: Record<string, { operation?: unknown } | undefined> } | undefined)?.correction;
    for (const [kind, call] of Object.entries(correction ?? {})) {
      const child = symbolFor(doc, [...here, "deliver", "correction", kind], kind, SymbolKind.Method);
      child.detail = `correction: ${kind}${typeof call?.operation === "string" ? ` ${call.operation}` : ""}`;
      inner.push(child);
    }
    if (inner.length > 0) symbol.children = inner;
    return symbol;
  });
}

function children(doc: ParsedDocument, kind: string, spec: Record<string, unknown>): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const [member, symbolKind] of MEMBERS[kind] ?? []) {
    for (const name of Object.keys((spec[member] as object | undefined) ?? {})) out.push(symbolFor(doc, ["spec", member, name], name, symbolKind));
  }
  if (kind === "Route") out.push(...stepSymbols(doc, spec["steps"], ["spec", "steps"]));
  return out;
}

/** The outline of a file's documents. */
export function documentSymbols(documents: readonly ParsedDocument[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const doc of documents) {
    const value = doc.value as { kind?: unknown; metadata?: { name?: unknown }; spec?: unknown } | null;
    if (value === null || typeof value !== "object" || typeof value.kind !== "string") continue;
    const name = typeof value.metadata?.name === "string" ? value.metadata.name : "(unnamed)";
    const whole = doc.locate([]);
    const selection = doc.locate(["metadata", "name"]);
    const spec = value.spec !== null && typeof value.spec === "object" ? (value.spec as Record<string, unknown>) : {};
    out.push({
      name,
      detail: value.kind,
      kind: KIND_SYMBOL[value.kind] ?? SymbolKind.Object,
      range: rangeOf(doc.file, whole.start, whole.end),
      selectionRange: rangeOf(doc.file, selection.start, selection.end),
      children: children(doc, value.kind, spec),
    });
  }
  return out;
}
