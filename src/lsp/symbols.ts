/** Document symbols: each document by kind and name, with its fields, operations, events, schemas, steps or lookups. */
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

function children(doc: ParsedDocument, kind: string, spec: Record<string, unknown>): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const [member, symbolKind] of MEMBERS[kind] ?? []) {
    for (const name of Object.keys((spec[member] as object | undefined) ?? {})) out.push(symbolFor(doc, ["spec", member, name], name, symbolKind));
  }
  if (kind === "Route" && Array.isArray(spec["steps"])) {
    (spec["steps"] as { id?: string }[]).forEach((step, i) => {
      const action = Object.keys(step).find((k) => k !== "id" && k !== "when" && k !== "note" && k !== "description") ?? "step";
      out.push(symbolFor(doc, ["spec", "steps", i], step.id ?? `${i + 1}`, SymbolKind.Function));
      const last = out[out.length - 1];
      if (last !== undefined) last.detail = action;
    });
  }
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
