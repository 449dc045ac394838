/** What a command may touch of the outside world, so tests can run commands in-process. */
import { pino } from "pino";

export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal. */
  isTTY: boolean;
  /** True when stderr is a terminal: logs are printed for people there. */
  stderrIsTTY?: boolean;
  /**
   * Where a long-running command's logs go when not through `stderr`: the process's standard error
   * written asynchronously, so a reader that stops reading never blocks the command.
   */
  logDestination?: () => LogStream;
}

/** A stream log lines are written to: false from `write` asks the writer to wait for `drain`. */
export interface LogStream {
  write(text: string): boolean;
  once(event: "drain", listener: () => void): unknown;
  /** Writes out what is buffered before the process exits, as far as the destination takes it. */
  flushSync(): void;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    logDestination: () => pino.destination({ dest: 2, sync: false }),
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
