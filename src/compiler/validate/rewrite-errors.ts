/**
 * ajv's errors rewritten as sentences a person reads, each placed on the exact YAML key or value
 * it is about. Alternatives (`anyOf`) report the branch the value was evidently aiming for, not
 * every branch's complaint.
 */
import type { ErrorObject } from "ajv";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import { formatPath, type ParsedDocument, type PathSegment, valueAt } from "../parse/document.ts";

function pointerToPath(pointer: string, value: unknown): PathSegment[] {
  if (pointer === "") return [];
  const path: PathSegment[] = [];
  let current = value;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key: PathSegment = Array.isArray(current) && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(key);
    current = current !== null && typeof current === "object" ? (current as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function describeType(type: string): string {
  switch (type) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "integer":
      return "a whole number";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "string":
      return "a string";
    default:
      return type;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return `${typeof value === "number" && Number.isInteger(value) ? "the number" : typeof value} ${String(value)}`;
}

function firstSentence(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const end = text.search(/\.(\s|$)/);
  return (end < 0 ? text : text.slice(0, end)).replace(/`/g, "'");
}

function constants(schema: unknown): string[] | undefined {
  const branches = (schema as { anyOf?: unknown[] }).anyOf;
  if (!Array.isArray(branches)) return undefined;
  const values: string[] = [];
  for (const b of branches) {
    const c = (b as { const?: unknown }).const;
    if (c === undefined) return undefined;
    values.push(String(c));
  }
  return values;
}

/** Converts one (non-anyOf) ajv error. */
function convert(error: ErrorObject, doc: ParsedDocument): Diagnostic | undefined {
  const path = pointerToPath(error.instancePath, doc.value);
  const where = formatPath(path);
  const value = valueAt(doc.value, path);
  const parent = error.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case "required": {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return diagnostic("missing-key", { where, key }, doc.locate(path, "key"));
    }
    case "additionalProperties": {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent?.properties ?? {});
      return diagnostic("unknown-key", { where, key, ...nameHint(key, allowed) }, doc.locate([...path, key], "key"));
    }
    case "type": {
      const expected = String((error.params as { type: string }).type)
        .split(",")
        .map(describeType)
        .join(" or ");
      return diagnostic("wrong-type", { where, expected, actual: describeValue(value) }, doc.locate(path));
    }
    case "const":
      return diagnostic("invalid-value", { where, rule: `must be '${String((error.params as { allowedValue: unknown }).allowedValue)}'` }, doc.locate(path));
    case "enum":
      return diagnostic(
        "invalid-value",
        { where, rule: `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => `'${String(v)}'`).join(", ")}` },
        doc.locate(path),
      );
    case "pattern": {
      const what = firstSentence(parent?.description) ?? `text matching ${String((error.params as { pattern: string }).pattern)}`;
      return diagnostic("invalid-value", { where, rule: `is ${describeValue(value)}, which is not valid: ${what}` }, doc.locate(path));
    }
    case "format":
      return diagnostic("invalid-value", { where, rule: `must be a ${String((error.params as { format: string }).format)}` }, doc.locate(path));
    case "minItems": {
      const n = Number((error.params as { limit: number }).limit);
      return diagnostic("invalid-value", { where, rule: `must have at least ${n} item${n === 1 ? "" : "s"}` }, doc.locate(path));
    }
    case "minLength": {
      const n = Number((error.params as { limit: number }).limit);
      return diagnostic("invalid-value", { where, rule: n === 1 ? "must not be empty" : `must be at least ${n} characters long` }, doc.locate(path));
    }
    case "minimum":
      return diagnostic("invalid-value", { where, rule: `must be at least ${String((error.params as { limit: number }).limit)}` }, doc.locate(path));
    case "maximum":
      return diagnostic("invalid-value", { where, rule: `must be at most ${String((error.params as { limit: number }).limit)}` }, doc.locate(path));
    case "propertyNames":
    case "if":
      return undefined;
    default:
      return diagnostic("invalid-value", { where, rule: error.message ?? "is not valid" }, doc.locate(path));
  }
}

/**
 * Rewrites a document's ajv errors. For each failed `anyOf`, the branch with the fewest errors
 * speaks for it (a `{ env: X, defualt: 1 }` hears about `defualt`, not about `secret`); a union of
 * constants becomes "must be one of".
 */
export function rewriteSchemaErrors(errors: readonly ErrorObject[], doc: ParsedDocument): Diagnostic[] {
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  // Outermost first, so nested alternatives are judged inside the branch their parent chose.
  anyOfs.sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  const suppressed = new Set<ErrorObject>();
  const out: Diagnostic[] = [];
  for (const anyOf of anyOfs) {
    if (suppressed.has(anyOf)) continue;
    const prefix = anyOf.schemaPath.replace(/\/anyOf$/, "/anyOf/");
    const inside = errors.filter((e) => e !== anyOf && e.schemaPath.startsWith(prefix));
    for (const e of inside) suppressed.add(e);
    const path = pointerToPath(anyOf.instancePath, doc.value);
    const where = formatPath(path);
    const options = constants(anyOf.schema === undefined ? anyOf.parentSchema : { anyOf: anyOf.schema });
    if (options !== undefined) {
      out.push(diagnostic("invalid-value", { where, rule: `must be one of ${options.map((o) => `'${o}'`).join(", ")}` }, doc.locate(path)));
      continue;
    }
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split("/")[0] ?? "";
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const ranked = [...byBranch.values()]
      .filter((es) => !es.some((e) => e.keyword === "type" && e.instancePath === anyOf.instancePath))
      .sort((a, b) => a.length - b.length);
    const best = ranked[0];
    if (best !== undefined && ranked.length > 0 && (ranked[1] === undefined || ranked[1].length > best.length)) {
      for (const e of best) {
        if (e.keyword === "anyOf") {
          suppressed.delete(e);
          continue;
        }
        const d = convert(e, doc);
        if (d !== undefined) out.push(d);
      }
      continue;
    }
    const what = firstSentence((anyOf.parentSchema as { description?: string } | undefined)?.description) ?? "one of the allowed forms";
    out.push(diagnostic("invalid-value", { where, rule: `is not valid: ${what}` }, doc.locate(path)));
  }
  for (const e of errors) {
    if (e.keyword === "anyOf" || suppressed.has(e)) continue;
    const d = convert(e, doc);
    if (d !== undefined) out.push(d);
  }
  // ajv can report one fact twice through different schema paths.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.location?.start}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
