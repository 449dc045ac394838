/**
 * The `spec` entry point: finds the command, runs it, and turns anything unexpected into exit 2
 * with a one-line message (the stack only with SYNCSPEC_DEBUG=1).
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { PACKAGE_VERSION } from "../package-version.ts";
import type { Command } from "./command.ts";
import { commands, loadCommands } from "./commands.ts";
import { commandHelp, generalHelp } from "./help.ts";
import { type CliIo, EXIT, processIo, UsageError } from "./io.ts";

/** Options `spec` takes before any command. */
const GLOBAL_OPTIONS = ["--help", "--version"];

/** Why a name is not a command, with the closest command when one is close. */
function unknownCommand(name: string): string {
  if (name.startsWith("-")) {
    const suggestion = suggest(name, GLOBAL_OPTIONS);
    const hint = suggestion === undefined ? `before a command, spec takes only ${GLOBAL_OPTIONS.join(" and ")}` : `did you mean '${suggestion}'?`;
    return `spec: unknown option '${name}'; ${hint}\nRun 'spec help' for the commands.\n`;
  }
  const names = commands.map((c) => c.name);
  const suggestion = suggest(name, names);
  const hint = suggestion === undefined ? `the commands are ${names.join(", ")}` : `did you mean 'spec ${suggestion}'?`;
  return `spec: unknown command '${name}'; ${hint}\nRun 'spec help' for what each command does.\n`;
}

/** `spec help [command]`. */
async function help(io: CliIo, topic: string | undefined): Promise<number> {
  if (topic === undefined || topic === "help") {
    io.stdout(generalHelp(await loadCommands()));
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === topic);
  if (entry === undefined) {
    io.stderr(unknownCommand(topic));
    return EXIT.usage;
  }
  io.stdout(commandHelp(await entry.load()));
  return EXIT.ok;
}

async function runCommand(command: Command, args: readonly string[], io: CliIo): Promise<number> {
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`spec ${command.name}: ${error.message}\nusage: ${command.usage}\nRun 'spec help ${command.name}' for the options.\n`);
      return EXIT.usage;
    }
    const detail = io.env["SYNCSPEC_DEBUG"] === "1" && error instanceof Error ? `\n${error.stack}` : "";
    io.stderr(`spec ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}${detail}\n`);
    return EXIT.usage;
  }
}

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr(generalHelp(await loadCommands()));
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h") return help(io, undefined);
  if (name === "help") return help(io, rest[0]);
  if (name === "--version") {
    io.stdout(`syncspec ${PACKAGE_VERSION}\n`);
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr(unknownCommand(name));
    return EXIT.usage;
  }
  const command = await entry.load();
  // Before `--`, a help flag asks for the page; after it, it is an argument.
  const flags = rest.indexOf("--") < 0 ? rest : rest.slice(0, rest.indexOf("--"));
  if (flags.includes("--help") || flags.includes("-h")) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  return runCommand(command, rest, io);
}
