/**
 * Completing field names where a spec writes them outside JSONata: a route's idempotency and
 * ordering keys (fields of its trigger's payload), an entity's identity, an ownership's per-field
 * owners, and the input, lookups and expectations of a mapping's tests.
 */
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import type { PathSegment } from "../compiler/parse/document.ts";
import { entityShape, type RecordShape, type ShapeField } from "../compiler/check/shapes.ts";
import { type BoundDocument, shapeOf, type SpecSet, triggerShape } from "../compiler/check/spec-set.ts";
import { dslContext, yamlContext } from "./text-context.ts";

/** Items for the fields of a shape. */
export function fieldItems(fields: ReadonlyMap<string, ShapeField> | undefined, label: string): CompletionItem[] {
  return [...(fields ?? new Map<string, ShapeField>()).values()].map((f) => ({
    label: f.name,
    kind: CompletionItemKind.Field,
    detail: `${f.array === true ? `${f.type}[]` : f.type}${f.required ? " (required)" : ""}`,
    documentation: `A field of ${label}.`,
  }));
}

function entityOf(set: SpecSet, name: string | undefined): RecordShape | undefined {
  const entity = name === undefined ? undefined : set.entities.get(name);
  return entity === undefined ? undefined : entityShape(entity.name, entity.value.spec);
}

const ends = (parents: readonly PathSegment[], ...tail: PathSegment[]) => tail.every((t, i) => parents[parents.length - tail.length + i] === t);

/** The shape whose fields belong at a YAML place of a document, if any. */
function yamlShape(set: SpecSet, doc: BoundDocument, parents: readonly PathSegment[], key: string | undefined): RecordShape | undefined {
  const list = key ?? (parents[parents.length - 1] === "[]" ? parents[parents.length - 2] : undefined);
  if (doc.kind === "Route" && (list === "idempotencyKey" || list === "orderingKey")) return triggerShape(set, doc as BoundDocument<"Route">);
  if (doc.kind === "Entity" && list === "identity") return entityShape(doc.name, (doc as BoundDocument<"Entity">).value.spec);
  if (key !== undefined) return undefined;
  if (doc.kind === "Ownership" && ends(parents, "spec", "fields")) return entityOf(set, (doc as BoundDocument<"Ownership">).value.spec.entity);
  if (doc.kind !== "Mapping") return undefined;
  const spec = (doc as BoundDocument<"Mapping">).value.spec;
  if (ends(parents, "tests", "[]", "input")) return shapeOf(set, spec.source);
  if (ends(parents, "tests", "[]", "expect")) return shapeOf(set, spec.target);
  const lookup = parents[parents.length - 1];
  if (typeof lookup === "string" && ends(parents, "tests", "[]", "lookups", lookup)) return entityOf(set, spec.lookups?.[lookup]?.entity);
  return undefined;
}

/** Field items at the cursor, or undefined when the cursor is not where a field name goes. */
export function fieldItemsAt(set: SpecSet, documents: readonly BoundDocument[], path: string, text: string, offset: number): CompletionItem[] | undefined {
  if (path.toLowerCase().endsWith(".sync")) {
    const { previous } = dslContext(text, offset);
    const route = documents.find((d) => d.kind === "Route") as BoundDocument<"Route"> | undefined;
    if (route === undefined || (previous !== "key" && previous !== "order by")) return undefined;
    const shape = triggerShape(set, route);
    return shape === undefined ? undefined : fieldItems(shape.fields, shape.label);
  }
  const context = yamlContext(text, offset);
  const line = text.slice(text.lastIndexOf("\n", offset - 1) + 1, offset);
  const flowList = /([A-Za-z_$][\w$-]*):\s*\[[^\]]*$/.exec(line)?.[1];
  for (const doc of documents.filter((d) => d.kind === context.kind)) {
    const shape = yamlShape(set, doc, context.parents, flowList ?? context.key);
    if (shape !== undefined) return fieldItems(shape.fields, shape.label);
  }
  return undefined;
}
