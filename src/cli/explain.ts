/**
 * `spec explain <code>`: what a diagnostic code means and how to fix it, for the compiler's codes,
 * the built-in lint rules and the project's own Policy rules; `--list` lists every code.
 */
import { type CodeEntry, diagnosticCodes, policyCodes } from "../compiler/codes.ts";
import { loadProgram } from "../compiler/program.ts";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";

/**
 * The built-in codes and, when the current folder is in a project whose specs load, the custom
 * rules of its Policy (read, never run).
 */
function knownCodes(io: CliIo, withProject: boolean): CodeEntry[] {
  const builtIn = diagnosticCodes();
  if (!withProject) return builtIn;
  const program = loadProgram({ cwd: io.cwd });
  return [...builtIn, ...policyCodes(program).filter((c) => !builtIn.some((b) => b.code === c.code))];
}

/** Prints the page of `code`; an unknown code is a usage error with the closest code. */
export function explainCode(io: CliIo, code: string): number {
  // The project is read only for a code the built-in tables lack.
  const builtIn = diagnosticCodes().some((c) => c.code === code);
  const codes = knownCodes(io, !builtIn);
  const entry = codes.find((c) => c.code === code);
  if (entry === undefined) {
    const suggestion = suggest(code, codes.map((c) => c.code));
    const hint = suggestion === undefined ? "run 'spec explain --list' for every code" : `did you mean '${suggestion}'?`;
    throw new UsageError(`unknown diagnostic code '${code}'; ${hint}`);
  }
  io.stdout(entry.page());
  return EXIT.ok;
}

function list(io: CliIo): number {
  const codes = knownCodes(io, true);
  const width = Math.max(...codes.map((c) => c.code.length));
  const lines = codes.map((c) => `${c.code.padEnd(width)}  ${c.severity.padEnd(5)}  ${c.origin.padEnd(8)}  ${c.summary}`);
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

export const explainCommand: Command = {
  name: "explain",
  summary: "Explain a diagnostic code (compiler, lint or the project's Policy rule) and how to fix what it reports",
  usage: "spec explain <code> | spec explain --list",
  examples: ["spec explain mapping-wrong-type", "spec explain route-dead-letter"],
  options: [
    {
      name: "list",
      description: "List every code with its severity, origin (compiler or lint) and what it reports",
      examples: ["spec explain --list", "spec explain --list | grep mapping-"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { list: { type: "boolean" } });
    if (values.list === true) {
      if (positionals.length > 0) throw new UsageError("--list takes no code");
      return list(io);
    }
    const [code, ...extra] = positionals;
    if (code === undefined) throw new UsageError("name the code to explain, as printed beside a diagnostic (mapping-wrong-type)");
    if (extra.length > 0) throw new UsageError(`explain one code at a time; unexpected '${extra[0]}'`);
    return explainCode(io, code);
  },
};
