/**
 * What every front end (YAML, the DSL) hands the later stages: the document's plain value and a
 * way to find where any part of it was written. Binding, lint and codegen see only this.
 */
import type { Location } from "../diagnostics/diagnostic.ts";
import type { SourceFile } from "../diagnostics/source-file.ts";

/** A step into a document: a key of a mapping or an index of a list. */
export type PathSegment = string | number;

/** One spec document as parsed, before validation. */
export interface ParsedDocument {
  file: SourceFile;
  /** The plain JSON value: objects, arrays, strings, numbers, booleans, null. */
  value: unknown;
  /**
   * Where the part at `path` was written. With `part: "key"` the range of the key of that entry
   * (for a misspelt key); otherwise its value. A path that does not exist falls back to its
   * nearest existing ancestor, so every diagnostic has a place.
   */
  locate(path: readonly PathSegment[], part?: "key" | "value"): Location;
  /**
   * The range of a string value's content in the file, and how to map an offset inside the
   * string to the file (block scalars and escapes make that more than an addition). Undefined
   * when the text cannot be mapped exactly (for example a folded scalar).
   */
  stringOffsets?(path: readonly PathSegment[]): ((offsetInString: number) => number) | undefined;
}

/** Formats a path for messages: `spec.steps[2].deliver`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "the document";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** Reads the value at a path of a plain value. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
