/**
 * Which part of a parsed document an offset falls in: the deepest path whose key or value covers
 * it. Works for both syntaxes, since both front ends locate any path of the model.
 */
import type { ParsedDocument, PathSegment } from "../compiler/parse/document.ts";

/** Where an offset is: the path, and whether on the entry's key or inside its value. */
export interface PathHit {
  document: ParsedDocument;
  path: PathSegment[];
  part: "key" | "value";
}

function entries(value: unknown): [PathSegment, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (value !== null && typeof value === "object") return Object.entries(value);
  return [];
}

function covers(document: ParsedDocument, path: PathSegment[], part: "key" | "value", offset: number): boolean {
  const location = document.locate(path, part);
  return location.start <= offset && offset <= location.end && location.end > location.start;
}

/** The deepest path of `document` at `offset`, or undefined when the offset is outside it. */
export function pathAt(document: ParsedDocument, offset: number): PathHit | undefined {
  if (!covers(document, [], "value", offset)) return undefined;
  let hit: PathHit = { document, path: [], part: "value" };
  let value = document.value;
  for (let depth = 0; depth < 64; depth++) {
    let next: { segment: PathSegment; value: unknown; part: "key" | "value" } | undefined;
    for (const [segment, child] of entries(value)) {
      const path = [...hit.path, segment];
      if (typeof segment === "string" && covers(document, path, "key", offset) && document.locate(path, "key").start !== document.locate(path).start) {
        next = { segment, value: child, part: "key" };
        break;
      }
      if (covers(document, path, "value", offset)) {
        next = { segment, value: child, part: "value" };
        break;
      }
    }
    if (next === undefined) return hit;
    hit = { document, path: [...hit.path, next.segment], part: next.part };
    if (next.part === "key") return hit;
    value = next.value;
  }
  return hit;
}

/** The document of a file that covers `offset`, with the path there. */
export function pathInDocuments(documents: readonly ParsedDocument[], offset: number): PathHit | undefined {
  for (const document of documents) {
    const hit = pathAt(document, offset);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
