/** `spec validate [paths...] [--format ...]`: parse, validate and resolve a spec set. */
import { loadProgram } from "../compiler/program.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { EXIT } from "./io.ts";
import { DIAGNOSTIC_FORMATS, printDiagnostics } from "./print-diagnostics.ts";
import { diagnosticFormat } from "./shared-options.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check that every spec document is valid and every reference resolves",
  usage: "spec validate [paths...] [--format stylish|json|sarif|junit|github]",
  options: [diagnosticFormat("validate")],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: "string" } });
    const format = expectFormat(values.format, DIAGNOSTIC_FORMATS, "stylish");
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    printDiagnostics(io, program.diagnostics, format);
    return program.ok ? EXIT.ok : EXIT.findings;
  },
};
