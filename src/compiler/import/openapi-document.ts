/**
 * Reading a vendor's OpenAPI document: YAML or JSON, version 3.0 or 3.1. Vendor documents are
 * large (Chargebee's is 1.7 MB), so a parsed document is kept per path and modification time and
 * every importer or expansion in one process reads it once.
 */
import { readFileSync, statSync } from "node:fs";
import { parse } from "yaml";

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

/** Why a document could not be read: the reason is a sentence for a diagnostic or a usage error. */
export type ReadResult = [OpenApiDocument, undefined] | [undefined, string];

const cache = new Map<string, { stamp: string; result: ReadResult }>();

function stampOf(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
}

function parseText(path: string, text: string): ReadResult {
  let root: unknown;
  try {
    root = path.endsWith(".json") ? JSON.parse(text) : parse(text, { maxAliasCount: 1000, uniqueKeys: false });
  } catch (error) {
    return [undefined, `it is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`];
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) return [undefined, "it is not an OpenAPI document (not a mapping)"];
  const record = root as Record<string, unknown>;
  const declared = record["openapi"];
  if (typeof declared !== "string") {
    return [undefined, typeof record["swagger"] === "string" ? "it is Swagger 2.0; convert it to OpenAPI 3 first" : "it has no 'openapi' version"];
  }
  const version = declared.startsWith("3.0") ? "3.0" : declared.startsWith("3.1") ? "3.1" : undefined;
  if (version === undefined) return [undefined, `its OpenAPI version ${declared} is not 3.0 or 3.1`];
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

/** Reads and parses an OpenAPI document, from the cache when the file has not changed. */
export function readOpenApiDocument(path: string): ReadResult {
  const stamp = stampOf(path);
  if (stamp === undefined) return [undefined, "the file does not exist"];
  const cached = cache.get(path);
  if (cached?.stamp === stamp) return cached.result;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return [undefined, (error as NodeJS.ErrnoException).code ?? String(error)];
  }
  const result = parseText(path, text);
  cache.set(path, { stamp, result });
  return result;
}

/** Parses an OpenAPI document held in memory (tests, and documents that are not files). */
export function parseOpenApiDocument(path: string, text: string): ReadResult {
  return parseText(path, text);
}
