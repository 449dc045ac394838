/** `spec completion bash|zsh|fish`: prints the shell's completion script for every command. */
import { type Command, expectAction, parseCommandArgs } from "./command.ts";
import { loadCommands } from "./commands.ts";
import { completionScript, SHELLS } from "./completion-scripts.ts";
import { EXIT, UsageError } from "./io.ts";

export const completionCommand: Command = {
  name: "completion",
  summary: "Print the shell completion script for bash, zsh or fish",
  usage: "spec completion bash|zsh|fish",
  actions: SHELLS,
  examples: ["source <(spec completion bash)   # in ~/.bashrc", "spec completion fish > ~/.config/fish/completions/spec.fish"],
  options: [],
  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    const [first, ...extra] = positionals;
    const shell = expectAction(first, SHELLS);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    io.stdout(completionScript(shell, await loadCommands()));
    return EXIT.ok;
  },
};
