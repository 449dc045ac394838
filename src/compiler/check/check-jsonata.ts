/** JSONata texts in specs (mappings, conditions, measures) must parse; errors point inside the text. */
import jsonata from "jsonata";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

interface JsonataError {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

/** Parses a JSONata text written at `path`; reports a located syntax error. Returns the AST or undefined. */
export function checkJsonata(cx: CheckContext, doc: BoundDocument, path: readonly PathSegment[], text: string): unknown {
  try {
    return jsonata(text).ast();
  } catch (error) {
    const e = error as JsonataError;
    const whole = doc.source.locate(path);
    const offsets = doc.source.stringOffsets?.(path);
    // jsonata reports the position just after the offending token.
    const tokenLength = typeof e.token === "string" ? e.token.length : 1;
    const inText = Math.max(0, Math.min(text.length, (e.position ?? 0) - tokenLength));
    const start = offsets === undefined ? whole.start : offsets(inText);
    const location = { file: whole.file, start, end: offsets === undefined ? whole.end : start + Math.max(1, tokenLength) };
    cx.report(diagnostic("invalid-jsonata", { detail: `${e.message ?? String(error)}${e.code ? ` (${e.code})` : ""}` }, location));
    return undefined;
  }
}
