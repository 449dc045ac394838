/**
 * Shapes: one view of "what fields does this record have" over both canonical entities and
 * systems' native JSON Schemas, so that field paths (keys, ownership, mappings) resolve the same
 * way whatever they point into.
 */
import type { EntitySpec, Field, JsonSchema } from "../../model/index.ts";

/** One field of a shape. */
export interface ShapeField {
  name: string;
  /** The field's type as declared: an entity field type or a JSON Schema type. */
  type: string;
  required: boolean;
  classification?: string;
  /** Nested fields of an object (or of an array's items), or undefined when open. */
  fields?: ReadonlyMap<string, ShapeField>;
  /** The entity a reference points at. */
  entity?: string;
  /** Enum values. */
  values?: readonly string[];
  /** A JSON Schema string's format (`date-time`), when it names one. */
  format?: string;
  /** True for lists; `fields` then describes each item. */
  array?: boolean;
}

/** A record shape: its fields, or `undefined` when the schema leaves it open. */
export interface RecordShape {
  /** For messages: `entity TimeEntry`, `psa schema TimeEntry`. */
  label: string;
  fields: ReadonlyMap<string, ShapeField> | undefined;
  /** Set when the record carries only some fields of this entity (a write-back's event). */
  partOf?: string;
}

function fromField(name: string, field: Field): ShapeField {
  const out: ShapeField = { name, type: field.type, required: field.required === true };
  if (field.classification !== undefined) out.classification = field.classification;
  if (field.entity !== undefined) out.entity = field.entity;
  if (field.values !== undefined) out.values = field.values;
  if (field.type === "object" && field.fields !== undefined) out.fields = fieldsOf(field.fields);
  if (field.type === "array" && field.items !== undefined) {
    const item = fromField(name, field.items);
    out.array = true;
    if (item.fields !== undefined) out.fields = item.fields;
  }
  return out;
}

function fieldsOf(fields: Record<string, Field>): Map<string, ShapeField> {
  const out = new Map<string, ShapeField>();
  for (const [name, field] of Object.entries(fields)) out.set(name, fromField(name, field));
  return out;
}

/** The shape of a canonical entity. */
export function entityShape(name: string, spec: EntitySpec): RecordShape {
  return { label: `entity ${name}`, fields: fieldsOf(spec.fields) };
}

const MAX_REF_DEPTH = 32;

/** Resolves `$ref: "#/schemas/X"` (or OpenAPI's `#/components/schemas/X`) against a system's schemas. */
export function derefSchema(
  schema: JsonSchema,
  schemas: Readonly<Record<string, JsonSchema>>,
  depth = 0,
): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  let hops = depth;
  while (current?.$ref !== undefined) {
    if (hops++ > MAX_REF_DEPTH) return undefined;
    const match = /^#\/(?:components\/)?schemas\/(.+)$/.exec(current.$ref);
    current = match?.[1] === undefined ? undefined : schemas[match[1]];
  }
  return current;
}

function schemaFields(
  schema: JsonSchema,
  schemas: Readonly<Record<string, JsonSchema>>,
  depth: number,
): Map<string, ShapeField> | undefined {
  const resolved = derefSchema(schema, schemas);
  if (resolved === undefined || depth > MAX_REF_DEPTH) return undefined;
  if (resolved.type === "array" && resolved.items !== undefined) return schemaFields(resolved.items, schemas, depth + 1);
  const parts = [resolved, ...(resolved.allOf ?? []).map((s) => derefSchema(s, schemas)).filter((s) => s !== undefined)];
  if (parts.every((p) => p.properties === undefined)) return undefined;
  const out = new Map<string, ShapeField>();
  for (const part of parts) {
    const required = new Set(part.required ?? []);
    for (const [name, property] of Object.entries(part.properties ?? {})) {
      const target = derefSchema(property, schemas) ?? property;
      const type = Array.isArray(target.type) ? String(target.type[0]) : (target.type ?? (target.properties ? "object" : "unknown"));
      const field: ShapeField = { name, type: String(type), required: required.has(name) };
      const classification = target["x-classification"];
      if (classification !== undefined) field.classification = classification;
      if (target.enum !== undefined) field.values = target.enum.map(String);
      if (typeof target.format === "string") field.format = target.format;
      if (type === "object" || type === "array" || target.allOf !== undefined) {
        const nested = schemaFields(target, schemas, depth + 1);
        if (nested !== undefined) field.fields = nested;
        if (type === "array") field.array = true;
      }
      out.set(name, field);
    }
  }
  return out;
}

/** The shape of a native schema of a system. */
export function schemaShape(label: string, schema: JsonSchema, schemas: Readonly<Record<string, JsonSchema>>): RecordShape {
  return { label, fields: schemaFields(schema, schemas, 0) };
}

/** The outcome of resolving a dotted path. */
export type PathResolution =
  | { ok: true; field: ShapeField | undefined }
  | { ok: false; segment: string; offset: number; candidates: readonly string[]; within: string };

/**
 * Resolves `a.b.c` in a shape. An open shape (no declared fields) accepts any path below it; the
 * failure names the first segment that does not exist, its offset in the path, and the names
 * that do, for "did you mean".
 */
export function resolvePath(shape: RecordShape, path: string): PathResolution {
  let fields = shape.fields;
  let field: ShapeField | undefined;
  let offset = 0;
  let within = shape.label;
  for (const segment of path.split(".")) {
    if (fields === undefined) return { ok: true, field: undefined };
    const next = fields.get(segment);
    if (next === undefined) return { ok: false, segment, offset, candidates: [...fields.keys()], within };
    field = next;
    within = `${within}.${segment}`;
    fields = next.fields;
    offset += segment.length + 1;
  }
  return { ok: true, field };
}
