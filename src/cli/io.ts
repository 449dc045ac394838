/** What a command may touch of the outside world, so tests can run commands in-process. */

export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal. */
  isTTY: boolean;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
}

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  const noColor = io.env["NO_COLOR"];
  return io.isTTY && (noColor === undefined || noColor === "") && io.env["TERM"] !== "dumb";
}

/** A usage mistake: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit codes, the same for every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
