/**
 * fast-check arbitraries of JSON Schema values: the payloads `spec test --properties` offers a
 * route, and the reference data it seeds. The subset is the one systems and entities use: `type`
 * (or a list of them, `nullable`), `required`, `enum`, `const`, `$ref` to `#/schemas/<name>`
 * (`#/components/schemas/`, `#/definitions/`, `#/$defs/`), `allOf`/`oneOf`/`anyOf`, string
 * `format`s (date, date-time, uuid, email, uri, decimal), `pattern`, lengths, numeric bounds, and
 * nested objects and arrays. Every value is plain JSON, and valid against the schema it came from.
 *
 * `overrides` pin the values of chosen fields (dotted paths) to other arbitraries, typically a
 * small pool, so that generated records collide on the fields that identify, key or order them.
 */
import fc from "fast-check";
import type { JsonSchema } from "../model/json-schema.ts";

/** How to build an arbitrary of a schema. */
export interface SchemaArbitraryOptions {
  /** The named schemas `$ref`s point at (a system's `schemas`). */
  definitions?: Readonly<Record<string, JsonSchema>>;
  /** Arbitraries for fields by dotted path; these fields (and the objects holding them) are always present. */
  overrides?: ReadonlyMap<string, fc.Arbitrary<unknown>>;
  /**
   * Free-text strings (no format, pattern or enum) are their field's name, so records drawn apart
   * still join on a field of that name (a resource's `role` finds the rate card line of its `role`).
   */
  joinable?: boolean;
  /** How deep fields nest before optional ones are left out and arrays stay at their minimum (default 6). */
  maxDepth?: number;
  /**
   * Gives every declared field a value, optional ones too (default false: optional fields come
   * and go). Vendors' payloads carry their optional fields far more often than not.
   */
  complete?: boolean;
}

const REF = /^#\/(?:components\/schemas|schemas|definitions|\$defs)\/(.+)$/;

/** The schema a `$ref` names; an unknown name is an internal error (the spec set was checked). */
export function resolveRef(ref: string, definitions: Readonly<Record<string, JsonSchema>> | undefined): JsonSchema {
  const name = REF.exec(ref)?.[1];
  const target = name === undefined ? undefined : definitions?.[decodeURIComponent(name)];
  if (target === undefined) throw new Error(`cannot resolve the schema reference ${ref}`);
  return target;
}

/** Follows `$ref`s and merges `allOf` into one schema. */
export function flatten(schema: JsonSchema, definitions: Readonly<Record<string, JsonSchema>> | undefined, seen = 0): JsonSchema {
  if (seen > 32) throw new Error("the schema's references loop without end");
  if (schema.$ref !== undefined) {
    const { $ref, ...rest } = schema;
    return flatten({ ...resolveRef($ref, definitions), ...rest }, definitions, seen + 1);
  }
  if (schema.allOf === undefined) return schema;
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = rest;
  for (const part of allOf) {
    const flat = flatten(part, definitions, seen + 1);
    merged = {
      ...flat,
      ...merged,
      properties: { ...flat.properties, ...merged.properties },
      required: [...(flat.required ?? []), ...(merged.required ?? [])],
    };
    const type = merged.type ?? flat.type;
    if (type !== undefined) merged.type = type;
  }
  return merged;
}

/** The schema of the field at a dotted path, when the schema declares it. */
export function schemaAt(schema: JsonSchema, path: string, definitions?: Readonly<Record<string, JsonSchema>>): JsonSchema | undefined {
  let current: JsonSchema | undefined = flatten(schema, definitions);
  for (const segment of path.split(".")) {
    const next: JsonSchema | undefined = current?.properties?.[segment];
    current = next === undefined ? undefined : flatten(next, definitions);
  }
  return current;
}

const DAY = 86_400_000;
const EPOCH_2020 = Date.UTC(2020, 0, 1);
const SPAN_DAYS = 365 * 10;

const isoDate = fc.integer({ min: 0, max: SPAN_DAYS }).map((d) => new Date(EPOCH_2020 + d * DAY).toISOString().slice(0, 10));
const isoDateTime = fc
  .integer({ min: 0, max: SPAN_DAYS * 86_400 })
  .map((s) => new Date(EPOCH_2020 + s * 1000).toISOString().replace(".000Z", "Z"));
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);

function decimalArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const scale = typeof schema["x-scale"] === "number" ? (schema["x-scale"] as number) : 2;
  const factor = 10 ** scale;
  return fc.integer({ min: -1_000_000 * factor, max: 1_000_000 * factor }).map((n) => {
    const sign = n < 0 ? "-" : "";
    const digits = String(Math.abs(n)).padStart(scale + 1, "0");
    return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  });
}

