/**
 * Shell completion scripts for bash, zsh and fish, printed from the commands' descriptions: the
 * command names, each command's options, the values of options with a closed set and the actions
 * a command takes first. Anything else completes as a file name.
 */
import type { Command, OptionHelp } from "./command.ts";
import { HELP_OPTION } from "./help.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Words that reach a script unquoted: names, option names and values. */
const WORD = /^-{0,2}[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Every word written into a script is a plain word; anything else is a bug in a description. */
function words(list: readonly string[]): string {
  for (const w of list) if (!WORD.test(w)) throw new Error(`completion word '${w}' is not a plain word`);
  return list.join(" ");
}

const allOptions = (command: Command): OptionHelp[] => [...command.options, HELP_OPTION];

function bashCommandCase(command: Command): string {
  const valueCases = command.options
    .filter((o) => o.values !== undefined)
    .map((o) => `        --${o.name}) COMPREPLY=($(compgen -W "${words(o.values ?? [])}" -- "$cur")); return ;;`);
  const fileCases = command.options.filter((o) => o.value !== undefined && o.values === undefined).map((o) => `--${o.name}`);
  const lines = [`    ${command.name})`, '      case "$prev" in', ...valueCases];
  if (fileCases.length > 0) lines.push(`        ${fileCases.join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
  lines.push(
    "      esac",
    `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${words(allOptions(command).map((o) => `--${o.name}`))}" -- "$cur")); return; fi`,
  );
  if (command.actions !== undefined) lines.push(`      if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${words(command.actions)}" -- "$cur")); return; fi`);
  lines.push("      ;;");
  return lines.join("\n");
}

function bash(commands: readonly Command[]): string {
  const names = words(commands.map((c) => c.name));
  return `# bash completion for spec (syncspec). Load it with: source <(spec completion bash)
_spec_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${names} help" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
    help)
      if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${names}" -- "$cur")); fi
      return
      ;;
${commands.map(bashCommandCase).join("\n")}
  esac
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -o bashdefault -F _spec_completion spec
`;
}

/** Text inside a single-quoted zsh `_arguments` spec: brackets and colons are escaped too. */
const zshText = (text: string) => text.replace(/([[\]:\\])/g, "\\$1").replace(/'/g, "'\\''");

function zshOption(option: OptionHelp): string {
  const head = `--${option.name}[${zshText(option.description)}]`;
  if (option.value === undefined) return `'${head}'`;
  const action = option.values === undefined ? "_files" : `(${words(option.values)})`;
  return `'${head}:${zshText(option.value)}:${action}'`;
}

function zshCommandCase(command: Command): string {
  const specs = allOptions(command).map(zshOption);
  if (command.actions !== undefined) specs.push(`'1:action:(${words(command.actions)})'`);
  specs.push("'*:file:_files'");
  return `    ${command.name})\n      _arguments -s \\\n        ${specs.join(" \\\n        ")}\n      ;;`;
}

function zsh(commands: readonly Command[]): string {
  const described = commands.map((c) => `    '${c.name}:${zshText(c.summary)}'`);
  return `#compdef spec
# zsh completion for spec (syncspec). Put this file on $fpath as _spec, or: source <(spec completion zsh)
_spec() {
  local -a commands
  commands=(
${described.join("\n")}
    'help:Print the help of a command'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local command=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $command in
    help)
      _describe 'command' commands
      ;;
${commands.map(zshCommandCase).join("\n")}
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then _spec "$@"; else compdef _spec spec; fi
`;
}

/** Text inside a single-quoted fish string. */
const fishText = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fishCommand(command: Command): string[] {
  const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
  const lines = allOptions(command).map((o) => {
    const value = o.value === undefined ? "" : o.values === undefined ? " -r -F" : ` -x -a ${fishText(words(o.values))}`;
    return `complete -c spec ${when} -l ${o.name}${value} -d ${fishText(o.description)}`;
  });
  if (command.actions !== undefined) lines.push(`complete -c spec ${when} -a ${fishText(words(command.actions))}`);
  // Arguments are file and folder names, like the paths of a spec set.
  lines.push(`complete -c spec ${when} -F`);
  return lines;
}

function fish(commands: readonly Command[]): string {
  const names = commands.map((c) => `complete -c spec -n __fish_use_subcommand -a ${c.name} -d ${fishText(c.summary)}`);
  return [
    "# fish completion for spec (syncspec). Load it with: spec completion fish | source",
    "complete -c spec -f",
    ...names,
    "complete -c spec -n __fish_use_subcommand -a help -d 'Print the help of a command'",
    `complete -c spec -n '__fish_seen_subcommand_from help' -a ${fishText(words(commands.map((c) => c.name)))}`,
    ...commands.flatMap(fishCommand),
    "",
  ].join("\n");
}

/** The completion script of `shell` for `commands`. */
export function completionScript(shell: Shell, commands: readonly Command[]): string {
  if (shell === "bash") return bash(commands);
  if (shell === "zsh") return zsh(commands);
  return fish(commands);
}
