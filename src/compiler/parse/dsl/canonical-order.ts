/**
 * One key order for every document, whichever syntax it was written in: the order the model
 * declares its properties (records keep the order they were written in). The DSL printer and
 * `spec fmt --to yaml` both write documents in this order, so conversions compare equal.
 */
import { KIND_NAMES, type KindName, readPublishedSchema } from "../../../model/constants.ts";

interface SchemaNode {
  $id?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

const byId = new Map<string, SchemaNode>();
const schemas = new Map<string, SchemaNode>();

function collectIds(node: unknown, seen: Set<unknown>): void {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  const schema = node as SchemaNode;
  if (typeof schema.$id === "string") byId.set(schema.$id, schema);
  for (const child of Object.values(node)) collectIds(child, seen);
}
/** The published schema of a kind, read once. */
function schemaOf(kind: unknown): SchemaNode | undefined {
  if (!(KIND_NAMES as readonly unknown[]).includes(kind)) return undefined;
  let schema = schemas.get(kind as string);
  if (schema === undefined) {
    schema = readPublishedSchema(kind as KindName) as SchemaNode;
    schemas.set(kind as string, schema);
    collectIds(schema, new Set());
  }
  return schema;
}

function resolve(schema: SchemaNode | undefined): SchemaNode | undefined {
  if (schema?.$ref !== undefined) return byId.get(schema.$ref);
  return schema;
}

/** The branch of a union that fits an object best: the one declaring the most of its keys. */
function pick(schema: SchemaNode, value: unknown): SchemaNode {
  if (schema.anyOf === undefined) return schema;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return schema;
  const keys = Object.keys(value);
  let best: SchemaNode = schema;
  let score = -1;
  for (const branch of schema.anyOf) {
    const b = resolve(branch);
    if (b?.properties === undefined) continue;
    const s = keys.filter((k) => Object.hasOwn(b.properties!, k)).length;
    if (s > score) {
      best = b;
      score = s;
    }
  }
  return best;
}

function order(value: unknown, schemaIn: SchemaNode | undefined): unknown {
  if (Array.isArray(value)) {
    const items = resolve(schemaIn)?.items;
    return value.map((v) => order(v, items));
  }
  if (value === null || typeof value !== "object") return value;
  const schema = schemaIn === undefined ? undefined : pick(resolve(schemaIn) ?? {}, value);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const properties = schema?.properties ?? {};
  const pattern = schema?.patternProperties === undefined ? undefined : Object.values(schema.patternProperties)[0];
  for (const key of Object.keys(properties)) {
    if (Object.hasOwn(record, key)) out[key] = order(record[key], properties[key]);
  }
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(properties, key)) continue;
    const child = pattern ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined);
    Object.defineProperty(out, key, { value: order(record[key], child), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A copy of a document with its keys in the model's order. Values are not changed. */
export function canonicalOrder(document: unknown): unknown {
  return order(document, schemaOf((document as { kind?: unknown } | null)?.kind));
}
