/**
 * Edits the server offers: formatting a `.sync` document with `spec fmt`'s formatter (YAML is
 * left as written, as `spec fmt` leaves it), and the did-you-mean fixes of diagnostics.
 */
import { type CodeAction, CodeActionKind, type Diagnostic as LspDiagnostic, type TextEdit } from "vscode-languageserver";
import { createSourceFile } from "../compiler/diagnostics/source-file.ts";
import { formatDsl } from "../compiler/parse/dsl/format.ts";
import type { DiagnosticData } from "./lsp-diagnostics.ts";
import { rangeOf } from "./positions.ts";

/** The edit that formats a document, none when it is formatted already, or undefined when it cannot be (it does not parse). */
export function formatEdits(path: string, text: string, maxDepth: number): TextEdit[] | undefined {
  if (!path.toLowerCase().endsWith(".sync")) return [];
  const file = createSourceFile(path, text);
  const [formatted] = formatDsl(file, maxDepth);
  if (formatted === undefined) return undefined;
  if (formatted === text) return [];
  return [{ range: rangeOf(file, 0, text.length), newText: formatted }];
}

/** A quick fix for each diagnostic that carries a suggestion. */
export function suggestionActions(uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const suggestion = (d.data as DiagnosticData | undefined)?.suggestion;
    if (suggestion === undefined) continue;
    out.push({
      title: `Change to '${suggestion.text}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: suggestion.range, newText: suggestion.text }] } },
    });
  }
  return out;
}
