/** `spec lsp --stdio`: the language server for editors, speaking the protocol over stdin and stdout. */
import { type Command, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";

export const lspCommand: Command = {
  name: "lsp",
  summary: "Start the language server for editors (diagnostics, completion, navigation, rename, formatting)",
  usage: "spec lsp --stdio",
  options: [
    {
      name: "stdio",
      description: "Speak the Language Server Protocol over standard input and output (the only transport)",
      examples: ["spec lsp --stdio", "npx spec lsp --stdio"],
    },
  ],
  async run(args, io) {
    const { values } = parseCommandArgs(args, { stdio: { type: "boolean" } });
    if (values.stdio !== true) throw new UsageError("the language server speaks over standard input and output only: pass --stdio");
    const { serveStdio } = await import("../lsp/server.ts");
    await serveStdio({ cwd: io.cwd });
    return EXIT.ok;
  },
};
