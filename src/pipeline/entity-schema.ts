/**
 * The JSON Schema an entity's records satisfy, built from its fields. The lowering puts it in the
 * entity's validator reference; emit precompiles it and tests draw records from it.
 */
import type { EntitySpec, Field } from "../model/index.ts";

const DECIMAL = "^-?[0-9]+(\\.[0-9]+)?$";

function fieldSchema(field: Field): Record<string, unknown> {
  switch (field.type) {
    case "string":
      return { type: "string", ...(field.maxLength ? { maxLength: field.maxLength } : {}), ...(field.format ? { format: field.format } : {}) };
    case "integer":
      return { type: "integer" };
    case "number":
      return { type: "number" };
    case "decimal":
    case "money":
      return { type: "string", pattern: DECIMAL };
    case "boolean":
      return { type: "boolean" };
    case "date":
      return { type: "string", format: "date" };
    case "datetime":
      return { type: "string", format: "date-time" };
    case "enum":
      return { type: "string", enum: field.values ?? [] };
    case "reference":
      return { type: ["string", "integer"] };
    case "currency":
      return { type: "string", pattern: "^[A-Z]{3}$" };
    case "object":
      return field.fields === undefined ? { type: "object" } : objectSchema(field.fields);
    case "array":
      return { type: "array", ...(field.items ? { items: fieldSchema(field.items) } : {}) };
  }
}

function objectSchema(fields: Record<string, Field>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    properties[name] = fieldSchema(field);
    if (field.required === true) required.push(name);
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}

/** The JSON Schema (draft-07) an entity's records satisfy. */
export function entityJsonSchema(spec: EntitySpec): Record<string, unknown> {
  return objectSchema(spec.fields);
}
