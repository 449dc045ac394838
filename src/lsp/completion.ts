/**
 * Completion: keys from the model where a key is written, names of declared things where a
 * reference is written (entity, system, operation, event, mapping, schema), and inside a mapping's
 * JSONata the fields of its source and of its lookups. The place is read from the text, so it
 * works in a document that does not parse.
 */
import { type CompletionItem, CompletionItemKind, MarkupKind } from "vscode-languageserver";
import { shapeOf, type SpecSet } from "../compiler/check/spec-set.ts";
import { entityShape } from "../compiler/check/shapes.ts";
import type { BoundDocument } from "../compiler/check/spec-set.ts";
import { KIND_NAMES } from "../model/index.ts";
import { CORRECTION_KINDS } from "../steps/deliver/correction.ts";
import { fieldItems, fieldItemsAt } from "./field-completion.ts";
import { keysAt } from "./model-schema.ts";
import { type PreviousAt, previousAt, previousItem, previousItems } from "./previous.ts";
import { deliveredBefore, dslContext, insideDslJsonata, jsonataChain, yamlContext } from "./text-context.ts";

/** Kinds of names a reference may hold. */
type NameKind = "kind" | "entity" | "system" | "mapping" | "operation" | "event" | "canonical" | "schema" | "qualified-schema";

const YAML_VALUES: Record<string, NameKind[]> = {
  kind: ["kind"],
  entity: ["entity"],
  validate: ["entity"],
  system: ["system"],
  systemOfRecord: ["system"],
  from: ["system"],
  to: ["system"],
  map: ["mapping"],
  mapping: ["mapping"],
  operation: ["operation"],
  event: ["event"],
  canonical: ["canonical"],
  schema: ["schema"],
  payload: ["schema"],
  request: ["schema"],
  response: ["schema"],
};

const DSL_VALUES: Record<string, NameKind[]> = {
  on: ["event", "canonical"],
  map: ["mapping"],
  using: ["mapping"],
  validate: ["entity"],
  "reference-data": ["entity"],
  require: ["entity"],
  keep: ["entity"],
  records: ["entity"],
  entity: ["entity"],
  emit: ["canonical"],
  in: ["system"],
  deliver: ["operation"],
  from: ["qualified-schema", "entity", "system"],
  to: ["qualified-schema", "entity", "system"],
  "owned by": ["system"],
  "created by": ["system"],
  "updated by": ["system"],
  "replicated to": ["system"],
};

function members(set: SpecSet, member: "operations" | "events" | "schemas", qualified: boolean): string[] {
  const out: string[] = [];
  for (const system of set.systems.values()) {
    for (const name of Object.keys((system.value.spec[member] as object | undefined) ?? {})) out.push(qualified ? `${system.name}.${name}` : name);
  }
  return out;
}

function namesOf(set: SpecSet, kind: NameKind): { names: string[]; item: CompletionItemKind } {
  switch (kind) {
    case "kind":
      return { names: [...KIND_NAMES], item: CompletionItemKind.Keyword };
    case "entity":
      return { names: [...set.entities.keys()], item: CompletionItemKind.Class };
    case "system":
      return { names: [...set.systems.keys()], item: CompletionItemKind.Module };
    case "mapping":
      return { names: [...set.mappings.keys()], item: CompletionItemKind.Function };
    case "operation":
      return { names: members(set, "operations", true), item: CompletionItemKind.Method };
    case "event":
      return { names: members(set, "events", true), item: CompletionItemKind.Event };
    case "canonical":
      return { names: [...set.canonicalEvents.keys()], item: CompletionItemKind.Event };
    case "schema":
      return { names: members(set, "schemas", false), item: CompletionItemKind.Struct };
    case "qualified-schema":
      return { names: members(set, "schemas", true), item: CompletionItemKind.Struct };
  }
}

function nameItems(set: SpecSet, kinds: readonly NameKind[], detail: (kind: NameKind) => string): CompletionItem[] {
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  for (const kind of kinds) {
    const { names, item } = namesOf(set, kind);
    for (const name of [...names].sort()) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push({ label: name, kind: item, detail: detail(kind) });
    }
  }
  return out;
}

/**
 * Fields for the chain typed inside a mapping's JSONata: `$lookup.a.` or `a.b.`, and `$previous.body.`
 * in a mapping a correction applies (`previous`).
 */