/**
 * Plain strings whose field name says what they hold get values of that kind, as a vendor would
 * send them: currency codes, country codes.
 */
const NAMED_STRINGS: readonly [RegExp, fc.Arbitrary<string>][] = [
  [/currency/i, fc.constantFrom("EUR", "GBP", "USD", "AUD")],
  [/country/i, fc.constantFrom("GB", "DE", "US", "AU")],
  // Identifiers are never empty, and never need more than a few safe characters.
  [/^id$|Id$|ID$|_id$/, fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/)],
];

function stringArbitrary(schema: JsonSchema, name: string): fc.Arbitrary<string> {
  const minLength = typeof schema["minLength"] === "number" ? (schema["minLength"] as number) : 0;
  const maxLength = typeof schema["maxLength"] === "number" ? (schema["maxLength"] as number) : undefined;
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    const matching = fc.stringMatching(pattern);
    return minLength === 0 && maxLength === undefined ? matching : matching.filter((s) => s.length >= minLength && (maxLength === undefined || s.length <= maxLength));
  }
  switch (schema.format) {
    case "date":
      return isoDate;
    case "date-time":
      return isoDateTime;
    case "uuid":
      return fc.uuid();
    case "email":
      return fc.tuple(word, word).map(([user, host]) => `${user}@${host}.example`);
    case "uri":
    case "url":
      return word.map((path) => `https://example.test/${path}`);
    case "decimal":
      return decimalArbitrary(schema);
    case undefined: {
      const named = NAMED_STRINGS.find(([pattern]) => pattern.test(name))?.[1];
      if (named !== undefined && minLength <= 1 && (maxLength === undefined || maxLength >= 12)) return named;
      return fc.string({ minLength, maxLength: maxLength ?? Math.max(minLength, 12), unit: "grapheme-ascii" });
    }
    default:
      return fc.string({ minLength, maxLength: maxLength ?? Math.max(minLength, 12), unit: "grapheme-ascii" });
  }
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = (schema["minimum"] as number | undefined) ?? (schema["exclusiveMinimum"] as number | undefined);
  const max = (schema["maximum"] as number | undefined) ?? (schema["exclusiveMaximum"] as number | undefined);
  const low = min === undefined ? -1000 : schema["exclusiveMinimum"] !== undefined ? min + (integer ? 1 : 0.01) : min;
  const high = max === undefined ? Math.max(low, 0) + 100_000 : schema["exclusiveMaximum"] !== undefined ? max - (integer ? 1 : 0.01) : max;
  if (integer) return fc.integer({ min: Math.ceil(low), max: Math.floor(high) });
  // Hundredths: the values money-like numbers take, with no binary surprises in a counterexample.
  return fc.integer({ min: Math.ceil(low * 100), max: Math.floor(high * 100) }).map((n) => n / 100);
}

interface Builder {
  definitions: Readonly<Record<string, JsonSchema>> | undefined;
  overrides: ReadonlyMap<string, fc.Arbitrary<unknown>>;
  maxDepth: number;
  complete: boolean;
  joinable: boolean;
}

function typesOf(schema: JsonSchema): string[] {
  const declared = schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : [...schema.type];
  if (declared.length === 0) {
    if (schema.properties !== undefined) declared.push("object");
    else if (schema.items !== undefined) declared.push("array");
    else declared.push("string", "integer", "boolean");
  }
  if (schema.nullable === true && !declared.includes("null")) declared.push("null");
  return declared;
}

function build(b: Builder, raw: JsonSchema, path: string, depth: number): fc.Arbitrary<unknown> {
  const override = b.overrides.get(path);
  if (override !== undefined) return override;
  const schema = flatten(raw, b.definitions);
  if (schema["const"] !== undefined) return fc.constant(schema["const"]);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const options = schema.oneOf ?? schema.anyOf;
  if (options !== undefined && options.length > 0) {
    const { oneOf: _one, anyOf: _any, ...rest } = schema;
    return fc.oneof(...options.map((option) => build(b, { ...rest, ...flatten(option, b.definitions) }, path, depth + 1)));
  }
  const arbitraries = typesOf(schema).map((type) => {
    switch (type) {
      case "string": {
        const name = path.split(".").at(-1) ?? "";
        return b.joinable && isFreeText(schema) ? fc.constant(joinValue(schema, name)) : stringArbitrary(schema, name);
      }
      case "integer":
        return numberArbitrary(schema, true);
      case "number":
        return numberArbitrary(schema, false);
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return arrayArbitrary(b, schema, path, depth);
      default:
        return objectArbitrary(b, schema, path, depth);
    }
  });
  return arbitraries.length === 1 ? (arbitraries[0] as fc.Arbitrary<unknown>) : fc.oneof(...arbitraries);
}

