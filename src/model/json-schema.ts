/**
 * The JSON Schema subset that systems use for their native shapes (request and response bodies,
 * event payloads). It is JSON Schema itself, so it is checked by the binder rather than restated
 * in the envelope schema; OpenAPI imports land here unchanged.
 */
import { Type } from "@sinclair/typebox";

/** A JSON Schema for a native payload, as OpenAPI documents write them. */
export interface JsonSchema {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean" | "null" | readonly string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  nullable?: boolean;
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
  "x-classification"?: "public" | "internal" | "confidential" | "pii";
  [extension: string]: unknown;
}

/** The envelope schema's view of an embedded JSON Schema: any object, checked later by the binder. */
export const JsonSchemaValue = Type.Unsafe<JsonSchema>({
  type: "object",
  description:
    "A JSON Schema (the subset OpenAPI uses: type, properties, required, items, enum, format, $ref to `#/schemas/<name>`).",
});