export function jsonataItems(set: SpecSet, mapping: BoundDocument<"Mapping">, chain: readonly string[], previous?: PreviousAt): CompletionItem[] {
  const spec = mapping.value.spec;
  const [head = "", ...rest] = chain;
  if (head.startsWith("$") && chain.length === 1) {
    const lookups = Object.entries(spec.lookups ?? {}).map(([name, lookup]) => ({ label: `$${name}`, kind: CompletionItemKind.Variable, detail: `lookup of ${lookup.entity}` }));
    return previous === undefined ? lookups : [...lookups, previousItem(previous)];
  }
  if (head === "$previous" && previous !== undefined) return previousItems(previous, chain);
  let shape = head.startsWith("$") ? undefined : shapeOf(set, spec.source);
  const path = head.startsWith("$") ? rest.slice(0, -1) : chain.slice(0, -1);
  if (head.startsWith("$")) {
    const entity = set.entities.get(spec.lookups?.[head.slice(1)]?.entity ?? "");
    shape = entity === undefined ? undefined : entityShape(entity.name, entity.value.spec);
  }
  if (shape === undefined) return [];
  let fields = shape.fields;
  for (const segment of path) fields = fields?.get(segment)?.fields;
  return fieldItems(fields, shape.label);
}

/** Where the cursor is in a mapping's expression, and which mapping. */
function expressionMapping(mappings: readonly BoundDocument<"Mapping">[], text: string, offset: number, dsl: boolean): BoundDocument<"Mapping"> | undefined {
  if (mappings.length === 0) return undefined;
  for (const mapping of mappings) {
    const location = mapping.source.locate(["spec", "expression"]);
    if (location.file.text === text && location.start <= offset && offset <= location.end) return mapping;
  }
  // The document may not parse right now: judge from the text and use the last mapping the file declared.
  const inside = dsl ? insideDslJsonata(text, offset) : yamlContext(text, offset).parents.includes("expression");
  return inside ? mappings[0] : undefined;
}

/**
 * The operations a correction may call: those of the system its step delivers to (read from the
 * text before the correction: `deliver erp.x ... correct by`, `operation: erp.x ... correction:`)
 * that change their target, since a read corrects nothing.
 */
function correctionItems(set: SpecSet, text: string, offset: number): CompletionItem[] {
  const step = deliveredBefore(text, offset)?.split(".")[0];
  const systems = step !== undefined && set.systems.has(step) ? [step] : [...set.systems.keys()];
  const out: CompletionItem[] = [];
  for (const system of systems) {
    for (const [name, op] of Object.entries(set.systems.get(system)?.value.spec.operations ?? {})) {
      if (op.method !== "GET" && op.effect !== "read") out.push({ label: `${system}.${name}`, kind: CompletionItemKind.Method, detail: `${op.method} ${op.path}` });
    }
  }
  return out.sort((a, b) => (a.label < b.label ? -1 : 1));
}

/** Completion items at `offset` of a file whose documents (as last parsed) are `documents`. */
export function complete(set: SpecSet, documents: readonly BoundDocument[], path: string, text: string, offset: number): CompletionItem[] {
  const dsl = path.toLowerCase().endsWith(".sync");
  const mappings = documents.filter((d): d is BoundDocument<"Mapping"> => d.kind === "Mapping");
  const mapping = expressionMapping(mappings, text, offset, dsl);
  if (mapping !== undefined) return jsonataItems(set, mapping, jsonataChain(text, offset), previousAt(set, documents, text, offset, mapping));
  // A correction's parameter: `$previous` is bound there.
  const bound = previousAt(set, documents, text, offset);
  const chain = jsonataChain(text, offset);
  if (bound !== undefined && chain[0] === "$previous" && chain.length > 1) return previousItems(bound, chain);
  if (bound !== undefined && chain.length === 1 && chain[0]?.startsWith("$") === true) return [previousItem(bound)];
  const fields = fieldItemsAt(set, documents, path, text, offset);
  if (fields !== undefined) return fields;
  if (dsl) {
    const { previous } = dslContext(text, offset);
    if (previous === "correct by") return CORRECTION_KINDS.map((label) => ({ label, kind: CompletionItemKind.Keyword, detail: "correction" }));
    if ((CORRECTION_KINDS as readonly string[]).includes(previous)) return correctionItems(set, text, offset);
    const kinds = DSL_VALUES[previous];
    return kinds === undefined ? [] : nameItems(set, kinds, (k) => k);
  }
  const context = yamlContext(text, offset);
  if (context.key === "operation" && context.parents.includes("correction")) return correctionItems(set, text, offset);
  if (context.key === "emit" && context.parents.includes("writeBack")) return nameItems(set, ["canonical"], (k) => k);
  if (context.key !== undefined) {
    const kinds = YAML_VALUES[context.key];
    return kinds === undefined ? [] : nameItems(set, kinds, (k) => k);
  }
  if (context.kind === undefined) {
    return ["apiVersion", "kind", "metadata", "spec"].map((label) => ({ label, kind: CompletionItemKind.Property, insertText: `${label}: ` }));
  }
  return keysAt(context.kind, context.parents).map((k) => ({
    label: k.name,
    kind: CompletionItemKind.Property,
    detail: `${k.type ?? "value"}${k.required ? " (required)" : ""}`,
    ...(k.description === undefined ? {} : { documentation: { kind: MarkupKind.Markdown, value: k.description } }),
    insertText: `${k.name}: `,
  }));
}
