/** The shape of a CLI command: one file per command, parsing arguments and printing only. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { type CliIo, UsageError } from "./io.ts";

/**
 * One option as people read it: the help page, the shell completions and the README's command
 * table are all printed from these, so they cannot disagree.
 */
export interface OptionHelp {
  /** The long name, without dashes. */
  name: string;
  /** The placeholder of the option's value (`dir`, `n`); absent for a switch. */
  value?: string;
  description: string;
  /** What applies when the option is not given, as a reader would say it. */
  default?: string;
  /** Every value the option accepts, when the set is closed; completions offer them. */
  values?: readonly string[];
  /** Two command lines showing the option in use. */
  examples: readonly [string, string];
}

export interface Command {
  name: string;
  summary: string;
  /** The synopsis: the command's forms, its arguments and its options in brackets. */
  usage: string;
  /** The words a first argument may be (`verify`, `trail`), for commands that take an action. */
  actions?: readonly string[];
  /** Command lines showing the command itself, before its options' own examples. */
  examples?: readonly string[];
  /** Every option the command accepts, in the order its help lists them. */
  options: readonly OptionHelp[];
  run(args: readonly string[], io: CliIo): Promise<number> | number;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What `parseCommandArgs` returns: node:util's parsed values and positionals for `O`. */
export type ParsedCommandArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** node:util's message for an option it does not know names it as `'--name'` (or `'-x'`). */
const UNKNOWN_OPTION = /^Unknown option '(--?[^'=]+)'/;

/** The parse error, with the closest accepted option when one is close to an unknown one. */
function usageMessage(error: Error, options: Options): string {
  const unknown = UNKNOWN_OPTION.exec(error.message)?.[1];
  if (unknown === undefined) return error.message;
  const accepted = Object.keys(options).map((name) => `--${name}`);
  const suggestion = suggest(unknown, accepted);
  if (suggestion !== undefined) return `unknown option '${unknown}'; did you mean '${suggestion}'?`;
  return accepted.length === 0 ? `unknown option '${unknown}'; this command takes no options` : `unknown option '${unknown}'; the options are ${accepted.join(", ")}`;
}

/** node:util parseArgs with unknown flags turned into UsageError. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error, options));
  }
}

/** Checks a command's first argument against its actions, suggesting the closest for a misspelt one. */
export function expectAction<A extends string>(value: string | undefined, actions: readonly A[]): A {
  if (value !== undefined && (actions as readonly string[]).includes(value)) return value as A;
  const list = actions.join(", ");
  if (value === undefined) throw new UsageError(`name the action: ${list}`);
  const suggestion = suggest(value, actions);
  throw new UsageError(`unknown action '${value}'; ${suggestion === undefined ? `use one of ${list}` : `did you mean '${suggestion}'?`}`);
}

/**
 * Checks the value of an option with a closed set of values (`--level`, `--view`); `what` names
 * the option in the message. A misspelt value gets the closest one.
 */
export function expectChoice<F extends string>(what: string, value: string | undefined, choices: readonly F[], fallback: F): F {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as F;
  const suggestion = suggest(value, choices);
  throw new UsageError(`unknown ${what} '${value}'; ${suggestion === undefined ? "" : `did you mean '${suggestion}'? `}use one of ${choices.join(", ")}`);
}

/** Checks a `--format` value against the formats a command supports. */
export function expectFormat<F extends string>(value: string | undefined, formats: readonly F[], fallback: F): F {
  return expectChoice("format", value, formats, fallback);
}
