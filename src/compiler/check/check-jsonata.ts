/** JSONata texts in specs (mappings, conditions, measures) must parse; errors point inside the text. */
import jsonata from "jsonata";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { scanJsonata } from "./jsonata-slips.ts";
import type { CheckContext } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

interface JsonataError {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

/** JSONata's code for a string literal with no closing quote. */
const UNTERMINATED_STRING = "S0101";

/**
 * Where in the text the error is, and what to add to its message: a string never closed is
 * located at its opening quote, a JavaScript operator at the operator with a hint.
 */
function placeError(text: string, e: JsonataError): { start: number; end: number; hint: string } {
  const scan = scanJsonata(text);
  if (e.code === UNTERMINATED_STRING && scan.unterminatedString !== undefined) {
    return { start: scan.unterminatedString, end: scan.unterminatedString + 1, hint: "; the string opened here is never closed" };
  }
  const slip = scan.slips[0];
  if (slip !== undefined) return { start: slip.start, end: slip.end, hint: `; ${slip.hint}` };
  // jsonata reports the position just after the offending token.
  const tokenLength = typeof e.token === "string" ? e.token.length : 1;
  const start = Math.max(0, Math.min(text.length, (e.position ?? 0) - tokenLength));
  return { start, end: start + Math.max(1, tokenLength), hint: "" };
}

/** Parses a JSONata text written at `path`; reports a located syntax error. Returns the AST or undefined. */
export function checkJsonata(cx: CheckContext, doc: BoundDocument, path: readonly PathSegment[], text: string): unknown {
  try {
    return jsonata(text).ast();
  } catch (error) {
    const e = error as JsonataError;
    const whole = doc.source.locate(path);
    const offsets = doc.source.stringOffsets?.(path);
    const place = placeError(text, e);
    const start = offsets === undefined ? whole.start : offsets(place.start);
    const location = { file: whole.file, start, end: offsets === undefined ? whole.end : start + (place.end - place.start) };
    cx.report(diagnostic("invalid-jsonata", { detail: `${e.message ?? String(error)}${e.code ? ` (${e.code})` : ""}${place.hint}` }, location));
    return undefined;
  }
}
