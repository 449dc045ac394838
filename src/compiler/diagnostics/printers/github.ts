/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, which the
 * runner turns into annotations on the pull request's changed lines.
 */
import { capDiagnostics, omittedLine } from "../cap.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { lineAndColumn } from "../source-file.ts";
import { displayPath } from "./stylish.ts";

const COMMAND = { error: "error", warn: "warning", info: "notice", hint: "notice" } as const;

/** Escapes a workflow command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow command's property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Formats diagnostics as workflow commands, one per line (at most 200 per file, 1,000 in all, then a notice of the rest). */
export function formatGithub(diagnostics: readonly Diagnostic[], options: { cwd: string }): string {
  const { shown, totals } = capDiagnostics(diagnostics);
  const omitted = omittedLine(totals);
  const rest = omitted === undefined ? "" : `::notice title=diagnostics-omitted::${escapeData(omitted)}\n`;
  return `${shown
    .map((d) => {
      const props: string[] = [];
      if (d.location !== undefined) {
        const start = lineAndColumn(d.location.file, d.location.start);
        const end = lineAndColumn(d.location.file, Math.max(d.location.start, d.location.end));
        props.push(`file=${escapeProperty(displayPath(d.location.file.path, options.cwd))}`, `line=${start.line}`, `col=${start.column}`);
        props.push(`endLine=${end.line}`);
        if (end.line === start.line) props.push(`endColumn=${end.column}`);
      }
      props.push(`title=${escapeProperty(d.code)}`);
      return `::${COMMAND[d.severity]} ${props.join(",")}::${escapeData(d.message)}\n`;
    })
    .join("")}${rest}`;
}
