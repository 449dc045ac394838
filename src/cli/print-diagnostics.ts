/** Prints diagnostics in the format a command was asked for. */
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { formatJson } from "../compiler/diagnostics/printers/json.ts";
import { formatStylish } from "../compiler/diagnostics/printers/stylish.ts";
import { type CliIo, useColor } from "./io.ts";

export const DIAGNOSTIC_FORMATS = ["stylish", "json"] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/** Writes diagnostics to stdout in `format`. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], format: DiagnosticFormat): void {
  if (format === "json") io.stdout(formatJson(diagnostics, io.cwd));
  else io.stdout(formatStylish(diagnostics, { color: useColor(io), cwd: io.cwd }));
}
