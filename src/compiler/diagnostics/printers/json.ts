/**
 * The machine format: one JSON object with every diagnostic's code, severity, message and both
 * ends of its range as one-based lines and columns. Field order and sorting are stable.
 */
import { capDiagnostics } from "../cap.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { lineAndColumn } from "../source-file.ts";
import { displayPath } from "./stylish.ts";

/** One diagnostic as printed by `--format json`. */
export interface JsonDiagnostic {
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  /** A did-you-mean fix, when there is one: the replacement text and the range it replaces. */
  suggestion?: JsonSuggestion;
}

/** A did-you-mean fix as printed: the text to write in place of the range. */
export interface JsonSuggestion {
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function suggestionOf(d: Diagnostic): JsonSuggestion | undefined {
  if (d.suggestion === undefined || d.location === undefined) return undefined;
  const start = lineAndColumn(d.location.file, d.suggestion.start);
  const end = lineAndColumn(d.location.file, d.suggestion.end);
  return { text: d.suggestion.text, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** Converts a diagnostic to its JSON form. */
export function toJsonDiagnostic(d: Diagnostic, cwd: string): JsonDiagnostic {
  if (d.location === undefined) {
    return { file: null, line: null, column: null, endLine: null, endColumn: null, severity: d.severity, code: d.code, message: d.message };
  }
  const start = lineAndColumn(d.location.file, d.location.start);
  const end = lineAndColumn(d.location.file, d.location.end);
  const suggestion = suggestionOf(d);
  return {
    file: displayPath(d.location.file.path, cwd),
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** The counts of a report's summary. */
export interface JsonDiagnosticSummary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  omitted: number;
}

/**
 * The report as an object: the diagnostics shown (at most 200 per file, 1,000 in all) and a
 * summary counting every one found, with how many were left out. Commands add their own fields.
 */
export function jsonReport(diagnostics: readonly Diagnostic[], cwd: string): { diagnostics: JsonDiagnostic[]; summary: JsonDiagnosticSummary } {
  const { shown, totals } = capDiagnostics(diagnostics);
  const summary = { errors: totals.error, warnings: totals.warn, infos: totals.info, hints: totals.hint, omitted: totals.omitted };
  return { diagnostics: shown.map((d) => toJsonDiagnostic(d, cwd)), summary };
}

/** Formats the report of `jsonReport`. */
export function formatJson(diagnostics: readonly Diagnostic[], cwd: string): string {
  return `${JSON.stringify(jsonReport(diagnostics, cwd), null, 2)}\n`;
}
