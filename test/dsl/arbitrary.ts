/**
 * fast-check arbitraries for valid spec documents, driven by the published JSON Schemas: every
 * kind gets values the schema accepts, including its odd corners (empty records, optional
 * objects with nothing in them, keywords and punctuation inside names and strings).
 */
import fc from "fast-check";
import { type KindName, readPublishedSchema } from "../../src/model/constants.ts";

interface Schema {
  $id?: string;
  $ref?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const MAX_DEPTH = 4;

/** Strings with the characters that stress quoting: quotes, backslashes, braces, newlines, non-ASCII. */
const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom("route", "map", "on", "true", "null", "1.5", "30s", "a.b", "}}", "{{", "```", "#x", "// y", "") },
);

function withoutForbiddenKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(withoutForbiddenKeys);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([k, v]) => !FORBIDDEN.has(k) && withoutForbiddenKeys(v));
  }
  return true;
}

/** Any JSON value, as a mapping test's input or a policy option may hold. */
const jsonValue = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
  .filter(withoutForbiddenKeys);

function collect(schema: unknown, ids: Map<string, Schema>): void {
  if (schema === null || typeof schema !== "object") return;
  const s = schema as Schema;
  if (typeof s.$id === "string") ids.set(s.$id, s);
  for (const child of Object.values(schema)) collect(child, ids);
}

function build(schemaIn: Schema, ids: Map<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  const schema = schemaIn.$ref !== undefined ? (ids.get(schemaIn.$ref) ?? {}) : schemaIn;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => build(s, ids, depth)));
  switch (schema.type) {
    case "string":
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 80);
      if (schema.format === "date") return fc.constantFrom("2026-01-31", "2025-12-01");
      return schema.minLength !== undefined ? anyString.filter((s) => s.length >= (schema.minLength ?? 0)).map((s) => s.padEnd(10, "x")) : anyString;
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
    case "boolean":
      return fc.boolean();
    case "array": {
      const items = schema.items ?? {};
      const min = schema.minItems ?? 0;
      if (depth > MAX_DEPTH && min === 0) return fc.constant([]);
      return fc.array(build(items, ids, depth + 1), { minLength: min, maxLength: Math.max(min, 3) });
    }
    case "object": {
      const props = schema.properties ?? {};
      const required = schema.required ?? [];
      const keys = Object.keys(props).filter((k) => depth <= MAX_DEPTH || required.includes(k));
      const record = fc.record(Object.fromEntries(keys.map((k) => [k, build(props[k] ?? {}, ids, depth + 1)])), {
        requiredKeys: keys.filter((k) => required.includes(k)),
      });
      const pattern = schema.patternProperties === undefined ? undefined : Object.entries(schema.patternProperties)[0];
      if (pattern !== undefined) {
        const [keyPattern, valueSchema] = pattern;
        const key = keyPattern === "^(.*)$" ? anyString : fc.stringMatching(new RegExp(keyPattern)).filter((k) => k.length <= 80);
        const dict = depth > MAX_DEPTH ? fc.constant({}) : fc.dictionary(key.filter((k) => !FORBIDDEN.has(k)), build(valueSchema, ids, depth + 1), { maxKeys: 3 });
        return fc.tuple(record, dict).map(([r, d]) => ({ ...d, ...r }));
      }
      if (schema.properties === undefined) {
        // an embedded JSON Schema or any object: free-form
        return fc.dictionary(anyString.filter((k) => !FORBIDDEN.has(k)), jsonValue, { maxKeys: 3 });
      }
      return record;
    }
    default:
      return jsonValue;
  }
}

/** Valid documents of one kind. */
export function documentOf(kind: KindName): fc.Arbitrary<Record<string, unknown>> {
  const schema = readPublishedSchema(kind) as Schema;
  const ids = new Map<string, Schema>();
  collect(schema, ids);
  return build(schema, ids, 0) as fc.Arbitrary<Record<string, unknown>>;
}

/** Parameter names as vendors write them, and the DSL's keywords and awkward text besides. */
const paramName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("subscription-id", "TrackingCategoryID", "customer_id", "projectId", "with", "using", "when", "note") },
  { weight: 1, arbitrary: anyString.filter((k) => !FORBIDDEN.has(k)) },
);

/** JSONata as params hold it: paths, lookups, and text with the DSL's own punctuation inside. */
const paramExpression = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("projectId", "$legalEntity.projectTrackingCategoryId", '$string(seq) & "-" & code', "a, b: c", '"}}"', "$x.`odd key`") },
  { weight: 1, arbitrary: anyString.filter((s) => s.length > 0) },
);

/** A deliver step as the DSL writes it in one statement: operation, maybe a mapping, one or more params. */
const deliverStep = fc.record(
  {
    id: fc.constantFrom("charge", "add-option", "with"),
    when: fc.constantFrom("$exists(projectId)", "a = 1"),
    deliver: fc.record(
      {
        operation: fc.constantFrom("billing.addCharge", "erp.createProjectOption", "psa.recordInvoicePayment"),
        mapping: fc.constantFrom("time-entry-to-billing-charge", "to"),
        params: fc.dictionary(paramName, paramExpression, { minKeys: 1, maxKeys: 3 }),
      },
      { requiredKeys: ["operation", "params"] },
    ),
  },
  { requiredKeys: ["deliver"] },
);

/** Routes whose steps are deliver steps with path parameters. */
export function routeWithParams(): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(deliverStep, { minLength: 1, maxLength: 3 }).map((steps) => ({
    apiVersion: "syncspec.dev/v1",
    kind: "Route",
    metadata: { name: "charges" },
    spec: { trigger: { event: "billing.chargeDue" }, steps },
  }));
}
