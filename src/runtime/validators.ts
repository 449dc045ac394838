/**
 * Validators compiled with ajv from entity fields and from systems' native JSON Schemas. Errors
 * are sentences naming the field (`amount must match pattern ...`), never raw ajv objects.
 */
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import type { JsonSchema } from "../model/index.ts";
import type { Validator } from "./pipeline.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function sentence(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (error.keyword === "required") {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${path === "" ? "" : `${path}.`}${missing} is required`;
  }
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ");
    return `${path || "the record"} must be one of ${allowed}`;
  }
  return `${path || "the record"} ${error.message ?? "is invalid"}`;
}

/** OpenAPI's formats beyond JSON Schema's: annotations of a number's or string's width, all valid. */
const OPENAPI_ANNOTATION_FORMATS = ["int", "int32", "int64", "float", "double", "unix-time", "byte", "binary", "password"];

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  // Vendor documents write decimals as strings with `format: decimal`; hold them to it.
  ajv.addFormat("decimal", /^-?[0-9]+(\.[0-9]+)?$/);
  for (const format of OPENAPI_ANNOTATION_FORMATS) ajv.addFormat(format, true);
  return ajv;
}

let shared: Ajv | undefined;

/** What a validator says of a valid value; frozen, as every caller shares it. */
const VALID: { valid: true; errors: string[] } = Object.freeze({ valid: true as const, errors: Object.freeze([]) as unknown as string[] });

/** Compiles a JSON Schema into a validator whose errors are sentences. */
export function compileValidator(schema: Record<string, unknown> | JsonSchema, definitions?: Record<string, JsonSchema>): Validator {
  shared ??= createAjv();
  const rewritten = definitions === undefined ? schema : rewriteRefs({ ...schema, definitions });
  const check = shared.compile(rewritten as Record<string, unknown>);
  return (value) => {
    // Every request is checked before it is sent: a valid one allocates nothing.
    if (check(value)) return VALID;
    return { valid: false, errors: (check.errors ?? []).map(sentence) };
  };
}

/** Native schemas refer to `#/schemas/X`; inside one compiled schema they live under `definitions`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$ref" && typeof inner === "string") out[key] = inner.replace(/^#\/(?:components\/)?schemas\//, "#/definitions/");
    else if (key.startsWith("x-")) continue;
    else out[key] = rewriteRefs(inner);
  }
  return out;
}
