/**
 * `$previous` in the editor: what a deliver step posted for an earlier version of the record,
 * `{ body, targetId, version }`, bound in the expression of a mapping its correction applies and
 * in the correction's `{{ }}` parameters. The fields are the compiler's (the body has the shape of
 * the step's request), so completion and hover agree with what the checker reports.
 */
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import { previousBinding, previousFields } from "../compiler/check/mapping-types/previous.ts";
import type { ShapeField } from "../compiler/check/shapes.ts";
import type { BoundDocument, SpecSet } from "../compiler/check/spec-set.ts";
import { pathAt } from "./document-paths.ts";
import { fieldItems, typeName } from "./field-completion.ts";
import { deliveredBefore, insideCorrectionParam } from "./text-context.ts";

/** `$previous` where it is bound: the operation whose posting it is, and its fields. */
export interface PreviousAt {
  operation: string;
  fields: ReadonlyMap<string, ShapeField>;
}

const PARAM_KINDS = new Set(["params", "query", "headers"]);

/** The deliver step's operation when `path` is inside one of its correction's parameters. */
function correctionParamOperation(route: BoundDocument<"Route">, path: readonly (string | number)[]): string | undefined {
  const at = path.lastIndexOf("correction");
  if (at < 1 || path[at - 1] !== "deliver" || !PARAM_KINDS.has(String(path[at + 2]))) return undefined;
  let value: unknown = route.value;
  for (const segment of path.slice(0, at)) value = (value as Record<string | number, unknown> | undefined)?.[segment];
  const operation = (value as { operation?: unknown } | undefined)?.operation;
  return typeof operation === "string" ? operation : undefined;
}

/**
 * The `$previous` bound at `offset` of a file whose documents are `documents`: inside a mapping's
 * expression when a correction applies the mapping, or inside a correction's parameter.
 */
export function previousAt(set: SpecSet, documents: readonly BoundDocument[], text: string, offset: number, mapping?: BoundDocument<"Mapping">): PreviousAt | undefined {
  if (mapping !== undefined) return previousBinding(set, mapping.name);
  const routes = documents.filter((d): d is BoundDocument<"Route"> => d.kind === "Route");
  for (const route of routes) {
    if (route.source.file.text !== text) continue;
    const hit = pathAt(route.source, offset);
    const operation = hit?.part === "value" ? correctionParamOperation(route, hit.path) : undefined;
    if (operation !== undefined) return { operation, fields: previousFields(set, operation) };
  }
  if (routes.some((route) => route.source.file.text === text)) return undefined;
  // The document does not parse as typed (`{{ $previous.` not closed yet): judge from the text.
  const operation = insideCorrectionParam(text, offset) ? deliveredBefore(text, offset) : undefined;
  return operation === undefined ? undefined : { operation, fields: previousFields(set, operation) };
}

/** The `$previous` item itself, offered where a `$` name is typed. */
export function previousItem(previous: PreviousAt): CompletionItem {
  return { label: "$previous", kind: CompletionItemKind.Variable, detail: `what ${previous.operation} posted before`, documentation: describePrevious(previous) };
}

/** Items for `$previous.` and the fields below it (`$previous.body.Lines.`), from the chain typed. */
export function previousItems(previous: PreviousAt, chain: readonly string[]): CompletionItem[] {
  let fields: ReadonlyMap<string, ShapeField> | undefined = previous.fields;
  for (const segment of chain.slice(1, -1)) fields = fields?.get(segment)?.fields;
  return fieldItems(fields, chain.length === 2 ? "$previous" : `$previous.${chain.slice(1, -1).join(".")}`);
}

/** What `$previous` holds, in words. */
function describePrevious(previous: PreviousAt): string {
  return `What \`${previous.operation}\` posted for an earlier version of this record: \`body\` (its request), \`targetId\` (the id the target gave it) and \`version\` (the version it was posted for).`;
}

/** The dotted name around `offset` (`$previous.body.X`) and the index of the segment under it. */
function chainAround(text: string, offset: number): { chain: string[]; index: number } | undefined {
  let start = offset;
  while (start > 0 && /[\w$.]/.test(text[start - 1] ?? "")) start--;
  let end = offset;
  while (end < text.length && /[\w$]/.test(text[end] ?? "")) end++;
  const written = text.slice(start, end);
  if (!written.startsWith("$previous")) return undefined;
  const chain = written.split(".");
  return { chain, index: text.slice(start, offset).split(".").length - 1 };
}

/** The hover text for `$previous` or one of its fields at `offset`, when it is bound there. */
export function previousHover(set: SpecSet, documents: readonly BoundDocument[], text: string, offset: number): string | undefined {
  const around = chainAround(text, offset);
  if (around === undefined || around.chain[0] !== "$previous") return undefined;
  const mapping = documents.find((d): d is BoundDocument<"Mapping"> => {
    if (d.kind !== "Mapping" || d.source.file.text !== text) return false;
    const location = d.source.locate(["spec", "expression"]);
    return location.start <= offset && offset <= location.end;
  });
  const previous = previousAt(set, documents, text, offset, mapping);
  if (previous === undefined) return undefined;
  if (around.index === 0) return `**$previous**: what \`${previous.operation}\` posted before\n\n${describePrevious(previous)}`;
  let fields: ReadonlyMap<string, ShapeField> | undefined = previous.fields;
  let field: ShapeField | undefined;
  for (const segment of around.chain.slice(1, around.index + 1)) {
    field = fields?.get(segment);
    fields = field?.fields;
  }
  if (field === undefined) return undefined;
  return `**field** \`${around.chain.slice(0, around.index + 1).join(".")}\`: \`${typeName(field)}\` (${field.required ? "required" : "optional"})`;
}
