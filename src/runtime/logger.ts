/**
 * The runtime's structured logger: one JSON object per line (`time`, `level`, `msg`, then the
 * entry's fields), so an operator's log pipeline reads retries, reconnects and refusals as data.
 * Components take a `Logger` as an option; tests pass one that records.
 */

/** How serious an entry is. */
export type LogLevel = "info" | "warn" | "error";

/** Fields of a log entry: plain values; an Error is written as its message. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Writes structured log entries. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options of `jsonLogger`. */
export interface JsonLoggerOptions {
  /** Receives each line, newline included. */
  write: (line: string) => void;
  /** Milliseconds since the epoch, for the `time` field (default: the system clock). */
  now?: () => number;
  /** Fields written on every entry, for example the worker's name. */
  base?: LogFields;
}

/** A logger writing one JSON object per line. */
export function jsonLogger(options: JsonLoggerOptions): Logger {
  const now = options.now ?? Date.now;
  const entry = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg, ...options.base };
    for (const [name, value] of Object.entries(fields)) record[name] = value instanceof Error ? value.message : value;
    options.write(`${JSON.stringify(record)}\n`);
  };
  return { info: entry("info"), warn: entry("warn"), error: entry("error") };
}

/** The default logger: JSON lines on the process's standard error. */
export function stderrLogger(base?: LogFields): Logger {
  return jsonLogger({ write: (line) => process.stderr.write(line), ...(base === undefined ? {} : { base }) });
}
