/**
 * Native schemas from an OpenAPI document: only those the imported operations reach. A `$ref` to
 * a component schema becomes `#/schemas/<name>` and pulls that component in (transitively, once);
 * any other local `$ref` (a parameter's schema, a pointer into another schema's properties) is
 * inlined. Documentation-only keywords are dropped and long descriptions shortened, so a spec
 * holds the shape of the data and not the vendor's manual.
 */
import type { JsonSchema } from "../../model/json-schema.ts";
import { resolvePointer } from "./json-pointer.ts";
import type { OpenApiDocument } from "./openapi-document.ts";

/** Keywords that document a schema without constraining it. */
const DROPPED = new Set(["example", "examples", "externalDocs", "xml", "deprecated", "discriminator", "$schema", "$id", "$comment", "$anchor"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const SCHEMA_VALUES = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
  "additionalItems",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const COMPONENT_REF = /^#\/components\/schemas\/([^/]+)$/;
const MAX_DESCRIPTION = 240;
const MAX_NAME = 80;
/** Inlined references followed in a chain; with the document's own depth limit, this bounds the recursion. */
const MAX_INLINE_CHAIN = 16;

/** Gathers the schemas an import needs. */
export interface SchemaCollector {
  /** Converts one schema of the document; component schemas it references are queued. */
  convert(schema: unknown): JsonSchema;
  /** The spec name of a component schema, queuing it. */
  component(name: string): string;
  /** Reserves a name for an inline body schema, unique among the collected names. */
  reserve(preferred: string): string;
  /** Converts every queued component (and what they reference) and returns all named schemas. */
  drain(named: Readonly<Record<string, JsonSchema>>): Record<string, JsonSchema>;
  /** What could not be imported faithfully, as sentences. */
  readonly problems: readonly string[];
}

/** A spec-safe schema name: letters, digits, `_` and `-`, starting with a letter, at most 80 long. */
export function schemaName(name: string): string {
  let safe = name.replace(/[^A-Za-z0-9_-]/g, "_");
  if (!/^[A-Za-z]/.test(safe)) safe = `Schema${safe}`;
  return safe.slice(0, MAX_NAME);
}

/** A description shortened to one readable paragraph: tags removed, whitespace collapsed, at most 240 characters. */
export function shortDescription(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (plain.length <= MAX_DESCRIPTION) return plain;
  const cut = plain.slice(0, MAX_DESCRIPTION);
  const space = cut.lastIndexOf(" ");
  return `${(space > MAX_DESCRIPTION / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Creates a collector over one document. */
export function createSchemaCollector(document: OpenApiDocument): SchemaCollector {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const queue: string[] = [];
  const problems: string[] = [];
  const components = (resolvePointer(document.root, "#/components/schemas") ?? {}) as Record<string, unknown>;

  const unique = (preferred: string): string => {
    const base = schemaName(preferred);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base.slice(0, MAX_NAME - String(n).length)}${n}`;
    taken.add(candidate);
    return candidate;
  };

  const component = (name: string): string => {
    const known = names.get(name);
    if (known !== undefined) return known;
    const safe = unique(name);
    names.set(name, safe);
    queue.push(name);
    return safe;
  };

  const convertRef = (ref: string, inlining: readonly string[]): JsonSchema => {
    const match = COMPONENT_REF.exec(ref);
    if (match?.[1] !== undefined) {
      const name = decodeURIComponent(match[1]).replace(/~1/g, "/").replace(/~0/g, "~");
      if (!Object.hasOwn(components, name)) {
        problems.push(`the document's $ref '${ref}' points at no schema; it was imported as an open schema`);
        return {};
      }
      return { $ref: `#/schemas/${component(name)}` };
    }
    if (!ref.startsWith("#")) {
      problems.push(`the $ref '${ref}' points outside the document; it was imported as an open schema`);
      return {};
    }
    if (inlining.length > MAX_INLINE_CHAIN) {
      problems.push(`the $ref '${ref}' is reached through more than ${MAX_INLINE_CHAIN} inlined references; it was imported as an open schema`);
      return {};
    }
    if (inlining.includes(ref)) {
      problems.push(`the $ref '${ref}' refers to itself through an inlined schema; the inner occurrence was imported as an open schema`);
      return {};
    }
    const target = resolvePointer(document.root, ref);
    if (target === undefined) {
      problems.push(`the document's $ref '${ref}' points at nothing; it was imported as an open schema`);
      return {};
    }
    return convert(target, [...inlining, ref]);
  };

  const convertValue = (value: unknown, inlining: readonly string[]): unknown =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? convert(value, inlining) : value;

  function convert(schema: unknown, inlining: readonly string[] = []): JsonSchema {
    if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema as JsonSchema;
    const source = schema as Record<string, unknown>;
    if (typeof source["$ref"] === "string") return convertRef(source["$ref"], inlining);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      if (DROPPED.has(key) || key === "__proto__") continue;
      if (key.startsWith("x-") && key !== "x-classification") continue;
      if (key === "description") {
        if (typeof value === "string" && value.trim() !== "") out[key] = shortDescription(value);
      } else if (SCHEMA_MAPS.has(key) && value !== null && typeof value === "object") {
        const map: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
          if (name !== "__proto__") map[name] = convertValue(sub, inlining);
        }
        out[key] = map;
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = Array.isArray(value) ? value.map((v) => convertValue(v, inlining)) : convertValue(value, inlining);
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((v) => convertValue(v, inlining));
      } else out[key] = value;
    }
    if (document.version === "3.0") exclusiveBoundsToNumbers(out);
    return out as JsonSchema;
  }

  return {
    convert: (schema) => convert(schema),
    component,
    reserve: unique,
    drain(named) {
      const out: Record<string, JsonSchema> = { ...named };
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const safe = names.get(next) as string;
        out[safe] = convert(components[next], [`#/components/schemas/${next}`]);
      }
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    problems,
  };
}

/** OpenAPI 3.0 writes `exclusiveMinimum: true` beside `minimum`; JSON Schema writes the bound itself. */
function exclusiveBoundsToNumbers(schema: Record<string, unknown>): void {
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (schema[flag] === true && typeof schema[bound] === "number") {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else if (schema[flag] === false) delete schema[flag];
  }
}