const isFreeText = (schema: JsonSchema) => schema.format === undefined && schema.pattern === undefined;

/** A free-text field's joinable value: its name (without `[]`), cut or padded to the lengths the schema allows. */
function joinValue(schema: JsonSchema, name: string): string {
  const min = typeof schema["minLength"] === "number" ? (schema["minLength"] as number) : 1;
  const max = typeof schema["maxLength"] === "number" ? (schema["maxLength"] as number) : Number.POSITIVE_INFINITY;
  const base = name.replace(/\[\]$/, "") || "value";
  return base.padEnd(min, "x").slice(0, max);
}

function arrayArbitrary(b: Builder, schema: JsonSchema, path: string, depth: number): fc.Arbitrary<unknown[]> {
  const minLength = typeof schema["minItems"] === "number" ? (schema["minItems"] as number) : 0;
  const declaredMax = typeof schema["maxItems"] === "number" ? (schema["maxItems"] as number) : undefined;
  const maxLength = depth >= b.maxDepth ? minLength : Math.max(minLength, Math.min(declaredMax ?? 2, 2));
  const items = schema.items ?? { type: "string" };
  return fc.array(build(b, items, `${path}[]`, depth + 1), { minLength, maxLength });
}

function objectArbitrary(b: Builder, schema: JsonSchema, path: string, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const prefix = path === "" ? "" : `${path}.`;
  const pinned = [...b.overrides.keys()];
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const here = `${prefix}${name}`;
    const holdsPinned = pinned.some((p) => p === here || p.startsWith(`${here}.`));
    if (!required.has(name) && !holdsPinned && depth >= b.maxDepth) continue;
    model[name] = build(b, property, here, depth + 1);
    if (required.has(name) || holdsPinned || (b.complete && depth < b.maxDepth)) requiredKeys.push(name);
  }
  // A required field the schema does not describe still needs a value.
  for (const name of required) {
    if (model[name] === undefined) {
      model[name] = word;
      requiredKeys.push(name);
    }
  }
  return fc.record(model, { requiredKeys });
}

/** An arbitrary of values valid against `schema`. */
export function schemaArbitrary(schema: JsonSchema, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const builder = {
    definitions: options.definitions,
    overrides: options.overrides ?? new Map(),
    maxDepth: options.maxDepth ?? 6,
    complete: options.complete ?? false,
    joinable: options.joinable ?? false,
  };
  return build(builder, schema, "", 0);
}

/**
 * A few distinct values for a key field, readable where the schema allows: `projectId-1`,
 * fixed UUIDs, small integers, the enum's values. Values that fit no rule are sampled from the
 * schema with a fixed seed, so the same schema always gives the same pool.
 */
export function keyPool(schema: JsonSchema | undefined, field: string, size: number, definitions?: Readonly<Record<string, JsonSchema>>): unknown[] {
  const flat = schema === undefined ? { type: "string" as const } : flatten(schema, definitions);
  const name = field.split(".").at(-1) ?? field;
  const types = typesOf(flat).filter((t) => t !== "null");
  if (flat.enum !== undefined && flat.enum.length > 0) return flat.enum.slice(0, size);
  if (types[0] === "string" && flat.pattern === undefined) {
    if (flat.format === "uuid") return Array.from({ length: size }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`);
    if (flat.format === undefined && (flat["maxLength"] === undefined || (flat["maxLength"] as number) >= name.length + 3)) {
      return Array.from({ length: size }, (_, i) => `${name}-${i + 1}`);
    }
  }
  if (types[0] === "integer" && flat["minimum"] === undefined && flat["maximum"] === undefined) return Array.from({ length: size }, (_, i) => i + 1);
  const sampled = fc.sample(schemaArbitrary(flat, definitions === undefined ? {} : { definitions }), { seed: 7, numRuns: 200 });
  const distinct: unknown[] = [];
  const seen = new Set<string>();
  for (const value of sampled) {
    const text = JSON.stringify(value);
    if (value === null || typeof value === "object" || seen.has(text)) continue;
    seen.add(text);
    distinct.push(value);
    if (distinct.length === size) break;
  }
  return distinct;
}
