/** The shape of a CLI command: one file per command, parsing arguments and printing only. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type CliIo, UsageError } from "./io.ts";

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: readonly string[], io: CliIo): Promise<number> | number;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What `parseCommandArgs` returns: node:util's parsed values and positionals for `O`. */
export type ParsedCommandArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** node:util parseArgs with unknown flags turned into UsageError. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Checks a `--format` value against the formats a command supports. */
export function expectFormat<F extends string>(value: string | undefined, formats: readonly F[], fallback: F): F {
  if (value === undefined) return fallback;
  if ((formats as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`unknown format '${value}'; use one of ${formats.join(", ")}`);
}
