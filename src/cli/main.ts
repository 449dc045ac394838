/**
 * The `spec` entry point: finds the command, runs it, and turns anything unexpected into exit 2
 * with a one-line message (the stack only with SYNCSPEC_DEBUG=1).
 */
import { PACKAGE_VERSION } from "../package-version.ts";
import { commands } from "./commands.ts";
import { type CliIo, EXIT, processIo, UsageError } from "./io.ts";

async function help(): Promise<string> {
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  const lines = loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: spec <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nExit codes: 0 ok, 1 findings or failures, 2 usage or internal error.\n`;
}

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(await help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") {
    io.stdout(`syncspec ${PACKAGE_VERSION}\n`);
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr(`spec: unknown command '${name}'\n\n${await help()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`spec ${command.name}: ${error.message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const detail = io.env["SYNCSPEC_DEBUG"] === "1" && error instanceof Error ? `\n${error.stack}` : "";
    io.stderr(`spec ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}${detail}\n`);
    return EXIT.usage;
  }
}
