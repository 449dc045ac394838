/** The compiler's diagnostics as the protocol's, grouped by file. */
import { type Diagnostic as LspDiagnostic, DiagnosticSeverity } from "vscode-languageserver";
import type { Diagnostic, Severity } from "../compiler/diagnostics/diagnostic.ts";
import { rangeOf } from "./positions.ts";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warn: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a protocol diagnostic carries for the code actions: the did-you-mean fix. */
export interface DiagnosticData {
  suggestion?: { text: string; range: LspDiagnostic["range"] };
}

/** Converts one located diagnostic. */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic | undefined {
  const location = d.location;
  if (location === undefined) return undefined;
  const out: LspDiagnostic = {
    range: rangeOf(location.file, location.start, location.end),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "syncspec",
    message: d.message,
  };
  if (d.docs !== undefined && /^https?:/.test(d.docs)) out.codeDescription = { href: d.docs };
  if (d.suggestion !== undefined) {
    const data: DiagnosticData = { suggestion: { text: d.suggestion.text, range: rangeOf(location.file, d.suggestion.start, d.suggestion.end) } };
    out.data = data;
  }
  return out;
}

/** Located diagnostics by file path; those about the whole set come back apart. */
export function groupByFile(diagnostics: readonly Diagnostic[]): { byFile: Map<string, LspDiagnostic[]>; unlocated: Diagnostic[] } {
  const byFile = new Map<string, LspDiagnostic[]>();
  const unlocated: Diagnostic[] = [];
  for (const d of diagnostics) {
    const converted = toLspDiagnostic(d);
    if (converted === undefined || d.location === undefined) {
      unlocated.push(d);
      continue;
    }
    const list = byFile.get(d.location.file.path) ?? [];
    list.push(converted);
    byFile.set(d.location.file.path, list);
  }
  return { byFile, unlocated };
}
