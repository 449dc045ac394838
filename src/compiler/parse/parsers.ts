/**
 * The front ends by file extension. Each turns a decoded file into ParsedDocuments; everything
 * after parsing is shared. A new syntax registers here.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceFile } from "../diagnostics/source-file.ts";
import type { ParsedDocument } from "./document.ts";
import { parseDsl } from "./dsl/parse-dsl.ts";
import { parseYaml } from "./yaml/parse-yaml.ts";

/** Limits every front end enforces. */
export interface ParseLimits {
  maxDepth: number;
}

/** A front end. */
export type FrontEnd = (file: SourceFile, limits: ParseLimits) => [ParsedDocument[], Diagnostic[]];

/** Front ends by lower-case extension, dot included. */
export const frontEnds: Record<string, FrontEnd> = {
  ".yaml": parseYaml,
  ".yml": parseYaml,
  ".sync": parseDsl,
};

/** The front end for a path, or undefined when the extension is not a spec's. */
export function frontEndFor(path: string): FrontEnd | undefined {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : frontEnds[path.slice(dot).toLowerCase()];
}
