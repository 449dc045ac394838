/**
 * The published JSON Schema of each kind, walked by document path: the keys allowed at a place
 * (for completion) and the description and type of a key (for hover). The descriptions are the
 * model's own, so the editor says what `spec docs` says.
 */
import { publishedSchemas } from "../model/kinds.ts";
import type { PathSegment } from "../compiler/parse/document.ts";

type Schema = Record<string, unknown>;

const byKind = new Map<string, Schema>(publishedSchemas().map((s) => [s.kind, s.schema]));

function findId(root: Schema, id: string): Schema | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if ((node as Schema)["$id"] === id) return node as Schema;
    stack.push(...Object.values(node));
  }
  return undefined;
}

function resolveRef(root: Schema, schema: Schema): Schema {
  const ref = schema["$ref"];
  return typeof ref === "string" ? (findId(root, ref) ?? schema) : schema;
}

/** The alternatives a schema stands for (`anyOf` members, or itself). */
function alternatives(root: Schema, schema: Schema): Schema[] {
  const resolved = resolveRef(root, schema);
  const any = (resolved["anyOf"] ?? resolved["oneOf"]) as Schema[] | undefined;
  return any === undefined ? [resolved] : any.flatMap((s) => alternatives(root, s));
}

function child(root: Schema, schema: Schema, segment: PathSegment): Schema[] {
  const out: Schema[] = [];
  for (const alt of alternatives(root, schema)) {
    if (typeof segment === "number" || segment === "[]") {
      if (alt["items"] !== undefined) out.push(alt["items"] as Schema);
      continue;
    }
    const properties = alt["properties"] as Record<string, Schema> | undefined;
    if (properties?.[segment] !== undefined) {
      out.push(properties[segment]);
      continue;
    }
    const patterns = alt["patternProperties"] as Record<string, Schema> | undefined;
    const pattern = Object.entries(patterns ?? {}).find(([p]) => new RegExp(p).test(segment));
    if (pattern !== undefined) out.push(pattern[1]);
    else if (typeof alt["additionalProperties"] === "object") out.push(alt["additionalProperties"] as Schema);
  }
  return out;
}

/** The schemas that describe the value at `path` of a document of `kind`. */
export function schemasAt(kind: string, path: readonly PathSegment[]): Schema[] {
  const root = byKind.get(kind);
  if (root === undefined) return [];
  let current: Schema[] = [root];
  for (const segment of path) current = current.flatMap((s) => child(root, s, segment));
  return current.flatMap((s) => alternatives(root, s));
}

/** A key allowed at a place, with its documentation. */
export interface KeyInfo {
  name: string;
  description: string | undefined;
  type: string | undefined;
  required: boolean;
}

/** Describes a schema's type for a reader: `string`, `array of string`, `one of: a, b`. */
export function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema["enum"])) return `one of: ${(schema["enum"] as unknown[]).join(", ")}`;
  if (schema["const"] !== undefined) return JSON.stringify(schema["const"]);
  const any = schema["anyOf"] as Schema[] | undefined;
  if (any !== undefined) {
    const consts = any.map((s) => s["const"]);
    if (consts.every((c) => c !== undefined)) return `one of: ${consts.join(", ")}`;
    return any.map((s) => typeOf(s) ?? "value").join(" or ");
  }
  const type = schema["type"];
  if (type === "array" && schema["items"] !== undefined) return `array of ${typeOf(schema["items"] as Schema) ?? "values"}`;
  return typeof type === "string" ? type : undefined;
}

/** The keys an object at `path` may have. */
export function keysAt(kind: string, path: readonly PathSegment[]): KeyInfo[] {
  const root = byKind.get(kind);
  const out = new Map<string, KeyInfo>();
  for (const schema of schemasAt(kind, path)) {
    const required = new Set((schema["required"] as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((schema["properties"] as Record<string, Schema> | undefined) ?? {})) {
      if (out.has(name)) continue;
      const resolved = root === undefined ? property : resolveRef(root, property);
      out.set(name, { name, description: resolved["description"] as string | undefined, type: typeOf(resolved), required: required.has(name) });
    }
  }
  return [...out.values()];
}

/** The documentation of the key at the end of `path`. */
export function keyInfo(kind: string, path: readonly PathSegment[]): KeyInfo | undefined {
  const last = path[path.length - 1];
  if (typeof last !== "string") return undefined;
  const found = keysAt(kind, path.slice(0, -1)).find((k) => k.name === last);
  if (found !== undefined) return found;
  const schema = schemasAt(kind, path)[0];
  if (schema === undefined) return undefined;
  return { name: last, description: schema["description"] as string | undefined, type: typeOf(schema), required: false };
}
