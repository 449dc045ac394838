/** Prints diagnostics in the format a command was asked for. */
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { formatGithub } from "../compiler/diagnostics/printers/github.ts";
import { formatJson } from "../compiler/diagnostics/printers/json.ts";
import { formatJunit } from "../compiler/diagnostics/printers/junit.ts";
import { formatSarif } from "../compiler/diagnostics/printers/sarif.ts";
import { formatStylish } from "../compiler/diagnostics/printers/stylish.ts";
import { type CliIo, useColor } from "./io.ts";

export const DIAGNOSTIC_FORMATS = ["stylish", "json", "sarif", "junit", "github"] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/** Writes diagnostics to stdout in `format`. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], format: DiagnosticFormat): void {
  if (format === "json") io.stdout(formatJson(diagnostics, io.cwd));
  else if (format === "sarif") io.stdout(formatSarif(diagnostics, { root: io.cwd }));
  else if (format === "junit") io.stdout(formatJunit(diagnostics, { cwd: io.cwd }));
  else if (format === "github") io.stdout(formatGithub(diagnostics, { cwd: io.cwd }));
  else io.stdout(formatStylish(diagnostics, { color: useColor(io), cwd: io.cwd }));
}
