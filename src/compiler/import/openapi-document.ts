/**
 * Reading a vendor's OpenAPI document: YAML or JSON, version 3.0 or 3.1. Vendor documents are
 * large (Chargebee's is 1.7 MB), so a parsed document is kept per path and modification time and
 * every importer or expansion in one process reads it once.
 */
import { parse } from "yaml";
import { checkGuardedFile, type FileRefusal, MAX_REFERENCED_FILE_BYTES, readGuardedFile } from "../read-file.ts";

/** A parsed OpenAPI document. `root` is the plain JSON value; nothing in it is modified. */
export interface OpenApiDocument {
  path: string;
  /** `3.0` or `3.1`: they differ in how a schema says "nullable". */
  version: "3.0" | "3.1";
  title: string;
  /** The vendor's `info.version`. */
  apiVersion: string;
  root: Readonly<Record<string, unknown>>;
}

/**
 * Why a document could not be read: the reason is a sentence for a diagnostic or a usage error,
 * and the refusal, when the file itself was refused (missing, not a regular file, too large,
 * outside the project).
 */
export type ReadResult = [OpenApiDocument, undefined] | [undefined, string, OpenApiProblem?];

/** A problem with a code of its own: the file was refused, or it nests too deeply to convert safely. */
export type OpenApiProblem = FileRefusal | { code: "nesting-too-deep"; reason: string; limit: number };

/** How deep a vendor document may nest; the published ones reach 20. */
export const MAX_OPENAPI_DEPTH = 64;

/** Where a document may be read from and how large it may be. */
export interface OpenApiReadLimits {
  /** When set, the document (symbolic links resolved) must lie inside this folder. */
  root?: string;
  /** Defaults to MAX_REFERENCED_FILE_BYTES. */
  maxBytes?: number;
}

const cache = new Map<string, { stamp: string; result: ReadResult }>();

/** The line and column of an offset, for a parse error that must not quote the text. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

/**
 * Why JSON text did not parse, by position only: the engine's own message can quote the text,
 * and the file might hold anything, a secret included.
 */
function jsonProblem(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
  if (position !== undefined) return `a syntax error at ${lineColumn(text, Number(position))}`;
  return /end of JSON/i.test(String((error as Error).message)) ? "the text ends before the value does" : "a syntax error";
}

/** Why YAML text did not parse, by position and the parser's error code only. */
function yamlProblem(error: unknown): string {
  const linePos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const code = (error as { code?: unknown }).code;
  const where = linePos === undefined ? "" : ` at line ${linePos.line}, column ${linePos.col}`;
  return `a syntax error${where}${typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : ""}`;
}

/** Whether a parsed value nests deeper than `limit`, found without recursion. */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === "object") stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

function tooDeep(): ReadResult {
  const reason = `it nests deeper than ${MAX_OPENAPI_DEPTH} levels`;
  return [undefined, reason, { code: "nesting-too-deep", reason, limit: MAX_OPENAPI_DEPTH }];
}

function parseText(path: string, text: string): ReadResult {
  let root: unknown;
  const json = path.endsWith(".json");
  try {
    root = json ? JSON.parse(text) : parse(text, { maxAliasCount: 1000, uniqueKeys: false });
  } catch (error) {
    // The YAML parser recurses on nested collections; only hostile nesting overflows it.
    if (error instanceof RangeError || (error as { code?: unknown }).code === "RESOURCE_EXHAUSTION") return tooDeep();
    return [undefined, `it is not valid ${json ? "JSON" : "YAML"}: ${json ? jsonProblem(text, error) : yamlProblem(error)}`];
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) return [undefined, "it is not an OpenAPI document (not a mapping)"];
  if (deeperThan(root, MAX_OPENAPI_DEPTH)) return tooDeep();
  const record = root as Record<string, unknown>;
  const declared = record["openapi"];
  if (typeof declared !== "string") {
    return [undefined, typeof record["swagger"] === "string" ? "it is Swagger 2.0; convert it to OpenAPI 3 first" : "it has no 'openapi' version"];
  }
  const version = declared.startsWith("3.0") ? "3.0" : declared.startsWith("3.1") ? "3.1" : undefined;
  // Only a version-like value is quoted back: the file might not be an OpenAPI document at all.
  if (version === undefined) return [undefined, /^\d{1,3}(\.\d{1,3}){0,2}$/.test(declared) ? `its OpenAPI version ${declared} is not 3.0 or 3.1` : "its 'openapi' version is not 3.0 or 3.1"];
  const info = (record["info"] ?? {}) as { title?: unknown; version?: unknown };
  return [
    {
      path,
      version,
      title: typeof info.title === "string" ? info.title : "an OpenAPI document",
      apiVersion: typeof info.version === "string" ? info.version : String(info.version ?? ""),
      root: record,
    },
    undefined,
  ];
}

/**
 * Reads and parses an OpenAPI document through the guarded reader (a regular file, at most 16 MiB
 * unless told otherwise, inside `root` when one is given), from the cache when the file has not
 * changed.
 */
export function readOpenApiDocument(path: string, limits: OpenApiReadLimits = {}): ReadResult {
  const guard = { maxBytes: limits.maxBytes ?? MAX_REFERENCED_FILE_BYTES, ...(limits.root === undefined ? {} : { root: limits.root }) };
  const [checked, refusal] = checkGuardedFile(path, guard);
  if (checked === undefined) return [undefined, refusal.reason, refusal];
  const stamp = `${checked.real}:${checked.stat.mtimeMs}:${checked.stat.size}`;
  const cached = cache.get(path);
  if (cached?.stamp === stamp) return cached.result;
  const [bytes, unread] = readGuardedFile(checked.real, guard);
  if (bytes === undefined) return [undefined, unread.reason, unread];
  const result = parseText(path, new TextDecoder("utf-8").decode(bytes));
  cache.set(path, { stamp, result });
  return result;
}

/** Parses an OpenAPI document held in memory (tests, and documents that are not files). */
export function parseOpenApiDocument(path: string, text: string): ReadResult {
  return parseText(path, text);
}
