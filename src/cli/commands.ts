/**
 * The registry of commands, in the order `spec --help` lists them. A new command is one file
 * exporting a `Command` and one line here. Commands load on demand, so `spec validate` never
 * pays for the code generator or the database drivers.
 */
import type { Command } from "./command.ts";

/** A command's name and how to load it. */
export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: "init", load: async () => (await import("./init.ts")).initCommand },
  { name: "validate", load: async () => (await import("./validate.ts")).validateCommand },
  { name: "compile", load: async () => (await import("./compile.ts")).compileCommand },
  { name: "test", load: async () => (await import("./test.ts")).testCommand },
  { name: "docs", load: async () => (await import("./docs.ts")).docsCommand },
  { name: "graph", load: async () => (await import("./graph.ts")).graphCommand },
  { name: "lint", load: async () => (await import("./lint.ts")).lintCommand },
  { name: "breaking", load: async () => (await import("./breaking.ts")).breakingCommand },
  { name: "import", load: async () => (await import("./import.ts")).importCommand },
  { name: "fmt", load: async () => (await import("./fmt.ts")).fmtCommand },
  { name: "lsp", load: async () => (await import("./lsp.ts")).lspCommand },
  { name: "run", load: async () => (await import("./run.ts")).runCommand },
  { name: "dlq", load: async () => (await import("./dlq.ts")).dlqCommand },
  { name: "exceptions", load: async () => (await import("./exceptions.ts")).exceptionsCommand },
  { name: "replay", load: async () => (await import("./replay.ts")).replayCommand },
  { name: "audit", load: async () => (await import("./audit.ts")).auditCommand },
  { name: "demo", load: async () => (await import("./demo.ts")).demoCommand },
  { name: "data", load: async () => (await import("./data.ts")).dataCommand },
  { name: "reconcile", load: async () => (await import("./reconcile.ts")).reconcileCommand },
  { name: "status", load: async () => (await import("./status.ts")).statusCommand },
  { name: "explain", load: async () => (await import("./explain.ts")).explainCommand },
  { name: "completion", load: async () => (await import("./completion.ts")).completionCommand },
];

/**
 * Every command, loaded: for the help, the completion scripts and the README's table. One after
 * the other: started all at once, the imports never settled under tsx's loader, which runs
 * `npm run readme-commands`.
 */
export async function loadCommands(): Promise<Command[]> {
  const loaded: Command[] = [];
  for (const entry of commands) loaded.push(await entry.load());
  return loaded;
}
