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

/**
 * The deepest path of `document` at `offset`, or undefined when the offset is outside it. Every
 * path is tried, not only those below a covering parent: the DSL writes one entry in several
 * places (a route's trigger is its `on` line and its `when` line), so a parent's range need not
 * cover its children's.
 */
export function pathAt(document: ParsedDocument, offset: number): PathHit | undefined {
  if (!covers(document, [], "value", offset)) return undefined;
  let best: PathHit = { document, path: [], part: "value" };
  const visit = (value: unknown, path: PathSegment[]) => {
    if (path.length > 64) return;
    for (const [segment, child] of entries(value)) {
      const here = [...path, segment];
      const keyed = typeof segment === "string" && document.locate(here, "key").start !== document.locate(here).start;
      if (keyed && covers(document, here, "key", offset) && here.length >= best.path.length) best = { document, path: here, part: "key" };
      else if (covers(document, here, "value", offset) && here.length > best.path.length) best = { document, path: here, part: "value" };
      visit(child, here);
    }
  };
  visit(document.value, []);
  return best;
}

/** The document of a file that covers `offset`, with the path there. */
export function pathInDocuments(documents: readonly ParsedDocument[], offset: number): PathHit | undefined {
  for (const document of documents) {
    const hit = pathAt(document, offset);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
