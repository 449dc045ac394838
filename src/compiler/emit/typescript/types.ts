/**
 * TypeScript types for spec shapes: entity fields and systems' native JSON Schemas. Type text is
 * assembled only from derived identifiers, keywords and string literals, never from spec text.
 */
import type { Field, JsonSchema } from "../../../model/index.ts";
import { stringLiteral, typeKey } from "./literals.ts";

/** The branded scalar types generated/support.ts declares. */
export const BRANDS = ["Decimal", "Money", "IsoDate", "IsoDateTime", "CurrencyCode"] as const;
/** One of the branded scalar types. */
export type Brand = (typeof BRANDS)[number];

/** What a type expression needs from outside itself; brands are written `support.<Brand>`. */
export interface TypeNeeds {
  brands: Set<Brand>;
}

function union(values: readonly unknown[]): string {
  const parts = values.map((v) => (typeof v === "string" ? stringLiteral(v) : typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "boolean" ? String(v) : v === null ? "null" : "unknown"));
  return parts.length === 0 ? "never" : [...new Set(parts)].join(" | ");
}

function brand(needs: TypeNeeds, name: Brand): string {
  needs.brands.add(name);
  return `support.${name}`;
}

/** The type of an entity field. */
export function fieldType(field: Field, needs: TypeNeeds): string {
  switch (field.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "decimal":
      return brand(needs, "Decimal");
    case "money":
      return brand(needs, "Money");
    case "boolean":
      return "boolean";
    case "date":
      return brand(needs, "IsoDate");
    case "datetime":
      return brand(needs, "IsoDateTime");
    case "currency":
      return brand(needs, "CurrencyCode");
    case "enum":
      return union(field.values ?? []);
    case "reference":
      return "string";
    case "object":
      return field.fields === undefined ? "Record<string, unknown>" : objectType(field.fields, needs);
    case "array": {
      const item = field.items === undefined ? "unknown" : fieldType(field.items, needs);
      return /^[A-Za-z.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
    }
  }
}

function objectType(fields: Record<string, Field>, needs: TypeNeeds): string {
  const members = Object.entries(fields).map(
    ([name, f]) => `${typeKey(name)}${f.required === true ? "" : "?"}: ${fieldType(f, needs)}`,
  );
  return `{ ${members.join("; ")} }`;
}

/** Resolves `#/schemas/X` to the generated type name of schema X, when it exists. */
export type SchemaNamer = (ref: string) => string | undefined;

const MAX_DEPTH = 24;

/** The type of a native JSON Schema. */
export function schemaType(schema: JsonSchema, named: SchemaNamer, needs: TypeNeeds, depth = 0): string {
  if (depth > MAX_DEPTH) return "unknown";
  const inner = schemaTypeCore(schema, named, needs, depth);
  return schema.nullable === true ? `${inner} | null` : inner;
}

function schemaTypeCore(schema: JsonSchema, named: SchemaNamer, needs: TypeNeeds, depth: number): string {
  if (typeof schema.$ref === "string") {
    const match = /^#\/(?:components\/)?schemas\/(.+)$/.exec(schema.$ref);
    return (match?.[1] === undefined ? undefined : named(match[1])) ?? "unknown";
  }
  if (Array.isArray(schema.enum)) return union(schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) return alternatives.map((s) => `(${schemaType(s, named, needs, depth + 1)})`).join(" | ") || "unknown";
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s) => `(${schemaType(s, named, needs, depth + 1)})`).join(" & ") || "unknown";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      if (schema.format === "decimal") return brand(needs, "Decimal");
      if (schema.format === "date") return brand(needs, "IsoDate");
      if (schema.format === "date-time") return brand(needs, "IsoDateTime");
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = schema.items === undefined ? "unknown" : schemaType(schema.items, named, needs, depth + 1);
      return /^[A-Za-z.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
    }
    default: {
      if (schema.properties === undefined || typeof schema.properties !== "object") return "Record<string, unknown>";
      return `{ ${schemaMembers(schema, named, needs, depth)
        .map((m) => `${typeKey(m.name)}${m.optional ? "?" : ""}: ${m.type}`)
        .join("; ")} }`;
    }
  }
}

/** A member of an object schema. */
export interface SchemaMember {
  name: string;
  type: string;
  optional: boolean;
  description: string | undefined;
}

/** The members of an object schema's properties. */
export function schemaMembers(schema: JsonSchema, named: SchemaNamer, needs: TypeNeeds, depth = 0): SchemaMember[] {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type: schemaType(property, named, needs, depth + 1),
    optional: !required.has(name),
    description: typeof property.description === "string" ? property.description : undefined,
  }));
}
