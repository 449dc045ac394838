/**
 * Completing field names where a spec writes them outside JSONata: a route's idempotency and
 * ordering keys and its versioning's identity and version (fields of its trigger's payload), the
 * entity fields an operation writes back, the fields of the entity a keep step's version or a
 * records lookup's match names, an entity's identity, an ownership's per-field
 * owners, the input, lookups and expectations of a mapping's tests, and inside a route's trigger
 * condition (JSONata) the fields of the trigger's payload.
 */
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import type { PathSegment } from "../compiler/parse/document.ts";
import { entityShape, type RecordShape, type ShapeField } from "../compiler/check/shapes.ts";
import { type BoundDocument, shapeOf, type SpecSet, triggerShape } from "../compiler/check/spec-set.ts";
import { pathAt } from "./document-paths.ts";
import { dslContext, jsonataChain, yamlContext } from "./text-context.ts";

/** A field's type as a reader writes it: `string[]` for a list of strings, `array` for a JSON Schema array. */
export function typeName(field: ShapeField): string {
  return field.array === true && field.type !== "array" ? `${field.type}[]` : field.type;
}

/** Items for the fields of a shape. */
export function fieldItems(fields: ReadonlyMap<string, ShapeField> | undefined, label: string): CompletionItem[] {
  return [...(fields ?? new Map<string, ShapeField>()).values()].map((f) => ({
    label: f.name,
    kind: CompletionItemKind.Field,
    detail: `${typeName(f)}${f.required ? " (required)" : ""}`,
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
  const versioned = (list === "identity" || list === "version") && parents[parents.length - (key === undefined ? 3 : 1)] === "versioning";
  if (doc.kind === "Route" && versioned) return triggerShape(set, doc as BoundDocument<"Route">);
  if (doc.kind === "Entity" && list === "identity") return entityShape(doc.name, (doc as BoundDocument<"Entity">).value.spec);
  if (key !== undefined) return undefined;
  if (doc.kind === "Ownership" && ends(parents, "spec", "fields")) return entityOf(set, (doc as BoundDocument<"Ownership">).value.spec.entity);
  const operation = parents[parents.length - 3];
  if (doc.kind === "System" && typeof operation === "string" && ends(parents, "operations", operation, "writeBack", "fields")) {
    return entityOf(set, (doc as BoundDocument<"System">).value.spec.operations?.[operation]?.writeBack?.entity);
  }
  if (doc.kind !== "Mapping") return undefined;
  const spec = (doc as BoundDocument<"Mapping">).value.spec;
  if (ends(parents, "tests", "[]", "input")) return shapeOf(set, spec.source);
  if (ends(parents, "tests", "[]", "expect")) return shapeOf(set, spec.target);
  const lookup = parents[parents.length - 1];
  if (typeof lookup === "string" && ends(parents, "tests", "[]", "lookups", lookup)) return entityOf(set, spec.lookups?.[lookup]?.entity);
  return undefined;
}

/** Inside a route's trigger condition, as the document parses now: the fields of the payload at the path typed. */
function conditionItems(set: SpecSet, documents: readonly BoundDocument[], text: string, offset: number): CompletionItem[] | undefined {
  for (const route of documents.filter((d): d is BoundDocument<"Route"> => d.kind === "Route")) {
    if (route.source.file.text !== text) continue;
    const hit = pathAt(route.source, offset);
    if (hit?.part !== "value" || hit.path.join(".") !== "spec.trigger.when") continue;
    const shape = triggerShape(set, route);
    if (shape === undefined) return undefined;
    let fields = shape.fields;
    for (const segment of jsonataChain(text, offset).slice(0, -1)) fields = fields?.get(segment)?.fields;
    return fieldItems(fields, shape.label);
  }
  return undefined;
}

/** The entity a route step names, when `path` is its keep step's `version` or its records lookup's `match`. */
function stepEntity(route: BoundDocument<"Route">, path: readonly PathSegment[]): string | undefined {
  const at = path.findIndex((segment, i) => (segment === "keep" && path[i + 1] === "version") || (segment === "enrich" && path[i + 1] === "match"));
  if (at < 0) return undefined;
  let step: unknown = route.value;
  for (const segment of path.slice(0, at)) step = (step as Record<string | number, unknown> | undefined)?.[segment];
  const action = (step as Record<string, { entity?: unknown; lookup?: unknown } | undefined> | undefined)?.[path[at] as string];
  if (path[at] === "enrich" && action?.lookup !== "records") return undefined;
  return typeof action?.entity === "string" ? action.entity : undefined;
}

/**
 * The fields of the entity a step names, where a step writes one of its fields: a keep step's
 * version and a records lookup's match (`keep TimeEntry version |`, `records E matching |`).
 */
function stepEntityShape(set: SpecSet, documents: readonly BoundDocument[], dsl: boolean, text: string, offset: number): RecordShape | undefined {
  if (dsl) {
    const { previous } = dslContext(text, offset);
    const line = text.slice(text.lastIndexOf("\n", offset - 1) + 1, offset);
    const keep = previous === "version" ? /\bkeep\s+([A-Za-z][\w-]*)\s+version\s+[\w.]*$/.exec(line) : null;
    const records = /\brecords\s+([A-Za-z][\w-]*)\b.*\bmatching\s+(?:[\w.]+\s*,\s*)*[\w.]*$/.exec(line);
    return entityOf(set, (keep ?? records)?.[1]);
  }
  for (const route of documents.filter((d): d is BoundDocument<"Route"> => d.kind === "Route")) {
    if (route.source.file.text !== text) continue;
    const hit = pathAt(route.source, offset);
    const entity = hit === undefined ? undefined : stepEntity(route, hit.path);
    if (entity !== undefined) return entityOf(set, entity);
  }
  return undefined;
}

/** Field items at the cursor, or undefined when the cursor is not where a field name goes. */
export function fieldItemsAt(set: SpecSet, documents: readonly BoundDocument[], path: string, text: string, offset: number): CompletionItem[] | undefined {
  const condition = conditionItems(set, documents, text, offset);
  if (condition !== undefined) return condition;
  const named = stepEntityShape(set, documents, path.toLowerCase().endsWith(".sync"), text, offset);
  if (named !== undefined) return fieldItems(named.fields, named.label);
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
