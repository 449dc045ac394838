/**
 * The model's names as plain values, free of the schema builder, so the compiler can start
 * without loading it: it reads the published schemas in schemas/ instead.
 */
import { readFileSync } from "node:fs";

/** The only apiVersion this compiler reads. */
export const API_VERSION = "syncspec.dev/v1";

/** Every kind of spec document, in the order the docs present them. */
export const KIND_NAMES = ["System", "Entity", "Ownership", "Mapping", "Route", "Reconciliation", "Policy"] as const;

export type KindName = (typeof KIND_NAMES)[number];

/** The names of the actions a step can take; a step declares exactly one. */
export const STEP_ACTIONS = ["validate", "map", "enrich", "classify", "branch", "require", "deliver", "reject", "emit", "keep"] as const;
export type StepActionName = (typeof STEP_ACTIONS)[number];

/** The field types of canonical entities. */
export const FIELD_TYPES = [
  "string",
  "integer",
  "number",
  "decimal",
  "money",
  "boolean",
  "date",
  "datetime",
  "enum",
  "reference",
  "currency",
  "object",
  "array",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The name of the project file. */
export const CONFIG_FILE_NAME = "syncspec.yaml";

/** The folder holding the published JSON Schema files. */
export const SCHEMAS_DIR = new URL("../../schemas/", import.meta.url);

/** The file name of a kind's published schema, relative to the schemas/ folder. */
export function schemaFileName(kind: KindName | "config"): string {
  return `${kind.toLowerCase()}.schema.json`;
}

/** Reads a published schema (a kind's, or the project file's). */
export function readPublishedSchema(kind: KindName | "config"): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(schemaFileName(kind), SCHEMAS_DIR), "utf8")) as Record<string, unknown>;
}
