/** `spec explain <code>`: what a diagnostic code means and how to fix it; `--list` lists every code. */
import { diagnosticCodes } from "../compiler/codes.ts";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";

/** Prints the page of `code`; an unknown code is a usage error with the closest code. */
export function explainCode(io: CliIo, code: string): number {
  const codes = diagnosticCodes();
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
  const codes = diagnosticCodes();
  const width = Math.max(...codes.map((c) => c.code.length));
  const lines = codes.map((c) => `${c.code.padEnd(width)}  ${c.severity.padEnd(5)}  ${c.origin.padEnd(8)}  ${c.summary}`);
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

export const explainCommand: Command = {
  name: "explain",
  summary: "Explain a diagnostic code, compiler or lint, and how to fix what it reports",
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
